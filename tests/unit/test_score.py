"""The 自评表: written from the manifest, read back with every problem at its cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from archiver.manifest.loader import load_manifest
from archiver.manifest.model import Manifest
from archiver.score.model import SHEET_NAME
from archiver.score.sheet import write_score_workbook
from archiver.score.validate import read_scores

ANNUAL = Path(__file__).resolve().parents[2] / "manifests" / "annual-assessment.yaml"


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return load_manifest(ANNUAL).manifest


def blank(manifest: Manifest, tmp_path: Path) -> Path:
    out = tmp_path / "自评表.xlsx"
    write_score_workbook(manifest, "annual", out)
    return out


def row_of(path: Path, key: str) -> int:
    ws = load_workbook(path)[SHEET_NAME]
    return int(next(c.row for c in ws["A"] if str(c.value) == key))


def test_blank_sheet_has_every_item_points_and_formulas(manifest: Manifest, tmp_path: Path) -> None:
    path = blank(manifest, tmp_path)
    ws = load_workbook(path)[SHEET_NAME]
    ids = {str(c.value) for c in ws["A"]}
    assert {i.id for i in manifest.indicators_for("annual")} <= ids
    points = [ws.cell(row=c.row, column=3).value for c in ws["A"] if c.value in ("一", "二")]
    assert points == [17, 4]
    cat = row_of(path, "一")
    assert str(ws.cell(row=cat, column=6).value).startswith("=")
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
    assert ws.page_setup.fitToWidth == 1
    scores = read_scores(path, manifest, "annual")
    assert not scores.problems
    assert scores.total_points == sum(c.points or 0 for c in manifest.categories) == 100
    assert scores.total_score == 100


def test_scores_come_from_the_entered_deductions(manifest: Manifest, tmp_path: Path) -> None:
    path = blank(manifest, tmp_path)
    wb = load_workbook(path)
    ws = wb[SHEET_NAME]
    r = row_of(path, "1-1")
    ws.cell(row=r, column=4, value=1.5)
    ws.cell(row=r, column=5, value="方案未及时报送")
    cat_row = row_of(path, "一")
    ws.cell(row=cat_row, column=6, value=99)  # a tampered result is never trusted
    wb.save(path)
    scores = read_scores(path, manifest, "annual")
    assert not scores.problems
    first = scores.categories[0]
    assert (first.points, first.deducted, first.score) == (17, 1.5, 15.5)
    assert scores.total_score == 98.5
    assert scores.to_json()["total"] == {"points": 100, "deducted": 1.5, "score": 98.5}


def test_each_bad_cell_is_named(manifest: Manifest, tmp_path: Path) -> None:
    path = blank(manifest, tmp_path)
    wb = load_workbook(path)
    ws = wb[SHEET_NAME]
    rows = [cell.row for cell in ws["A"] if str(cell.value).startswith("1-")][:3]
    ws.cell(row=rows[0], column=4, value="两分")
    ws.cell(row=rows[1], column=4, value=-1)
    ws.cell(row=rows[2], column=4, value=20)
    ws.cell(row=rows[2], column=5, value="原因")
    ws.append(["99-9", "不存在的任务"])
    wb.save(path)
    messages = [str(p) for p in read_scores(path, manifest, "annual").problems]
    assert f"自评表.xlsx 工作表“自评表” D{rows[0]}:扣分不是数字(“两分”)" in messages
    assert any(f"D{rows[1]}:扣分不能是负数" in m for m in messages)
    assert any("超过分值 17" in m for m in messages)
    assert any("“99-9”不对应" in m for m in messages)


def test_missing_reason_renamed_sheet_merged_and_deleted_rows(
    manifest: Manifest, tmp_path: Path
) -> None:
    path = blank(manifest, tmp_path)
    wb = load_workbook(path)
    ws = wb[SHEET_NAME]
    r = row_of(path, "1-1")
    ws.cell(row=r, column=4, value=1)
    ws.merge_cells(f"E{r + 1}:E{r + 2}")
    ws.delete_rows(r + 3)
    wb.save(path)
    messages = [str(p) for p in read_scores(path, manifest, "annual").problems]
    assert any(f"E{r}:扣分大于 0 时必须填写扣分原因" in m for m in messages)
    assert any("合并单元格" in m for m in messages)
    assert any(m.startswith("自评表.xlsx 工作表“自评表”:缺少第") for m in messages)
    wb = load_workbook(path)
    wb[SHEET_NAME].title = "Sheet1"
    wb.save(path)
    (problem,) = read_scores(path, manifest, "annual").problems
    assert "找不到工作表“自评表”" in str(problem) and "Sheet1" in str(problem)


def test_corrupt_and_encrypted_files_get_a_message(manifest: Manifest, tmp_path: Path) -> None:
    bad = tmp_path / "自评表.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    (problem,) = read_scores(bad, manifest, "annual").problems
    assert "已损坏" in str(problem)
    bad.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    (problem,) = read_scores(bad, manifest, "annual").problems
    assert "密码" in str(problem)


def test_a_workbook_saved_by_libreoffice_with_a_formula_error(manifest: Manifest) -> None:
    path = Path(__file__).resolve().parents[1] / "resources" / "score" / "libreoffice-div0.xlsx"
    scores = read_scores(path, manifest, "annual")
    cells = sorted(p.cell or "" for p in scores.problems)
    assert cells == ["F2", "F60"]
    assert all("#DIV/0!" in str(p) for p in scores.problems)
    assert scores.total_score == 99  # from the entered 扣分, not the cached results

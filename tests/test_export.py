"""The 责任分工表 exports: open them back and look at a rendered page."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from archiver.engines.libreoffice import convert_batch
from archiver.manifest.loader import load_manifest
from tests.conftest import MANIFESTS

DEMO = MANIFESTS / "demonstration.yaml"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from click.testing import CliRunner

    from archiver.cli import cli

    out = tmp_path_factory.mktemp("export")
    docx, xlsx = out / "责任分工表.docx", out / "责任分工表.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "manifest",
            "export",
            str(DEMO),
            "--level",
            "municipal",
            "--docx",
            str(docx),
            "--xlsx",
            str(xlsx),
        ],
    )
    assert result.exit_code == 0, result.output
    return docx, xlsx


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_docx_lists_every_indicator(exported: tuple[Path, Path]) -> None:
    docx, _ = exported
    doc = Document(str(docx))
    section = doc.sections[0]
    assert int(section.page_width or 0) > int(section.page_height or 0)  # landscape
    ids_in_tables = set()
    for table in doc.tables:
        header = table.rows[0]
        assert header.cells[0].text == "序号"
        trpr = header._tr.trPr
        assert trpr is not None and trpr.find(qn("w:tblHeader")) is not None  # on every page
        for row in table.rows[1:]:
            ids_in_tables.add(row.cells[1].text)
    manifest = load_manifest(DEMO).manifest
    expected = {i.id for i in manifest.indicators_for("municipal")}
    assert expected <= ids_in_tables
    text = docx_text(docx)
    assert "局法规调研科" in text and "不超过2000字" in text


def test_docx_unit_filter(tmp_path: Path, run: Callable[..., object]) -> None:
    out = tmp_path / "人事科.docx"
    result = run("manifest", "export", DEMO, "--unit", "局人事科", "--docx", out)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if "上报资料" in p.text and "、" in p.text]
    assert len(headings) == 1 and headings[0].startswith("一、局人事科")


def test_export_unknown_unit(tmp_path: Path, run: Callable[..., object]) -> None:
    result = run("manifest", "export", DEMO, "--unit", "局宣传科", "--docx", tmp_path / "x.docx")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "清单中没有单位“局宣传科”" in result.stderr  # type: ignore[attr-defined]


def test_export_needs_a_target(run: Callable[..., object]) -> None:
    result = run("manifest", "export", DEMO)
    assert result.exit_code == 2  # type: ignore[attr-defined]


def test_xlsx_one_row_per_material(exported: tuple[Path, Path]) -> None:
    _, xlsx = exported
    wb = load_workbook(str(xlsx))
    ws = wb.active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    header = [c.value for c in ws[1]]
    assert header[:5] == ["一级指标", "二级指标", "指标编号", "级别", "三级指标"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    manifest = load_manifest(DEMO).manifest
    inds = manifest.indicators_for("municipal")
    expected = sum(max(1, len(i.materials)) for i in inds)
    assert len(rows) == expected
    assert {r[2] for r in rows} == {i.id for i in inds}
    assert ws.column_dimensions["E"].width >= 40
    assert rows[0][4] and ws.cell(row=2, column=5).alignment.wrap_text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_docx_renders_with_cjk_fonts(
    exported: tuple[Path, Path], tmp_path: Path, libreoffice: Path
) -> None:
    docx, _ = exported
    (result,) = convert_batch([docx], tmp_path, timeout=180)
    assert result.pdf is not None, result.error
    reader = PdfReader(str(result.pdf))
    assert len(reader.pages) > 5
    first = reader.pages[0]
    assert first.mediabox.width > first.mediabox.height  # landscape
    text = first.extract_text()
    assert "责任分工表" in text and "局法规调研科" in text
    for page in reader.pages[:3]:
        resources: Any = page["/Resources"]
        fonts = resources["/Font"]
        for font in fonts.values():
            font = font.get_object()
            desc = (
                font.get("/FontDescriptor")
                or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            desc = desc.get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    png = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-f", "2", "-l", "2", "-png", str(result.pdf), str(png)],
        check=True,
        timeout=60,
    )
    pages = list(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 5000


def test_annual_export_shows_tasks_and_requirements(
    tmp_path: Path, run: Callable[..., object]
) -> None:
    annual = MANIFESTS / "annual-assessment.yaml"
    docx, xlsx = tmp_path / "年度.docx", tmp_path / "年度.xlsx"
    result = run("manifest", "export", annual, "--docx", docx, "--xlsx", xlsx)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    doc = Document(str(docx))
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header == ["序号", "编号", "工作任务", "工作要求", "共同负责"]
    manifest = load_manifest(annual).manifest
    first = manifest.indicators[0]
    assert first.requirement and first.requirement in docx_text(docx)
    ws = load_workbook(str(xlsx)).active
    names = [c.value for c in ws[1]]
    assert "工作要求" in names and "责任单位" in names
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 48
    assert rows[0][names.index("工作要求")] == first.requirement

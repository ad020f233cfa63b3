"""Freeze (定稿) with the real LibreOffice: build, freeze, add a file mid-volume, replace one
with a longer version, remove one, rebuild; then check numbers, content, 补页 and 补页清单."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from archiver.cli import cli
from tests import fixtures as fx
from tests.test_build import EPOCH, make_workspace, pdftext

LAW = "局法规调研科"
VOL1 = "01_政府职能依法全面履行.pdf"
REAL_PDF = Path(__file__).parent / "resources" / "freeze" / "two-different-pages.pdf"


def pages_pdf(path: Path, markers: list[str], work: Path) -> Path:
    """A PDF of one LibreOffice page per marker."""
    writer = PdfWriter()
    for i, marker in enumerate(markers):
        one = fx.pdf_from_text(work / f"{path.stem}-{i}.pdf", [marker], work)
        writer.append(str(one))
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def by_label(pdf: Path) -> dict[str, str]:
    """The body text of every numbered page, by its page label (stamp corner left out)."""
    reader = PdfReader(str(pdf))
    out = {}
    for i, label in enumerate(reader.page_labels):
        if re.fullmatch(r"\d+(-\d+)?", label):
            out[label] = " ".join(pdftext(pdf, i + 1, (0, 45, 595, 790)).split())
    return out


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, libreoffice: Path) -> Iterator[Any]:
    base = tmp_path_factory.mktemp("freeze")
    ws = make_workspace(base / "ws", base / "work")
    runner = CliRunner()
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        first, second = base / "out1", base / "out2"
        res = runner.invoke(cli, ["build", str(ws), "--out", str(first)])
        assert res.exit_code == 0, res.output
        res = runner.invoke(cli, ["freeze", str(first), "--workspace", str(ws)])
        assert res.exit_code == 0, res.output
        frozen_msg = res.output
        m1 = fx.folder(ws / "材料", LAW, "1", 1)
        (m1 / "清单10.pdf").unlink()  # removed
        (m1 / "清单2.pdf").unlink()  # replaced by a longer version (1 → 3 pages)
        pages_pdf(m1 / "清单2.pdf", ["MARK-NEW-A1", "MARK-NEW-A2", "MARK-NEW-A3"], base / "w")
        shutil.copyfile(REAL_PDF, m1 / "清单30.pdf")  # added: 2 pages by Google Docs
        res = runner.invoke(cli, ["build", str(ws), "--out", str(second)])
        assert res.exit_code == 0, res.output
        yield ws, first, second, frozen_msg, res.output
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def report_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    return data


def files_of(report: dict[str, Any], indicator: str, material: int) -> dict[str, list[str]]:
    entry = next(
        m for m in report["materials"] if (m["indicator"], m["material"]) == (indicator, material)
    )
    return {f["path"].rsplit("/", 1)[-1]: f["labels"] for f in entry["files"]}


def test_every_printed_page_keeps_its_number_and_content(scenario: Any) -> None:
    _, first, second, _, _ = scenario
    before, after = by_label(first / VOL1), by_label(second / VOL1)
    old = files_of(report_of(first), "1", 1)
    changed = set(old["清单2.pdf"]) | set(old["清单10.pdf"])
    assert set(before) <= set(after)  # no printed number disappears
    for label, text in before.items():
        if label not in changed:
            assert after[label] == text, label
    assert "MARK-NEW-A1" in after[old["清单2.pdf"][0]]
    (gone,) = old["清单10.pdf"]
    assert "本页材料已撤出" in after[gone] and "清单10" in after[gone].replace(" ", "")
    # the second volume did not change at all
    vol2 = "02_制度体系完善.pdf"
    assert report_of(first)["volumes"][1]["sha256"] == report_of(second)["volumes"][1]["sha256"]
    assert not (second / "补页" / vol2).exists()


def test_new_pages_carry_sub_page_numbers_in_labels_and_stamps(scenario: Any) -> None:
    _, first, second, _, _ = scenario
    old = files_of(report_of(first), "1", 1)
    now = files_of(report_of(second), "1", 1)
    a, b = old["清单2.pdf"][0], old["清单10.pdf"][0]
    assert now["清单2.pdf"] == [a, f"{a}-1", f"{a}-2"]
    assert now["清单30.pdf"] == [f"{b}-1", f"{b}-2"]
    pdf = second / VOL1
    reader = PdfReader(str(pdf))
    labels = reader.page_labels
    for label in (f"{a}-1", f"{b}-2"):
        i = labels.index(label)
        corner = pdftext(pdf, i + 1, (595 - 130, 0, 130, 80)).split()
        assert corner == [label]  # the stamp prints the sub-page number
    body = pdftext(pdf, labels.index(f"{b}-2") + 1, (0, 45, 595, 790)).split()
    assert body == pdftext(REAL_PDF, 2).split()  # the added file's second page


def test_supplement_holds_exactly_the_pages_to_print(scenario: Any) -> None:
    _, first, second, _, _ = scenario
    old = files_of(report_of(first), "1", 1)
    a, b = old["清单2.pdf"][0], old["清单10.pdf"][0]
    sup = second / "补页" / VOL1
    reader = PdfReader(str(sup))
    numbered = [lab for lab in reader.page_labels if re.fullmatch(r"\d+(-\d+)?", lab)]
    assert numbered == [a, f"{a}-1", f"{a}-2", b, f"{b}-1", f"{b}-2"]
    full = by_label(second / VOL1)
    for i, label in enumerate(reader.page_labels):
        if label in numbered:
            text = " ".join(pdftext(sup, i + 1, (0, 45, 595, 790)).split())
            assert text == full[label]
    names = set(reader.page_labels) - set(numbered)
    assert {"卷内目录", "卷内备考表"} <= names
    backnote = pdftext(sup, reader.page_labels.index("卷内备考表") + 1)
    assert "补充" in backnote and "移出" in backnote and "2021-04-01" in backnote
    contents = pdftext(sup, reader.page_labels.index("卷内目录") + 1)
    assert f"{b}-1" in contents and "已撤出" in contents


def test_supplement_list_says_where_pages_go(scenario: Any) -> None:
    _, first, second, _, _ = scenario
    old = files_of(report_of(first), "1", 1)
    a = old["清单2.pdf"][0]
    text = " ".join(pdftext(second / "补页清单.pdf", 1).split())
    assert "补页清单" in text and VOL1.removesuffix(".pdf") in text.replace(" ", "")
    assert "替换原卷内目录" in text
    assert (second / "补页清单.docx").is_file()
    report = report_of(second)
    assert report["frozen"]["added_pages"] == 4
    assert f"补页/{VOL1}" in report["frozen"]["supplement_files"]
    # the replaced page is to be taken out
    assert a in text


def test_verify_status_and_summary(scenario: Any) -> None:
    ws, _, second, frozen_msg, build_out = scenario
    runner = CliRunner()
    assert "已定稿" in frozen_msg
    assert "定稿后新增 4 页" in build_out and "补页清单" in build_out
    ok = runner.invoke(cli, ["verify", str(second)])
    assert ok.exit_code == 0, ok.output
    status = runner.invoke(cli, ["status", str(ws)])
    assert "已定稿" in status.output and "新增 4 页" in status.output
    pdf = second / "00_索引卷.pdf"
    index = "".join(pdftext(pdf, i + 1) for i in range(len(PdfReader(str(pdf)).pages)))
    old = files_of(report_of(second), "1", 1)
    first_label, last_label = old["清单2.pdf"][0], old["清单30.pdf"][-1]
    assert f"{first_label}–{last_label}" in index  # the index shows the sub-page range
    links = [
        a.get_object()["/A"]["/D"][0]
        for page in PdfReader(str(pdf)).pages
        for a in page.get("/Annots", [])
    ]
    labels = PdfReader(str(second / VOL1)).page_labels
    assert labels.index(first_label) in links  # its link opens the page printed so


def test_bad_input_and_undo(scenario: Any, tmp_path: Path) -> None:
    ws, _, second, _, _ = scenario
    runner = CliRunner()
    again = runner.invoke(cli, ["freeze", str(second), "--workspace", str(ws)])
    assert again.exit_code != 0 and "不能再次定稿" in again.output
    stray = tmp_path / "not-a-build"
    stray.mkdir()
    bad = runner.invoke(cli, ["freeze", str(stray), "--workspace", str(ws)])
    assert bad.exit_code != 0 and "不是组卷结果" in bad.output
    manifest = ws.parent / "manifest.yaml"
    original = manifest.read_bytes()
    manifest.write_bytes(original + "# 定稿后改动\n".encode())
    try:
        changed = runner.invoke(cli, ["build", str(ws), "--out", str(tmp_path / "o")])
        assert changed.exit_code != 0 and "指标清单已改变" in changed.output
        assert not (tmp_path / "o").exists()
    finally:
        manifest.write_bytes(original)
    renumbered = tmp_path / "renumbered"
    res = runner.invoke(cli, ["build", str(ws), "--out", str(renumbered), "--renumber"])
    assert res.exit_code == 0 and "已取消定稿" in res.output
    labels = PdfReader(str(renumbered / VOL1)).page_labels
    numbered = [lab for lab in labels if re.fullmatch(r"\d+(-\d+)?", lab)]
    assert numbered == [str(i) for i in range(1, len(numbered) + 1)]
    assert not (renumbered / "补页").exists()
    kept = list((ws / ".archiver").glob("frozen-undone-*.json"))
    assert kept, "the frozen record is set aside, never deleted"
    undo = runner.invoke(cli, ["freeze", "--undo", "--workspace", str(ws)])
    assert undo.exit_code == 0 and "没有定稿" in undo.output

"""Office files prepared for printing: tracked changes accepted, comments gone, 台账 page setup.

Real files written by Word, Excel and LibreOffice (tests/resources/README.md), converted by
the real LibreOffice; what is asserted is what ends up in the PDF (pdftotext, page sizes,
bookmarks, colours on the rendered page).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from archiver.engines.docxprep import accept_xml
from archiver.engines.officeprep import (
    PreparedOffice,
    has_tracked_changes,
    prepare_batch,
    prepare_docx,
    prepare_sheet,
)
from archiver.engines.sheetprep import sheet_pages
from archiver.errors import InputFileError

RESOURCES = Path(__file__).parent / "resources" / "office"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
needs_lo = pytest.mark.usefixtures("libreoffice")  # marked `libreoffice` (tests/conftest.py)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("delins.docx", True),  # Word: insertions, deletions, formatting changes
        ("testComment.docx", False),  # Word: a comment is no tracked change
        ("comment.docx", False),  # LibreOffice: a comment
        ("bug56075-changeTracking_on.docx", False),  # tracking switched on, nothing changed
        ("MarkAuthorsTable.doc", True),  # Word 97-2003 with revisions
        ("Lists.doc", False),  # has a revision author table, but no revision left
        ("TwoSheetsOneHidden.xlsx", False),
    ],
)
def test_detector_on_real_files(name: str, expected: bool) -> None:
    path = RESOURCES / name
    assert has_tracked_changes(path, path.suffix[1:]) is expected


def test_detector_refuses_damaged_docx(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes((RESOURCES / "delins.docx").read_bytes()[:3000])
    with pytest.raises(InputFileError, match=r"bad\.docx"):
        has_tracked_changes(bad, "docx")


def _body(xml: str) -> etree._Element:
    doc = f'<w:document xmlns:w="{W_NS}"><w:body>{xml}</w:body></w:document>'
    return etree.fromstring(accept_xml(doc.encode()))


def _texts(root: etree._Element) -> list[str]:
    w = f"{{{W_NS}}}"
    return ["".join(t.text or "" for t in p.iter(w + "t")) for p in root.iter(w + "p")]


def test_accept_insertions_deletions_moves() -> None:
    root = _body(
        '<w:p><w:r><w:t>保留</w:t></w:r><w:ins w:id="1"><w:r><w:t>插入</w:t></w:r></w:ins>'
        '<w:del w:id="2"><w:r><w:delText>删除</w:delText></w:r></w:del>'
        '<w:moveFrom w:id="3"><w:r><w:t>移走</w:t></w:r></w:moveFrom>'
        '<w:moveTo w:id="4"><w:r><w:t>移来</w:t></w:r></w:moveTo></w:p>'
    )
    assert _texts(root) == ["保留插入移来"]
    assert b"delText" not in etree.tostring(root)


def test_accept_keeps_new_formatting_and_drops_comments() -> None:
    root = _body(
        '<w:p><w:commentRangeStart w:id="0"/><w:r><w:rPr><w:b/><w:rPrChange w:id="5">'
        '<w:rPr/></w:rPrChange></w:rPr><w:t>加粗</w:t></w:r><w:commentRangeEnd w:id="0"/>'
        '<w:r><w:commentReference w:id="0"/></w:r></w:p>'
    )
    xml = etree.tostring(root).decode()
    assert "<w:b/>" in xml
    assert "rPrChange" not in xml and "comment" not in xml


def test_deleted_paragraph_mark_joins_paragraphs_and_deleted_row_goes() -> None:
    root = _body(
        '<w:p><w:pPr><w:rPr><w:del w:id="1"/></w:rPr></w:pPr><w:r><w:t>前半</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>后半</w:t></w:r></w:p>"
        '<w:tbl><w:tr><w:trPr><w:del w:id="2"/></w:trPr><w:tc><w:p><w:r><w:t>删行</w:t></w:r>'
        "</w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>留行</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    assert _texts(root) == ["前半后半", "留行"]


def _pdf(src: Path, outdir: Path) -> Path:
    from archiver.engines.libreoffice import convert_batch

    (res,) = convert_batch([src], outdir)
    assert res.pdf is not None, res.error
    return res.pdf


def _text(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _markup_pixels(pdf: Path, tmp: Path) -> int:
    """Pixels in LibreOffice's change-author colours (yellow/orange, not link blue)."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp)])
    (png,) = tmp.parent.glob(tmp.name + "*.png")
    data = Image.open(png).convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 150 and g > 90 and b < 90 and r - b > 100)


@needs_lo
def test_tracked_changes_printed_accepted(tmp_path: Path) -> None:
    src = RESOURCES / "delins.docx"
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    original = tmp_path / "orig" / "delins.docx"
    original.parent.mkdir()
    shutil.copyfile(src, original)
    prepared = prepare_docx(src, tmp_path / "delins.docx")
    assert prepared.tracked_changes and prepared.notes
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    as_is = _pdf(original, tmp_path / "a")
    final = _pdf(prepared.path, tmp_path / "b")
    deleted, inserted = "Tika Waylan", "March 2009: Apache Tika Release"
    assert deleted in _text(as_is) and inserted in _text(as_is)  # LibreOffice prints markup
    assert deleted not in _text(final) and inserted in _text(final)
    assert _markup_pixels(as_is, tmp_path / "a" / "p") > 200
    assert _markup_pixels(final, tmp_path / "b" / "p") == 0


@needs_lo
def test_comments_not_printed(tmp_path: Path) -> None:
    prepared = prepare_docx(RESOURCES / "testComment.docx", tmp_path / "c.docx")
    assert not prepared.tracked_changes  # nothing rewritten: a plain copy
    text = _text(_pdf(prepared.path, tmp_path / "o"))
    assert "this is a comment paragraph!" in text.replace("\n", " ")
    assert "comment content" not in text and "omment content" not in text


def _ledger(path: Path) -> list[str]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["劳动保障监察案件台账"])
    ws.merge_cells("A1:P1")
    ws.append([f"栏目{i + 1}" for i in range(16)])
    cells = []
    for r in range(300):
        row = [str(r + 1)] + [f"拖欠劳动者工资报酬案件处理{r}-{c}" for c in range(1, 16)]
        cells += row
        ws.append(row)
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "隐藏表不打印"
    hidden.sheet_state = "hidden"
    wb.create_sheet("空表")
    summary = wb.create_sheet("汇总")
    summary.append(["单位", "件数"])
    summary.append(["局劳动保障监察科", 3])
    wb.save(path)
    return cells


@needs_lo
def test_ledger_prints_every_column_and_all_text(tmp_path: Path) -> None:
    cells = _ledger(tmp_path / "ledger.xlsx")
    plain = _pdf(tmp_path / "ledger.xlsx", tmp_path / "a")
    prepared = prepare_sheet(tmp_path / "ledger.xlsx", tmp_path / "p" / "ledger.xlsx")
    assert prepared.sheets == ["台账", "汇总"]
    final = _pdf(prepared.path, tmp_path / "b")
    from pypdf import PdfReader

    def pages(pdf: Path) -> list[str]:
        return [_text(pdf, "-f", str(i), "-l", str(i)) for i in range(1, 1 + pages_of(pdf))]

    def pages_of(pdf: Path) -> int:
        return len(PdfReader(str(pdf)).pages)

    ledger_pages = pages(final)[:-1]  # the last page is the 汇总 sheet
    # before: some pages lack the right-hand columns; after: every page has all 16 headers
    assert any("栏目16" not in p for p in pages(plain)[:-1])
    for page in ledger_pages:
        assert all(f"栏目{i}" in page for i in range(1, 17)), page[:200]
    # every character of every cell is printed (cut text loses characters)
    printed = Counter("".join(ledger_pages).replace("\n", "").replace(" ", ""))
    wanted = Counter("".join(cells))
    assert all(printed[ch] >= n for ch, n in wanted.items())
    reader = PdfReader(str(final))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert "隐藏表不打印" not in _text(final)
    marks = sheet_pages(final)
    assert [name for name, _ in marks] == ["台账", "汇总"]
    assert marks[0][1] == 0 and marks[1][1] == len(reader.pages) - 1


@needs_lo
def test_real_excel_sheet_fits_the_width(tmp_path: Path) -> None:
    """51626_contact.xlsx (Excel): 20 columns; LibreOffice printed it as 3 pages across."""
    src = tmp_path / "in" / "contact.xlsx"
    src.parent.mkdir()
    shutil.copyfile(RESOURCES / "51626_contact.xlsx", src)
    prepared = prepare_sheet(src, tmp_path / "contact.xlsx")
    assert prepared.sheets == ["Sheet1"]  # Sheet2 and Sheet3 are empty
    from pypdf import PdfReader

    before = len(PdfReader(str(_pdf(src, tmp_path / "a"))).pages)
    after = PdfReader(str(_pdf(prepared.path, tmp_path / "b")))
    assert before > 1 and len(after.pages) == 1
    text = after.pages[0].extract_text()
    assert "First Name" in text and "E-Mail Address" in text and "XactNet Address" in text


def test_units_own_setup_and_print_area_are_kept(tmp_path: Path) -> None:
    import openpyxl

    prepared = prepare_sheet(RESOURCES / "AverageTaxRates.xlsx", tmp_path / "a.xlsx")
    orig = openpyxl.load_workbook(RESOURCES / "AverageTaxRates.xlsx")
    new = openpyxl.load_workbook(prepared.path)
    for a, b in zip(orig.worksheets, new.worksheets, strict=True):
        assert a.page_setup.orientation == b.page_setup.orientation
        assert a.page_setup.fitToHeight == b.page_setup.fitToHeight
    prepared = prepare_sheet(RESOURCES / "56644.xlsx", tmp_path / "b.xlsx")
    area = openpyxl.load_workbook(prepared.path)["samplelist"].print_area
    assert area is not None and "$A$1:$J$32" in str(area)


@needs_lo
def test_batch_with_binary_files(tmp_path: Path) -> None:
    names = ["MarkAuthorsTable.doc", "Lists.doc", "TwoSheetsOneHidden.xls", "delins.docx"]
    work = tmp_path / "in"
    work.mkdir()
    for n in names:
        shutil.copyfile(RESOURCES / n, work / n)
    results = prepare_batch([(work / n, n.rsplit(".", 1)[1]) for n in names], tmp_path / "prep")
    doc, lists, xls, docx = results
    assert isinstance(doc, PreparedOffice) and doc.tracked_changes
    assert doc.path.suffix == ".docx" and not has_tracked_changes(doc.path, "docx")
    assert isinstance(lists, PreparedOffice) and lists.path == work / "Lists.doc"  # untouched
    assert isinstance(xls, PreparedOffice) and xls.sheets == ["Sheet2"]  # Sheet1 is hidden
    assert isinstance(docx, PreparedOffice) and docx.tracked_changes
    with zipfile.ZipFile(docx.path) as zf:
        assert b"<w:del " not in zf.read("word/document.xml")


def test_no_tracked_changes_costs_a_copy(tmp_path: Path) -> None:
    src = RESOURCES / "bug56075-changeTracking_on.docx"
    prepared = prepare_docx(src, tmp_path / "x.docx")
    assert prepared.path.read_bytes() == src.read_bytes()
    assert not prepared.notes


def test_shared_string_bomb_is_left_alone(tmp_path: Path) -> None:
    import time

    src = RESOURCES / "poc-shared-strings.xlsx"
    start = time.perf_counter()
    prepared = prepare_sheet(src, tmp_path / "bomb.xlsx")
    assert time.perf_counter() - start < 20
    assert prepared.path.read_bytes() == src.read_bytes()
    assert prepared.notes and "异常" in prepared.notes[0]


def test_workbook_with_charts_is_not_rewritten(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    for row in [["单位", "件数"], ["局办公室", 3], ["局人事科", 5]]:
        ws.append(row)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    ws.add_chart(chart, "D2")
    wb.save(tmp_path / "chart.xlsx")
    prepared = prepare_sheet(tmp_path / "chart.xlsx", tmp_path / "out" / "chart.xlsx")
    assert prepared.path.read_bytes() == (tmp_path / "chart.xlsx").read_bytes()
    assert "图表" in prepared.notes[0]

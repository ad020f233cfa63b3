"""GB/T 9704-2012 layout helpers for the Word documents archiver writes.

The fonts named are the ones Chinese government offices have on Windows (仿宋_GB2312,
方正小标宋简体, 黑体, 楷体_GB2312). Linux has none of them: when LibreOffice renders our
documents, ``archiver/resources/fonts.conf`` maps each to a free CJK font (see
``engines/fonts.py``), so the PDF uses a font that exists and every glyph is embedded.
"""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"

# 号 → points
SIZE_2 = Pt(22)
SIZE_3 = Pt(16)
SIZE_4 = Pt(14)
SIZE_XIAO4 = Pt(12)
SIZE_5 = Pt(10.5)


# Pages archiver binds into every volume (covers, contents, 备考表, placeholders) take
# their digits and Latin letters from the Chinese font itself: one embedded font subset
# per page set instead of two keeps the archive small (see docs/performance.md).
LATIN_FOR_BOUND_PAGES: str | None = None


def set_run_font(
    run: object,
    east_asian: str,
    size: Pt | None = None,
    bold: bool = False,
    latin: str | None = LATIN,
) -> None:
    """Set the East Asian and Latin fonts of a run (python-docx only sets the Latin one).

    ``latin=None`` uses the East Asian font for Latin text too.
    """
    latin = latin or east_asian
    font = run.font  # type: ignore[attr-defined]
    font.name = latin
    if size is not None:
        font.size = size
    font.bold = bold
    rpr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)


def set_style_font(style: object, east_asian: str, size: Pt) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = LATIN
    font.size = size
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asian)


def page_setup(section: object, landscape: bool = False) -> None:
    """A4 with the GB/T 9704 margins (top 37 mm, left 28 mm, text block 156 × 225 mm)."""
    s = section
    if landscape:
        s.orientation = WD_ORIENT.LANDSCAPE  # type: ignore[attr-defined]
        s.page_width, s.page_height = Mm(297), Mm(210)  # type: ignore[attr-defined]
        s.top_margin, s.bottom_margin = Mm(28), Mm(26)  # type: ignore[attr-defined]
        s.left_margin, s.right_margin = Mm(37), Mm(35)  # type: ignore[attr-defined]
    else:
        s.orientation = WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
        s.page_width, s.page_height = Mm(210), Mm(297)  # type: ignore[attr-defined]
        s.top_margin, s.bottom_margin = Mm(37), Mm(35)  # type: ignore[attr-defined]
        s.left_margin, s.right_margin = Mm(28), Mm(26)  # type: ignore[attr-defined]


def add_page_number_footer(section: object) -> None:
    """Footer “— N —” in 4号宋体, centred (a field, so Word and LibreOffice fill it in)."""
    footer = section.footer  # type: ignore[attr-defined]
    para = footer.paragraphs[0]
    para.alignment = 1
    for text, field in (("— ", None), (None, "PAGE"), (" —", None)):
        run = para.add_run()
        set_run_font(run, SONGTI, SIZE_4)
        if field is None:
            run.text = text
            continue
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {field} "
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._element.append(begin)
        run._element.append(instr)
        run._element.append(end)


def repeat_header_row(row: object) -> None:
    """Mark a table row as a header repeated at the top of every page."""
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def cant_split_row(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def shade_cell(cell: object, hex_fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tcpr.append(shd)


def center_table(table: object) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER  # type: ignore[attr-defined]


def write_cell(
    cell: object,
    text: str,
    font: str = FANGSONG,
    size: Pt = SIZE_5,
    bold: bool = False,
    align: int | None = None,
    latin: str | None = LATIN,
) -> None:
    """Replace a cell's text with one paragraph per line, in the given font."""
    cell.text = ""  # type: ignore[attr-defined]
    lines = text.split("\n") if text else [""]
    para = cell.paragraphs[0]  # type: ignore[attr-defined]
    for i, line in enumerate(lines):
        if i:
            para = cell.add_paragraph()  # type: ignore[attr-defined]
        if align is not None:
            para.alignment = align
        pf = para.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        run = para.add_run(line)
        set_run_font(run, font, size, bold, latin)


def set_column_widths(table: object, widths_mm: tuple[int, ...]) -> None:
    """Fixed column widths that both Word and LibreOffice honour (grid and every cell)."""
    table.autofit = False  # type: ignore[attr-defined]
    grid = table._tbl.tblGrid  # type: ignore[attr-defined]
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, w in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(w)


def set_document_language(doc: object) -> None:
    """Mark text as Simplified Chinese so renderers pick SC glyph forms and line breaking."""
    styles = doc.styles  # type: ignore[attr-defined]
    rpr = styles.element.find(qn("w:docDefaults"))
    if rpr is None:
        return
    rpr_default = rpr.find(qn("w:rPrDefault"))
    if rpr_default is None:
        return
    inner = rpr_default.find(qn("w:rPr"))
    if inner is None:
        return
    lang = inner.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        inner.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

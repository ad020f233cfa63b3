"""Links over the index's page numbers: each page range of the 总目录 opens its volume there.

LibreOffice's PDF of the index is read for where each page-range cell was printed (PDFium,
pypdfium2: a few milliseconds a page; pypdf's text visitor if PDFium cannot read it), and a
GoToR link annotation is laid over it in a fresh copy.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

Cell = tuple[int, str, float, float, float]  # page index, text, x, baseline y, font size

_PAGES = re.compile(r"^\d+(-\d+)?(–\d+(-\d+)?)?$")  # 7, 7–9, 15-1–15-3


def _pypdf_cells(reader: Any) -> list[Cell]:
    """Every page-range cell of the 页码 column, read by pypdf's text visitor."""
    cells: list[Cell] = []
    for index, page in enumerate(reader.pages):
        pieces: list[tuple[str, float, float, float]] = []

        def visit(
            text: str,
            cm: Any,
            tm: Any,
            font: Any,
            size: float,
            pieces: list[tuple[str, float, float, float]] = pieces,
        ) -> None:
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            pieces.append((text.strip(), x, y, size * (scale or 1)))

        page.extract_text(visitor_text=visit)
        cells += _cells_of(index, pieces)
    return cells


def _cells_of(index: int, pieces: list[tuple[str, float, float, float]]) -> list[Cell]:
    """The page-range cells among one page's text runs (text, x, baseline y, size).

    The column starts halfway between the “卷” and “页码” headers repeated on every page of
    the table (a page without them holds no entries); runs on one baseline are joined, since
    a renderer may write “12–15” in several pieces.
    """
    cells: list[Cell] = []
    heads = {t: x for t, x, _, _ in pieces if t in ("卷", "页码")}
    if len(heads) < 2:
        return cells  # not a page of the 总目录 table
    left = (heads["卷"] + heads["页码"]) / 2
    lines: dict[int, list[tuple[str, float, float, float]]] = {}
    for t, x, y, size in pieces:
        if x >= left:
            lines.setdefault(round(y), []).append((t, x, y, size))
    for _, parts in sorted(lines.items(), key=lambda kv: -kv[0]):
        parts.sort(key=lambda p: p[1])
        text = "".join(p[0] for p in parts)
        if _PAGES.match(text):
            cells.append((index, text, parts[0][1], parts[0][2], parts[0][3]))
    return cells


def page_cells(source: Path, reader: Any) -> list[Cell]:
    """Every page-range cell of the 页码 column (see :func:`_cells_of`), PDFium first."""
    try:
        return _pdfium_cells(source)
    except Exception:  # a PDF PDFium cannot read, or no PDFium: pypdf reads it
        return _pypdf_cells(reader)


def _pdfium_cells(source: Path) -> list[Cell]:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    cells: list[Cell] = []
    doc = pdfium.PdfDocument(str(source))
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            chars = []
            x, y = ctypes.c_double(), ctypes.c_double()
            for c in range(textpage.count_chars()):
                char = chr(raw.FPDFText_GetUnicode(textpage, c))
                if not char.strip() or not raw.FPDFText_GetCharOrigin(textpage, c, x, y):
                    continue
                chars.append((char, x.value, y.value, raw.FPDFText_GetFontSize(textpage, c)))
            textpage.close()
            page.close()
            cells += _cells_of(index, _runs(chars))
    finally:
        doc.close()
    return cells


def _runs(
    chars: list[tuple[str, float, float, float]],
) -> list[tuple[str, float, float, float]]:
    """Characters joined into runs: the same baseline, no gap wider than half an em."""
    runs: list[list[Any]] = []
    for char, x, y, size in sorted(chars, key=lambda c: (-round(c[2]), c[1])):
        last = runs[-1] if runs else None
        if last and round(last[2]) == round(y) and x - last[4] <= size * 0.5:
            last[0] += char
            last[4] = x + size
        else:
            runs.append([char, x, y, size, x + size])
    return [(t, x, y, size) for t, x, y, size, _ in runs]


def add_links(source: Path, target: Path, targets: list[tuple[str, tuple[str, int]]]) -> int:
    """Copy the index PDF, adding a GoToR link over each page range; return how many."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    reader = PdfReader(str(source))
    # a fresh writer: LibreOffice's random /ID, dates and XMP are left behind (reproducible)
    writer = PdfWriter()
    writer.append(reader, import_outline=True)
    pending = list(targets)
    count = 0
    for index, text, x, y, size in page_cells(source, reader):
        if not pending:
            break
        if pending[0][0] != text:
            continue  # not the entry expected next (a number in another cell): no link
        _, (file_name, page_index) = pending.pop(0)
        spec = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): TextStringObject(file_name),
                NameObject("/UF"): TextStringObject(file_name),
            }
        )
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/GoToR"),
                NameObject("/F"): spec,
                NameObject("/D"): ArrayObject([NumberObject(page_index), NameObject("/Fit")]),
                NameObject("/NewWindow"): BooleanObject(False),
            }
        )
        width = max(size * 0.6 * len(text), size * 2)
        rect = ArrayObject(
            [FloatObject(v) for v in (x - 2, y - size * 0.3, x + width + 2, y + size * 1.0)]
        )
        annot = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): rect,
                NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
                NameObject("/A"): action,
            }
        )
        page = writer.pages[index]
        if page.get("/Annots") is None:
            page[NameObject("/Annots")] = ArrayObject()
        annots: Any = page["/Annots"]
        annots.get_object().append(writer._add_object(annot))
        count += 1
    writer.add_metadata({"/Title": "索引卷", "/Producer": "archiver", "/Creator": "archiver"})
    writer.page_mode = "/UseOutlines"
    with target.open("wb") as fh:
        writer.write(fh)
    return count

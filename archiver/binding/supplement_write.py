"""Writing what a frozen build asks to print: ``补页/`` and ``补页清单.docx/.pdf``.

``补页/<volume file>`` holds only that volume's pages to print, copied from the full volume
(so they are the very same pages, stamps included), with page labels showing their printed
numbers. ``补页清单`` says, for each run of pages, where it goes in the bound copy and which
old pages to take out. Planning is ``supplement``'s; this module only writes.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from archiver.binding.supplement import PartSupplement
from archiver.engines import libreoffice
from archiver.errors import ExternalProgramError

FOLDER = "补页"
LIST_DOCX = "补页清单.docx"
LIST_PDF = "补页清单.pdf"


def write_pages(source: Path, sup: PartSupplement, target: Path) -> int:
    """Copy the supplement's pages of ``source`` into ``target``; return how many."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(source))
    writer = PdfWriter()
    writer.append(reader, pages=sup.pages, import_outline=False)
    position = 0
    for ins in sup.insertions:
        writer.add_outline_item(title=f"{ins.what}:{ins.after}", page_number=position)
        for label in ins.labels:  # none for a whole new volume: 1, 2, 3…
            # the viewer shows the printed number; a front page its name (卷内目录)
            writer.set_page_label(position, position, prefix=label or ins.what)
            position += 1
        position += 0 if ins.labels else len(ins.pages)
    writer.add_metadata({"/Title": f"补页 {sup.label}", "/Producer": "archiver"})
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        writer.write(fh)
    return len(writer.pages)


def page_digests(pdf: Path) -> list[str]:
    """A digest of each page's text: tells which index pages changed between two builds."""
    from pypdf import PdfReader

    if not pdf.is_file():
        return []
    reader = PdfReader(str(pdf))
    return [
        hashlib.sha256((p.extract_text() or "").encode()).hexdigest()[:16] for p in reader.pages
    ]


def rows_for(sups: list[PartSupplement]) -> list[list[str]]:
    """The rows of the 补页清单: 案卷, pages in the 补页 file, what, where, what to take out."""
    rows: list[list[str]] = []
    for sup in sups:
        at = 1
        for ins in sup.insertions:
            n = len(ins.pages)
            span = f"第 {at} 页" if n == 1 else f"第 {at}–{at + n - 1} 页"
            removed = "、".join(ins.remove) if ins.remove else "无(新增页)"
            rows.append([f"{sup.label}({sup.file})", span, ins.what, ins.after, removed])
            at += n
    return rows


def write_list(
    folder: Path, sups: list[PartSupplement], header: list[str], timeout: float
) -> list[str]:
    """补页清单.docx and .pdf in ``folder``; return their names."""
    from docx import Document
    from docx.shared import Pt

    from archiver.export import gbstyle

    doc = Document()
    gbstyle.set_document_language(doc)
    gbstyle.page_setup(doc.sections[0], landscape=True)
    title = doc.add_paragraph()
    gbstyle.set_run_font(title.add_run("补页清单"), gbstyle.XIAOBIAOSONG, Pt(22))
    for line in header:
        gbstyle.set_run_font(doc.add_paragraph().add_run(line), gbstyle.FANGSONG, Pt(12))
    rows = rows_for(sups)
    heads = ["案卷", "补页文件中的页", "内容", "插入位置", "取出的原页"]
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        gbstyle.write_cell(cell, text, font=gbstyle.HEITI)
    gbstyle.repeat_header_row(table.rows[0])
    for row in rows or [["(无需补页)", "", "", "", ""]]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            gbstyle.write_cell(cell, text)
    gbstyle.set_column_widths(table, (70, 35, 50, 55, 60))
    docx = folder / LIST_DOCX
    doc.save(str(docx))
    work = folder / ".list-work"
    (res,) = libreoffice.convert_batch([docx], work, timeout=timeout)
    if res.pdf is None:
        raise ExternalProgramError(f"无法生成补页清单 PDF:{res.error}")
    shutil.move(str(res.pdf), folder / LIST_PDF)
    shutil.rmtree(work, ignore_errors=True)
    return [LIST_DOCX, LIST_PDF]

"""The LibreOffice side of conversion, as plain functions: batches balanced across the cores,
the names the copies get, and plain text laid out as a Word document first."""

from __future__ import annotations

from pathlib import Path

from archiver.scan.inventory import ScannedFile


def balanced(files: list[ScannedFile], jobs: int) -> list[list[ScannedFile]]:
    """``files`` in at most ``jobs`` batches of about equal size in bytes, largest first."""

    def size(f: ScannedFile) -> int:
        return f.facts.size if f.facts else 0

    loads = [0] * max(1, jobs)
    batches: list[list[ScannedFile]] = [[] for _ in loads]
    for f in sorted(files, key=size, reverse=True):
        i = loads.index(min(loads))
        batches[i].append(f)
        loads[i] += size(f)
    return [b for b in batches if b]


def kind_of(f: ScannedFile) -> str:
    assert f.facts is not None
    return f.facts.kind


def copy_suffix(f: ScannedFile) -> str:
    assert f.facts is not None
    kind = f.facts.kind
    if kind == "txt":
        return ".docx"
    if kind in ("wps", "et"):
        return "." + kind
    return f.path.suffix.lower() or f".{kind}"


def office_error(error: str | None) -> str | None:
    if error is None:
        return None
    return f"LibreOffice 转换失败:{error}"


def text_to_docx(source: Path, out: Path) -> None:
    from docx import Document

    from archiver.export import gbstyle as g
    from archiver.wordcount import read_text_file

    doc = Document()
    g.set_style_font(doc.styles["Normal"], g.FANGSONG, g.SIZE_XIAO4)
    g.set_document_language(doc)
    g.page_setup(doc.sections[0])
    for line in read_text_file(source).splitlines():
        doc.add_paragraph(line)
    doc.save(str(out))


SHEETS = ("xlsx", "xls", "et", "ods")


def sheet_marks(f: ScannedFile, pdf: Path | None) -> list[tuple[str, int]]:
    """Where each printed sheet of a workbook begins (LibreOffice bookmarks them)."""
    from archiver.engines.sheetprep import sheet_pages

    if pdf is None or f.facts is None or f.facts.kind not in SHEETS:
        return []
    try:
        return sheet_pages(pdf)
    except Exception:  # no bookmarks to read is no reason to fail a conversion
        return []


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    return len(reader.pages)

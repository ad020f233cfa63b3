"""The text of a 情况说明 PDF (its 字数): PDFium for sound files, pypdf for damaged ones.

PDFium (pypdfium2) reads Chinese text about ten times as fast as pypdf; the 字数 must not
change with the reader. Files by other programs (tests/resources) and a 情况说明 written by
LibreOffice are read both ways and must count the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from archiver.engines import libreoffice as lo
from archiver.engines.pdfprep import probe_pdf
from archiver.scan import facts
from archiver.wordcount import count_paragraphs
from archiver.workspace.requirements import PLACEHOLDER_MARK

RESOURCES = Path(__file__).parent / "resources"
ALL = sorted((RESOURCES / "pdf").glob("*.pdf")) + sorted((RESOURCES / "freeze").glob("*.pdf"))
SOUND = [
    p
    for p in ALL
    if p.name not in ("ocrmypdf-invalid.pdf", "pypdf-r4-user-password.pdf")
    and not p.name.startswith("pdfjs-xref")
    and not p.name.startswith("pdfjs-scan")
]


def _words(text: str) -> int:
    return int(count_paragraphs(text.splitlines()).to_json()["words"])


def _pypdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    if reader.is_encrypted:
        reader.decrypt("")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.mark.parametrize("pdf", SOUND, ids=lambda p: p.name)
def test_pdfium_counts_what_pypdf_counts(pdf: Path) -> None:
    text = facts._pdfium_text(pdf)
    assert text is not None
    try:
        expected = _pypdf_text(pdf)
    except Exception:  # pypdf cannot read it without an extra (AES-256): PDFium can
        assert pdf.name == "pypdf-r6-owner-password.pdf"
        return
    assert _words(text) == _words(expected)


def test_a_chinese_explanation_by_libreoffice(libreoffice: Path, tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for _ in range(3):
        doc.add_paragraph("我局认真贯彻落实法治政府建设实施纲要,全年办理行政复议案件 12 件。")
    doc.add_paragraph("Rule of law: 2021 report.")
    src = tmp_path / "情况说明.docx"
    doc.save(str(src))
    (res,) = lo.convert_batch([src], tmp_path / "out")
    assert res.pdf is not None
    text = facts._pdfium_text(res.pdf)
    assert text is not None and "复议" in text
    assert _words(text) == _words(_pypdf_text(res.pdf))
    found = facts.examine(res.pdf, PLACEHOLDER_MARK, want_text=True)
    assert found.words is not None and found.words["east_asian"] >= 90


def test_a_damaged_pdf_is_read_by_pypdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """qpdf found it damaged: PDFium (C code in this process) is not given it."""
    source = RESOURCES / "pdf" / "pdfjs-xref-command-missing.pdf"
    assert probe_pdf(source).needs_repair
    called: list[Path] = []
    monkeypatch.setattr(facts, "_pdfium_text", lambda p: called.append(p))
    facts.examine(source, PLACEHOLDER_MARK, want_text=True)
    assert called == []
    sound = RESOURCES / "pdf" / "pikepdf-outlines.pdf"
    facts.examine(sound, PLACEHOLDER_MARK, want_text=True)
    assert called == [sound]  # the same path with a sound file does ask PDFium

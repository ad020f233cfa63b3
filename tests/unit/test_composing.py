"""archiver's Composer writes what docxcompose's writes (real Word and LibreOffice files)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docx import Document
from docxcompose.composer import Composer as Original

from archiver.binding.composing import Composer

OFFICE = Path(__file__).resolve().parent.parent / "resources" / "office"
FILES = ["ComplexNumberedLists.docx", "NumberingWOverrides.docx", "stress009.docx", "comment.docx"]


def _compose(cls: type, out: Path) -> dict[str, bytes]:
    master = Document()
    master.add_paragraph("汇编", style="Heading 1")
    composer = cls(master)
    for name in FILES:
        composer.append(Document(str(OFFICE / name)))
    composer.save(str(out))
    with zipfile.ZipFile(out) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_the_same_package_as_docxcompose(tmp_path: Path) -> None:
    ours = _compose(Composer, tmp_path / "ours.docx")
    theirs = _compose(Original, tmp_path / "theirs.docx")
    assert ours.keys() == theirs.keys()
    for name in ("word/document.xml", "word/styles.xml", "word/numbering.xml"):
        # docxcompose gives each list it copies a random w:nsid, whichever class runs it
        nsid = re.compile(rb'<w:nsid w:val="[0-9A-F]+"/>')
        assert nsid.sub(b"", ours[name]) == nsid.sub(b"", theirs[name]), name

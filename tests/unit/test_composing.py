"""archiver's Composer writes what docxcompose's writes (real Word and LibreOffice files)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
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


def _styled(n: int) -> Any:
    """A document with styles the master lacks, used together, one linked to a character style,
    and a Heading 1 of its own: docxcompose appends styles while it copies them."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    doc = Document()
    char = doc.styles.add_style(f"部门字符{n}", WD_STYLE_TYPE.CHARACTER)
    char.font.bold = True
    first = doc.styles.add_style(f"部门正文{n}", WD_STYLE_TYPE.PARAGRAPH)
    first.font.size = Pt(11 + n)
    link = first.element.makeelement(qn("w:link"), {qn("w:val"): char.style_id})
    first.element.append(link)
    second = doc.styles.add_style(f"部门标题{n}", WD_STYLE_TYPE.PARAGRAPH)
    second.base_style = first
    doc.styles["Heading 1"].font.size = Pt(30 + n)
    doc.add_paragraph("标题", style="Heading 1")
    para = doc.add_paragraph("正文", style=first)
    para.add_run("加粗", style=char)
    doc.add_paragraph("小标题", style=second)
    return doc


@pytest.mark.parametrize("preserve", [False, True])
def test_styles_added_while_composing(tmp_path: Path, preserve: bool) -> None:
    def compose(cls: type, out: Path) -> dict[str, bytes]:
        master = Document()
        master.add_paragraph("汇编", style="Heading 1")
        composer = cls(master, preserve_styles=preserve)
        for n in range(3):
            composer.append(_styled(n % 2))
        composer.save(str(out))
        with zipfile.ZipFile(out) as z:
            return {n: z.read(n) for n in ("word/document.xml", "word/styles.xml")}

    ours = compose(Composer, tmp_path / "ours.docx")
    theirs = compose(Original, tmp_path / "theirs.docx")
    assert ours == theirs


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    """Lists copied from the documents get a w:nsid each (so they restart), unique in the
    compilation, and the same ones in every build: no random identifiers in the output."""
    first = _compose(Composer, tmp_path / "first.docx")
    second = _compose(Composer, tmp_path / "second.docx")
    assert first == second
    nsids = re.findall(rb'<w:nsid w:val="([0-9A-F]+)"/>', first["word/numbering.xml"])
    assert len(nsids) > 4
    assert len(set(nsids)) == len(nsids)

"""A rendered page keeps the styles it uses and drops the rest (no LibreOffice: tests/unit).

That the pages print the same is checked where LibreOffice runs: the demo's volumes were
compared page by page as images (docs/performance.md); here, what the cut keeps.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docx import Document

from archiver import docxcompiled
from archiver.docxrender import jinja_env, render_docx
from archiver.docxstyles import STYLES, named_styles, slim_styles
from tests.unit.test_docxcompiled import _jobs

_ID = re.compile(rb'<w:style [^>]*w:styleId="([^"]*)"')


def _ids(styles: bytes) -> set[str]:
    return {m.decode() for m in _ID.findall(styles)}


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_a_page_keeps_the_styles_it_names_and_what_they_need(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("标题", style="Heading 1")  # based on Normal, linked to Heading1Char
    doc.add_paragraph("正文").add_run("强调").style = "Strong"
    doc.add_table(rows=1, cols=1).style = "Table Grid"
    src = tmp_path / "page.docx"
    doc.save(str(src))
    entries = _entries(src)
    before = _ids(entries[STYLES])
    slim = slim_styles(entries)
    assert slim is not None
    kept = _ids(slim)
    assert {"Heading1", "Heading1Char", "Strong", "TableGrid", "Normal"} <= kept
    assert {"DefaultParagraphFont", "TableNormal", "NoList"} <= kept  # each kind's default
    assert len(kept) < len(before) / 4  # python-docx's template defines 164
    assert b"w:latentStyles" in slim  # Word's gallery of built-in styles stays
    assert slim_styles({**entries, STYLES: slim}) is None  # nothing more to cut


def test_every_own_page_names_only_styles_it_has(tmp_path: Path) -> None:
    for n, job in enumerate(_jobs()):
        out = tmp_path / f"{n}.docx"
        render_docx(job.template, job.context, out)
        entries = _entries(out)
        assert named_styles(entries) <= _ids(entries[STYLES]), job.template


def test_page_sets_added_to_a_part_keep_their_styles(tmp_path: Path) -> None:
    """The front matter's document was cut to its own styles; a set added to it may use
    others of the same list: the package is cut again from the template's full list."""

    def template(name: str, text: str, style: str | None) -> docxcompiled.CompiledTemplate:
        doc = Document()
        doc.add_paragraph(text, style=style)
        path = tmp_path / name
        doc.save(str(path))
        made = docxcompiled.compiled(path, path.read_bytes(), jinja_env)
        assert made is not None
        return made

    front = template("front.docx", "{{ title }}", None)
    sheaf = template("sheaf.docx", "{{ heading }}", "Heading 1")
    assert docxcompiled.compatible(front, sheaf)
    package = tmp_path / "package.docx"
    front.write(front.render({"title": "封面"}), package)
    assert "Heading1" not in _ids(_entries(package)[STYLES])  # cut to what the front uses
    joined = tmp_path / "joined.docx"
    assert docxcompiled.append_sets(package, sheaf, [{"heading": "占位"}], ["set1"], joined)
    entries = _entries(joined)
    assert {"Heading1", "Heading1Char"} <= _ids(entries[STYLES])
    assert named_styles(entries) <= _ids(entries[STYLES])

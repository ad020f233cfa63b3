"""The compiled-template path makes the package docxtpl makes (tests/unit: no LibreOffice)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from archiver import docxcompiled
from archiver.binding.pages import (
    VolumeInfo,
    backnote_job,
    contents_job,
    cover_job,
    placeholder_job,
)
from archiver.binding.parts import split_parts
from archiver.binding.render import RenderJob
from archiver.docxrender import TEMPLATES, TemplateError, render_docx
from tests.unit import factory as f
from tests.unit.test_parts import planned


def _jobs() -> list[RenderJob]:
    plan = planned({("1", 1): 3})
    (part, *_rest) = split_parts(plan, cap=300)
    when = dt.date(2021, 3, 4)
    info = VolumeInfo("测试局", "测试 & <题名>", "永久", "J001", "张三", "李四", when)
    jobs = [cover_job(info, part), contents_job(info, part), backnote_job(info, part)]
    lay = f.layout()
    for section in part.sections:
        for doc in section.docs:
            if doc.kind == "missing":
                jobs.append(placeholder_job(doc, section, "材料", lay))
    return jobs


def _slow(job: RenderJob, out: Path) -> None:
    """docxtpl alone: the compiled path switched off."""
    saved = docxcompiled.compiled
    docxcompiled.compiled = lambda *a: None
    try:
        render_docx(job.template, job.context, out)
    finally:
        docxcompiled.compiled = saved


def _content(path: Path) -> list[Any]:
    doc = Document(str(path))
    body = [p.text for p in doc.paragraphs]
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    heads = [p.text for s in doc.sections for p in (*s.header.paragraphs, *s.footer.paragraphs)]
    return [body, cells, heads]


def test_every_own_page_renders_as_docxtpl_renders_it(tmp_path: Path) -> None:
    jobs = _jobs()
    own = {"案卷封面.docx", "卷内目录.docx", "备考表.docx", "占位页.docx"}
    assert {j.template for j in jobs} >= own
    for n, job in enumerate(jobs):
        fast, slow = tmp_path / f"{n}-fast.docx", tmp_path / f"{n}-slow.docx"
        render_docx(job.template, job.context, fast)
        _slow(job, slow)
        assert _content(fast) == _content(slow), job.template
        assert "测试 &amp; &lt;题名&gt;".encode() in zipfile.ZipFile(fast).read(
            "word/document.xml"
        ) or job.template not in ("案卷封面.docx",)
        again = tmp_path / f"{n}-again.docx"
        render_docx(job.template, job.context, again)
        assert again.read_bytes() == fast.read_bytes()  # reproducible


def test_a_template_is_compiled_once_per_content(tmp_path: Path) -> None:
    name = "占位页.docx"
    data = (TEMPLATES / name).read_bytes()
    made = docxcompiled.compiled(TEMPLATES / name, data, lambda: __import__("jinja2").Environment())
    again = docxcompiled.compiled(TEMPLATES / name, data, lambda: None)
    assert made is not None and again is made


def test_errors_still_name_the_template_and_field(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="不存在的字段"):
        render_docx("占位页.docx", {"heading": "x"}, tmp_path / "x.docx")
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    broken = Document(str(TEMPLATES / "占位页.docx"))
    broken.add_paragraph("{% if %}")
    broken.save(str(ws / "templates" / "占位页.docx"))
    with pytest.raises(TemplateError, match="语法错误"):
        render_docx("占位页.docx", {"heading": "x", "lines": []}, tmp_path / "y.docx", ws)


def test_a_link_printed_only_looks_the_same_without_being_a_link(tmp_path: Path) -> None:
    """The index converted ahead (indexahead.py): hyperlinks as they print, on the fast path."""
    import re

    from archiver.docxrender import Link, printed_only, render_template_file

    template = tmp_path / "t.docx"
    doc = Document()
    doc.add_paragraph("第 {{r pages }} 页")
    doc.save(str(template))
    context = {"pages": Link("12–15", "01_%E5%8D%B7.pdf", size=9)}
    linked, printed = tmp_path / "linked.docx", tmp_path / "printed.docx"
    render_template_file(template, context, linked)
    render_template_file(template, printed_only(context), printed)

    def body(path: Path) -> str:
        with zipfile.ZipFile(path) as z:
            return z.read("word/document.xml").decode("utf-8")

    with_link, without = body(linked), body(printed)
    assert "<w:hyperlink" in with_link and "<w:hyperlink" not in without
    runs = re.compile(r"<w:r>.*?</w:r>", re.S)
    (a,) = [r for r in runs.findall(with_link) if "12–15" in r]
    (b,) = [r for r in runs.findall(without) if "12–15" in r]
    assert a == b  # the same run: colour, underline, size and text
    from archiver.docxrender import _has_url

    assert _has_url(context) and not _has_url(printed_only(context))  # so: the fast path


def test_a_parts_placeholders_join_its_front_matter(tmp_path: Path) -> None:
    """bundle.py: the shipped placeholder template fits the joined front matter, and the
    sets added to a rendered package start on new pages behind their bookmarks."""
    from archiver.docxrender import compiled_template

    front = docxcompiled.compiled(
        TEMPLATES / "案卷封面.docx", (TEMPLATES / "案卷封面.docx").read_bytes(), _env
    )
    sheet = compiled_template(TEMPLATES / "占位页.docx")
    index = compiled_template(TEMPLATES / "索引卷.docx")
    assert front is not None and sheet is not None and index is not None
    assert docxcompiled.compatible(front, sheet)
    assert not docxcompiled.compatible(front, index)  # other styles: two documents
    jobs = _jobs()
    cover, placeholders = jobs[0], [j for j in jobs if j.template == "占位页.docx"]
    assert placeholders
    package = tmp_path / "front.docx"
    render_docx(cover.template, cover.context, package)
    out = tmp_path / "part.docx"
    names = [f"archiverseg{3 + i}" for i in range(len(placeholders))]
    assert docxcompiled.append_sets(package, sheet, [j.context for j in placeholders], names, out)
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert all(f'w:name="{n}"' in xml for n in names)
    assert xml.count("<w:pageBreakBefore/>") >= len(placeholders)
    assert xml.count("<w:sectPr") == 1  # the sets join the package's one section
    assert Document(str(out)).paragraphs  # python-docx reads it


def _env() -> Any:
    from archiver.docxrender import jinja_env

    return jinja_env()

"""Render a part's cover, 卷内目录 and 备考表 as one LibreOffice document.

Each page set still comes from its own template, but the three are joined (docxcompose)
and converted together, so their pages share one subset of each Chinese font instead of
three: that keeps every part about 60 KB smaller. A Word bookmark at the start of each page
set becomes a PDF named destination (``ExportBookmarksToPDFDestination``), which says where
each set begins. When a LibreOffice does not write them, the sets are rendered one by one.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from archiver.binding.render import PageRenderer, RenderJob
from archiver.docxrender import render_docx, template_path
from archiver.fsutil import copy_atomic

MARKS = ("archiverseg0", "archiverseg1", "archiverseg2")
PDF_OPTIONS = json.dumps({"ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"}})


def bundle_key(renderer: PageRenderer, jobs: list[RenderJob]) -> str:
    h = hashlib.sha256(b"bundle-v1")
    for job in jobs:
        h.update(template_path(job.template, renderer.workspace).read_bytes())
        h.update(json.dumps(job.context, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:40]


def segments(pdf: Path) -> list[tuple[int, int]] | None:
    """Page ranges of the three page sets, from the named destinations; None if absent."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    found: dict[str, int] = {}
    for name, dest in reader.named_destinations.items():
        clean = name.lstrip("/")
        for mark in MARKS:
            page = reader.get_destination_page_number(dest)
            if clean == mark and page is not None:
                found[mark] = page
    if len(found) != len(MARKS):
        return None
    starts = [found[m] for m in MARKS]
    ends = [*starts[1:], len(reader.pages)]
    ranges = list(zip(starts, ends, strict=True))
    if starts[0] != 0 or any(b <= a for a, b in ranges):
        return None
    return ranges


def render_bundles(renderer: PageRenderer, bundles: list[list[RenderJob]]) -> None:
    """Fill in each job's ``pdf`` (the shared bundle), ``pages`` and ``segment``."""
    todo: dict[str, list[RenderJob]] = {}
    keys = []
    for jobs in bundles:
        key = bundle_key(renderer, jobs)
        keys.append(key)
        if not (renderer.cache / f"bundle-{key}.pdf").is_file():
            todo.setdefault(key, jobs)
    if todo:
        _convert(renderer, todo)
    fallback: list[RenderJob] = []
    for key, jobs in zip(keys, bundles, strict=True):
        pdf = renderer.cache / f"bundle-{key}.pdf"
        ranges = segments(pdf) if pdf.is_file() else None
        if ranges is None:
            fallback += jobs
            continue
        for i, (job, (start, end)) in enumerate(zip(jobs, ranges, strict=True)):
            job.pdf, job.pages, job.segment = pdf, end - start, (start, end)
            job.identity = f"bundle-{key}-{i}"
    if fallback:  # no named destinations from this LibreOffice: one document per page set
        renderer.render(fallback)


def _convert(renderer: PageRenderer, todo: dict[str, list[RenderJob]]) -> None:
    with tempfile.TemporaryDirectory(prefix="archiver-front-") as tmp:
        work = Path(tmp)
        sources = []
        for key, jobs in todo.items():
            sources.append(_compose(renderer, key, jobs, work))
        for res in renderer.convert(sources, work / "out", PDF_OPTIONS):
            assert res.pdf is not None
            copy_atomic(res.pdf, renderer.cache / f"bundle-{res.source.stem}.pdf")


def _compose(renderer: PageRenderer, key: str, jobs: list[RenderJob], work: Path) -> Path:
    """Render the three templates, mark where each starts, join them into one .docx."""
    from docx import Document
    from docxcompose.composer import Composer

    rendered = []
    for i, job in enumerate(jobs):
        path = work / f"{key}-{i}.docx"
        render_docx(job.template, job.context, path, renderer.workspace)
        doc = Document(str(path))
        first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
        _bookmark(first, MARKS[i], i)
        if i:
            first.paragraph_format.page_break_before = True
        rendered.append(doc)
    composer = Composer(rendered[0])
    for doc in rendered[1:]:
        composer.append(doc)
    out = work / f"{key}.docx"
    composer.save(str(out))
    return out


def _bookmark(paragraph: Any, name: str, ident: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(900 + ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(900 + ident))
    p = paragraph._p
    at = 1 if p.pPr is not None else 0  # w:pPr must stay the paragraph's first child
    p.insert(at, end)
    p.insert(at, start)

"""Render archiver's own pages of a part as few LibreOffice documents as possible.

LibreOffice spends about 0.1 s on every document it opens, however small, and little on
each further page of one, so page sets are joined before they are converted:

- a part's cover, 卷内目录 and 备考表 are one document (a *bundle*): the three templates are
  joined once (docxcompose) into one template, rendered per part with the three contexts;
  their pages share one subset of each Chinese font, which keeps every part ~60 KB smaller;
- a part's placeholders and pointer pages (all from one template) are one document (a
  *sheaf*): their rendered bodies joined, each page set starting on a new page.

All of them go to LibreOffice in one batch per core. A Word bookmark at the start of each
page set becomes a PDF named destination (``ExportBookmarksToPDFDestination``), which says
where each set begins; every job then names its document and its page range. Both are
cached by their content, per part, so a build makes the same documents whatever was built
before. When a LibreOffice writes no named destinations, the sets are rendered one by one.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archiver.binding.render import PageRenderer, RenderJob
from archiver.docxrender import (
    TemplateError,
    compiled_template,
    render_docx,
    render_template_file,
    template_path,
)
from archiver.fsutil import copy_atomic

PDF_OPTIONS = json.dumps({"ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"}})


def marks(n: int) -> list[str]:
    return [f"archiverseg{i}" for i in range(n)]


def bundle_key(renderer: PageRenderer, jobs: list[RenderJob], kind: str = "bundle") -> str:
    """The cache key of one document of page sets: its kind, templates and contexts."""
    h = hashlib.sha256(b"bundle-v1" if kind == "bundle" else f"{kind}-v1".encode())
    for job in jobs:
        h.update(template_path(job.template, renderer.workspace).read_bytes())
        h.update(json.dumps(job.context, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:40]


def segments(pdf: Path, count: int = 3) -> list[tuple[int, int]] | None:
    """Page ranges of the ``count`` page sets, from the named destinations; None if absent."""
    from pypdf import PdfReader

    names = marks(count)
    reader = PdfReader(str(pdf))
    found: dict[str, int] = {}
    for name, dest in reader.named_destinations.items():
        clean = name.lstrip("/")
        if clean in names:
            page = reader.get_destination_page_number(dest)
            if page is not None:
                found[clean] = page
    if len(found) != count:
        return None
    starts = [found[m] for m in names]
    ends = [*starts[1:], len(reader.pages)]
    ranges = list(zip(starts, ends, strict=True))
    if starts[0] != 0 or any(b <= a for a, b in ranges):
        return None
    return ranges


def render_own_pages(
    renderer: PageRenderer,
    sheaves: list[list[RenderJob]],
    bundles: list[list[RenderJob]],
    extra: list[tuple[Path, Path]] | None = None,
) -> None:
    """Fill in ``pdf``, ``pages``, ``segment`` and ``identity`` of every job.

    ``bundles`` are each part's cover, contents and 备考表; ``sheaves`` each part's
    placeholders and pointers. What is not cached is converted in one go, with the
    ``extra`` documents (source, target PDF): those may fail, their user tries again.
    """
    extra = extra or []
    groups: list[tuple[str, list[RenderJob]]] = []
    for trio, sheaf in zip(bundles, sheaves, strict=True):
        if sheaf and _joinable(renderer, trio, sheaf):
            groups.append(("part", trio + sheaf))  # one document: front matter and sheaf
        else:
            groups.append(("bundle", trio))
            if sheaf:
                groups.append(("sheaf", sheaf))
    keys = [f"{kind}-{bundle_key(renderer, jobs, kind)}" for kind, jobs in groups]
    pending = {
        key: (kind, jobs)
        for key, (kind, jobs) in zip(keys, groups, strict=True)
        if not (renderer.cache / f"{key}.pdf").is_file()
    }
    if pending or extra:
        with tempfile.TemporaryDirectory(prefix="archiver-front-") as tmp:
            work = Path(tmp)
            targets = dict(extra)

            def sources() -> Iterator[Path]:  # made one by one: converted meanwhile if it can
                yield from targets  # already made, and the largest (the index)
                for key, (kind, jobs) in pending.items():
                    compose = {"bundle": _compose, "sheaf": _sheaf, "part": _part}[kind]
                    yield compose(renderer, jobs, work / f"{key}.docx")

            for res in renderer.convert(sources(), work / "out", PDF_OPTIONS, targets):
                if res.source in targets:
                    if res.pdf is not None:
                        copy_atomic(res.pdf, targets[res.source])
                    continue
                assert res.pdf is not None  # convert() raises for any that failed
                copy_atomic(res.pdf, renderer.cache / res.pdf.name)
    fallback: list[RenderJob] = []
    for key, (_kind, jobs) in zip(keys, groups, strict=True):
        pdf = renderer.cache / f"{key}.pdf"
        ranges = segments(pdf, len(jobs)) if pdf.is_file() else None
        if ranges is None:
            fallback += jobs
            continue
        names = _identities(renderer, _kind, jobs, key)
        for job, name, (start, end) in zip(jobs, names, ranges, strict=True):
            job.pdf, job.pages, job.segment = pdf, end - start, (start, end)
            job.identity = name
    if fallback:  # no named destinations from this LibreOffice: one document per page set
        renderer.render(fallback)


def _identities(renderer: PageRenderer, kind: str, jobs: list[RenderJob], key: str) -> list[str]:
    """What names each page set's content: in a part's one document, the front matter and the
    sheaf are named as if apart, so that a placeholder page that did not change keeps its
    name when the part's cover did (a frozen build reprints only what changed)."""
    if kind != "part":
        return [f"{key}-{i}" for i in range(len(jobs))]
    trio, sheaf = jobs[:3], jobs[3:]
    front = f"bundle-{bundle_key(renderer, trio)}"
    rest = f"sheaf-{bundle_key(renderer, sheaf, 'sheaf')}"
    return [f"{front}-{i}" for i in range(3)] + [f"{rest}-{i}" for i in range(len(sheaf))]


def _joinable(renderer: PageRenderer, trio: list[RenderJob], sheaf: list[RenderJob]) -> bool:
    """A part's sheaf can be added to its bundle's document: one template for the sheaf,
    made like the bundle's joined template (the shipped templates are; edited ones may not
    be: then they stay two documents)."""
    from archiver.docxcompiled import compatible

    paths = {template_path(job.template, renderer.workspace) for job in sheaf}
    if len(paths) != 1 or not _agree(trio):  # else the front is not the joined template's
        return False
    template = compiled_template(paths.pop())
    try:
        joined = compiled_template(_joined_template(renderer, trio))
    except Exception:  # a template docxcompose cannot join: the bundle says so itself
        return False
    return template is not None and joined is not None and compatible(joined, template)


def _part(renderer: PageRenderer, jobs: list[RenderJob], out: Path) -> Path:
    """A part's cover, 卷内目录, 备考表 and its placeholders and pointers in one document.

    Should a page set not start with a paragraph, the front matter alone is written: its
    segments then do not add up and the sets are rendered one by one (render_own_pages)."""
    from archiver.docxcompiled import append_sets

    trio, sheaf = jobs[:3], jobs[3:]
    front = _compose(renderer, trio, out.with_name(f"{out.stem}-front.docx"))
    template = compiled_template(template_path(sheaf[0].template, renderer.workspace))
    assert template is not None  # _joinable
    if not append_sets(front, template, [job.context for job in sheaf], marks(len(jobs))[3:], out):
        front.replace(out)
    return out


def _sheaf(renderer: PageRenderer, jobs: list[RenderJob], out: Path) -> Path:
    """A part's placeholders and pointers in one document (see :func:`render_sheaf`)."""
    from archiver.docxcompiled import render_sheaf

    paths = {template_path(job.template, renderer.workspace) for job in jobs}
    if len(paths) == 1:
        template = compiled_template(paths.pop())
        contexts = [job.context for job in jobs]
        if template is not None and render_sheaf(template, contexts, marks(len(jobs)), out):
            return out
    return _compose_rendered(renderer, jobs, out)


def _compose(renderer: PageRenderer, jobs: list[RenderJob], out: Path) -> Path:
    """The bundle's .docx: the joined template (made once) rendered with all three contexts.

    The three contexts are merged; a field two of them share must have one value (they
    come from one part), else the page sets are rendered and joined one by one.
    """
    if not _agree(jobs):
        return _compose_rendered(renderer, jobs, out)
    merged = {field: value for job in jobs for field, value in job.context.items()}
    try:
        render_template_file(_joined_template(renderer, jobs), merged, out)
    except TemplateError:  # rendered apart, the error names the template the office edits
        return _compose_rendered(renderer, jobs, out)
    return out


def _agree(jobs: list[RenderJob]) -> bool:
    """Every field the contexts share has one value (they come from one part)."""
    merged: dict[str, Any] = {}
    for job in jobs:
        for field, value in job.context.items():
            if field in merged and merged[field] != value:
                return False
            merged[field] = value
    return True


def _joined_template(renderer: PageRenderer, jobs: list[RenderJob]) -> Path:
    """The templates of ``jobs`` joined into one, cached by their bytes."""
    paths = [template_path(job.template, renderer.workspace) for job in jobs]
    h = hashlib.sha256(b"joined-v2")
    for path in paths:
        h.update(hashlib.sha256(path.read_bytes()).digest())
    target = renderer.cache / f"joined-{h.hexdigest()[:40]}.docx"
    if not target.is_file():
        from docx import Document

        with tempfile.TemporaryDirectory(prefix="archiver-joined-") as tmp:
            built = Path(tmp) / "joined.docx"
            _join([Document(str(p)) for p in paths], built)
            copy_atomic(built, target)
    return target


def _compose_rendered(renderer: PageRenderer, jobs: list[RenderJob], out: Path) -> Path:
    """Render the three templates apart, then join the rendered documents."""
    from docx import Document

    rendered = []
    for i, job in enumerate(jobs):
        path = out.with_name(f"{out.stem}-{i}.docx")
        render_docx(job.template, job.context, path, renderer.workspace)
        rendered.append(Document(str(path)))
    _join(rendered, out)
    return out


def _join(docs: list[Any], out: Path) -> None:
    """Mark where each document starts, start each on a new page, join them (docxcompose)."""
    from docxcompose.composer import Composer

    from archiver.docxcompiled import mark_start

    for i, (doc, name) in enumerate(zip(docs, marks(len(docs)), strict=True)):
        first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
        mark_start(first._p, name, 900 + i, page_break=i > 0)
    composer = Composer(docs[0])
    for doc in docs[1:]:
        composer.append(doc)
    composer.save(str(out))

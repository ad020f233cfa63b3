"""Render archiver's own pages (cover, contents, 备考表, placeholders) to PDF, cached.

Each page set comes from a docxtpl template (``templates/docx/``, overridable per
workspace) and is converted by LibreOffice. The PDF is cached under a key made of the
template's bytes and the rendering context, so an unchanged cover is not rendered again; all
pages missing from the cache are converted in one LibreOffice batch per core (with the
covers, contents and 备考表 of :mod:`archiver.binding.bundle`, when called from there).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Container, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.binding.batches import page_count
from archiver.docxrender import render_docx, template_path
from archiver.engines import libreoffice, officeserver
from archiver.errors import ExternalProgramError
from archiver.fsutil import copy_atomic


@dataclass
class RenderJob:
    template: str
    context: dict[str, Any]
    pdf: Path | None = None
    pages: int = 0
    identity: str = ""  # the cache key: names the rendered content
    segment: tuple[int, int] | None = None  # its pages within a shared PDF (see bundle.py)


class PageRenderer:
    def __init__(self, cache_dir: Path, workspace: Path, timeout: float, jobs: int = 1) -> None:
        self.cache = cache_dir
        self.cache.mkdir(parents=True, exist_ok=True)
        self.workspace = workspace
        self.timeout = timeout
        self.jobs = max(1, jobs)
        from archiver.cache import JsonCache

        self.pages = JsonCache(cache_dir / "pages.json", 1)

    def _pages(self, key: str, pdf: Path) -> int:
        pages = self.pages.get(key)
        if not isinstance(pages, int):
            pages = page_count(pdf)
            self.pages.put(key, pages)
        return pages

    def convert(
        self,
        sources: Iterable[Path],
        outdir: Path,
        pdf_options: str | None = None,
        optional: Container[Path] = (),
    ) -> list[libreoffice.ConversionResult]:
        """Convert archiver's own .docx pages: one long batch per core, every one must succeed.

        Each batch is one LibreOffice start; the sources are dealt largest first to the
        batch with the fewest bytes so far (a big index goes first, the pages share the rest).
        When the build's LibreOffice processes are running (``officeserver``), a file costs no
        start: each goes to them as soon as ``sources`` has made it, while the next is made.
        """
        if officeserver.serving_now():
            with ThreadPoolExecutor(max_workers=self.jobs) as pool:
                futures = [pool.submit(self._one, src, outdir, pdf_options) for src in sources]
                results = [f.result() for f in futures]
            return self._checked(results, optional)
        sources = list(sources)
        loads = [0] * self.jobs
        dealt: list[list[Path]] = [[] for _ in loads]
        for src in sorted(sources, key=lambda p: p.stat().st_size, reverse=True):
            i = loads.index(min(loads))
            dealt[i].append(src)
            loads[i] += src.stat().st_size
        batches = [b for b in dealt if b]

        def batch(files: list[Path]) -> list[libreoffice.ConversionResult]:
            return libreoffice.convert_batch(
                files, outdir, timeout=self.timeout, pdf_options=pdf_options
            )

        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            results = [r for part in pool.map(batch, batches) for r in part]
        return self._checked(results, optional)

    def _one(
        self, src: Path, outdir: Path, pdf_options: str | None
    ) -> libreoffice.ConversionResult:
        (res,) = libreoffice.convert_batch(
            [src], outdir, timeout=self.timeout, pdf_options=pdf_options
        )
        return res

    @staticmethod
    def _checked(
        results: list[libreoffice.ConversionResult], optional: Container[Path]
    ) -> list[libreoffice.ConversionResult]:
        for res in results:
            if res.pdf is None and res.source not in optional:
                raise ExternalProgramError(
                    f"无法生成档案页面(封面、卷内目录、备考表或占位页):{res.error};"
                    "请确认 LibreOffice 可以正常运行"
                )
        return results

    def key(self, job: RenderJob) -> str:
        h = hashlib.sha256()
        h.update(template_path(job.template, self.workspace).read_bytes())
        h.update(json.dumps(job.context, ensure_ascii=False, sort_keys=True).encode())
        return h.hexdigest()[:40]

    def pending(self, jobs: list[RenderJob]) -> dict[str, list[RenderJob]]:
        """Fill in the jobs found in the cache; the others by key (one page set per key)."""
        todo: dict[str, list[RenderJob]] = {}
        for job in jobs:
            key = self.key(job)
            job.identity = key
            pdf = self.cache / f"{key}.pdf"
            if pdf.is_file():
                job.pdf, job.pages = pdf, self._pages(key, pdf)
            else:
                todo.setdefault(key, []).append(job)
        return todo

    def sources(self, todo: dict[str, list[RenderJob]], work: Path) -> list[Path]:
        """The .docx of every pending page set, named by its key."""
        sources = []
        for key, group in todo.items():
            src = work / f"{key}.docx"
            render_docx(group[0].template, group[0].context, src, self.workspace)
            sources.append(src)
        return sources

    def keep(self, todo: dict[str, list[RenderJob]], pdf: Path) -> None:
        """Cache one converted page set (its file is named by its key) and fill in its jobs."""
        key = pdf.stem
        target = self.cache / f"{key}.pdf"
        copy_atomic(pdf, target)
        for job in todo[key]:
            job.pdf, job.pages = target, self._pages(key, target)

    def render(self, jobs: list[RenderJob]) -> None:
        """Fill in ``pdf`` and ``pages`` of every job."""
        todo = self.pending(jobs)
        if todo:
            with tempfile.TemporaryDirectory(prefix="archiver-pages-") as tmp:
                work = Path(tmp)
                for res in self.convert(self.sources(todo, work), work / "out"):
                    assert res.pdf is not None  # convert() raises for any that failed
                    self.keep(todo, res.pdf)
        self.pages.save()

"""Assemble one part (册) of a volume into a PDF, GB/T 9705 order:

案卷封面 → 卷内目录 → the documents (stamped page numbers from 1) → 卷内备考表.

/PageLabels make the viewer's page number equal the printed one (cover and contents in
roman numerals, the 备考表 as “备考1”); bookmarks go 二级指标 → indicator → material → file,
each to its first page. Parts are written one at a time per process, so memory does not grow
with the archive; :class:`Workers` writes several at once, one per core (pypdf is pure
Python: threads would share one core).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from archiver.binding.freezeplan import label_ranges
from archiver.binding.parts import Part
from archiver.binding.render import RenderJob
from archiver.binding.stamp import Stamper


def write_part(
    part: Part, front: list[RenderJob], back: RenderJob, font_pdf: Path, position: str, out: Path
) -> int:
    """Write the part's PDF to ``out``; return its total page count."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle

    writer = PdfWriter()
    readers: dict[Path, PdfReader] = {}  # one reader per file: shared fonts are copied once

    def shared(path: Path) -> PdfReader:
        if path not in readers:
            readers[path] = PdfReader(str(path))
        return readers[path]

    def add(job: RenderJob) -> None:
        assert job.pdf is not None
        reader = shared(job.pdf)
        pages = range(*job.segment) if job.segment else range(len(reader.pages))
        writer.append(reader, pages=list(pages), import_outline=False)

    n_front = 0
    for job in front:
        add(job)
        n_front += job.pages
    first_doc = len(writer.pages)
    for doc in part.docs:
        if doc.segment is not None:  # archiver's own page in a sheaf (bundle.py)
            reader = shared(Path(doc.pdf))
            writer.append(reader, pages=list(range(*doc.segment)), import_outline=False)
            continue
        try:
            reader = PdfReader(doc.pdf, strict=False)
            if reader.is_encrypted:
                reader.decrypt("")
            writer.append(reader, import_outline=False)
        except Exception as exc:  # pypdf opened it while scanning, but cannot copy it
            from archiver.errors import InputFileError, technical

            name = doc.source.rel if doc.source else doc.title
            technical(exc, name)
            raise InputFileError(
                f"文件 {name} 无法装订进 PDF(其中的 PDF 结构无法复制);"
                "请用 PDF 阅读器“另存为”或“打印为 PDF”后替换该文件,再次组卷"
            ) from exc
    n_docs = len(writer.pages) - first_doc
    add(back)
    total = len(writer.pages)

    stamper = Stamper(writer, font_pdf, position)
    for i in range(n_docs):
        stamper.stamp(writer.pages[first_doc + i], part.page_label(i + 1))

    roman, decimal = PageLabelStyle.LOWERCASE_ROMAN, PageLabelStyle.DECIMAL
    if n_front:
        writer.set_page_label(0, n_front - 1, style=roman, start=1)
    if n_docs and part.labels:  # frozen: kept numbers and sub-pages (“15-1”)
        for first, last, prefix, start in label_ranges(part.labels[:n_docs]):
            writer.set_page_label(
                first_doc + first,
                first_doc + last,
                style=decimal,
                prefix=prefix or None,
                start=start,
            )
    elif n_docs:
        writer.set_page_label(first_doc, first_doc + n_docs - 1, style=decimal, start=1)
    writer.set_page_label(first_doc + n_docs, total - 1, style=decimal, prefix="备考", start=1)

    _outline(writer, part, first_doc, front, n_front, first_doc + n_docs)
    writer.add_metadata(
        {"/Title": volume_label(part), "/Producer": "archiver", "/Creator": "archiver"}
    )
    writer.page_mode = "/UseOutlines"
    with out.open("wb") as fh:
        writer.write(fh)
    return total


PartJob = tuple[Any, ...]  # write_part's arguments: part, front, back, font, position, out


class Workers:
    """Processes that assemble parts, one per core, started ahead (:meth:`start`) so that
    their Python start-up overlaps the work before the assembly."""

    def __init__(self, workers: int, task: Callable[..., int] | None = None) -> None:
        self.workers = workers
        self.task = task or write_part  # a module-level function (the workers import it)
        self.pool: Any = None

    def start(self, parts: int) -> None:
        if self.workers < 2 or parts < 2 or self.pool is not None:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        spawn = multiprocessing.get_context("spawn")  # the same on Windows; safe beside threads
        try:
            self.pool = ProcessPoolExecutor(max_workers=min(self.workers, parts), mp_context=spawn)
            for _ in range(min(self.workers, parts)):
                self.pool.submit(_ready)
        except Exception:  # no processes to be had: the parts are written here
            self.pool = None

    def write(self, jobs: list[PartJob]) -> Iterator[tuple[int, int]]:
        """Write every part; yield (its position in ``jobs``, its page count) in order.

        A part whose worker failed (an error, a worker that died) is written again here, so
        a real error is raised as itself, with its message for the user.
        """
        if len(jobs) > 1:
            self.start(len(jobs))
        pool = self.pool if len(jobs) > 1 else None
        futures = []
        try:
            futures = [pool.submit(self.task, *job) for job in jobs] if pool else []
        except Exception:  # the pool broke before it began
            futures = []
        for i, job in enumerate(jobs):
            try:
                total = futures[i].result() if futures else self.task(*job)
            except Exception:
                total = self.task(*job)
            yield i, total

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        self.close(now=kind is not None)

    def close(self, now: bool = False) -> None:
        """Stop the workers; ``now``: without waiting for their work (interrupted)."""
        if self.pool is None:
            return
        if now:  # the processes first: shutdown forgets them
            processes = list((getattr(self.pool, "_processes", None) or {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
        else:
            self.pool.shutdown()
        self.pool = None


def _ready() -> None:
    """A worker's first task: the imports of :func:`write_part`, done before it is needed."""
    import pypdf  # noqa: F401


def volume_label(part: Part) -> str:
    return f"{part.label} {part.volume.category.label}"


def _outline(
    writer: Any, part: Part, first_doc: int, front: list[RenderJob], n_front: int, back_index: int
) -> None:
    writer.add_outline_item(title="案卷封面", page_number=0)
    if len(front) > 1:
        writer.add_outline_item(title="卷内目录", page_number=front[0].pages)
    current_cat: tuple[str, Any] | None = None
    current_ind: tuple[str, Any] | None = None
    for section in part.sections:
        if not section.docs:
            continue
        start = first_doc + section.docs[0].first_page - 1
        if part.volume.general:  # 总体材料: its files straight under the volume
            for doc in section.docs:
                page = first_doc + doc.first_page - 1
                writer.add_outline_item(title=doc.title, page_number=page)
            continue
        cats = section.indicator.category_names
        cat_name = cats[1] if len(cats) > 1 else cats[0] if cats else ""
        if current_cat is None or current_cat[0] != cat_name:
            current_cat = (cat_name, writer.add_outline_item(title=cat_name, page_number=start))
            current_ind = None
        ind = section.indicator
        if current_ind is None or current_ind[0] != ind.id:
            title = f"第{ind.id}项 {_short(ind.text)}"
            current_ind = (
                ind.id,
                writer.add_outline_item(title=title, page_number=start, parent=current_cat[1]),
            )
        mat = section.material
        mat_item = writer.add_outline_item(
            title=f"材料{mat.no} {_short(mat.text)}", page_number=start, parent=current_ind[1]
        )
        for doc in section.docs:
            page = first_doc + doc.first_page - 1
            item = writer.add_outline_item(title=doc.title, page_number=page, parent=mat_item)
            for title, index in doc.marks if len(doc.marks) > 1 else ():  # a workbook's sheets
                if 0 <= index < doc.pages:
                    writer.add_outline_item(title=title, page_number=page + index, parent=item)
    writer.add_outline_item(title="卷内备考表", page_number=back_index)


def _short(text: str, n: int = 24) -> str:
    text = text.strip()
    return text if len(text) <= n else text[:n] + "…"

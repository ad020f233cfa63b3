"""情况说明汇编: per volume, one .docx joining every explanation in order, for editing and
printing. Each explanation keeps its own formatting (docxcompose); it is preceded by a
heading naming its indicator and material. An explanation that is not a .docx (a scan, a
PDF, a .doc) is named with a pointer to its pages in the volume.

The work is described by plain, picklable values (:class:`Compilation`), so the build can
run it in a worker process while it assembles the volumes.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.binding.parts import Part
from archiver.workspace.naming import safe_name


@dataclass(frozen=True)
class Entry:
    kind: str  # docx: append the document | note: a line of text
    text: str = ""
    path: str = ""


@dataclass
class Compilation:
    name: str  # output file name
    title: str
    sections: list[tuple[str, list[Entry]]] = field(default_factory=list)  # heading, entries
    key: str = ""


def plan_compilations(parts: list[Part], org: str) -> list[Compilation]:
    """One compilation per volume that has explanations (pure)."""
    by_volume: dict[int, list[Part]] = {}
    for part in parts:
        by_volume.setdefault(part.volume.number, []).append(part)
    out = []
    for number, vparts in by_volume.items():
        category = vparts[0].volume.category
        comp = Compilation(
            name=safe_name(f"情况说明汇编_{number:02d}_{category.name}", 80) + ".docx",
            title=f"情况说明汇编——{category.label}",
        )
        identity = []
        for part in vparts:
            for s in part.sections:
                if s.material.kind != "explanation" or s.status == "pointer":
                    continue
                entries = []
                for doc in s.docs:
                    if doc.kind in ("withdrawn", "blank"):  # frozen builds: nothing to compile
                        continue
                    first, last = part.page_range(doc)
                    where = f"{part.label}第 {part.range_text(first, last, '–')} 页"
                    src = doc.source
                    if doc.kind == "file" and src and src.facts and src.facts.kind == "docx":
                        entries.append(Entry("docx", doc.title, str(src.path)))
                    elif doc.kind == "missing":
                        entries.append(Entry("note", f"(本项材料暂缺,见{where})"))
                    elif doc.kind == "lacking":  # 部分提供: the missing units' share
                        entries.append(Entry("note", f"({doc.message.rstrip('。')},见{where})"))
                    else:
                        entries.append(
                            Entry("note", f"({doc.title}:不是 Word 文档,无法汇编,原件见{where})")
                        )
                    # a page archiver writes is named by what it says, not by its rendering
                    ident = doc.identity if doc.kind == "file" else ""
                    identity.append([ident, doc.kind, doc.title, where])
                heading = f"第{s.indicator.id}项 材料({s.material.no}):{s.material.text}"
                comp.sections.append((heading, entries))
        if comp.sections:
            spec = [__version__, org, comp.title, [h for h, _ in comp.sections], identity]
            blob = json.dumps(spec, ensure_ascii=False).encode()
            comp.key = hashlib.sha256(blob).hexdigest()[:40]
            out.append(comp)
    return out


def write_compilations(
    comps: list[Compilation], folder: Path, org: str, cache: Path | None = None
) -> list[str]:
    """Write the compilations into ``folder``; unchanged ones are copied from ``cache``."""
    import shutil

    written = []
    for comp in comps:
        target = folder / comp.name
        cached = cache / f"compile-{comp.key}.docx" if cache else None
        if cached is not None and cached.is_file():
            shutil.copyfile(cached, target)
        else:
            _write_one(comp, target, org)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(target, cached)
        written.append(comp.name)
    return written


# A python-docx Document is a reference cycle (package and parts) holding lxml trees, memory
# the cyclic collector does not count: without a collection now and then, every appended
# document stays until the end (a volume of 279 explanations: 131 MiB, 73 MiB collecting
# every 10, time within noise)
COLLECT_EVERY = 10


def _write_one(comp: Compilation, target: Path, org: str) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    from archiver.binding.composing import Composer
    from archiver.export import gbstyle as g
    from archiver.fsutil import atomic_path, reproducible_zip

    master = Document()
    g.set_style_font(master.styles["Normal"], g.FANGSONG, g.SIZE_3)
    g.set_style_font(master.styles["Heading 1"], g.HEITI, g.SIZE_3)
    master.styles["Heading 1"].font.color.rgb = None
    g.set_document_language(master)
    g.page_setup(master.sections[0])
    g.add_page_number_footer(master.sections[0])
    title = master.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    g.set_run_font(title.add_run(comp.title), g.XIAOBIAOSONG, g.SIZE_2)
    sub = master.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    g.set_run_font(sub.add_run(org), g.KAITI, g.SIZE_3)
    composer = Composer(master)
    # the style's id looked up once: add_paragraph(style=...) looks it up (and the default
    # paragraph style, by XPath over every style) for each heading
    heading_style = master.styles["Heading 1"].style_id
    appended = 0
    for heading, entries in comp.sections:
        # headings, notes and breaks go straight into the master: only real documents are
        # appended through docxcompose, which is the slow part
        master.add_paragraph(heading)._p.style = heading_style
        for entry in entries:
            if entry.kind == "docx":
                try:
                    composer.append(Document(entry.path))
                    appended += 1
                    if appended % COLLECT_EVERY == 0:
                        gc.collect()
                    continue
                except Exception:  # a document docxcompose cannot merge: say so instead
                    master.add_paragraph(f"({entry.text}:无法汇编,请查看原件)")
                    continue
            master.add_paragraph(entry.text)
        master.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    with atomic_path(target) as tmp:
        composer.save(str(tmp))
        reproducible_zip(tmp)


def compile_elsewhere(comps: list[Compilation], folder: Path, org: str, cache: Path) -> list[str]:
    """Write the compilations in a worker process (docxcompose is pure-Python work)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if all((cache / f"compile-{c.key}.docx").is_file() for c in comps):
        return write_compilations(comps, folder, org, cache)  # only copies: no process
    spawn = multiprocessing.get_context("spawn")  # the same on Windows; safe beside threads
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(write_compilations, comps, folder, org, cache).result()


class CompileAhead:
    """Compile while archiver's own pages are rendered: the compilations need only the
    documents' page numbers, known before those pages are (:meth:`start`). The build then
    writes them from the cache (:meth:`use`); if the numbering changed in between (an own
    page ran longer than one page), what changed is compiled again there."""

    def __init__(self, org: str, cache: Path) -> None:
        self.org, self.cache = org, cache
        self.future: Any = None
        self.pool: Any = None

    def start(self, parts: list[Part]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        comps = plan_compilations(parts, self.org)
        if not comps or self.future is not None:
            return
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.future = self.pool.submit(self._ahead, comps)

    def _ahead(self, comps: list[Compilation]) -> None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="archiver-compile-") as tmp:
            compile_elsewhere(comps, Path(tmp), self.org, self.cache)

    def use(self, comps: list[Compilation]) -> Callable[[Path], list[str]]:
        """What writes ``comps`` into a folder, once the early compiling is over."""

        def write(folder: Path) -> list[str]:
            if self.future is not None:
                with contextlib.suppress(Exception):  # if it failed, compile here and say why
                    self.future.result()
                self.pool.shutdown()
            return compile_elsewhere(comps, folder, self.org, self.cache)

        return write

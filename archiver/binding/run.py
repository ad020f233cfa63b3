"""``archiver build``: the stages of binding wired together, under the workspace lock.

check → plan → convert → render archiver's own pages → number → index and 情况说明汇编 (in the
background) → assemble parts → report → checksums → publish. Each stage is its own module; this
one only orders them, and makes sure a failed or interrupted build leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archiver import clock
from archiver.binding import publish as pub
from archiver.binding.assemble import write_part
from archiver.binding.bundle import render_bundles
from archiver.binding.convert import Converter
from archiver.binding.entries import general_entry
from archiver.binding.explanations import Compilation, plan_compilations, write_compilations
from archiver.binding.freeze import FrozenInfo, FrozenState, drop_state
from archiver.binding.freezeplan import frozen_parts, printed_part
from archiver.binding.frozenrun import (
    commit_state,
    frozen_state_for_build,
    render_stand_ins,
    write_supplements,
)
from archiver.binding.index import write_index
from archiver.binding.pages import (
    backnote_job,
    contents_job,
    cover_job,
    placeholder_job,
    pointer_job,
    volume_info,
    volume_title,
)
from archiver.binding.partcache import PartCache, part_key
from archiver.binding.parts import Location, Part, locate, number, split_parts
from archiver.binding.plan import PLACEHOLDER_KINDS, BuildPlan, Doc, errors_blocking, plan_build
from archiver.binding.render import PageRenderer, RenderJob
from archiver.binding.report import (
    BuildReport,
    VolumeEntry,
    changed_volumes,
    material_entries,
    new_report,
)
from archiver.binding.scorepage import load_build_scores
from archiver.binding.stamp import make_font_pdf
from archiver.binding.summary import summary_text
from archiver.errors import ArchiverError, ExitCode, OutputError
from archiver.manifest.model import MaterialRef
from archiver.pipeline import CheckResult, check_workspace
from archiver.progress import NullProgress, Progress


class StrictBuildError(ArchiverError):
    exit_code = ExitCode.FINDINGS


@dataclass
class BuildResult:
    folder: Path | None
    volumes: list[VolumeEntry]
    pages: int
    included: int
    missing: int
    failed: int
    seconds: float
    changed: list[str] = field(default_factory=list)
    plan: BuildPlan | None = None
    first: bool = False  # no earlier build to compare with
    frozen: FrozenInfo | None = None  # built frozen (定稿): what to print
    renumbered: Path | None = None  # --renumber dropped a freeze: where its record was kept
    notices: list[str] = field(default_factory=list)  # said once by the CLI (no 自评表 …)


def run_build(
    start: Path | None,
    *,
    out: Path | None = None,
    strict: bool = False,
    jobs: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    renumber: bool = False,
) -> BuildResult:
    began = time.monotonic()
    progress = progress or NullProgress()
    result = check_workspace(start)
    ws = result.workspace
    if strict:
        blocking = errors_blocking(result.findings)
        if blocking:
            raise StrictBuildError(
                f"检查发现 {len(blocking)} 处错误,--strict 模式下不组卷;请先整改:",
                details=[f"[{f.code}] {f.path or f.unit or ''}:{f.message}" for f in blocking],
            )
    plan = plan_build(result)
    if dry_run:
        return _summary(None, plan, [], began, [])
    frozen = frozen_state_for_build(ws, renumber)
    if out is not None:
        out = out.resolve()
        pub.check_destination(out)
    settings = ws.config.build
    workers = jobs or settings.jobs or os.cpu_count() or 1
    cache = ws.config.cache_root
    with pub.workspace_lock(cache):
        parent = out.parent if out is not None else ws.config.output_root
        pub.clean_leftovers(parent)
        converter = Converter(
            cache / "conversions",
            jobs=workers,
            timeout=settings.timeout,
            progress=progress.advance,
            keep_a3=settings.keep_a3,
        )
        _convert(plan, converter, progress)
        renderer = PageRenderer(cache / "rendered", ws.root, settings.timeout, jobs=workers)
        when = clock.now()
        parts, locations, front = _render_pages(plan, result, renderer, when, frozen)
        volumes = _volume_entries(parts, front, result)
        layout = [printed_part(p, _front_of(front[id(p)])) for p in parts]
        report = new_report(
            when=when.date(),
            org=ws.config.org,
            manifest=ws.manifest.title,
            level=ws.config.level,
            volumes=volumes,
            materials=material_entries(plan, parts, locations, ws.manifest.terms),
            errors=sum(1 for f in result.findings if f.severity == "error"),
            warnings=sum(1 for f in result.findings if f.severity == "warning"),
        )
        report.layout = layout
        report.general = general_entry(parts)
        report.scores, notice = load_build_scores(ws)
        comps = plan_compilations(parts, ws.config.org)
        tmp = pub.new_temp_folder(parent)
        try:
            _write_outputs(result, plan, parts, front, report, comps, tmp, progress, when)
            previous = pub.previous_build(parent, out)
            report.changed_since_previous = changed_volumes(volumes, previous)
            report.has_previous = previous is not None
            if frozen is not None:
                kept, report.frozen = write_supplements(
                    tmp, layout, frozen, when.date().isoformat(), settings.timeout
                )
            (tmp / pub.REPORT).write_text(
                json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
            (tmp / "组卷说明.txt").write_text(summary_text(report), encoding="utf-8")
            pub.write_checksums(tmp)
            destination = out if out is not None else pub.timestamped(parent, when)
            folder = pub.publish(tmp, destination)
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OSError):  # a full disk, a file held open, a lost share
                raise OutputError(
                    f"写入组卷结果时出错({exc.strerror or exc}):{exc.filename or tmp};"
                    "请检查磁盘空间和写入权限,以前的组卷结果未受影响"
                ) from exc
            raise
        if frozen is not None:
            commit_state(ws, kept)  # only once the build is published
        renumbered = drop_state(cache, when.strftime("%Y%m%d-%H%M%S")) if renumber else None
    summary = _summary(folder, plan, volumes, began, report.changed_since_previous)
    summary.first = previous is None
    summary.frozen, summary.renumbered = report.frozen, renumbered
    summary.notices = [notice] if notice else []
    return summary


def _front_of(trio: tuple[RenderJob, RenderJob, RenderJob]) -> dict[str, tuple[str, int]]:
    return {
        k: (j.identity, j.pages) for k, j in zip(("cover", "contents", "back"), trio, strict=True)
    }


def _convert(plan: BuildPlan, converter: Converter, progress: Progress) -> None:
    """Convert every file of the plan; a file that fails is marked so on its document."""
    docs = [d for d in plan.all_docs() if d.kind == "file"]
    progress.start("转换文件", len(docs))
    converted = converter.convert_all([d.source for d in docs if d.source is not None])
    progress.finish()
    for doc in docs:
        assert doc.source is not None
        res = converted[doc.source.rel]
        if res.pdf is None:
            doc.fail(res.error or "转换失败")
        else:
            doc.bind(str(res.pdf), res.pages, res.identity, res.notes, res.marks)


def _write_outputs(
    result: CheckResult,
    plan: BuildPlan,
    parts: list[Part],
    front: FrontJobs,
    report: BuildReport,
    comps: list[Compilation],
    tmp: Path,
    progress: Progress,
    when: dt.datetime,
) -> None:
    """Index, compilations and volumes into ``tmp``; fills in the report's file names."""
    ws = result.workspace
    # the index (LibreOffice) and the compilations (docxcompose, in a worker process) are
    # made while this process assembles the volumes
    with ThreadPoolExecutor(max_workers=2) as background:
        compiled = background.submit(
            _compile_elsewhere, comps, tmp, ws.config.org, ws.config.cache_root / "rendered"
        )
        indexed = background.submit(
            write_index, ws, report, tmp, when.date(), ws.config.build.timeout
        )
        digests = _write_parts(parts, front, result, tmp, progress)
        report.explanations = compiled.result()
        report.index = indexed.result()
    for entry in report.volumes:
        entry.sha256 = digests[entry.file]
    _write_sources(tmp, plan)


def _summary(
    folder: Path | None,
    plan: BuildPlan,
    volumes: list[VolumeEntry],
    began: float,
    changed: list[str],
) -> BuildResult:
    sections = [s for s in plan.item_sections() if s.status != "pointer"]
    return BuildResult(
        folder=folder,
        volumes=volumes,
        pages=sum(v.pages for v in volumes),
        included=sum(1 for s in sections if s.status == "included"),
        missing=sum(1 for s in sections if s.status == "missing"),
        failed=sum(1 for s in sections for d in s.docs if d.kind == "failed"),
        seconds=time.monotonic() - began,
        changed=changed,
        plan=plan,
    )


FrontJobs = dict[int, tuple[RenderJob, RenderJob, RenderJob]]  # id(part) → cover, contents, back


def _render_pages(
    plan: BuildPlan,
    result: CheckResult,
    renderer: PageRenderer,
    when: dt.datetime,
    frozen: FrozenState | None = None,
) -> tuple[list[Part], dict[MaterialRef, Location], FrontJobs]:
    """Render placeholders, pointers, covers, contents and 备考表 in one parallel pass.

    Page numbers depend on the pages archiver writes itself, and those pages name page
    numbers; every such page is one page long, so numbering assumes that, renders, and
    numbers again in the rare case a page ran longer.
    """
    ws = result.workspace
    drop = ws.config.drop_folder
    terms = ws.manifest.terms
    placeholders: list[tuple[Doc, RenderJob]] = []
    for volume in plan.volumes:
        for section in volume.sections:
            for doc in section.docs:
                if doc.kind in PLACEHOLDER_KINDS:
                    asks = ws.manifest.material_text(section.indicator, section.material)
                    job = placeholder_job(doc, section, drop, ws.layout, terms, asks)
                    placeholders.append((doc, job))
                if (doc.kind in PLACEHOLDER_KINDS or doc.kind == "pointer") and not doc.pages:
                    doc.pages = 1
    cap = ws.config.build.page_cap
    if frozen is None:
        parts = split_parts(plan, cap)
    else:  # 定稿: printed numbers kept, additions as sub-pages
        parts = frozen_parts(plan, frozen.parts, cap, when.date().isoformat())
        render_stand_ins(parts, renderer, ws.config.cache_root / "rendered")
    for _ in range(3):
        locations = locate(parts)
        pointers = [
            (doc, pointer_job(doc, section, locations.get(doc.target)))
            for part in parts
            for section in part.sections
            for doc in section.docs
            if doc.kind == "pointer" and doc.target is not None
        ]
        front: FrontJobs = {}
        for part in parts:
            info = volume_info(result.workspace, part, when)
            front[id(part)] = (
                cover_job(info, part),
                contents_job(info, part),
                backnote_job(info, part),
            )
        own = placeholders + pointers
        renderer.render([j for _, j in own])
        render_bundles(renderer, [list(trio) for trio in front.values()])
        longer = False
        for doc, job in own:
            longer |= doc.pages != job.pages
            doc.bind(str(job.pdf), job.pages, job.identity)
        if not longer or frozen is not None:  # frozen labels were given per page already
            break
        for part in parts:
            number(part)
    return parts, locate(parts), front


def _volume_entries(parts: list[Part], front: FrontJobs, result: CheckResult) -> list[VolumeEntry]:
    """What the report says of each volume file (its hash is added once it is written)."""
    title = result.workspace.manifest.title
    entries = []
    for part in parts:
        cover, contents, back = front[id(part)]
        entries.append(
            VolumeEntry(
                file=part.file_name,
                title=volume_title(title, part),
                label=part.label,
                volume=part.volume.number,
                part=part.number,
                pages=cover.pages + contents.pages + part.pages + back.pages,
                front_pages=cover.pages + contents.pages,
                document_pages=part.pages,
            )
        )
    return entries


def _compile_elsewhere(comps: list[Compilation], folder: Path, org: str, cache: Path) -> list[str]:
    """Write the compilations in a worker process (docxcompose is pure-Python work)."""
    if all((cache / f"compile-{c.key}.docx").is_file() for c in comps):
        return write_compilations(comps, folder, org, cache)  # only copies: no process
    spawn = multiprocessing.get_context("spawn")  # the same on Windows; safe beside threads
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(write_compilations, comps, folder, org, cache).result()


def _write_parts(
    parts: list[Part], front: FrontJobs, result: CheckResult, tmp: Path, progress: Progress
) -> dict[str, str]:
    """Write (or take from the cache) every part; return each file's sha256."""
    ws = result.workspace
    s = ws.config.build
    cache = ws.config.cache_root
    lo_id = Converter(cache / "conversions", jobs=1, timeout=60).lo_id()
    font = make_font_pdf(cache / "rendered" / f"stampfont-{lo_id}-hyphen.pdf", s.timeout)
    digests: dict[str, str] = {}
    store = PartCache(cache / "volumes")
    progress.start("装订案卷", len(parts))
    for part in parts:
        cover, contents, back = front[id(part)]
        path = tmp / part.file_name
        key = part_key(part, [cover, contents], back, font, s.stamp_position)
        hit = store.fetch(key, path)
        if hit is None:
            total = write_part(part, [cover, contents], back, font, s.stamp_position, path)
            digests[part.file_name] = store.keep(key, path, total)
        else:
            digests[part.file_name] = hit[1]
        progress.advance()
    progress.finish()
    store.prune()
    return digests


def _write_sources(tmp: Path, plan: BuildPlan) -> None:
    lines = []
    for doc in plan.all_docs():
        if doc.source is not None and doc.source.facts is not None:
            lines.append(f"{doc.source.facts.sha256}  {doc.source.rel}\n")
    (tmp / pub.SOURCES).write_text(
        "".join(sorted(set(lines), key=lambda s: s[66:])), encoding="utf-8", newline="\n"
    )

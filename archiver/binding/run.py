"""``archiver build``: the stages of binding wired together, under the workspace lock.

check → plan → convert → render archiver's own pages → number → index and 情况说明汇编 (in the
background) → assemble parts → report → checksums → publish. Each stage is its own module; this
one only orders them, and makes sure a failed or interrupted build leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archiver import clock
from archiver.binding import publish as pub
from archiver.binding.assemble import PartJob, Workers
from archiver.binding.convert import Converter
from archiver.binding.entries import general_entry
from archiver.binding.explanations import CompileAhead, plan_compilations
from archiver.binding.freeze import FrozenInfo, drop_state
from archiver.binding.freezeplan import printed_part
from archiver.binding.frozenrun import (
    commit_state,
    frozen_state_for_build,
    write_supplements,
)
from archiver.binding.index import write_index
from archiver.binding.indexahead import index_ahead
from archiver.binding.ownpages import FrontJobs, Locations, front_of, render_pages, volume_entries
from archiver.binding.partcache import PartCache, part_key
from archiver.binding.parts import Part
from archiver.binding.plan import BuildPlan, errors_blocking, plan_build
from archiver.binding.render import PageRenderer
from archiver.binding.report import (
    BuildReport,
    VolumeEntry,
    changed_volumes,
    material_entries,
    new_report,
)
from archiver.binding.scorepage import load_build_scores
from archiver.binding.stamp import FONT_PDF
from archiver.binding.summary import summary_text
from archiver.engines.libreoffice import find_soffice, soffice_command
from archiver.engines.officeserver import Offices, serving
from archiver.errors import ArchiverError, ExitCode, MissingProgramError, OutputError
from archiver.fsutil import is_link
from archiver.pipeline import CheckResult, check_opened
from archiver.progress import NullProgress, Progress
from archiver.workspace import Workspace, open_workspace


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
    ws = open_workspace(start)
    settings = ws.config.build
    workers = jobs or settings.jobs or os.cpu_count() or 1
    with serving(soffice_command, settings.timeout) as offices:
        if not dry_run and _likely_to_convert(ws):
            _start_ahead(offices, min(workers, os.cpu_count() or 1))
        return _build(
            ws, offices, workers, began, progress or NullProgress(), out, strict, dry_run, renumber
        )


def _likely_to_convert(ws: Workspace) -> bool:
    """Whether LibreOffice should start while the files are checked.

    Certain when no own page of an earlier build is kept (a first build, or its cache
    removed: the index at least is converted); likely when a folder of the drop tree changed
    since own pages were last rendered (a file added, removed or renamed there: its part's
    卷内目录 and the index change). Nothing changed: no LibreOffice at all. A guess that
    misses costs a start that is ended at once, or one taken later, as without it."""
    rendered = ws.config.cache_root / "rendered"
    try:
        if not any(rendered.iterdir()):
            return True
        last = rendered.stat().st_mtime  # a directory's time: an entry added or removed
    except OSError:
        return True
    return _changed_since(ws.config.drop_root, last)


def _changed_since(folder: Path, when: float) -> bool:
    """Whether a folder of the tree under ``folder`` changed after ``when``; links (and Windows
    junctions, which can loop) are not followed, as the check does not follow them."""
    todo = [folder]
    while todo:
        current = todo.pop()
        try:
            if current.stat().st_mtime > when:
                return True
            with os.scandir(current) as entries:
                todo += (
                    Path(e.path)
                    for e in entries
                    if not is_link(e) and e.is_dir(follow_symlinks=False)
                )
        except OSError:
            continue
    return False


def _start_ahead(offices: Offices, count: int) -> None:
    try:
        exe = find_soffice()
    except MissingProgramError:  # said when something is converted
        return
    offices.prestart(exe, count)


def _build(
    ws: Workspace,
    offices: Offices,
    workers: int,
    began: float,
    progress: Progress,
    out: Path | None,
    strict: bool,
    dry_run: bool,
    renumber: bool,
) -> BuildResult:
    result = check_opened(ws)
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
        ahead = CompileAhead(ws.config.org, cache / "rendered")
        scores, notice = load_build_scores(ws)
        previous = pub.previous_build(parent, out)

        def make_report(
            parts: list[Part], at: Locations, volumes: list[VolumeEntry]
        ) -> BuildReport:
            made = new_report(
                when=when.date(),
                org=ws.config.org,
                manifest=ws.manifest.title,
                level=ws.config.level,
                volumes=volumes,
                materials=material_entries(plan, parts, at, ws.manifest.terms),
                errors=sum(1 for f in result.findings if f.severity == "error"),
                warnings=sum(1 for f in result.findings if f.severity == "warning"),
            )
            made.scores, made.general = scores, general_entry(parts)
            return made

        def numbered(parts: list[Part]) -> None:  # the parts are known: start what can start
            ahead.start(parts)
            if converter.fresh:  # a build with news: the parts will be assembled
                assembly.start(len(parts))

        with Workers(workers) as assembly:
            with tempfile.TemporaryDirectory(prefix="archiver-ahead-") as ahead_dir:
                index = index_ahead(ws, make_report, when.date(), Path(ahead_dir))
                parts, locations, front = render_pages(
                    plan, result, renderer, when, frozen, numbered, index
                )
            volumes = volume_entries(parts, front, result)
            report = make_report(parts, locations, volumes)
            report.layout = [printed_part(p, front_of(front[id(p)])) for p in parts]
            comps = ahead.use(plan_compilations(parts, ws.config.org))
            tmp = pub.new_temp_folder(parent)
            try:
                _write_outputs(
                    result, plan, parts, front, report, comps, tmp, progress, when, assembly
                )
                offices.finish()  # LibreOffice's part is done: let it end meanwhile
                assembly.close()
                report.changed_since_previous = changed_volumes(volumes, previous)
                report.has_previous = previous is not None
                if frozen is not None:
                    kept, report.frozen = write_supplements(
                        tmp, report.layout, frozen, when.date().isoformat(), settings.timeout
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
    comps: Callable[[Path], list[str]],
    tmp: Path,
    progress: Progress,
    when: dt.datetime,
    assembly: Workers,
) -> None:
    """Index, compilations and volumes into ``tmp``; fills in the report's file names."""
    ws = result.workspace
    # the index (LibreOffice) and the compilations (docxcompose, in a worker process) are
    # made while this process assembles the volumes
    with ThreadPoolExecutor(max_workers=2) as background:
        compiled = background.submit(comps, tmp)
        indexed = background.submit(
            write_index, ws, report, tmp, when.date(), ws.config.build.timeout
        )
        digests = _write_parts(parts, front, result, tmp, progress, assembly)
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


def _write_parts(
    parts: list[Part],
    front: FrontJobs,
    result: CheckResult,
    tmp: Path,
    progress: Progress,
    assembly: Workers,
) -> dict[str, str]:
    """Write (or take from the cache) every part; return each file's sha256."""
    ws = result.workspace
    s = ws.config.build
    cache = ws.config.cache_root
    font = FONT_PDF
    digests: dict[str, str] = {}
    store = PartCache(cache / "volumes")
    progress.start("装订案卷", len(parts))
    todo: list[tuple[str, PartJob]] = []
    for part in parts:
        cover, contents, back = front[id(part)]
        path = tmp / part.file_name
        key = part_key(part, [cover, contents], back, font, s.stamp_position)
        hit = store.fetch(key, path)
        if hit is None:
            todo.append((key, (part, [cover, contents], back, font, s.stamp_position, path)))
        else:
            digests[part.file_name] = hit[1]
            progress.advance()
    for i, total in assembly.write([job for _, job in todo]):
        key, job = todo[i]
        digests[job[0].file_name] = store.keep(key, job[-1], total)
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

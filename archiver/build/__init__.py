"""``archiver build``: scan → check → plan → convert → render → assemble → publish.

The stages are in their own modules; this one wires them together and writes the report.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.build import publish as pub
from archiver.build.assemble import (
    VolumeInfo,
    backnote_job,
    contents_job,
    cover_job,
    volume_title,
    write_part,
)
from archiver.build.bundle import render_bundles
from archiver.build.compile import plan_compilations, write_compilations
from archiver.build.convert import Converter
from archiver.build.index import write_index
from archiver.build.partcache import PartCache, part_key
from archiver.build.plan import BuildPlan, Doc, errors_blocking, plan_build
from archiver.build.render import PageRenderer, RenderJob
from archiver.build.stamp import make_font_pdf
from archiver.build.volumes import Location, Part, locate, number, split_parts
from archiver.check import Finding
from archiver.errors import ArchiverError, ExitCode, OutputError
from archiver.pipeline import CheckResult, check_workspace
from archiver.progress import NullProgress, Progress


class StrictBuildError(ArchiverError):
    exit_code = ExitCode.FINDINGS


@dataclass
class BuildResult:
    folder: Path | None
    volumes: list[dict[str, Any]]
    pages: int
    included: int
    missing: int
    failed: int
    seconds: float
    changed: list[str] = field(default_factory=list)
    plan: BuildPlan | None = None
    first: bool = False  # no earlier build to compare with


def build_date() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.now().astimezone()


def run_build(
    start: Path | None,
    *,
    out: Path | None = None,
    strict: bool = False,
    jobs: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
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
            cache / "conversions", jobs=workers, timeout=settings.timeout, progress=progress.advance
        )
        docs = [d for d in plan.all_docs() if d.kind == "file"]
        progress.start("转换文件", len(docs))
        converted = converter.convert_all([d.source for d in docs if d.source is not None])
        progress.finish()
        for doc in docs:
            assert doc.source is not None
            res = converted[doc.source.rel]
            if res.pdf is None:
                doc.kind, doc.message = "failed", res.error or "转换失败"
            else:
                doc.pdf, doc.pages, doc.identity = str(res.pdf), res.pages, res.identity
        for volume in plan.volumes:
            for section in volume.sections:
                if section.docs and all(d.kind == "failed" for d in section.docs):
                    section.status = "failed"
        renderer = PageRenderer(cache / "rendered", ws.root, settings.timeout, jobs=workers)
        when = build_date()
        parts, locations, front = _render_pages(plan, result, renderer, when)
        volumes = _volume_entries(parts, front, result)
        report = _report(result, plan, parts, locations, volumes, [], when)
        comps = plan_compilations(parts, ws.config.org)
        tmp = pub.new_temp_folder(parent)
        try:
            # the index (LibreOffice) and the compilations (docxcompose, in a worker
            # process) are made while this process assembles the volumes
            with ThreadPoolExecutor(max_workers=2) as background:
                compiled = background.submit(
                    _compile_elsewhere, comps, tmp, ws.config.org, cache / "rendered"
                )
                indexed = background.submit(
                    write_index, ws, report, tmp, when.date(), settings.timeout
                )
                digests = _write_parts(parts, front, result, tmp, progress)
                report["explanations"] = compiled.result()
                report["index"] = indexed.result()
            for entry in volumes:
                entry["sha256"] = digests[entry["file"]]
            previous = pub.previous_build(parent, out)
            changed = _changed(volumes, previous)
            report["changed_since_previous"] = changed
            report["has_previous"] = previous is not None
            (tmp / pub.REPORT).write_text(
                json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            _write_sources(tmp, result, plan)
            (tmp / "组卷说明.txt").write_text(_readable_summary(report), encoding="utf-8")
            pub.write_checksums(tmp)
            destination = out if out is not None else pub.timestamped(parent, when)
            folder = pub.publish(tmp, destination)
        except BaseException as exc:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OSError):  # a full disk, a file held open, a lost share
                raise OutputError(
                    f"写入组卷结果时出错({exc.strerror or exc}):{exc.filename or tmp};"
                    "请检查磁盘空间和写入权限,以前的组卷结果未受影响"
                ) from exc
            raise
    summary = _summary(folder, plan, volumes, began, changed)
    summary.first = previous is None
    return summary


def _summary(
    folder: Path | None,
    plan: BuildPlan,
    volumes: list[dict[str, Any]],
    began: float,
    changed: list[str],
) -> BuildResult:
    sections = [s for v in plan.volumes for s in v.sections if s.status != "pointer"]
    return BuildResult(
        folder=folder,
        volumes=volumes,
        pages=sum(v["pages"] for v in volumes),
        included=sum(1 for s in sections if s.status == "included"),
        missing=sum(1 for s in sections if s.status == "missing"),
        failed=sum(1 for s in sections for d in s.docs if d.kind == "failed"),
        seconds=time.monotonic() - began,
        changed=changed,
        plan=plan,
    )


def _placeholder_job(doc: Doc, section: Any, drop: str, result: CheckResult) -> RenderJob:
    ind, mat = section.indicator, section.material
    if doc.kind == "missing":
        folders = result.workspace.layout.folders_for(section.key)
        lines = [
            f"指标:第{ind.id}项 {ind.text or '(原文缺失)'}",
            f"材料({mat.no}):{mat.text}",
            f"牵头单位:{'、'.join(mat.lead_units) or '未分配(原表未写牵头单位)'}",
        ]
        if folders:
            lines.append(f"补交时请放入:{drop}/{folders[0].rel}")
        return RenderJob("占位页.docx", {"heading": "本项材料暂缺", "lines": lines})
    assert doc.source is not None
    lines = [
        f"指标:第{ind.id}项 材料({mat.no})",
        f"文件:{doc.source.rel}",
        f"原因:{doc.message}",
        "处理:请把该文件另存为 PDF 或重新导出后放回原文件夹,再次组卷。",
    ]
    return RenderJob("占位页.docx", {"heading": "文件无法转换", "lines": lines})


def _pointer_job(doc: Doc, section: Any, where: Location | None) -> RenderJob:
    assert doc.target is not None
    place = "(该材料暂缺)"
    if where is not None:
        pages = str(where.first) if where.first == where.last else f"{where.first}–{where.last}"
        place = f"{where.part.label}《{where.part.volume.category.label}》第 {pages} 页"
    lines = [
        f"第{section.indicator.id}项 材料({section.material.no}):{section.material.text}",
        f"与第{doc.target.indicator}项的材料({doc.target.material})为同一份,只装订一次。",
        f"位置:{place}",
    ]
    return RenderJob(
        "占位页.docx", {"heading": f"本项材料见第{doc.target.indicator}项", "lines": lines}
    )


FrontJobs = dict[int, tuple[RenderJob, RenderJob, RenderJob]]


def _render_pages(
    plan: BuildPlan, result: CheckResult, renderer: PageRenderer, when: dt.datetime
) -> tuple[list[Part], dict[Any, Location], FrontJobs]:
    """Render placeholders, pointers, covers, contents and 备考表 in one parallel pass.

    Page numbers depend on the pages archiver writes itself, and those pages name page
    numbers; every such page is one page long, so numbering assumes that, renders, and
    numbers again in the rare case a page ran longer.
    """
    ws = result.workspace
    drop = ws.config.drop_folder
    settings = ws.config.build
    placeholders: list[tuple[Doc, RenderJob]] = []
    for volume in plan.volumes:
        for section in volume.sections:
            for doc in section.docs:
                if doc.kind in ("missing", "failed"):
                    placeholders.append((doc, _placeholder_job(doc, section, drop, result)))
                if doc.kind in ("missing", "failed", "pointer") and not doc.pages:
                    doc.pages = 1
    parts = split_parts(plan, settings.page_cap)
    for _ in range(3):
        locations = locate(parts)
        pointers = [
            (doc, _pointer_job(doc, section, locations.get(doc.target)))
            for part in parts
            for section in part.sections
            for doc in section.docs
            if doc.kind == "pointer" and doc.target is not None
        ]
        front: FrontJobs = {}
        for part in parts:
            info = _info(result, part, when)
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
            doc.pdf, doc.pages, doc.identity = str(job.pdf), job.pages, job.identity
        if not longer:
            break
        for part in parts:
            number(part)
    return parts, locate(parts), front


def _volume_entries(
    parts: list[Part], front: FrontJobs, result: CheckResult
) -> list[dict[str, Any]]:
    """What the report says of each volume file (its hash is added once it is written)."""
    title = result.workspace.manifest.title
    entries = []
    for part in parts:
        cover, contents, back = front[id(part)]
        entries.append(
            {
                "file": part.file_name,
                "title": volume_title(title, part),
                "label": part.label,
                "volume": part.volume.number,
                "part": part.number,
                "pages": cover.pages + contents.pages + part.pages + back.pages,
                "front_pages": cover.pages + contents.pages,
                "document_pages": part.pages,
            }
        )
    return entries


def _compile_elsewhere(comps: list[Any], folder: Path, org: str, cache: Path) -> list[str]:
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
    font = make_font_pdf(cache / "rendered" / f"stampfont-{_lo_id(cache)}.pdf", s.timeout)
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


def _lo_id(cache: Path) -> str:
    return Converter(cache / "conversions", jobs=1, timeout=60).lo_id()


def _info(result: CheckResult, part: Part, when: dt.datetime) -> VolumeInfo:
    ws = result.workspace
    s = ws.config.build
    return VolumeInfo(
        org=ws.config.org,
        title=volume_title(ws.manifest.title, part),
        retention=s.retention,
        fonds_no=s.fonds_no,
        filer=s.filer,
        checker=s.checker,
        date=when.date(),
    )


def _changed(volumes: list[dict[str, Any]], previous: dict[str, Any] | None) -> list[str]:
    if previous is None:
        return [v["file"] for v in volumes]
    before = {v.get("file"): v.get("sha256") for v in previous.get("volumes", [])}
    return [v["file"] for v in volumes if before.get(v["file"]) != v["sha256"]]


def _report(
    result: CheckResult,
    plan: BuildPlan,
    parts: list[Part],
    locations: dict[Any, Location],
    volumes: list[dict[str, Any]],
    changed: list[str],
    when: dt.datetime,
) -> dict[str, Any]:
    materials: list[dict[str, Any]] = []
    for part in parts:
        for section in part.sections:
            files = []
            for doc in section.docs:
                if doc.kind in ("file", "failed"):
                    assert doc.source is not None
                    first, last = part.page_range(doc)
                    files.append(
                        {
                            "path": doc.source.rel,
                            "pages": doc.pages if doc.kind == "file" else 0,
                            "first_page": first,
                            "last_page": last,
                            "status": "included" if doc.kind == "file" else "failed",
                            "message": doc.message,
                        }
                    )
            entry: dict[str, Any] = {
                "indicator": section.indicator.id,
                "material": section.material.no,
                "text": section.material.text,
                "units": list(section.material.lead_units),
                "files": files,
            }
            if section.status == "pointer":
                where = locations.get(section.key)
                own = part.page_range(section.docs[0])
                entry.update(
                    {
                        "status": "shared",
                        "same_as": {
                            "indicator": section.key.indicator,
                            "material": section.key.material,
                        },
                        "volume": where.part.file_name if where else None,
                        "first_page": where.first if where else None,
                        "last_page": where.last if where else None,
                        "pointer": {"volume": part.file_name, "page": own[0]},
                    }
                )
            else:
                loc = locations.get(section.key)
                entry.update(
                    {
                        "status": section.status,
                        "volume": part.file_name,
                        "first_page": loc.first if loc else None,
                        "last_page": loc.last if loc else None,
                    }
                )
            materials.append(entry)
    for volume in plan.volumes:
        for ind in volume.no_material:
            materials.append(
                {
                    "indicator": ind.id,
                    "material": None,
                    "text": ind.no_materials or "(原表未列上报资料)",
                    "units": list(ind.lead_units),
                    "status": "not_required",
                    "volume": None,
                    "first_page": None,
                    "last_page": None,
                    "files": [],
                }
            )
    ws = result.workspace
    return {
        "generator": "archiver",
        "version": __version__,
        "date": when.date().isoformat(),
        "org": ws.config.org,
        "manifest": ws.manifest.title,
        "level": ws.config.level,
        "volumes": volumes,
        "materials": materials,
        "changed_since_previous": changed,
        "findings": {
            "errors": sum(1 for f in result.findings if f.severity == "error"),
            "warnings": sum(1 for f in result.findings if f.severity == "warning"),
        },
    }


def _write_sources(tmp: Path, result: CheckResult, plan: BuildPlan) -> None:
    lines = []
    for doc in plan.all_docs():
        if doc.source is not None and doc.source.facts is not None:
            lines.append(f"{doc.source.facts.sha256}  {doc.source.rel}\n")
    (tmp / pub.SOURCES).write_text(
        "".join(sorted(set(lines), key=lambda s: s[66:])), encoding="utf-8", newline="\n"
    )


def _readable_summary(report: dict[str, Any]) -> str:
    mats = report["materials"]
    count = {
        k: sum(1 for m in mats if m["status"] == k)
        for k in ("included", "missing", "failed", "shared", "not_required")
    }
    lines = [
        f"{report['org']} 组卷结果",
        f"清单:{report['manifest']}(级别 {report['level']})",
        f"组卷日期:{report['date']},archiver {report['version']}",
        "",
        f"案卷 {len(report['volumes'])} 个,共 {sum(v['pages'] for v in report['volumes'])} 页:",
    ]
    for v in report["volumes"]:
        lines.append(f"  {v['file']}  {v['pages']} 页")
    lines += [
        "",
        f"材料:已装订 {count['included']} 份,暂缺 {count['missing']} 份,"
        f"转换失败 {count['failed']} 份,共用 {count['shared']} 处,"
        f"不需提供 {count['not_required']} 项",
        "与上次组卷相比有变化的案卷:"
        + (
            ("、".join(report["changed_since_previous"]) or "无")
            if report.get("has_previous")
            else "(首次组卷,没有可比较的上次结果)"
        ),
        "",
        "核对完整性:在本文件夹中运行 sha256sum -c SHA256SUMS,或 archiver verify 本文件夹",
    ]
    return "\r\n".join(lines) + "\r\n"


__all__ = ["BuildResult", "Finding", "run_build"]

"""The frozen (定稿) workflow around a build: ``freeze``, ``freeze --undo``, and the steps a
frozen build adds (checks, stand-in pages, 补页 and 补页清单, the new frozen state).

``run.py`` calls these at fixed points; the planning itself is pure (``freezeplan``,
``supplement``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from archiver.binding.freeze import (
    FreezeError,
    FrozenInfo,
    FrozenState,
    PrintedPart,
    drop_state,
    load_state,
    save_state,
)
from archiver.binding.parts import Part
from archiver.binding.plan import Doc, Section
from archiver.binding.render import PageRenderer, RenderJob
from archiver.binding.supplement import Insertion, PartSupplement, index_changes, plan_supplement
from archiver.binding.supplement_write import FOLDER, page_digests, write_list, write_pages
from archiver.fsutil import sha256_file
from archiver.workspace import Workspace

INDEX_PDF = "00_索引卷.pdf"


def frozen_state_for_build(ws: Workspace, renumber: bool) -> FrozenState | None:
    """The state a build must keep, after checking it still fits the workspace."""
    state = load_state(ws.config.cache_root)
    if state is None or renumber:
        return None
    now = sha256_file(ws.config.manifest_path)
    if state.level != ws.config.level or state.manifest_sha256 != now:
        what = "级别" if state.level != ws.config.level else "指标清单"
        raise FreezeError(
            f"本工作区已于 {state.frozen_on} 定稿,但此后{what}已改变"
            f"(定稿时:清单 {state.manifest},级别 {state.level});已印页码无法对应,"
            "本次没有组卷,什么也没有改动。请恢复定稿时的清单和级别后再组卷;"
            "确需按新清单重新编页,运行 archiver build --renumber(放弃定稿页码,须全部重新打印)"
        )
    return state


def stand_in_job(doc: Doc, section: Section) -> RenderJob:
    """The page left where a removed file was, or after a shorter replacement."""
    where = f"第{section.indicator.id}项 材料({section.material.no})"
    if doc.kind == "withdrawn":
        lines = [
            f"{where}:{section.material.text}",
            f"原为:{doc.message}",
            f"撤出日期:{doc.since}",
            "本页保留原页码,其他各页页码不变。",
        ]
        return RenderJob("占位页.docx", {"heading": "本页材料已撤出", "lines": lines})
    lines = [f"{where}", doc.message, f"日期:{doc.since}", "本页保留原页码,其他各页页码不变。"]
    return RenderJob("占位页.docx", {"heading": "本页空白", "lines": lines})


def render_stand_ins(parts: list[Part], renderer: PageRenderer, cache: Path) -> None:
    """Render the withdrawn and blank pages; a stand-in of n pages repeats its page n times."""
    from pypdf import PdfReader, PdfWriter

    from archiver.fsutil import atomic_path

    found = [
        (doc, stand_in_job(doc, section))
        for part in parts
        for section in part.sections
        for doc in section.docs
        if doc.kind in ("withdrawn", "blank")
    ]
    renderer.render([job for _, job in found])
    for doc, job in found:
        assert job.pdf is not None
        n = doc.pages
        target = cache / f"repeat-{job.identity}-{n}.pdf"
        if not target.is_file():
            page = PdfReader(str(job.pdf)).pages[0]
            writer = PdfWriter()
            for _ in range(n):
                writer.add_page(page)
            with atomic_path(target) as tmp, tmp.open("wb") as fh:
                writer.write(fh)
        doc.bind(str(target), n, f"{job.identity}x{n}")


def write_supplements(
    tmp: Path, layout: list[PrintedPart], state: FrozenState, today: str, timeout: float
) -> tuple[FrozenState, FrozenInfo]:
    """补页/ and 补页清单 into the build folder; return the state to keep and the summary."""
    before = {p.file: p for p in state.parts}
    sups = [plan_supplement(p, before.get(p.file)) for p in layout]
    digests = page_digests(tmp / INDEX_PDF)
    changed = index_changes(digests, state.index_pages)
    if changed:
        index = PartSupplement(INDEX_PDF, "索引卷")
        for i in changed:
            old = i < len(state.index_pages)
            where = f"替换索引卷原第 {i + 1} 页" if old else "接在索引卷最后"
            remove = [f"索引卷原第 {i + 1} 页"] if old else []
            index.insertions.append(
                Insertion(f"索引卷第 {i + 1} 页", [i], [f"索引{i + 1}"], where, remove)
            )
        sups.append(index)
    sups = [s for s in sups if s.insertions]
    files: list[str] = []
    pages = 0
    for sup in sups:
        rel = f"{FOLDER}/{sup.file}"
        pages += write_pages(tmp / sup.file, sup, tmp / rel)
        files.append(rel)
    new = FrozenState(
        frozen_on=state.frozen_on,
        source=state.source,
        manifest=state.manifest,
        manifest_sha256=state.manifest_sha256,
        level=state.level,
        printed_pages=state.printed_pages,
        parts=layout,
        index_pages=digests,
        last_build=today,
        builds=state.builds + 1,
    )
    info = FrozenInfo(state.frozen_on, new.added_pages(), pages, files)
    header = [
        f"本档案已于 {state.frozen_on} 定稿;本次组卷日期 {today}。已印页码全部保持不变,"
        f"定稿后新增 {info.added_pages} 页(页码形如“15-1”,紧接第 15 页之后)。",
        f"需补印 {pages} 页:按下表把 补页/ 中各文件的页插入装订本,并取出所列原页。"
        if pages
        else "本次没有需要补印的页,装订本无需改动。",
        "本清单以上次组卷"
        + (f"({state.last_build})" if state.last_build else f"(定稿,{state.frozen_on})")
        + "后的装订本为准;上次的补页如尚未插入,请先按上次的补页清单处理。",
    ]
    files += write_list(tmp, sups, header, timeout)
    return new, info


def commit_state(ws: Workspace, state: FrozenState) -> None:
    save_state(ws.config.cache_root, state)


def freeze_build(output: Path, start: Path | None) -> FrozenState:
    """``archiver freeze OUTPUT``: remember the page numbering of a printed build."""
    from archiver import clock
    from archiver.binding import publish as pub
    from archiver.binding.report import BuildReport
    from archiver.binding.verify import verify
    from archiver.workspace import open_workspace

    output = output.resolve()
    if not pub.is_build_folder(output):
        raise FreezeError(
            f"{output} 不是组卷结果文件夹(其中没有 {pub.REPORT});请指定 archiver build 生成的文件夹"
        )
    checked = verify(output)
    if not checked.ok:
        names = checked.missing + checked.changed + checked.unexpected
        raise FreezeError(
            f"{output} 组卷后有文件被改动、缺少或多出,不能定稿;请重新组卷、打印后再定稿",
            details=names,
        )
    report = BuildReport.from_json(json.loads((output / pub.REPORT).read_text(encoding="utf-8")))
    ws = open_workspace(start or output)
    if not report.layout:
        raise FreezeError(f"{output} 由旧版 archiver 生成,没有记录页码;请重新组卷、打印后再定稿")
    if report.level != ws.config.level or report.manifest != ws.manifest.title:
        raise FreezeError(
            f"{output} 不是按本工作区当前的清单和级别生成的(清单 {report.manifest},"
            f"级别 {report.level});请重新组卷后再定稿"
        )
    with pub.workspace_lock(ws.config.cache_root):
        old = load_state(ws.config.cache_root)
        if old is not None:
            raise FreezeError(
                f"本工作区已于 {old.frozen_on} 定稿(组卷结果 {old.source}),不能再次定稿;"
                "如确要以另一次组卷结果为准,先运行 archiver freeze --undo"
            )
        state = FrozenState(
            frozen_on=clock.today().isoformat(),
            source=str(output),
            manifest=str(ws.config.manifest_path),
            manifest_sha256=sha256_file(ws.config.manifest_path),
            level=ws.config.level,
            printed_pages=sum(len(d.labels) for p in report.layout for d in p.docs),
            parts=report.layout,
            index_pages=page_digests(output / INDEX_PDF),
        )
        save_state(ws.config.cache_root, state)
    return state


def unfreeze(start: Path | None) -> tuple[FrozenState | None, Path | None]:
    """``archiver freeze --undo``: set the frozen state aside (kept under a dated name)."""
    from archiver.binding import publish as pub
    from archiver.workspace import open_workspace

    ws = open_workspace(start)
    with pub.workspace_lock(ws.config.cache_root):
        try:
            state = load_state(ws.config.cache_root)
        except FreezeError:  # a damaged record is set aside all the same (never deleted)
            state = None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return state, drop_state(ws.config.cache_root, stamp)


def status_line(ws: Workspace) -> str | None:
    """One line for ``archiver status``: frozen since when, how many pages added."""
    state = load_state(ws.config.cache_root)
    if state is None:
        return None
    return (
        f"已定稿:{state.frozen_on}(定稿时 {state.printed_pages} 页),"
        f"此后组卷 {state.builds} 次,新增 {state.added_pages()} 页"
    )

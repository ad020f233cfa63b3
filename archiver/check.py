"""Checks over a scanned workspace: pure functions from (manifest, layout, inventory) to findings.

The finding codes are a fixed, documented list (docs/check.md). Every finding names the unit,
indicator, material and path it concerns and says, in Chinese, what to do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from archiver.findings import ERROR, INFO, WARNING, Finding
from archiver.manifest.model import UNASSIGNED, Manifest, Material, MaterialRef
from archiver.scan.facts import dates_in_name, earliest_in_name
from archiver.scan.inventory import Inventory, ScannedFile
from archiver.scan.sniff import KIND_NAMES, UNSUPPORTED_NAMES, name_matches
from archiver.textutil import limit_text
from archiver.workspace.layout import GENERAL_FOLDER, Layout, required_materials

COUNTABLE = ("docx", "txt")


@dataclass(frozen=True)
class CheckContext:
    manifest: Manifest
    level: str
    layout: Layout
    period_start: dt.date | None
    drop_folder: str = "材料"  # the drop root, relative to the workspace
    period_end: dt.date | None = None

    def workspace_path(self, rel: object) -> str:
        return f"{self.drop_folder}/{rel}"


def run_checks(ctx: CheckContext, inventory: Inventory) -> list[Finding]:
    findings: list[Finding] = []
    for f in inventory.files:
        findings += file_findings(ctx, f)
    findings += material_findings(ctx, inventory)
    findings += duplicate_findings(inventory)
    return sorted(findings, key=_order(ctx))


def _order(ctx: CheckContext) -> Any:
    units = {u: i for i, u in enumerate(ctx.layout.units)}
    inds = {ind.id: i for i, ind in enumerate(ctx.manifest.indicators)}
    sev = {ERROR: 0, WARNING: 1, INFO: 2}
    return lambda f: (
        units.get(f.unit or "", 999),
        inds.get(f.indicator or "", 9999),
        f.material or 0,
        sev[f.severity],
        f.path or "",
        f.code,
    )


def _where(f: ScannedFile) -> dict[str, Any]:
    key = f.material
    return {
        "unit": GENERAL_FOLDER if f.general else f.unit,
        "indicator": key.indicator if key else f.indicator,
        "material": key.material if key else None,
        "path": f.rel,
    }


def file_findings(ctx: CheckContext, f: ScannedFile) -> list[Finding]:
    """Findings about one file on its own (content, name, place)."""
    out: list[Finding] = []
    w = _where(f)
    if f.link == "outside":
        return [
            Finding(
                "unsafe_path",
                **w,
                message="这是指向工作区外部的链接(快捷方式),"
                "archiver 不会读取它;请把文件本身复制到这里",
            )
        ]
    if f.link == "folder":
        return [
            Finding(
                "unsafe_path",
                **w,
                message="这是指向文件夹的链接,archiver 不会跟随它;请把文件本身复制到这里",
            )
        ]
    if f.garbled_name:
        out.append(
            Finding(
                "garbled_name",
                **w,
                message="文件名的编码不是 UTF-8(常见于旧压缩包),已按 GBK 显示;请重命名该文件",
            )
        )
    facts = f.facts
    if facts is None:
        return [*out, Finding("unreadable_file", **w, message="无法读取该文件;请检查文件权限")]
    if facts.kind == "empty":
        return [
            *out,
            Finding("empty_file", **w, message="文件是空的(0 字节);请重新复制或导出该文件"),
        ]
    if facts.kind.startswith("unsupported:") or facts.kind == "unknown":
        what = UNSUPPORTED_NAMES.get(facts.kind.split(":", 1)[-1], "未知格式")
        out.append(
            Finding(
                "unsupported_type",
                **w,
                message=f"{what}不能装订进 PDF 档案,只会在目录中列出;如有需要,请另附截图或说明",
            )
        )
        return out
    if not name_matches(facts.kind, f.path):
        shown = KIND_NAMES.get(facts.kind, facts.kind)
        return [
            *out,
            Finding(
                "unreadable_file",
                **w,
                message=f"文件内容是{shown},"
                f"与扩展名“{f.path.suffix or '(无)'}”不符;请改正扩展名或重新导出",
            ),
        ]
    if facts.problem == "encrypted":
        return [
            *out,
            Finding(
                "encrypted_file",
                **w,
                message=f"{facts.reason};请去掉密码后重新保存"
                "(Word:文件→信息→保护文档→用密码进行加密,清空密码)",
            ),
        ]
    if facts.problem == "unreadable":
        return [
            *out,
            Finding("unreadable_file", **w, message=f"{facts.reason};请重新复制或导出该文件"),
        ]
    if facts.tracked_changes:
        out.append(
            Finding(
                "tracked_changes",
                **w,
                message="文件中有未接受的修订(修订记录);组卷时会按“接受全部修订”后的定稿打印。"
                "请本单位核对后在 Word 中“审阅→接受→接受所有修订”并保存",
            )
        )
    if facts.damage:
        out.append(
            Finding(
                "repaired_file",
                **w,
                message=f"{facts.damage};请核对装订后的页面是否完整,最好请原单位重新导出该文件",
            )
        )
    if f.general:  # the office's own documents (自评报告 …) are written after the period
        return out
    if f.folder is None:
        out.append(Finding("misplaced_file", **w, message=_misplaced_message(ctx, f)))
        return out
    out += _period_findings(ctx, f, w)
    return out


def _misplaced_message(ctx: CheckContext, f: ScannedFile) -> str:
    parts = f.rel.split("/")[1:-1]
    item = ctx.manifest.terms.item
    if not parts:
        return (
            f"文件直接放在了材料总文件夹中;请移到本单位对应{item}的文件夹"
            f"(全局的自评报告、工作总结请放入“{GENERAL_FOLDER}”文件夹)"
        )
    if f.unit is None:
        return f"“{parts[0]}”不是清单中的单位文件夹;请把文件移到对应单位的{item}文件夹"
    if len(parts) == 1:
        return f"文件放在了单位文件夹的第一层;请移到对应{item}的文件夹"
    ind = ctx.manifest.indicator(f.indicator) if f.indicator else None
    if ind is None or ind not in ctx.manifest.indicators_for(ctx.level):
        return rename_hint(ctx, f.unit, parts[1])
    folder = ctx.layout.folder_of(PurePosixPath(*parts[:2]))
    if folder is None:
        unit = ctx.manifest.terms.unit
        if unit.endswith("牵头单位"):  # 附1's wording
            return f"第{ind.id}项不由{f.unit}牵头;请确认后移到正确的单位文件夹"
        return f"{f.unit}不是第{ind.id}项的{unit};请确认后移到正确的单位文件夹"
    return f"第{ind.id}项有多份材料,请把文件放进对应的“材料N_…”子文件夹"


def rename_hint(ctx: CheckContext, unit: str, name: str) -> str:
    """A folder that matches no item: name it, and the exact name to rename it to."""
    import difflib

    from archiver.workspace.naming import folder_key

    item = ctx.manifest.terms.item
    mine = [str(f.rel.parts[1]) for f in ctx.layout.folders if f.unit == unit]
    mine = list(dict.fromkeys(mine))
    keyed = {folder_key(n): n for n in mine}
    close = difflib.get_close_matches(folder_key(name), list(keyed), n=1, cutoff=0.4)
    if close:
        return f"文件夹“{name}”不对应本单位的任何{item};如果它是“{keyed[close[0]]}”,请改名为该名称"
    return f"文件夹“{name}”不对应本单位的任何{item};请移到正确的{item}文件夹(名称以编号和“_”开头)"


def _period_findings(ctx: CheckContext, f: ScannedFile, w: dict[str, Any]) -> list[Finding]:
    start, end = ctx.period_start, ctx.period_end
    if (start is None and end is None) or f.facts is None:
        return []
    named = dates_in_name(f.path.name)
    if named:
        latest = max(named)
        source = "文件名"
    else:
        props = [dt.date.fromisoformat(d) for d in f.facts.dates]
        if not props:
            return []
        latest = max(props)
        source = "文件属性"
    if end is not None and named and min(earliest_in_name(f.path.name)) > end:
        first = min(earliest_in_name(f.path.name))
        return [
            Finding(
                "out_of_period",
                **w,
                extra={"date": first.isoformat()},
                message=f"文件名显示的日期 {first.isoformat()} 晚于收集期间的结束"
                f"({end.isoformat()});请确认该材料是否属于本期",
            )
        ]
    if start is None or latest >= start:
        return []
    return [
        Finding(
            "out_of_period",
            **w,
            extra={"date": latest.isoformat()},
            message=f"{source}显示的日期 {latest.isoformat()} 早于收集期间的开始"
            f"({start.isoformat()});请确认该材料是否应当提供",
        )
    ]


def material_findings(ctx: CheckContext, inventory: Inventory) -> list[Finding]:
    """Findings about materials as a whole: missing, word limits, templates, unassigned."""
    out: list[Finding] = []
    by_folder: dict[Any, list[ScannedFile]] = defaultdict(list)
    for f in inventory.files:
        if f.folder is not None:
            key = f.folder.collects
            by_folder[(key, f.folder.unit)].append(f)
    for ind, mat in required_materials(ctx.manifest, ctx.level):
        key = MaterialRef(ind.id, mat.no)
        units = mat.lead_units or (UNASSIGNED,)
        if not mat.lead_units:
            out.append(
                Finding(
                    "unassigned_material",
                    UNASSIGNED,
                    ind.id,
                    mat.no,
                    None,
                    f"原表没有写这份材料的{ctx.manifest.terms.unit},已放在“未分配”文件夹;"
                    "请局法规调研科确定由哪个单位提供",
                )
            )
        for unit in units:
            files = by_folder.get((key, unit), [])
            usable = [f for f in files if f.usable]
            if not usable:
                folders = ctx.layout.folders_for(key)
                where = next((ctx.workspace_path(x.rel) for x in folders if x.unit == unit), "")
                if files:  # something was sent, but nothing of it can go into the archive
                    names = "、".join(f.rel.rsplit("/", 1)[-1] for f in files[:3])
                    more = f"等 {len(files)} 个文件" if len(files) > 3 else ""
                    message = (
                        f"已提交的文件都无法装订({names}{more},原因见各文件的问题);"
                        f"请提供可以装订的文件,放到“{where}”文件夹"
                    )
                    code = "unbindable_material"
                else:
                    message = f"尚未提供:{mat.text[:60]};请放到“{where}”文件夹"
                    code = "missing_material"
                out.append(Finding(code, unit, ind.id, mat.no, None, message, {"folder": where}))
            if mat.kind == "explanation":
                out += _explanation_findings(mat, unit, key, usable)
    return out


def counted_files(files: list[ScannedFile]) -> list[ScannedFile]:
    """The files of a 情况说明 whose 字数 is counted: Word and text files, or else the PDFs
    that have a text layer (a PDF exported from Word still has its text)."""
    counted = [f for f in files if f.facts and f.facts.kind in COUNTABLE]
    if not counted:
        counted = [f for f in files if f.facts and f.facts.kind == "pdf" and f.facts.has_text]
    return counted


def _explanation_findings(
    mat: Material, unit: str, key: MaterialRef, files: list[ScannedFile]
) -> list[Finding]:
    out: list[Finding] = []
    counted = counted_files(files)
    for f in files:
        if f.facts and f.facts.placeholder:
            out.append(
                Finding(
                    "template_unchanged",
                    unit,
                    key.indicator,
                    key.material,
                    f.rel,
                    "情况说明仍是模板,还没有填写正文(含“【请在此处填写…】”);请填写正文并删除提示段",
                )
            )
    limit = mat.word_limit
    for f in counted:
        wc = f.facts.word_count if f.facts else None
        if wc is None or limit is None or (f.facts and f.facts.placeholder):
            continue
        how = "按 PDF 中的文字估算" if f.facts and f.facts.kind == "pdf" else "按 Word 规则统计"
        extra = {"count": wc.words, "limit": limit.hard}
        if wc.words > limit.hard:
            out.append(
                Finding(
                    "over_word_limit",
                    unit,
                    key.indicator,
                    key.material,
                    f.rel,
                    f"字数 {wc.words}({how}),超过上限 {limit.hard} 字"
                    f"({limit_text(mat)});请删减到 {limit.hard} 字以内",
                    extra,
                )
            )
        elif limit.soft is not None and wc.words > limit.soft:
            extra["limit"] = limit.soft
            out.append(
                Finding(
                    "over_soft_word_limit",
                    unit,
                    key.indicator,
                    key.material,
                    f.rel,
                    f"字数 {wc.words}({how}),超过一般要求的 {limit.soft} 字"
                    f"(最多 {limit.hard} 字);建议精简",
                    extra,
                )
            )
    long_pdfs = [f for f in files if f.facts and f.facts.kind == "pdf" and f.facts.has_text is None]
    if files and not counted and len(long_pdfs) < len(files):  # long PDFs: attachments
        names = "、".join(f.rel.rsplit("/", 1)[-1] for f in files[:3])
        kinds = {f.facts.kind for f in files if f.facts}
        advice = (
            "请另存为 .docx 后放入"
            if kinds & {"doc", "wps", "rtf", "odt"}
            else "扫描件没有文字,请同时提供 Word 版本"
        )
        out.append(
            Finding(
                "uncountable_explanation",
                unit,
                key.indicator,
                key.material,
                files[0].rel,
                f"无法统计情况说明的字数({names});{advice},以便核对字数要求",
            )
        )
    return out


def duplicate_findings(inventory: Inventory) -> list[Finding]:
    by_hash: dict[str, list[ScannedFile]] = defaultdict(list)
    for f in inventory.files:
        if f.facts and f.facts.sha256 and f.facts.kind != "empty":
            by_hash[f.facts.sha256].append(f)
    out = []
    for group in by_hash.values():
        if len(group) < 2:
            continue
        first = group[0]
        for other in group[1:]:
            out.append(
                Finding(
                    "duplicate_file",
                    **_where(other),
                    extra={"same_as": first.rel},
                    message=f"与“{first.rel}”内容完全相同;如非有意重复,请删除其中一份",
                )
            )
    return out

"""组卷说明.txt: the build report as a person reads it first, beside the volumes."""

from __future__ import annotations

from archiver.binding.report import MATERIAL_STATUSES, BuildReport
from archiver.textutil import level_label


def summary_text(report: BuildReport) -> str:
    """组卷说明.txt: what a person reads first (CRLF, for Windows Notepad)."""
    n = {k: report.count(k) for k in MATERIAL_STATUSES}
    lines = [
        f"{report.org} 组卷结果",
        f"清单:{report.manifest}({level_label(report.level)})",
        f"组卷日期:{report.date},archiver {report.version}",
        "",
        f"案卷 {len(report.volumes)} 个,共 {report.pages} 页:",
    ]
    for v in report.volumes:
        lines.append(f"  {v.file}  {v.pages} 页")
    if report.has_previous:
        changed = "、".join(report.changed_since_previous) or "无"
    else:
        changed = "(首次组卷,没有可比较的上次结果)"
    if report.frozen is not None:
        lines += ["", *report.frozen.summary_lines()]
    lines += [
        "",
        f"材料:已装订 {n['included']} 份,部分提供 {n['partial']} 份,暂缺 {n['missing']} 份,"
        f"无法装订 {n['failed']} 份,共用 {n['shared']} 处,"
        f"不需提供 {n['not_required']} 项",
        "与上次组卷相比有变化的案卷:" + changed,
        "",
        "核对完整性:在本文件夹中运行 sha256sum -c SHA256SUMS,或 archiver verify 本文件夹",
    ]
    return "\r\n".join(lines) + "\r\n"

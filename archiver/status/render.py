"""Render a :class:`StatusReport`: the monthly 进度通报 (.docx), the 台账 (.xlsx), a
self-contained HTML page, and one 整改清单 (.docx) per unit."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from archiver.docxrender import render_docx
from archiver.findings import ERROR, WARNING, Finding
from archiver.fsutil import atomic_path, write_text_atomic
from archiver.status.progress import MaterialEntry, StatusReport, Tally, missing_units
from archiver.textutil import cn_date
from archiver.workspace.naming import safe_name

STATUS_NAMES = {
    "provided": "已提供",
    "missing": "未提供",
    "partial": "部分提供",
    "error": "有问题",
    "not_required": "不需提供",
}
STATUS_COLOURS = {
    "provided": "C6EFCE",
    "missing": "FFC7CE",
    "partial": "FCE4D6",
    "error": "FFEB9C",
    "not_required": "EDEDED",
}


def pct(t: Tally) -> str:
    return f"{t.percent:.1f}%"


def headers(report: StatusReport) -> dict[str, str]:
    """Column headers in the manifest's own words (templates use ``h.item`` etc.)."""
    t = report.terms
    return {"item": t.item, "category": t.category, "material": t.material, "unit": t.unit}


def status_text(m: MaterialEntry) -> str:
    """The status as printed; 部分提供 names the units whose share is missing."""
    if m.status == "partial":
        return f"部分提供(缺:{'、'.join(missing_units(m.unit_status))})"
    return STATUS_NAMES[m.status]


def _where(f: Finding) -> str:
    parts = []
    if f.indicator:
        parts.append(f"第{f.indicator}项")
    if f.material:
        parts.append(f"材料{f.material}")
    return " ".join(parts) or "—"


def _problem_rows(findings: list[Finding], severities: tuple[str, ...]) -> list[Finding]:
    return [f for f in findings if f.severity in severities and f.code != "missing_material"]


def write_progress_docx(report: StatusReport, out: Path, workspace: Path | None) -> None:
    overall = report.overall
    laggards = report.laggards
    lag_text = (
        "、".join(f"{u.name}(完成率 {pct(u)})" for u in laggards) + "进度滞后,请抓紧报送。"
        if laggards
        else "各单位均已按要求报送。"
    )
    problems = _problem_rows(report.findings, (ERROR,))
    t = report.terms
    partial = [m for m in report.materials if m.status == "partial"]
    partial_text = (
        f"多个单位共同提供的材料中,部分提供 {len(partial)} 份("
        + ";".join(f"第{m.indicator}项缺{'、'.join(missing_units(m.unit_status))}" for m in partial)
        + ")。"
        if partial
        else ""
    )
    context: dict[str, Any] = {
        "title": f"{t.exercise}工作进度通报",
        "subtitle": f"{report.org} · {report.level_name} · 截至{cn_date(report.date)}",
        "h": headers(report),
        "overall": (
            f"按《{report.title}》,共需报送材料 {overall.required} 项(按单位计),已报送且无问题"
            f" {overall.provided} 项,有问题待整改 {overall.errors} 项(共 {len(problems)} 处问题,"
            f"见第五部分),尚未报送 {overall.missing} 项,总体完成率 {pct(overall)}。" + partial_text
        ),
        "units": [_tally_row(u) for u in report.units],
        "laggards": lag_text,
        "categories": [_tally_row(c) for c in report.categories],
        "problems": [
            {"unit": f.unit or "—", "where": _where(f), "message": f.message} for f in problems
        ]
        or [{"unit": "—", "where": "—", "message": "无"}],
        "closing": (
            f"请各单位于{cn_date(report.next_deadline)}前将本单位{t.exercise}任务完成情况报送局法治政府建设"
            "领导小组办公室(局法规调研科)。"
        ),
    }
    render_docx("进度通报.docx", context, out, workspace)


def _tally_row(t: Tally) -> dict[str, Any]:
    return {**t.to_json(), "percent": pct(t)}


def write_rectification_docs(
    report: StatusReport, folder: Path, workspace: Path | None
) -> list[Path]:
    """One 整改清单 per unit with something missing or wrong."""
    written = []
    for unit in report.units:
        t = report.terms
        missing = [m for m in report.materials if m.unit_status.get(unit.name) == "missing"]
        problems = [
            f for f in _problem_rows(report.findings, (ERROR, WARNING)) if f.unit == unit.name
        ]
        if not missing and not problems:
            continue
        context = {
            "title": f"{t.exercise}材料整改清单",
            "h": headers(report),
            "subtitle": f"{unit.name} · 截至{cn_date(report.date)}",
            "summary": (
                f"本单位共需报送材料 {unit.required} 项,已报送且无问题 {unit.provided} 项,"
                f"完成率 {pct(unit)}。下列 {len(missing)} 项材料尚未报送,{len(problems)} 处问题"
                "需要整改。"
            ),
            "missing": [
                {
                    "no": i,
                    "indicator": f"第{m.indicator}项",
                    "material": f"({m.material}){m.text}"
                    + (
                        f"(本材料由{'、'.join(m.units)}共同提供,本单位的部分尚未报送)"
                        if len(m.units) > 1
                        else ""
                    ),
                    "folder": next((p for p in m.folders if f"/{unit.name}/" in p), ""),
                }
                for i, m in enumerate(missing, start=1)
            ]
            or [{"no": "", "indicator": "—", "material": "无", "folder": ""}],
            "problems": [
                {"no": i, "indicator": _where(f), "path": f.path or "—", "message": f.message}
                for i, f in enumerate(problems, start=1)
            ]
            or [{"no": "", "indicator": "—", "path": "", "message": "无"}],
            "closing": f"请于{cn_date(report.next_deadline)}前完成整改,并把材料放入对应文件夹。",
        }
        out = folder / f"整改清单_{safe_name(unit.name, 40)}.docx"
        render_docx("整改清单.docx", context, out, workspace)
        written.append(out)
    return written


def write_ledger_xlsx(report: StatusReport, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "材料台账"
    t = report.terms
    columns = (
        (t.item, 8),
        ("材料", 6),
        (t.category, 22),
        (t.material, 50),
        (t.unit, 22),
        ("状态", 9),
        ("文件数", 7),
        ("文件", 50),
        ("字数", 8),
        ("问题", 60),
    )
    ws.append([c for c, _ in columns])
    for i, (_, width) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    for m in report.materials:
        ws.append(
            [
                m.indicator,
                m.material,
                m.category,
                m.text,
                "、".join(m.units),
                status_text(m),
                len(m.files),
                "\n".join(m.files),
                m.word_count,
                "\n".join(p.message for p in m.problems if p.code != "missing_material"),
            ]
        )
        row = ws.max_row
        ws.cell(row=row, column=6).fill = PatternFill("solid", fgColor=STATUS_COLOURS[m.status])
        for col in range(1, len(columns) + 1):
            ws.cell(row=row, column=col).alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    units = wb.create_sheet("各单位进度")
    units.append(["单位", "应报", "已报", "有问题", "未报", "完成率"])
    for u in report.units:
        units.append([u.name, u.required, u.provided, u.errors, u.missing, round(u.percent, 1)])
    units.freeze_panes = "A2"
    units.column_dimensions["A"].width = 26
    with atomic_path(out) as tmp:
        wb.save(str(tmp))


def render_html(report: StatusReport) -> str:
    e = html.escape

    def bar(t: Tally) -> str:
        p = t.percent
        return (
            f'<div class="bar"><div class="fill" style="width:{p:.1f}%"></div>'
            f"<span>{p:.1f}%</span></div>"
        )

    def rows(tallies: list[Tally]) -> str:
        return "\n".join(
            f"<tr><td>{e(t.name)}</td><td>{t.required}</td><td>{t.provided}</td>"
            f"<td>{t.errors}</td><td>{t.missing}</td><td>{bar(t)}</td></tr>"
            for t in tallies
        )

    material_rows = "\n".join(
        f'<tr class="{m.status}"><td>{e(m.indicator)}</td><td>{m.material or ""}</td>'
        f"<td>{e(m.text)}</td><td>{e('、'.join(m.units))}</td>"
        f"<td>{e(status_text(m))}</td><td>{len(m.files)}</td>"
        f"<td>{m.word_count if m.word_count is not None else ''}</td>"
        f"<td>{'<br>'.join(e(p.message) for p in m.problems if p.code != 'missing_material')}"
        "</td></tr>"
        for m in report.materials
    )
    laggards = "、".join(e(u.name) for u in report.laggards) or "无"
    head = (
        "<tr>"
        + "".join(f"<th>{h}</th>" for h in ("名称", "应报", "已报", "有问题", "未报", "完成率"))
        + "</tr>"
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{e(report.terms.exercise)}工作进度 · {e(report.org)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", "SimHei", sans-serif;
       margin: 2em auto; max-width: 1100px; color: #222; }}
h1 {{ font-size: 1.6em; }} h2 {{ margin-top: 1.6em; border-bottom: 2px solid #c00; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.92em; }}
th, td {{ border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; }}
th {{ background: #eee; }}
.bar {{ position: relative; background: #eee; height: 1.3em; min-width: 160px; }}
.fill {{ background: #4a8f3c; height: 100%; }}
.bar span {{ position: absolute; left: 6px; top: 0; font-size: 0.85em; }}
tr.missing td:nth-child(5) {{ background: #ffc7ce; }}
tr.error td:nth-child(5) {{ background: #ffeb9c; }}
tr.provided td:nth-child(5) {{ background: #c6efce; }}
tr.partial td:nth-child(5) {{ background: #fce4d6; }}
tr.not_required td {{ color: #888; }}
.summary {{ font-size: 1.1em; }}
</style></head><body>
<h1>{e(report.terms.exercise)}工作进度 · {e(report.org)}</h1>
<p class="summary">{e(report.title)}({e(report.level_name)}),截至{cn_date(report.date)}:
共需报送 {report.overall.required} 项,已报送且无问题 {report.overall.provided} 项,
有问题 {report.overall.errors} 项,未报送 {report.overall.missing} 项。</p>
{bar(report.overall)}
<p>进度滞后的单位:{laggards}。下次报送截止:{cn_date(report.next_deadline)}。</p>
<h2>各单位进度</h2>
<table>{head}
{rows(report.units)}
</table>
<h2>各{e(report.terms.category)}进度</h2>
<table>{head}
{rows(report.categories)}
</table>
<h2>材料明细</h2>
<table><tr><th>{e(report.terms.item)}</th><th>材料</th><th>{e(report.terms.material)}</th>
<th>{e(report.terms.unit)}</th><th>状态</th><th>文件数</th>
<th>字数</th><th>问题</th></tr>
{material_rows}
</table>
</body></html>
"""


def write_html(report: StatusReport, out: Path) -> None:
    write_text_atomic(out, render_html(report))

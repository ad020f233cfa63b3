"""The 责任分工表: per unit, what it must provide (``archiver manifest export``).

``responsibility_rows`` is pure planning (manifest → rows); ``write_docx`` and ``write_xlsx``
render the same rows as an office would print and circulate them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from archiver.manifest.model import Indicator, Manifest, Material
from archiver.textutil import LEVEL_NAMES, limit_text, shared_text

UNASSIGNED = "未分配"


@dataclass(frozen=True)
class Row:
    unit: str
    indicator: Indicator
    material: Material | None  # None: the indicator needs no material (or lists none)

    @property
    def material_text(self) -> str:
        if self.material is None:
            return self.indicator.no_materials or "(原表未列上报资料)"
        m = self.material
        prefix = f"({m.no})" if len(self.indicator.materials) > 1 else ""
        return prefix + m.text

    @property
    def limit(self) -> str:
        return limit_text(self.material)

    @property
    def shared(self) -> str:
        parts = []
        if self.material is not None:
            parts.append(shared_text(self.indicator, self.material))
            others = [u for u in self.material.lead_units if u != self.unit]
            if others:
                parts.append("会同:" + "、".join(others))
        return ";".join(p for p in parts if p)


def responsibility_rows(
    manifest: Manifest, level: str | None = None, unit: str | None = None
) -> list[Row]:
    """Rows grouped by unit in manifest unit order, then indicators in manifest order."""
    by_unit: dict[str, list[Row]] = {u.name: [] for u in manifest.units}
    by_unit[UNASSIGNED] = []
    for ind in manifest.indicators_for(level):
        if not ind.materials:
            for u in ind.lead_units or (UNASSIGNED,):
                by_unit[u].append(Row(u, ind, None))
            continue
        for mat in ind.materials:
            for u in mat.lead_units or (UNASSIGNED,):
                by_unit[u].append(Row(u, ind, mat))
    rows = []
    for name, items in by_unit.items():
        if unit is None or name == unit:
            rows.extend(items)
    return rows


def write_docx(
    manifest: Manifest, rows: list[Row], out: Path, level: str | None, today: dt.date
) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from archiver.export import gbstyle as g

    doc = Document()
    g.set_style_font(doc.styles["Normal"], g.FANGSONG, g.SIZE_5)
    g.set_document_language(doc)
    section = doc.sections[0]
    g.page_setup(section, landscape=True)
    g.add_page_number_footer(section)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    g.set_run_font(title.add_run(manifest.title), g.XIAOBIAOSONG, g.SIZE_2)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    distinct = {(r.indicator.id, r.material.no) for r in rows if r.material is not None}
    lv = manifest.level(level) if level else None
    parts = [f"适用级别:{lv.name}"] if lv else []
    parts += [f"上报资料 {len(distinct)} 项", f"生成日期 {today.isoformat()}"]
    g.set_run_font(sub.add_run(" · ".join(parts)), g.KAITI, g.SIZE_4)

    headers = ("序号", "指标编号", "三级指标", "上报资料", "字数要求", "共用与配合")
    widths_mm = (10, 14, 80, 70, 26, 25)
    groups: dict[str, list[Row]] = {}
    for r in rows:
        groups.setdefault(r.unit, []).append(r)
    numerals = "一二三四五六七八九十"
    for gi, (unit, items) in enumerate(groups.items()):
        if not items:
            continue
        head = doc.add_paragraph()
        no = numerals[gi] if gi < len(numerals) else str(gi + 1)
        need = sum(1 for r in items if r.material is not None)
        g.set_run_font(head.add_run(f"{no}、{unit}(上报资料 {need} 项)"), g.HEITI, g.SIZE_3)
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        g.center_table(table)
        g.set_column_widths(table, widths_mm)
        hdr = table.rows[0]
        g.repeat_header_row(hdr)
        for cell, text in zip(hdr.cells, headers, strict=True):
            g.write_cell(cell, text, g.HEITI, g.SIZE_5, align=1)
            g.shade_cell(cell, "D9D9D9")
        for i, r in enumerate(items, start=1):
            row = table.add_row()
            g.cant_split_row(row)
            values = (
                str(i),
                r.indicator.id,
                r.indicator.text or "(原文缺失)",
                r.material_text,
                r.limit,
                r.shared,
            )
            for j, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                g.write_cell(cell, text, align=1 if j in (0, 1) else None)
        g.set_column_widths(table, widths_mm)
    _save_atomic(doc.save, out)


def write_xlsx(manifest: Manifest, rows: list[Row], out: Path, level: str | None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "责任分工表"
    headers = (
        ("一级指标", 18),
        ("二级指标", 22),
        ("指标编号", 9),
        ("级别", 8),
        ("三级指标", 50),
        ("材料序号", 8),
        ("上报资料", 50),
        ("材料类型", 10),
        ("牵头单位", 20),
        ("字数要求", 14),
        ("共用与配合", 22),
        ("备注", 30),
    )
    ws.append([h for h, _ in headers])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9D9D9")
    for col, (_, width) in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    seen: set[tuple[str, int | None]] = set()
    for r in rows:
        key = (r.indicator.id, r.material.no if r.material else None)
        if key in seen:  # one row per material, whatever the number of units
            continue
        seen.add(key)
        ind, mat = r.indicator, r.material
        units = "、".join(mat.lead_units if mat else ind.lead_units) or UNASSIGNED
        notes = ";".join(n for n in (ind.note, mat.note if mat else None) if n)
        cats = ind.category_names
        ws.append(
            [
                cats[0] if cats else "",
                " / ".join(cats[1:]),
                ind.id,
                LEVEL_NAMES.get(ind.level, ind.level),
                ind.text,
                mat.no if mat else None,
                r.material_text,
                {"explanation": "情况说明", "evidence": "证明材料"}.get(mat.kind, "")
                if mat
                else "",
                units,
                r.limit,
                r.shared.split(";会同")[0],
                notes,
            ]
        )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    _save_atomic(wb.save, out)


def _save_atomic(save: object, out: Path) -> None:
    """Write next to the target, then rename: a reader never sees half a file."""
    from archiver.fsutil import atomic_path

    with atomic_path(out) as tmp:
        save(str(tmp))  # type: ignore[operator]

"""The 责任分工表: per unit, what it must provide (``archiver manifest export``).

``responsibility_rows`` is pure planning (manifest → rows); ``write_docx`` and ``write_xlsx``
render the same rows as an office would print and circulate them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archiver.manifest.model import UNASSIGNED, Indicator, Manifest, Material
from archiver.manifest.terms import Terms
from archiver.textutil import (
    LEVEL_NAMES,
    chinese_numeral,
    limit_text,
    no_materials_text,
    shared_text,
)


@dataclass(frozen=True)
class Row:
    unit: str
    indicator: Indicator
    material: Material | None  # None: the indicator needs no material (or lists none)

    @property
    def material_text(self) -> str:
        if self.material is None:
            return self.indicator.no_materials or no_materials_text(self.indicator, Terms())
        m = self.material
        prefix = f"({m.no})" if len(self.indicator.materials) > 1 else ""
        return prefix + m.text

    @property
    def limit(self) -> str:
        return limit_text(self.material)

    @property
    def units(self) -> str:
        leads = self.material.lead_units if self.material else self.indicator.lead_units
        return "、".join(leads) or UNASSIGNED

    @property
    def notes(self) -> str:
        mat_note = self.material.note if self.material else None
        return ";".join(n for n in (self.indicator.note, mat_note) if n)

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
            for u in mat.units:
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
    assessment = any(r.indicator.requirement for r in rows)
    t = manifest.terms
    what = t.item if assessment else t.material
    parts += [f"{what} {len(distinct)} 项", f"生成日期 {today.isoformat()}"]
    g.set_run_font(sub.add_run(" · ".join(parts)), g.KAITI, g.SIZE_4)

    if assessment:  # 附2: tasks and requirements, no materials listed in the source
        headers: tuple[str, ...] = ("序号", "编号", t.item, t.material, "共同负责")
        widths_mm: tuple[int, ...] = (10, 14, 85, 95, 21)
    else:
        headers = ("序号", "指标编号", "三级指标", t.material, "字数要求", "共用与配合")
        widths_mm = (10, 14, 80, 70, 26, 25)
    groups: dict[str, list[Row]] = {}
    for r in rows:
        groups.setdefault(r.unit, []).append(r)
    for gi, (unit, items) in enumerate(((u, i) for u, i in groups.items() if i), start=1):
        head = doc.add_paragraph()
        need = sum(1 for r in items if r.material is not None)
        g.set_run_font(
            head.add_run(f"{chinese_numeral(gi)}、{unit}({what} {need} 项)"), g.HEITI, g.SIZE_3
        )
        table = doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        g.center_table(table)
        hdr = table.rows[0]
        g.repeat_header_row(hdr)
        for cell, text in zip(hdr.cells, headers, strict=True):
            g.write_cell(cell, text, g.HEITI, g.SIZE_5, align=1)
            g.shade_cell(cell, "D9D9D9")
        for i, r in enumerate(items, start=1):
            row = table.add_row()
            g.cant_split_row(row)
            text = r.indicator.text or "(原文缺失)"
            if assessment:
                others = [u for u in r.indicator.lead_units if u != r.unit]
                values: tuple[str, ...] = (
                    str(i),
                    r.indicator.id,
                    text,
                    r.indicator.requirement or "",
                    "、".join(others),
                )
            else:
                values = (str(i), r.indicator.id, text, r.material_text, r.limit, r.shared)
            for j, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                g.write_cell(cell, value, align=1 if j in (0, 1) else None)
        g.set_column_widths(table, widths_mm)
    _save_atomic(doc.save, out)


KIND_NAMES = {"explanation": "情况说明", "evidence": "证明材料"}


def _xlsx_columns(
    assessment: bool, t: Terms | None = None
) -> list[tuple[str, int, Callable[[Row], object]]]:
    """(header, width, value) for each column of the 台账-style sheet, in the manifest's words."""
    t = t or Terms()
    second = t.category.replace("一级", "二级") if "一级" in t.category else f"{t.category}(二级)"

    def cat(r: Row, i: int) -> str:
        names = r.indicator.category_names
        return names[0] if i == 0 and names else " / ".join(names[1:]) if i else ""

    cols: list[tuple[str, int, Callable[[Row], object]]] = [
        (t.category, 18, lambda r: cat(r, 0)),
        (second, 22, lambda r: cat(r, 1)),
        ("编号" if assessment else "指标编号", 9, lambda r: r.indicator.id),
        ("级别", 8, lambda r: LEVEL_NAMES.get(r.indicator.level, r.indicator.level)),
        (t.item if assessment else "三级指标", 50, lambda r: r.indicator.text),
    ]
    if assessment:  # 附2: the item's 工作要求 (t.material), then the material collected for it
        cols.append((t.material, 60, lambda r: r.indicator.requirement or ""))
    cols += [
        ("材料序号", 8, lambda r: r.material.no if r.material else None),
        ("佐证材料" if assessment else t.material, 50, lambda r: r.material_text),
        ("材料类型", 10, lambda r: KIND_NAMES.get(r.material.kind, "") if r.material else ""),
        (t.unit, 20, lambda r: r.units),
        ("字数要求", 14, lambda r: r.limit),
        ("共用情况", 22, lambda r: shared_text(r.indicator, r.material) if r.material else ""),
        ("备注", 30, lambda r: r.notes),
    ]
    return cols


def write_xlsx(manifest: Manifest, rows: list[Row], out: Path, level: str | None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "责任分工表"
    columns = _xlsx_columns(any(r.indicator.requirement for r in rows), manifest.terms)
    ws.append([h for h, _, _ in columns])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9D9D9")
    for col, (_, width, _) in enumerate(columns, start=1):
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
        ws.append([value(r) for _, _, value in columns])
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

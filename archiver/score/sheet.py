"""Write the 自评表.xlsx the office fills in: one row per item grouped by category.

A category row carries 分值 and the formulas 扣分 = SUM(items) and 自评得分 = 分值 − 扣分; an
item row leaves 扣分 and 扣分原因 to fill. A 总分 row sums the categories. The header is
frozen and the sheet prints on A4, fit to width, with the header repeated on every page.
"""

from __future__ import annotations

from pathlib import Path

from archiver.fsutil import atomic_path
from archiver.manifest.model import Manifest
from archiver.score.model import (
    COL_DEDUCT,
    COL_POINTS,
    COL_SCORE,
    COLUMNS,
    SHEET_NAME,
)

WIDTHS = (8, 60, 8, 8, 40, 10)
TOTAL_LABEL = "总分"


def write_score_workbook(manifest: Manifest, level: str, out: Path) -> None:
    """Write a blank 自评表 for ``level`` of ``manifest`` to ``out`` (atomically)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    t = manifest.terms
    ws.append([*COLUMNS[:1], f"{t.category} / {t.item}", *COLUMNS[2:]])
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i, width in enumerate(WIDTHS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = width
    d, p, s = (get_column_letter(c) for c in (COL_DEDUCT, COL_POINTS, COL_SCORE))
    items = manifest.indicators_for(level)
    category_rows: list[int] = []
    for cat in manifest.categories:
        mine = [i for i in items if i.category[:1] == (cat.no,)]
        if not mine:
            continue
        row = ws.max_row + 1
        category_rows.append(row)
        first, last = row + 1, row + len(mine)
        ws.append(
            [cat.no, cat.title, cat.points, f"=SUM({d}{first}:{d}{last})", None,
             f"=MAX({p}{row}-{d}{row},0)"]
        )  # fmt: skip
        for c in range(1, len(COLUMNS) + 1):
            ws.cell(row=row, column=c).font = Font(bold=True)
            ws.cell(row=row, column=c).fill = PatternFill("solid", fgColor="F2F2F2")
        for ind in mine:
            ws.append([ind.id, ind.text, None, None, None, None])
    total = ws.max_row + 1
    ws.append(
        [TOTAL_LABEL, f"合计(满分 {manifest.total_points or 0} 分)",
         "=" + "+".join(f"{p}{r}" for r in category_rows) if category_rows else 0,
         "=" + "+".join(f"{d}{r}" for r in category_rows) if category_rows else 0,
         None,
         "=" + "+".join(f"{s}{r}" for r in category_rows) if category_rows else 0]
    )  # fmt: skip
    for c in range(1, len(COLUMNS) + 1):
        ws.cell(row=total, column=c).font = Font(bold=True)
    for row in ws.iter_rows(min_row=1, max_row=total):
        for cell in row:
            cell.border = border
            if cell.row > 1:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    with atomic_path(out) as tmp:
        wb.save(str(tmp))

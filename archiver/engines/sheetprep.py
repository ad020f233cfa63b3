"""Spreadsheets printed like a 台账: the page setup of an .xlsx copy, set with openpyxl.

LibreOffice prints a sheet as it is set up, and most sheets units send are not set up at all:
a 16-column ledger comes out as 14 A4 pages, columns 10-16 on pages of their own, long cell
text cut at the column edge. On the copy, each printed sheet gets:

- fit to the page width, as many pages tall as needed (fitToWidth=1, fitToHeight=0);
- landscape when the used range is wider than tall, or wider than a portrait page;
- the header row repeated on every page (the first row with several non-empty cells, after
  any title row; with the rows its vertically merged cells span);
- wrapped text in cells whose text is wider than their column (column widths are kept),
  and automatic height for those rows, so no text is cut.

A print area, print titles or an orientation the unit set is kept. Hidden and empty sheets
are not printed (LibreOffice skips them). LibreOffice's PDF export puts one bookmark per
printed sheet, titled with its name: :func:`sheet_pages` reads them back.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.wordcount import is_east_asian

MAX_SCAN_CELLS = 400_000  # beyond this only the sheet's recorded dimension is used
HEADER_SEARCH_ROWS = 10
DEFAULT_COL_WIDTH = 8.43  # Excel's default, in characters
DEFAULT_ROW_HEIGHT = 15.0  # points
POINTS_PER_CHAR = 5.6  # one character of the default 11 pt font, column units → points
PORTRAIT_WIDTH = 481.0  # A4 portrait minus 0.7" margins, points


@dataclass
class SheetPlan:
    """What was decided for one sheet (for notes and tests)."""

    name: str
    printed: bool
    landscape: bool = False
    header_rows: tuple[int, int] | None = None
    wrapped: int = 0
    notes: list[str] = field(default_factory=list)


MAX_MEASURED_CHARS = 4000  # longer text is wider than any column: no need to measure it all
MAX_ROW_HEIGHT = 409.0  # Excel's limit, points
MAX_TOTAL_CHARS = 20_000_000  # 100 times the text of a long 台账


def text_width(text: str) -> int:
    """Width of the widest line in character units: East Asian characters count 2."""
    return max(
        (
            sum(2 if is_east_asian(ch) else 1 for ch in line)
            for line in text[:MAX_MEASURED_CHARS].splitlines()
        ),
        default=0,
    )


def too_much_text(wb: Any, limit: int = MAX_TOTAL_CHARS) -> bool:
    """More text than any real 台账 holds: a cell-reference bomb (one huge shared string used
    by thousands of cells). Measuring and saving it would take minutes."""
    total = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    total += len(value)
                    if total > limit:
                        return True
    return False


def plan_workbook(wb: Any) -> list[SheetPlan]:
    """Set up every printed worksheet of an openpyxl workbook in place."""
    plans = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            plans.append(SheetPlan(ws.title, False, notes=[f"工作表“{ws.title}”已隐藏,不打印"]))
            continue
        bounds = _used_bounds(ws)
        if bounds is None:
            plans.append(SheetPlan(ws.title, False, notes=[f"工作表“{ws.title}”是空的,不打印"]))
            continue
        plans.append(_set_up(ws, bounds))
    return plans


def _filled(value: object) -> bool:
    """A value that prints something (isspace stops at the first letter: no copy of big text)."""
    if value is None:
        return False
    return not isinstance(value, str) or (value != "" and not value.isspace())


def _used_bounds(ws: Any) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of cells with a value, or None when empty."""
    if ws.max_row * ws.max_column > MAX_SCAN_CELLS:
        return ws.min_row, ws.min_column, ws.max_row, ws.max_column
    rows: list[int] = []
    cols: list[int] = []
    for row in ws.iter_rows():
        for cell in row:
            if _filled(cell.value):
                rows.append(cell.row)
                cols.append(cell.column)
    if not rows:
        return None
    return min(rows), min(cols), max(rows), max(cols)


def _print_area(ws: Any) -> tuple[int, int, int, int] | None:
    """The first range of the sheet's print area as (min_row, min_col, max_row, max_col)."""
    from openpyxl.utils.cell import range_boundaries

    area = ws.print_area
    if not area:
        return None
    first = str(area).split(",")[0].split("!")[-1].replace("$", "")
    try:
        min_col, min_row, max_col, max_row = range_boundaries(first)
    except (ValueError, TypeError):
        return None
    if None in (min_col, min_row, max_col, max_row):
        return None
    return int(min_row), int(min_col), int(max_row), int(max_col)


def _col_width(ws: Any, col: int) -> float:
    from openpyxl.utils import get_column_letter

    dim = ws.column_dimensions.get(get_column_letter(col))
    if dim is not None and dim.width and not dim.hidden:
        return float(dim.width)
    if dim is not None and dim.hidden:
        return 0.0
    default = ws.sheet_format.defaultColWidth or (ws.sheet_format.baseColWidth or 8) + 0.43
    return float(default or DEFAULT_COL_WIDTH)


def _set_up(ws: Any, bounds: tuple[int, int, int, int]) -> SheetPlan:
    plan = SheetPlan(ws.title, True)
    area = _print_area(ws)
    if area is not None:  # the unit chose what to print: plan for that range only
        plan.notes.append(f"工作表“{ws.title}”按已设置的打印区域打印")
        bounds = area
    min_row, min_col, max_row, max_col = bounds
    widths = {c: _col_width(ws, c) for c in range(min_col, max_col + 1)}
    width_pt = sum(widths.values()) * POINTS_PER_CHAR
    height_pt = sum(
        (ws.row_dimensions[r].height if r in ws.row_dimensions else None) or DEFAULT_ROW_HEIGHT
        for r in range(min_row, max_row + 1)
    )
    setup = ws.page_setup
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        plan.notes.append(f"工作表“{ws.title}”已设置“调整为一页宽”等打印格式,保持不变")
        plan.landscape = setup.orientation == "landscape"
        return plan  # the unit set the sheet up for printing: theirs wins
    if setup.orientation != "landscape":  # Excel writes "portrait" when nobody chose
        plan.landscape = width_pt > height_pt or width_pt > PORTRAIT_WIDTH
        setup.orientation = "landscape" if plan.landscape else "portrait"
    else:
        plan.landscape = setup.orientation == "landscape"
    if not setup.paperSize:
        setup.paperSize = ws.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        from openpyxl.worksheet.properties import PageSetupProperties

        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if not ws.print_title_rows:
        plan.header_rows = _header_rows(ws, min_row, min_col, max_row, max_col)
        if plan.header_rows is not None:
            first, last = plan.header_rows
            ws.print_title_rows = f"{first}:{last}"
    if (max_row - min_row + 1) * (max_col - min_col + 1) > MAX_SCAN_CELLS:
        plan.notes.append(f"工作表“{ws.title}”单元格过多,未逐格设置自动换行")
        return plan
    plan.wrapped = _wrap_long_text(ws, widths, max_row, max_col)
    if plan.wrapped:
        plan.notes.append(f"工作表“{ws.title}”:{plan.wrapped} 个单元格文字较长,已设为自动换行")
    return plan


def _header_rows(
    ws: Any, min_row: int, min_col: int, max_row: int, max_col: int
) -> tuple[int, int] | None:
    """The header rows: the first row with several values, after title rows."""
    ncols = max_col - min_col + 1
    if ncols < 2 or max_row - min_row < 2:
        return None
    need = max(2, math.ceil(ncols / 2))
    last_search = min(max_row - 1, min_row + HEADER_SEARCH_ROWS - 1)
    for r in range(min_row, last_search + 1):
        filled = sum(1 for c in range(min_col, max_col + 1) if _filled(ws.cell(r, c).value))
        if filled >= need:
            end = r
            for merged in ws.merged_cells.ranges:  # a two-level header: 序号 spans rows 3-4
                if merged.min_row == r and merged.max_row > r:
                    end = max(end, merged.max_row)
            if end - r > 3 or end >= max_row:
                end = r
            return r, end
    return None


def _wrap_long_text(ws: Any, widths: dict[int, float], max_row: int, max_col: int) -> int:
    merged = set()
    for rng in ws.merged_cells.ranges:
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                merged.add((row, col))
    wrapped = 0
    heights: dict[int, float] = {}  # row → height its wrapped cells need, points
    for row in ws.iter_rows(max_row=max_row, max_col=max_col):
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or (cell.row, cell.column) in merged:
                continue
            width = widths.get(cell.column)
            if width is None or width <= 0:
                continue
            # text runs on over empty cells to its right (a title, a note): only text that
            # would be cut by a filled neighbour or the edge of the printed range wraps
            room = width
            for col in range(cell.column + 1, max_col + 1):
                nxt = row[col - row[0].column] if col - row[0].column < len(row) else None
                if (nxt is not None and nxt.value not in (None, "")) or (cell.row, col) in merged:
                    break
                room += widths.get(col, 0.0)
            if text_width(value) <= room and "\n" not in value:
                continue
            size = float(cell.font.sz or 11) if cell.font is not None else 11.0
            per_line = max(1.0, (width - 1) * 11 / size)  # less a character of cell padding
            # 10% slack: CJK glyphs are a little wider than two digits in most fonts
            lines = sum(
                max(1, math.ceil(text_width(line) * 1.1 / per_line))
                for line in value[:MAX_MEASURED_CHARS].splitlines() or [""]
            )
            if lines <= 1 and "\n" not in value:
                continue
            if not (cell.alignment is not None and cell.alignment.wrap_text):
                align = copy.copy(cell.alignment)
                align.wrap_text = True
                cell.alignment = align
                wrapped += 1
            need = min(MAX_ROW_HEIGHT, lines * size * 1.35 + 3)
            heights[cell.row] = max(heights.get(cell.row, 0.0), need)
    for r, needed in heights.items():
        # LibreOffice does not grow a row for wrapped text on import: give it the height
        dim = ws.row_dimensions[r]
        if (dim.height or DEFAULT_ROW_HEIGHT) < needed:
            dim.height = round(needed, 1)
    return wrapped


def sheet_pages(pdf: Path) -> list[tuple[str, int]]:
    """(sheet name, first page index) from the bookmarks LibreOffice puts in a Calc PDF."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf), strict=False)
    found = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        try:
            page = reader.get_destination_page_number(item)
        except Exception:  # a damaged bookmark: nothing to point at
            continue
        if page is not None:
            found.append((str(item.title), page))
    return found

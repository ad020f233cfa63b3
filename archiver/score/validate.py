"""Read a filled 自评表.xlsx back: every problem with its sheet and cell, then the scores.

The workbook is read twice: with formulas (``data_only=False``) for its structure and the
entered deductions, and with cached values only to catch formulas that Excel or WPS left as
errors (#VALUE! …). Scores are computed here from the entered numbers, never taken from the
workbook's own formula results. The input file is only ever read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.manifest.model import Indicator, Manifest
from archiver.score.model import (
    COL_DEDUCT,
    COL_ID,
    COL_REASON,
    COLUMNS,
    SCORE_FILE,
    SHEET_NAME,
    CategoryScore,
    Deduction,
    ScoreProblem,
    Scores,
)
from archiver.score.sheet import TOTAL_LABEL

_OLE = b"\xd0\xcf\x11\xe0"  # an encrypted .xlsx is an OLE container, as is an old .xls
_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def read_scores(path: Path, manifest: Manifest, level: str) -> Scores:
    """The scores of a filled workbook, with every problem found (scores count only when
    there is none)."""
    problems: list[ScoreProblem] = []
    books = _open(path, problems)
    if books is None:
        return Scores((), tuple(problems))
    wb, values = books
    if SHEET_NAME not in wb.sheetnames:
        names = "、".join(f"“{n}”" for n in wb.sheetnames)
        problems.append(
            ScoreProblem(
                f"找不到工作表“{SHEET_NAME}”(现有 {names});请把工作表名称改回“{SHEET_NAME}”",
                sheet=None,
            )
        )
        return Scores((), tuple(problems))
    ws, wv = wb[SHEET_NAME], values[SHEET_NAME]
    for rng in ws.merged_cells.ranges:
        problems.append(ScoreProblem("有合并单元格;请取消合并,每行只写一项", str(rng)))
    for col, want in ((COL_ID, COLUMNS[0]), (COL_DEDUCT, COLUMNS[3]), (COL_REASON, COLUMNS[4])):
        cell = ws.cell(row=1, column=col)
        if str(cell.value or "").strip() != want:
            problems.append(ScoreProblem(f"表头应为“{want}”;请不要修改或移动表头", cell.coordinate))
    for row in wv.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() in _ERRORS:
                problems.append(
                    ScoreProblem(
                        f"公式计算出错({cell.value});请检查该单元格的公式", cell.coordinate
                    )
                )
    categories = _rows(ws, manifest, level, problems)
    return Scores(tuple(categories), tuple(problems))


def _open(path: Path, problems: list[ScoreProblem]) -> tuple[Any, Any] | None:
    from openpyxl import load_workbook

    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        problems.append(ScoreProblem(f"无法读取文件({exc.strerror or exc})", sheet=None))
        return None
    if head == _OLE:
        problems.append(
            ScoreProblem(
                "文件设有密码或是旧版 .xls 格式;请去掉密码(文件→信息→保护工作簿)"
                "并另存为 .xlsx 后重试",
                sheet=None,
            )
        )
        return None
    try:
        return load_workbook(path, data_only=False), load_workbook(path, data_only=True)
    except Exception:
        # any failure to parse a file the office wrote is a bad file, never a traceback
        # (openpyxl raises BadZipFile, KeyError, InvalidFileException, lxml errors …); no
        # exception class name in the message: the office reads it
        problems.append(
            ScoreProblem(
                "文件已损坏,无法打开;请用 Excel 或 WPS 打开后重新保存,"
                "或删除后运行 archiver score 重新生成",
                sheet=None,
            )
        )
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _rows(ws: Any, manifest: Manifest, level: str, problems: list[ScoreProblem]) -> list[Any]:
    items = {i.id: i for i in manifest.indicators_for(level)}
    cats = {c.no: c for c in manifest.categories if c.points is not None}
    deductions: dict[str, list[Deduction]] = {no: [] for no in cats}
    cat_cell: dict[str, str] = {}
    seen: dict[str, int] = {}
    current: str | None = None
    for row in ws.iter_rows(min_row=2):
        id_cell, d_cell, r_cell = row[COL_ID - 1], row[COL_DEDUCT - 1], row[COL_REASON - 1]
        key = str(id_cell.value).strip() if id_cell.value is not None else ""
        if not key and all(c.value in (None, "") for c in row):
            continue
        if key == TOTAL_LABEL:
            continue
        if key in cats and key not in items:
            current = key
            cat_cell[key] = d_cell.coordinate
            continue
        ind: Indicator | None = items.get(key)
        if ind is None:
            problems.append(
                ScoreProblem(
                    f"“{key or '(空)'}”不对应清单中的任何{manifest.terms.item};"
                    "请核对编号,不要增加或改动行",
                    id_cell.coordinate,
                )
            )
            continue
        if key in seen:
            problems.append(
                ScoreProblem(f"第{key}项重复(第 {seen[key]} 行已有)", id_cell.coordinate)
            )
            continue
        seen[key] = id_cell.row
        if ind.category[:1] != ((current,) if current else ()):
            problems.append(
                ScoreProblem(
                    f"第{key}项不在它所属的类别“{ind.category[0]}”之下;请不要移动行的顺序",
                    id_cell.coordinate,
                )
            )
        value = d_cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            points = 0.0
        elif isinstance(value, str) and value.startswith("="):
            problems.append(ScoreProblem("扣分请直接填写数字,不要用公式", d_cell.coordinate))
            continue
        else:
            number = _number(value)
            if number is None:
                problems.append(ScoreProblem(f"扣分不是数字(“{value}”)", d_cell.coordinate))
                continue
            if number < 0:
                problems.append(ScoreProblem(f"扣分不能是负数({value})", d_cell.coordinate))
                continue
            points = number
        reason = str(r_cell.value or "").strip()
        if points > 0 and not reason:
            problems.append(ScoreProblem("扣分大于 0 时必须填写扣分原因", r_cell.coordinate))
        if points > 0 and ind.category[0] in deductions:
            deductions[ind.category[0]].append(Deduction(key, points, reason))
    for key in items:
        if key not in seen:
            problems.append(
                ScoreProblem(f"缺少第{key}项的行;请从 archiver score 生成的表格中恢复该行")
            )
    out = []
    for no, cat in cats.items():
        if not any(i.category[:1] == (no,) for i in items.values()):
            continue
        deducted = sum(d.points for d in deductions[no])
        assert cat.points is not None
        if deducted > cat.points:
            problems.append(
                ScoreProblem(
                    f"“{cat.title}”扣分合计 {deducted:g} 超过分值 {cat.points}",
                    cat_cell.get(no),
                )
            )
        out.append(CategoryScore(no, cat.title, cat.points, deducted, tuple(deductions[no])))
    return out


__all__ = ["SCORE_FILE", "read_scores"]

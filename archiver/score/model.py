"""Typed values of a self-assessment: per category points, deduction and score; a total."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCORE_FILE = "自评表.xlsx"
SHEET_NAME = "自评表"
# columns of the sheet; docs/workspace.md documents them for the office
COLUMNS = ("编号", "考核内容", "分值", "扣分", "扣分原因", "自评得分")
COL_ID, COL_TEXT, COL_POINTS, COL_DEDUCT, COL_REASON, COL_SCORE = range(1, 7)


@dataclass(frozen=True)
class Deduction:
    indicator: str
    points: float
    reason: str


@dataclass(frozen=True)
class CategoryScore:
    no: str
    title: str
    points: int
    deducted: float
    deductions: tuple[Deduction, ...] = ()

    @property
    def score(self) -> float:
        return max(self.points - self.deducted, 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "category": self.title,
            "points": self.points,
            "deducted": self.deducted,
            "score": self.score,
            "deductions": [
                {"indicator": d.indicator, "deducted": d.points, "reason": d.reason}
                for d in self.deductions
            ],
        }


@dataclass(frozen=True)
class ScoreProblem:
    """One problem of the workbook, with the cell it concerns (``C7``) when there is one."""

    message: str
    cell: str | None = None
    sheet: str | None = SHEET_NAME

    def __str__(self) -> str:
        where = SCORE_FILE
        if self.sheet:
            where += f" 工作表“{self.sheet}”"
        if self.cell:
            where += f" {self.cell}"
        return f"{where}:{self.message}"


@dataclass(frozen=True)
class Scores:
    categories: tuple[CategoryScore, ...]
    problems: tuple[ScoreProblem, ...] = field(default=())

    @property
    def total_points(self) -> int:
        return sum(c.points for c in self.categories)

    @property
    def total_score(self) -> float:
        return sum(c.score for c in self.categories)

    @property
    def total_deducted(self) -> float:
        return sum(c.deducted for c in self.categories)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scores:
        cats = []
        for c in data.get("categories", []):
            deductions = tuple(
                Deduction(str(d.get("indicator", "")), float(d.get("deducted", 0)),
                          str(d.get("reason", "")))
                for d in c.get("deductions", [])
            )  # fmt: skip
            cats.append(
                CategoryScore(str(c.get("no", "")), str(c.get("category", "")),
                              int(c.get("points", 0)), float(c.get("deducted", 0)), deductions)
            )  # fmt: skip
        return cls(tuple(cats))

    def to_json(self) -> dict[str, Any]:
        return {
            "categories": [c.to_json() for c in self.categories],
            "total": {
                "points": self.total_points,
                "deducted": self.total_deducted,
                "score": self.total_score,
            },
        }


def fmt(value: float) -> str:
    """17 → “17”, 1.5 → “1.5”: points as a person writes them."""
    return f"{value:g}"

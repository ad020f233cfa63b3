"""The self-assessment in the build: read the 自评表, and the values of its index page.

A workbook with problems is not bound (a wrong 自评表 is worse than none): the build goes on
and says why once. The page itself is a section of the index volume's template, shown
first after the cover, with 分值, 扣分 and 自评得分 per category and the total; the 总目录
headings carry the same scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archiver.score.model import SCORE_FILE, Scores, fmt

if TYPE_CHECKING:
    from archiver.binding.report import BuildReport
    from archiver.workspace import Workspace


def load_build_scores(ws: Workspace) -> tuple[Scores | None, str | None]:
    """The scores to bind and, when there are none, the one notice the build prints."""
    from archiver.score.validate import read_scores

    m = ws.manifest
    if m.total_points is None:
        return None, None  # not a scored assessment (附1): nothing to say
    path = ws.root / SCORE_FILE
    if not path.is_file():
        return None, (
            f"工作区中没有 {SCORE_FILE},索引卷中不含自评表;"
            f"运行 archiver score 生成后填写扣分,再次组卷即可"
        )
    scores = read_scores(path, m, ws.config.level)
    if scores.problems:
        first = str(scores.problems[0])
        more = f"等 {len(scores.problems)} 处问题" if len(scores.problems) > 1 else ""
        return None, f"{SCORE_FILE} 有误({first}{more}),本次未装订自评表;请运行 archiver check 查看"
    return scores, None


def heading(title: str, no: str, report: BuildReport) -> str:
    """A 总目录 heading: the category with its points, and its 自评得分 when assessed."""
    if report.scores is None:
        return title
    for c in report.scores.categories:
        if c.no == no:
            return f"{title} 自评得分{fmt(c.score)}分"
    return title


def score_context(ws: Workspace, report: BuildReport) -> dict[str, Any] | None:
    """The values of the 自评表 page (None: no page)."""
    scores = report.scores
    if scores is None:
        return None
    t = ws.manifest.terms
    rows: list[dict[str, str]] = [
        {
            "no": c.no,
            "name": c.title,
            "points": str(c.points),
            "deducted": fmt(c.deducted),
            "score": fmt(c.score),
        }
        for c in scores.categories
    ]
    rows.append(
        {
            "no": "",
            "name": "总分",
            "points": str(scores.total_points),
            "deducted": fmt(scores.total_deducted),
            "score": fmt(scores.total_score),
        }
    )
    reasons = [
        f"第{d.indicator}项扣{fmt(d.points)}分:{d.reason}"
        for c in scores.categories
        for d in c.deductions
    ]
    return {
        "heading": "自评表",
        "intro": (
            f"{ws.config.org}按《{ws.manifest.title}》逐项自评,满分 {scores.total_points} 分,"
            f"扣 {fmt(scores.total_deducted)} 分,自评得分 {fmt(scores.total_score)} 分。"
            f"各{t.category}得分如下(据 {SCORE_FILE} 中填写的扣分计算)。"
        ),
        "category": t.category,
        "rows": rows,
        "reasons": ["扣分情况:", *reasons] if reasons else ["扣分情况:无扣分。"],
    }

"""Progress counts (pure): a task per (material, unit), statuses, laggards, deadlines."""

from __future__ import annotations

import datetime as dt

from archiver.scan.inventory import ScannedFile
from archiver.status.progress import StatusReport, Tally, build_status
from tests.unit import factory as f
from tests.unit.factory import LAW, OFFICE

TODAY = dt.date(2021, 4, 10)


def status(files: list[ScannedFile]) -> StatusReport:
    return build_status(f.check_result(files), TODAY)


def tally(report: StatusReport, name: str) -> Tally:
    return next(u for u in report.units if u.name == name)


def test_every_unit_of_a_shared_task_is_counted() -> None:
    report = status([])
    # LAW: 1#1, 1#2, 5#1; OFFICE: 2#1, 5#1, (1)#1; 未分配: 6#1
    assert tally(report, LAW).required == 3
    assert tally(report, OFFICE).required == 3
    assert tally(report, "未分配").required == 1
    assert report.overall.required == 7 and report.overall.missing == 7


def test_provided_error_and_missing() -> None:
    lay = f.layout()
    files = [
        f.placed(lay, LAW, "1", "清单.pdf"),
        f.placed(lay, LAW, "1", "说明.docx", f.facts("docx", text="字" * 1200), material=2),
    ]
    report = status(files)
    law = tally(report, LAW)
    assert (law.provided, law.errors, law.missing) == (1, 1, 1)
    assert round(law.percent, 1) == 33.3


def test_a_material_is_provided_only_when_every_unit_sent_its_share() -> None:
    lay = f.layout()
    report = status([f.placed(lay, LAW, "5", "目录.pdf")])
    entry = next(m for m in report.materials if m.indicator == "5")
    assert entry.unit_status == {LAW: "provided", OFFICE: "missing"}
    assert entry.status == "partial"  # 部分提供: one share there, one missing


def test_word_count_is_the_one_check_counts() -> None:
    lay = f.layout()
    pdf = f.facts("pdf", text="字" * 300, has_text=True)
    report = status([f.placed(lay, OFFICE, "2", "说明.pdf", pdf)])
    entry = next(m for m in report.materials if m.indicator == "2")
    assert entry.word_count == 300


def test_indicators_without_materials_are_listed_as_not_required() -> None:
    report = status([])
    (entry,) = [m for m in report.materials if m.indicator == "4"]
    assert entry.status == "not_required" and entry.material is None


def test_laggards_are_below_the_overall_rate() -> None:
    lay = f.layout()
    files = [
        f.placed(lay, OFFICE, "2", "说明.docx", f.facts("docx", text="字" * 100)),
        f.placed(lay, OFFICE, "5", "目录.pdf"),
        f.placed(lay, OFFICE, "(1)", "说明.docx", f.facts("docx", text="字" * 100, size=9)),
    ]
    report = status(files)
    assert tally(report, OFFICE).percent == 100.0
    assert [u.name for u in report.laggards] == [LAW, "未分配"]


def test_next_deadline_is_the_report_day() -> None:
    assert status([]).next_deadline == dt.date(2021, 5, 5)
    early = build_status(f.check_result([]), dt.date(2021, 12, 3))
    assert early.next_deadline == dt.date(2021, 12, 5)
    late = build_status(f.check_result([]), dt.date(2021, 12, 20))
    assert late.next_deadline == dt.date(2022, 1, 5)


def test_tally_json() -> None:
    t = Tally("x")
    for s in ("provided", "error", "missing", "provided"):
        t.add(s)
    assert t.to_json() == {
        "name": "x",
        "required": 4,
        "provided": 2,
        "errors": 1,
        "missing": 1,
        "percent": 50.0,
    }


def test_a_task_whose_files_cannot_be_bound_has_a_problem() -> None:
    lay = f.layout()
    report = status([f.placed(lay, OFFICE, "2", "视频.mp4", f.facts("unsupported:video"))])
    entry = next(m for m in report.materials if m.indicator == "2")
    assert entry.unit_status == {OFFICE: "error"}

"""Checks from hand-made file facts: each finding code from the case that should raise it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from archiver.check import counted_files, file_findings, material_findings, run_checks
from archiver.findings import CODES, Finding, summarize
from archiver.scan.facts import FileFacts
from archiver.scan.inventory import Inventory
from tests.unit import factory as f
from tests.unit.factory import LAW, OFFICE


def codes(findings: list[Finding]) -> list[str]:
    return [x.code for x in findings]


def one_file(unit: str, indicator: str, name: str, fact: FileFacts, **kw: Any) -> list[str]:
    scanned = f.placed(f.layout(), unit, indicator, name, fact, **kw)
    return codes(file_findings(f.context(), scanned))


def test_a_good_pdf_raises_nothing() -> None:
    assert one_file(LAW, "1", "清单.pdf", f.facts("pdf")) == []


def test_empty_file() -> None:
    assert one_file(LAW, "1", "空.pdf", f.facts("empty")) == ["empty_file"]


def test_encrypted_and_unreadable() -> None:
    enc = f.facts("pdf", problem="encrypted", reason="PDF 设置了打开密码")
    assert one_file(LAW, "1", "加密.pdf", enc) == ["encrypted_file"]
    bad = f.facts("pdf", problem="unreadable", reason="PDF 已损坏")
    assert one_file(LAW, "1", "坏.pdf", bad) == ["unreadable_file"]


def test_content_not_matching_the_extension() -> None:
    assert one_file(LAW, "1", "其实是文本.pdf", f.facts("txt")) == ["unreadable_file"]


def test_unsupported_kinds_are_warnings() -> None:
    assert one_file(LAW, "1", "视频.mp4", f.facts("unsupported:video")) == ["unsupported_type"]
    assert one_file(LAW, "1", "公文.ofd", f.facts("ofd")) == []  # drawn by engines.ofd
    assert CODES["unsupported_type"] == "warning"


def test_links_are_never_followed() -> None:
    lay = f.layout()
    outside = f.placed(lay, LAW, "1", "链接.pdf", link="outside")
    (finding,) = file_findings(f.context(), outside)
    assert finding.code == "unsafe_path" and "外部" in finding.message


def test_garbled_name_is_reported_beside_other_findings() -> None:
    assert one_file(LAW, "1", "旧.pdf", f.facts("pdf"), garbled_name=True) == ["garbled_name"]


def test_misplaced_file_says_where_it_is() -> None:
    loose = f.stray(f"{LAW}/放错了.pdf", LAW, None, f.facts("pdf"))
    (finding,) = file_findings(f.context(), loose)
    assert finding.code == "misplaced_file" and "第一层" in finding.message
    top = f.stray("直接放的.pdf", None, None, f.facts("pdf"))
    assert "材料总文件夹" in file_findings(f.context(), top)[0].message


def test_out_of_period_by_name_and_by_properties() -> None:
    assert one_file(LAW, "1", "2015年工作总结.pdf", f.facts("pdf")) == ["out_of_period"]
    assert one_file(LAW, "1", "2016年工作总结.pdf", f.facts("pdf")) == []
    old = f.facts("pdf", dates=["2014-05-01"])
    assert one_file(LAW, "1", "总结.pdf", old) == ["out_of_period"]
    # the name wins over the properties (a scan of an old paper keeps its new file date)
    assert one_file(LAW, "1", "2020年总结.pdf", old) == []


def test_missing_material_for_every_unit_of_a_shared_task() -> None:
    lay = f.layout()
    only_law = f.placed(lay, LAW, "5", "目录.pdf")
    found = material_findings(f.context(), Inventory([only_law], f.ROOT))
    missing = [(x.indicator, x.unit) for x in found if x.code == "missing_material"]
    assert ("5", OFFICE) in missing and ("5", LAW) not in missing


def test_unassigned_material_is_named() -> None:
    found = material_findings(f.context(), Inventory([], f.ROOT))
    (unassigned,) = [x for x in found if x.code == "unassigned_material"]
    assert unassigned.indicator == "6" and unassigned.unit == "未分配"


def test_word_limits_soft_and_hard() -> None:
    lay = f.layout()
    files = [
        f.placed(lay, LAW, "1", "说明.docx", f.facts("docx", text="字" * 501), material=2),
        f.placed(lay, OFFICE, "2", "说明.docx", f.facts("docx", text="字" * 1001)),
        f.placed(lay, OFFICE, "(1)", "说明.docx", f.facts("docx", text="字" * 1999)),
    ]
    found = {
        (x.indicator, x.code)
        for x in material_findings(f.context(), Inventory(files, f.ROOT))
        if "word_limit" in x.code
    }
    assert found == {("1", "over_soft_word_limit"), ("2", "over_word_limit")}


def test_an_unfilled_template_is_an_error_and_its_words_do_not_count() -> None:
    lay = f.layout()
    tpl = f.facts("docx", text="字" * 1500, placeholder=True)
    found = material_findings(
        f.context(), Inventory([f.placed(lay, OFFICE, "2", "情况说明.docx", tpl)], f.ROOT)
    )
    assert "template_unchanged" in codes(found)
    assert "over_word_limit" not in codes(found)


def test_a_scan_as_explanation_cannot_be_counted() -> None:
    lay = f.layout()
    scan = f.placed(lay, OFFICE, "2", "扫描件.jpg", f.facts("jpg"))
    found = material_findings(f.context(), Inventory([scan], f.ROOT))
    assert "uncountable_explanation" in codes(found)


def test_text_pdfs_are_counted_when_there_is_no_word_file() -> None:
    lay = f.layout()
    pdf = f.placed(lay, OFFICE, "2", "说明.pdf", f.facts("pdf", text="字" * 1200, has_text=True))
    jpg = f.placed(lay, OFFICE, "2", "附件.jpg", f.facts("jpg"))
    assert counted_files([pdf, jpg]) == [pdf]
    docx = f.placed(lay, OFFICE, "2", "说明.docx", f.facts("docx", text="字" * 10))
    assert counted_files([pdf, docx]) == [docx]
    found = material_findings(f.context(), Inventory([pdf], f.ROOT))
    (over,) = [x for x in found if x.code == "over_word_limit"]
    assert "PDF" in over.message and over.extra["count"] == 1200


def test_duplicates_and_summary() -> None:
    lay = f.layout()
    same = f.facts("pdf")
    files = [
        f.placed(lay, LAW, "1", "a.pdf", same),
        f.placed(lay, LAW, "1", "b.pdf", same),
    ]
    found = run_checks(f.context(), Inventory(files, f.ROOT))
    (dup,) = [x for x in found if x.code == "duplicate_file"]
    assert dup.extra["same_as"].endswith("a.pdf")
    counts = summarize(found)
    assert counts["infos"] == 1 and counts["errors"] == sum(
        1 for x in found if x.severity == "error"
    )


def test_findings_are_sorted_by_unit_then_indicator() -> None:
    found = run_checks(f.context(), Inventory([], f.ROOT))
    order = [LAW, OFFICE, "未分配"]
    units = [order.index(x.unit or "") for x in found]
    assert units == sorted(units)


def test_level_decides_what_is_required() -> None:
    national = {x.indicator for x in run_checks(f.context("national"), Inventory([], f.ROOT))}
    provincial = {x.indicator for x in run_checks(f.context(), Inventory([], f.ROOT))}
    assert "(1)" in provincial and "(1)" not in national


def test_every_code_has_a_severity() -> None:
    assert set(CODES.values()) <= {"error", "warning", "info"}
    assert dt.date(2016, 1, 1) == f.context().period_start


def test_files_sent_but_none_bindable_is_not_missing() -> None:
    lay = f.layout()
    video = f.placed(lay, OFFICE, "2", "视频.mp4", f.facts("unsupported:video"))
    found = material_findings(f.context(), Inventory([video], f.ROOT))
    mine = [x for x in found if x.indicator == "2"]
    assert [x.code for x in mine if x.severity == "error"] == ["unbindable_material"]
    assert "视频.mp4" in mine[0].message and "无法装订" in mine[0].message


def test_tracked_changes_are_a_warning() -> None:
    revised = f.facts("docx", text="字" * 10, tracked_changes=True)
    assert one_file(LAW, "1", "修订稿.docx", revised) == ["tracked_changes"]
    assert CODES["tracked_changes"] == "warning"


def test_a_repaired_pdf_is_bound_with_a_warning() -> None:
    repaired = f.facts("pdf", damage="PDF 有损坏,组卷时会自动修复")
    assert one_file(LAW, "1", "损坏.pdf", repaired) == ["repaired_file"]

"""The 总体材料 volume, the page naming a missing share, the cover's period and the terms in
the pages archiver writes (pure: plan, parts, page contexts)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from archiver.binding.entries import general_entry
from archiver.binding.pages import (
    VolumeInfo,
    backnote_job,
    contents_job,
    cover_job,
    placeholder_job,
)
from archiver.binding.parts import Part, split_parts
from archiver.binding.plan import BuildPlan, plan_build
from archiver.binding.report import material_entries
from archiver.check import file_findings
from archiver.manifest.terms import Terms
from archiver.scan.inventory import ScannedFile
from archiver.workspace.layout import GENERAL_FOLDER
from tests.unit import factory as f
from tests.unit.factory import LAW, OFFICE

ANNUAL_TERMS = Terms("考核", "工作任务", "考核类别", "工作要求", "责任单位", "考核类型")


def general(name: str, kind: str = "pdf", **extra: Any) -> ScannedFile:
    rel = f"材料/{GENERAL_FOLDER}/{name}"
    return ScannedFile(rel, f.ROOT / rel, None, None, None, f.facts(kind, **extra), general=True)


def info(**kw: Any) -> VolumeInfo:
    base = VolumeInfo("测试局", "题名", "永久", "", "", "", dt.date(2022, 1, 20))
    return dataclasses.replace(base, **kw)


def planned(files: list[ScannedFile]) -> tuple[BuildPlan, list[Part]]:
    plan = plan_build(f.check_result(files))
    for doc in plan.all_docs():
        doc.pages = doc.pages or 1
    return plan, split_parts(plan, 300)


def test_general_files_are_the_first_volume_in_name_order() -> None:
    files = [general("10 附件.pdf"), general("2 工作总结.pdf"), general("1 自评报告.docx", "docx")]
    plan, parts = planned(files)
    first = plan.volumes[0]
    assert first.general and first.number == 0 and first.label == "综合卷"
    assert [d.title for d in first.sections[0].docs] == ["1 自评报告", "2 工作总结", "10 附件"]
    assert [v.number for v in plan.volumes[1:]] == [1, 2]  # the indicator volumes as before
    assert parts[0].file_name == "00_综合卷_总体材料.pdf"
    assert "00_索引卷.pdf" < parts[0].file_name < parts[1].file_name
    assert all(d.unit == "测试局" for d in first.sections[0].docs)
    entry = general_entry(parts)
    assert entry is not None and [x.first_page for x in entry.files] == [1, 2, 3]
    # not a material of the manifest: not in the materials, not counted as one
    entries = material_entries(plan, parts, {})
    assert GENERAL_FOLDER not in {m.indicator for m in entries}
    assert GENERAL_FOLDER not in {s.indicator.id for s in plan.item_sections()}


def test_an_empty_general_folder_adds_no_volume() -> None:
    plan, parts = planned([])
    assert not any(v.general for v in plan.volumes)
    assert general_entry(parts) is None
    assert parts[0].file_name.startswith("01_")


def test_a_broken_general_file_is_planned_as_failed() -> None:
    plan, _ = planned([general("自评报告.pdf", problem="encrypted", reason="文件有密码")])
    (doc,) = plan.volumes[0].sections[0].docs
    assert doc.kind == "failed"


def test_general_files_are_neither_misplaced_nor_out_of_period() -> None:
    ctx = dataclasses.replace(
        f.context(), period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31)
    )
    findings = file_findings(ctx, general("2022-01-10 工作总结.pdf"))
    assert findings == []
    stray = f.stray("随手放的.pdf", None, None, f.facts())
    (finding,) = file_findings(ctx, stray)
    assert finding.code == "misplaced_file" and GENERAL_FOLDER in finding.message


def test_general_pages_name_the_general_volume() -> None:
    _, parts = planned([general("1 自评报告.pdf")])
    part = parts[0]
    cover = cover_job(info(title="题名——总体材料"), part).context
    assert cover["category"] == GENERAL_FOLDER
    rows = contents_job(info(), part).context["rows"]
    assert [(r["author"], r["title"], r["note"]) for r in rows] == [
        ("测试局", "1 自评报告", GENERAL_FOLDER)
    ]
    notes = backnote_job(info(), part).context["notes"]
    assert notes[:2] == ["本卷共 1 件、1 页(不含案卷封面、卷内目录和本表)。", "缺损:无。"]


def test_a_missing_share_gets_a_page_after_the_shares_present() -> None:
    lay = f.layout()
    plan, parts = planned([f.placed(lay, LAW, "5", "目录.pdf")])
    section = next(s for s in plan.all_sections() if s.indicator.id == "5")
    assert [d.kind for d in section.docs] == ["file", "lacking"]
    assert section.status == "included"  # 部分提供 comes from the missing shares
    lacking = section.docs[1]
    assert lacking.unit == OFFICE and OFFICE in lacking.message
    part = next(p for p in parts if section in p.sections)
    assert (lacking.first_page, lacking.pages) == (section.docs[0].last_page + 1, 1)
    job = placeholder_job(lacking, section, "材料", lay, ANNUAL_TERMS)
    assert job.context["heading"] == "本项材料部分暂缺"
    lines = job.context["lines"]
    assert lines[0].startswith("工作任务:第5项") and f"暂缺:{OFFICE}提供的部分" in lines
    assert any(line.startswith(f"补交时请{OFFICE}放入:材料/{OFFICE}/5_") for line in lines)
    rows = contents_job(info(), part).context["rows"]
    row = next(r for r in rows if r["title"] == "[本项材料部分暂缺]")
    assert row["note"] == "第5项材料1" and row["pages"] == str(lacking.first_page)
    notes = " ".join(backnote_job(info(), part).context["notes"])
    assert "已以“本项材料部分暂缺”页标示:第5项材料1缺局办公室提供的部分" in notes
    entry = next(m for m in material_entries(plan, parts, {}) if m.indicator == "5")
    assert entry.status == "partial" and [x.path for x in entry.files] == [
        f"材料/{f.folder_for(lay, LAW, '5').rel}/目录.pdf"
    ]


def test_no_page_when_every_share_or_none_is_there() -> None:
    lay = f.layout()
    both = [f.placed(lay, LAW, "5", "a.pdf"), f.placed(lay, OFFICE, "5", "b.pdf")]
    for files in (both, []):
        plan, _ = planned(files)
        section = next(s for s in plan.all_sections() if s.indicator.id == "5")
        assert "lacking" not in {d.kind for d in section.docs}


def test_the_cover_prints_the_assessed_period_when_there_is_one() -> None:
    lay = f.layout()
    _, parts = planned([f.placed(lay, LAW, "1", "2021-03-01 清单.pdf")])
    part = parts[0]
    for doc in part.docs:
        if doc.kind == "file":
            doc.date = "20210301"
    assert cover_job(info(), part).context["period"] == "2021.03—2021.03"
    whole = cover_job(info(period="2021年1月1日至2021年12月31日"), part).context
    assert whole["period"] == "2021年1月1日至2021年12月31日"


def test_volume_info_takes_the_workspace_period(tmp_path: Path) -> None:
    from archiver.binding.pages import volume_info
    from archiver.workspace import Workspace

    _, parts = planned([])
    cfg = dataclasses.replace(
        f.config(), period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31)
    )
    ws = Workspace(cfg, f.manifest(), f.layout())
    when = dt.datetime(2022, 1, 20)
    assert volume_info(ws, parts[0], when).period == "2021年1月1日至2021年12月31日"
    open_ended = Workspace(f.config(), f.manifest(), f.layout())  # a start only: the dates
    assert volume_info(open_ended, parts[0], when).period == ""


def test_pages_speak_the_manifest_words() -> None:
    plan, parts = planned([])
    words = ("指标", "上报资料", "牵头单位", "创建")
    annual = info(terms=ANNUAL_TERMS)
    for part in parts:
        for job in (contents_job(annual, part), backnote_job(annual, part)):
            text = repr(job.context)
            assert not [w for w in words if w in text], text
    # 附1's words stay where they were
    first = next(p for p in parts if p.no_material)
    assert "不需提供材料的指标" in repr(backnote_job(info(), first).context)
    missing = next(d for d in plan.all_docs() if d.kind == "missing")
    section = next(s for s in plan.all_sections() if missing in s.docs)
    assert "牵头单位" in missing.message
    lines = placeholder_job(missing, section, "材料", f.layout()).context["lines"]
    assert any(line.startswith("指标:") for line in lines)


def test_placeholders_show_what_the_item_asks_for_in_the_manifest_words() -> None:
    plan, _ = planned([])
    missing = next(d for d in plan.all_docs() if d.kind == "missing")
    section = next(s for s in plan.all_sections() if missing in s.docs)
    lay = f.layout()
    lines = placeholder_job(missing, section, "材料", lay, ANNUAL_TERMS, "(1)按时印发方案").context[
        "lines"
    ]
    assert "工作要求:(1)按时印发方案" in lines
    assert not [x for x in lines if x.startswith("材料(")]
    plain = placeholder_job(missing, section, "材料", lay, None, section.material.text)
    assert f"材料({section.material.no}):{section.material.text}" in plain.context["lines"]

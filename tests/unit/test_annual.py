"""Pure rules of the annual assessment: the period, renamed folders, 部分提供, terms, points."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from archiver.binding.parts import locate, split_parts
from archiver.binding.plan import plan_build
from archiver.binding.report import material_entries
from archiver.check import file_findings
from archiver.manifest.loader import load_manifest
from archiver.workspace.config import WorkspaceError
from archiver.workspace.init import assessed_period, existing_folder, year_period
from archiver.workspace.layout import plan_layout
from archiver.workspace.naming import indicator_id_of, material_no_of
from archiver.workspace.requirements import requirement_text
from tests.unit import factory as f
from tests.unit.factory import LAW

ANNUAL = Path(__file__).resolve().parents[2] / "manifests" / "annual-assessment.yaml"


def test_year_is_the_whole_calendar_year() -> None:
    assert year_period(2021) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))


def test_a_start_alone_drops_the_manifest_end_before_it() -> None:
    old_start, old_end = dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    assert assessed_period(dt.date(2021, 1, 1), None, old_start, old_end) == (
        dt.date(2021, 1, 1),
        None,
    )
    assert assessed_period(None, None, old_start, old_end) == (old_start, old_end)


def test_an_inverted_period_is_an_error() -> None:
    with pytest.raises(WorkspaceError, match="早于开始日期"):
        assessed_period(dt.date(2021, 6, 1), dt.date(2021, 1, 1), None, None)


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("2022-01-05 总结.pdf", True),
        ("2022年 工作计划.pdf", True),
        ("2021-12-31 总结.pdf", False),
        ("2021年度总结.pdf", False),
        ("无日期.pdf", False),
    ],
)
def test_files_named_after_the_end_are_out_of_period(name: str, flagged: bool) -> None:
    ctx = dataclasses.replace(
        f.context(), period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31)
    )
    codes = [x.code for x in file_findings(ctx, f.placed(f.layout(), LAW, "1", name))]
    assert ("out_of_period" in codes) is flagged


@pytest.mark.parametrize(
    ("folder", "ident"),
    [
        ("5-8_依法处理", "5-8"),
        ("5-8 依法处理", "5-8"),
        ("８-２_公开", "8-2"),
        ("8－3_复议", "8-3"),
        ("8—3 复议", "8-3"),
        ("无编号", None),
    ],
)
def test_folder_ids_tolerate_full_width_and_spaces(folder: str, ident: str | None) -> None:
    assert indicator_id_of(folder) == ident


def test_material_folders_tolerate_full_width() -> None:
    assert material_no_of("材料２_审批") == 2
    assert material_no_of("材料 3 说明") == 3


def test_init_reuses_a_retitled_folder(tmp_path: Path) -> None:
    (tmp_path / "局办公室" / "5-8 依法处理(改过)").mkdir(parents=True)
    from pathlib import PurePosixPath

    path = existing_folder(tmp_path, PurePosixPath("局办公室", "5-8_依法处理信访"))
    assert path.name == "5-8 依法处理(改过)"


def test_unknown_folder_message_names_the_exact_name() -> None:
    ctx = f.context()
    lay = f.layout()
    real = str(f.folder_for(lay, LAW, "1").rel.parts[1])
    wrong = "第一项" + real.split("_", 1)[1]
    stray = f.stray(f"{LAW}/{wrong}/a.pdf", LAW, None, f.facts())
    (finding,) = [x for x in file_findings(ctx, stray) if x.code == "misplaced_file"]
    assert wrong in finding.message and "请改名为该名称" in finding.message
    assert real in finding.message and "第一层" not in finding.message


def test_a_share_missing_makes_the_material_partial_in_the_build() -> None:
    lay = f.layout()
    result = f.check_result([f.placed(lay, LAW, "5", "目录.pdf")])
    plan = plan_build(result)
    for doc in plan.all_docs():
        doc.pages = 1
    parts = split_parts(plan, 300)
    entry = next(m for m in material_entries(plan, parts, locate(parts)) if m.indicator == "5")
    assert entry.status == "partial"
    assert entry.missing_units == [f.OFFICE]
    assert entry.to_json()["missing_units"] == [f.OFFICE]


def test_annual_requirements_speak_its_words_and_carry_points() -> None:
    m = load_manifest(ANNUAL).manifest
    lay = plan_layout(m, "annual")
    folder = lay.folders[0]
    text = requirement_text(m, lay, folder, dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert "(17分)" in text and "工作任务" in text and "责任单位" in text
    assert "2021年1月1日至2021年12月31日" in text
    assert "指标" not in text and "创建" not in text and "牵头单位" not in text
    assert "转录说明" not in text  # notes are for the office
    assert m.total_points == 100
    assert m.terms.exercise == "考核"

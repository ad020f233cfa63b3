"""The typed build report: JSON round trip, the contract's key order, changes, summary."""

from __future__ import annotations

import json

from archiver.binding.parts import locate, split_parts
from archiver.binding.plan import plan_build
from archiver.binding.report import (
    BuildReport,
    VolumeEntry,
    changed_volumes,
    material_entries,
)
from archiver.binding.summary import summary_text
from tests.unit import factory as f
from tests.unit.factory import LAW


def report() -> BuildReport:
    lay = f.layout()
    result = f.check_result([f.placed(lay, LAW, "1", "清单.pdf"), f.placed(lay, LAW, "1", "x.pdf")])
    plan = plan_build(result)
    for doc in plan.all_docs():
        doc.pages = 2 if doc.kind == "file" else 1
    next(d for d in plan.all_docs() if d.title == "x").fail("坏了")
    parts = split_parts(plan, 300)
    volumes = [
        VolumeEntry(
            p.file_name, "题名", p.label, p.volume.number, p.number, p.pages + 3, 2, p.pages
        )
        for p in parts
    ]
    materials = material_entries(plan, parts, locate(parts))
    return BuildReport("0.1.0", "2021-04-01", "测试局", "清单", "provincial", volumes, materials)


def test_statuses_of_the_materials() -> None:
    r = report()
    by = {(m.indicator, m.material): m for m in r.materials}
    assert by[("1", 1)].status == "included"
    assert {x.path.rsplit("/", 1)[-1]: x.status for x in by[("1", 1)].files} == {
        "x.pdf": "failed",
        "清单.pdf": "included",
    }
    assert by[("2", 1)].status == "missing"
    assert by[("3", 1)].status == "shared" and by[("3", 1)].same_as is not None
    assert by[("4", None)].status == "not_required"


def test_shared_entries_point_at_the_owner_pages() -> None:
    r = report()
    shared, owner = r.material("3", 1), r.material("1", 2)
    assert shared is not None and owner is not None and shared.pointer is not None
    assert (shared.first_page, shared.volume) == (owner.first_page, owner.volume)
    assert owner.first_page is not None
    assert shared.pointer.page > owner.first_page  # the pointer page itself, later on


def test_json_keys_keep_the_documented_order() -> None:
    data = report().to_json()
    assert list(data) == [
        "generator", "version", "date", "org", "manifest", "level", "volumes", "materials",
        "changed_since_previous", "findings", "explanations", "index", "has_previous",
        "frozen", "layout", "scores", "general",
    ]  # fmt: skip
    by_status = {m["status"]: list(m) for m in data["materials"]}
    assert by_status["included"] == [
        "indicator", "material", "text", "units", "files", "status", "volume", "first_page",
        "last_page", "first_label", "last_label",
    ]  # fmt: skip
    assert by_status["shared"][5:] == [
        "status", "same_as", "volume", "first_page", "last_page", "first_label", "last_label",
        "pointer",
    ]  # fmt: skip
    assert by_status["not_required"][-1] == "files"


def test_round_trip() -> None:
    r = report()
    text = json.dumps(r.to_json(), ensure_ascii=False)
    again = BuildReport.from_json(json.loads(text))
    assert again == r


def test_an_older_report_reads_with_defaults() -> None:
    old = BuildReport.from_json({"generator": "archiver", "volumes": [{"file": "01.pdf"}]})
    assert old.volumes[0].file == "01.pdf" and old.materials == [] and not old.has_previous


def test_changed_volumes_compare_hashes() -> None:
    r = report()
    for v in r.volumes:
        v.sha256 = "a" * 64
    assert changed_volumes(r.volumes, None) == [v.file for v in r.volumes]
    assert changed_volumes(r.volumes, r) == []
    before = BuildReport.from_json(r.to_json())
    before.volumes[0].sha256 = "b" * 64
    assert changed_volumes(r.volumes, before) == [r.volumes[0].file]


def test_summary_text_counts_and_first_build() -> None:
    text = summary_text(report())
    assert "已装订 1 份" in text and "暂缺" in text and "首次组卷" in text
    assert text.endswith("\r\n")

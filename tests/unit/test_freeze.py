"""Frozen numbering and the 补页 plan (pure): printed labels kept, additions as sub-pages."""

from __future__ import annotations

from archiver.binding.freeze import FrozenState, PrintedPart
from archiver.binding.freezeplan import frozen_parts, label_ranges, printed_part
from archiver.binding.parts import Part, split_parts
from archiver.binding.plan import BuildPlan, plan_build
from archiver.binding.supplement import plan_supplement
from archiver.scan.inventory import ScannedFile
from tests.unit import factory as f
from tests.unit.factory import LAW, OFFICE

TODAY = "2021-05-01"


def doc_file(indicator: str, name: str, unit: str = LAW, version: str = "") -> ScannedFile:
    """A PDF whose content (hence hash) is named by its file name and ``version``."""
    return f.placed(f.layout(), unit, indicator, name, f.facts(reason=name + version))


def planned(files: list[ScannedFile], pages: dict[str, int]) -> BuildPlan:
    plan = plan_build(f.check_result(files))
    for d in plan.all_docs():
        d.pages = pages.get(d.source.rel.rsplit("/", 1)[-1], 1) if d.source else 1
        d.identity = d.source.facts.sha256 if d.source and d.source.facts else d.title
    return plan


def printed(parts: list[Part]) -> list[PrintedPart]:
    front = {"cover": ("c", 1), "contents": ("t", 1), "back": ("b", 1)}
    return [printed_part(p, front) for p in parts]


def first_volume(parts: list[Part]) -> Part:
    return next(p for p in parts if p.volume.number == 1)


def labels_of(part: Part) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in part.docs:
        first, _ = part.page_range(d)
        out[d.title] = [part.page_label(first + i) for i in range(d.pages)]
    return out


BASE = [doc_file("1", "清单A.pdf"), doc_file("1", "清单B.pdf"), doc_file("2", "说明.pdf", OFFICE)]
PAGES = {"清单A.pdf": 2, "清单B.pdf": 3, "说明.pdf": 2}


def frozen_from(files: list[ScannedFile], pages: dict[str, int]) -> list[PrintedPart]:
    return printed(split_parts(planned(files, pages), cap=300))


def test_nothing_changed_keeps_every_label_and_prints_nothing() -> None:
    before = frozen_from(BASE, PAGES)
    parts = frozen_parts(planned(BASE, PAGES), before, 300, TODAY)
    vol = first_volume(parts)
    plain = first_volume(split_parts(planned(BASE, PAGES), cap=300))
    assert labels_of(vol) == {t: [str(n) for n in range(a, b + 1)] for t, a, b in (
        (d.title, *plain.page_range(d)) for d in plain.docs)}  # fmt: skip
    assert not plan_supplement(printed([vol])[0], before[0]).insertions


def test_a_file_added_to_a_material_gets_sub_pages_after_its_last_page() -> None:
    before = frozen_from(BASE, PAGES)
    old = labels_of(first_volume(frozen_parts(planned(BASE, PAGES), before, 300, TODAY)))
    files = [*BASE, doc_file("1", "清单C.pdf")]
    vol = first_volume(frozen_parts(planned(files, {**PAGES, "清单C.pdf": 2}), before, 300, TODAY))
    now = labels_of(vol)
    last_of_material = old["清单B"][-1]
    assert now["清单C"] == [f"{last_of_material}-1", f"{last_of_material}-2"]
    for title, labels in old.items():
        assert now[title] == labels  # every printed page keeps its number
    added = next(d for d in vol.docs if d.title == "清单C")
    assert (added.change, added.since) == ("added", TODAY)
    assert any("补充" in n and "清单C" in n and TODAY in n for n in vol.notes)


def test_supplement_holds_only_the_new_pages_and_says_where_they_go() -> None:
    before = frozen_from(BASE, PAGES)
    files = [*BASE, doc_file("1", "清单C.pdf")]
    vol = first_volume(frozen_parts(planned(files, {**PAGES, "清单C.pdf": 2}), before, 300, TODAY))
    now = printed([vol])[0]
    sup = plan_supplement(now, before[0])
    runs = [i for i in sup.insertions if i.labels and i.labels[0]]
    assert len(runs) == 1
    (run,) = runs
    last = labels_of(vol)["清单B"][-1]
    assert run.labels == [f"{last}-1", f"{last}-2"] and last in run.after and run.remove == []
    # the indices point at exactly those pages of the volume PDF (cover + contents first)
    position = [i for i, (label, _) in enumerate(now.page_keys()) if label in run.labels]
    assert run.pages == [2 + i for i in position]


def test_a_longer_replacement_continues_in_sub_pages_a_shorter_one_leaves_blanks() -> None:
    before = frozen_from(BASE, PAGES)
    old = labels_of(first_volume(frozen_parts(planned(BASE, PAGES), before, 300, TODAY)))
    longer = doc_file("1", "清单A.pdf", version="新版本")
    shorter = doc_file("1", "清单B.pdf", version="短版本")
    files = [longer, shorter, BASE[2]]
    vol = first_volume(
        frozen_parts(planned(files, {**PAGES, "清单A.pdf": 4, "清单B.pdf": 1}), before, 300, TODAY)
    )
    now = labels_of(vol)
    a = old["清单A"]
    assert now["清单A"] == [*a, f"{a[-1]}-1", f"{a[-1]}-2"]
    assert now["清单B"] == old["清单B"][:1]
    assert now["本页空白"] == old["清单B"][1:]
    sup = plan_supplement(printed([vol])[0], before[0])
    removed = [label for i in sup.insertions for label in i.remove]
    assert set(removed) == set(a) | set(old["清单B"])  # replaced pages are taken out


def test_a_removed_file_leaves_withdrawn_pages_with_its_numbers() -> None:
    before = frozen_from(BASE, PAGES)
    old = labels_of(first_volume(frozen_parts(planned(BASE, PAGES), before, 300, TODAY)))
    vol = first_volume(frozen_parts(planned([BASE[0], BASE[2]], PAGES), before, 300, TODAY))
    gone = next(d for d in vol.docs if d.kind == "withdrawn")
    first, last = vol.page_range(gone)
    assert [vol.page_label(i) for i in range(first, last + 1)] == old["清单B"]
    assert "清单B" in gone.message and gone.since == TODAY
    assert any(n.startswith("移出") and "清单B" in n for n in vol.notes)


def test_sub_pages_never_nest_and_stay_stable_across_frozen_builds() -> None:
    before = frozen_from(BASE, PAGES)
    files = [*BASE, doc_file("1", "清单C.pdf")]
    vol = first_volume(frozen_parts(planned(files, PAGES), before, 300, TODAY))
    second = printed([vol]) + before[1:]
    again = [*files, doc_file("1", "清单D.pdf")]
    vol2 = first_volume(frozen_parts(planned(again, PAGES), second, 300, "2021-06-01"))
    now = labels_of(vol2)
    c = now["清单C"]
    assert c == labels_of(vol)["清单C"]  # printed sub-pages keep their numbers
    base = c[0].split("-")[0]
    assert now["清单D"] == [f"{base}-{len(c) + 1}"]  # 15-2, not 15-1-1
    assert all(label.count("-") <= 1 for labels in now.values() for label in labels)
    keep = next(d for d in vol2.docs if d.title == "清单C")
    assert (keep.change, keep.since) == ("added", TODAY)  # the first addition's date stays


def test_a_material_that_came_in_takes_the_missing_page_number() -> None:
    before = frozen_from([], {})
    old = first_volume(frozen_parts(planned([], {}), before, 300, TODAY))
    section = next(s for s in old.sections if (s.indicator.id, s.material.no) == ("1", 1))
    (missing,) = section.docs
    assert missing.kind == "missing"
    printed_label = old.page_label(old.page_range(missing)[0])
    vol = first_volume(frozen_parts(planned([BASE[0]], PAGES), before, 300, TODAY))
    now = labels_of(vol)["清单A"]
    assert now == [printed_label, f"{printed_label}-1"]


def test_page_label_ranges() -> None:
    assert label_ranges(["1", "2", "2-1", "2-2", "3", "5"]) == [
        (0, 1, "", 1),
        (2, 3, "2-", 1),
        (4, 4, "", 3),
        (5, 5, "", 5),
    ]


def test_state_round_trip_and_added_pages() -> None:
    before = frozen_from(BASE, PAGES)
    files = [*BASE, doc_file("1", "清单C.pdf")]
    vol = first_volume(frozen_parts(planned(files, {**PAGES, "清单C.pdf": 2}), before, 300, TODAY))
    state = FrozenState(TODAY, "/out", "m.yaml", "abc", "provincial", 7, printed([vol]))
    again = FrozenState.from_json(state.to_json())
    assert again == state and again.added_pages() == 2


def vol_of(parts: list[Part], indicator: str) -> Part:
    return next(p for p in parts if any(s.indicator.id == indicator for s in p.sections))


def test_a_missing_share_that_comes_in_takes_the_number_of_its_page() -> None:
    law = doc_file("5", "目录.pdf")
    before = frozen_from([law], {"目录.pdf": 2})
    printed_vol = vol_of(split_parts(planned([law], {"目录.pdf": 2}), cap=300), "5")
    (page,) = [d for d in printed_vol.docs if d.kind == "lacking"]
    kept = printed_vol.page_label(page.first_page)
    # still missing: the 部分暂缺 page stays as printed
    again = vol_of(frozen_parts(planned([law], {"目录.pdf": 2}), before, 300, TODAY), "5")
    (same,) = [d for d in again.docs if d.kind == "lacking"]
    assert again.page_label(same.first_page) == kept and same.change == ""
    # the office's share came in: it is printed where the page was, the rest as sub-pages
    office = doc_file("5", "补交.pdf", OFFICE)
    pages = {"目录.pdf": 2, "补交.pdf": 2}
    later = vol_of(frozen_parts(planned([law, office], pages), before, 300, TODAY), "5")
    assert "lacking" not in {d.kind for d in later.docs}
    labels = labels_of(later)
    assert labels["补交"] == [kept, f"{kept}-1"]

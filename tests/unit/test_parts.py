"""Parts (册) and page numbers (pure, from page counts)."""

from __future__ import annotations

from archiver.binding.parts import locate, number, split_parts
from archiver.binding.plan import BuildPlan, plan_build
from archiver.manifest.model import MaterialRef
from tests.unit import factory as f
from tests.unit.factory import LAW


def planned(pages: dict[tuple[str, int], int]) -> BuildPlan:
    """A plan whose documents have the given page counts (placeholders one page)."""
    plan = plan_build(f.check_result([]))
    for v in plan.volumes:
        for s in v.sections:
            for d in s.docs:
                d.pages = pages.get((s.indicator.id, s.material.no), 1)
    return plan


def test_pages_are_numbered_from_one_in_document_order() -> None:
    (first, second) = split_parts(planned({("1", 2): 3, ("1", 1): 2}), cap=300)
    starts = [(d.title, d.first_page, d.last_page) for d in first.docs]
    assert [s[1] for s in starts] == [1, 4, 6, 7]
    assert first.pages == 7 and first.page_range(first.docs[1]) == (4, 5)
    assert second.docs[0].first_page == 1  # every part starts at 1


def test_a_volume_over_the_cap_splits_between_materials() -> None:
    parts = split_parts(planned({("1", 2): 3, ("1", 1): 3, ("2", 1): 3}), cap=5)
    first_volume = [p for p in parts if p.volume.number == 1]
    assert [p.pages for p in first_volume] == [3, 3, 4]
    assert [p.label for p in first_volume] == ["第1卷第1册", "第1卷第2册", "第1卷第3册"]
    assert first_volume[0].file_name.endswith("_第1册.pdf")
    assert all(p.count == 3 for p in first_volume)


def test_a_material_larger_than_the_cap_gets_a_part_of_its_own() -> None:
    parts = split_parts(planned({("1", 1): 50}), cap=10)
    big = next(
        p for p in parts if any(s.material.no == 1 and s.indicator.id == "1" for s in p.sections)
    )
    assert [s.indicator.id for s in big.sections] == ["1"] and big.pages == 50


def test_indicators_without_material_go_to_the_first_part() -> None:
    parts = split_parts(planned({("1", 2): 3, ("1", 1): 3}), cap=4)
    first_volume = [p for p in parts if p.volume.number == 1]
    assert [i.id for i in first_volume[0].no_material] == ["4"]
    assert all(not p.no_material for p in first_volume[1:])


def test_a_single_part_has_no_part_suffix() -> None:
    part = split_parts(planned({}), cap=300)[0]
    assert part.label == "第1卷" and part.file_name == "01_政府职能依法全面履行.pdf"


def test_locate_finds_every_collected_material_but_not_pointers() -> None:
    parts = split_parts(planned({("1", 2): 3}), cap=300)
    where = locate(parts)
    assert (where[MaterialRef("1", 2)].first, where[MaterialRef("1", 2)].last) == (1, 3)
    assert MaterialRef("3", 1) not in where  # 3's material is 1#2's: a pointer page


def test_renumbering_after_a_page_count_changes() -> None:
    part = split_parts(planned({}), cap=300)[0]
    part.docs[0].pages = 4
    number(part)
    assert [d.first_page for d in part.docs][:2] == [1, 5]


def test_zero_page_documents_take_no_number() -> None:
    part = split_parts(planned({("1", 2): 0}), cap=300)[0]
    first, second = part.docs[0], part.docs[1]
    assert first.first_page == second.first_page == 1
    assert part.page_range(first) == (1, 1)
    assert LAW in {d.unit for d in part.docs}

"""The plan of the archive (pure): volumes, order of documents, pointers and placeholders."""

from __future__ import annotations

from archiver.binding.plan import BuildPlan, Doc, Section, plan_build
from archiver.manifest.model import MaterialRef
from archiver.scan.inventory import ScannedFile
from archiver.textutil import natural_key
from tests.unit import factory as f
from tests.unit.factory import LAW, OFFICE


def plan_of(files: list[ScannedFile], level: str = "provincial") -> BuildPlan:
    return plan_build(f.check_result(files, level))


def sections(plan: BuildPlan) -> dict[tuple[str, int], Section]:
    return {(s.indicator.id, s.material.no): s for v in plan.volumes for s in v.sections}


def test_one_volume_per_category_with_content_numbered_in_order() -> None:
    plan = plan_of([])
    assert [v.category.no for v in plan.volumes] == ["一", "二"]  # 三 has no indicator
    assert [v.number for v in plan.volumes] == [1, 2]


def test_explanations_come_before_evidence_within_an_indicator() -> None:
    order = [(s.indicator.id, s.material.no) for s in plan_of([]).volumes[0].sections]
    assert order[:2] == [("1", 2), ("1", 1)]


def test_files_in_natural_order_and_the_account_first() -> None:
    lay = f.layout()
    names = ["附件10.pdf", "附件2.pdf", "情况说明.docx"]
    files = [
        f.placed(lay, LAW, "1", n, f.facts("docx" if n.endswith("docx") else "pdf"), material=2)
        for n in names
    ]
    docs = sections(plan_of(files))[("1", 2)].docs
    assert [d.title for d in docs] == ["情况说明", "附件2", "附件10"]
    assert natural_key("2") < natural_key("10")


def test_a_shared_material_gets_a_pointer_to_its_owner() -> None:
    sec = sections(plan_of([]))[("3", 1)]
    assert sec.status == "pointer"
    (doc,) = sec.docs
    assert doc.kind == "pointer" and doc.target == MaterialRef("1", 2)


def test_a_material_without_files_is_missing_with_a_placeholder() -> None:
    sec = sections(plan_of([]))[("2", 1)]
    assert sec.status == "missing"
    (doc,) = sec.docs
    assert doc.kind == "missing" and OFFICE in doc.message


def test_an_unfilled_template_does_not_count_as_provided() -> None:
    lay = f.layout()
    tpl = f.placed(lay, OFFICE, "2", "情况说明.docx", f.facts("docx", placeholder=True))
    assert sections(plan_of([tpl]))[("2", 1)].status == "missing"


def test_unusable_files_are_planned_as_failed_not_missing() -> None:
    lay = f.layout()
    broken = f.placed(lay, OFFICE, "2", "坏.pdf", f.facts("pdf", problem="unreadable"))
    assert sections(plan_of([broken]))[("2", 1)].status == "failed"


def test_several_units_unit_by_unit_in_manifest_order() -> None:
    lay = f.layout()
    files = [
        f.placed(lay, OFFICE, "5", "a.pdf", f.facts("pdf", size=1)),
        f.placed(lay, LAW, "5", "b.pdf", f.facts("pdf", size=2)),
    ]
    docs = sections(plan_of(files))[("5", 1)].docs
    assert [(d.unit, d.title) for d in docs] == [(LAW, "b"), (OFFICE, "a")]


def test_indicators_without_materials_are_listed_apart() -> None:
    first = plan_of([]).volumes[0]
    assert [i.id for i in first.no_material] == ["4"]


def test_the_level_limits_the_plan() -> None:
    assert ("(1)", 1) in sections(plan_of([], "provincial"))
    assert ("(1)", 1) not in sections(plan_of([], "national"))


def test_dates_from_the_name_or_the_properties() -> None:
    lay = f.layout()
    files = [
        f.placed(lay, LAW, "1", "2021-03-15 清单.pdf"),
        f.placed(lay, LAW, "1", "清单.pdf", f.facts("pdf", dates=["2020-06-01"])),
    ]
    docs = sections(plan_of(files))[("1", 1)].docs
    assert {d.title: d.date for d in docs} == {"2021-03-15 清单": "20210315", "清单": "20200601"}


def test_section_status_follows_its_documents() -> None:
    lay = f.layout()
    files = [f.placed(lay, LAW, "1", "a.pdf"), f.placed(lay, LAW, "1", "b.pdf", f.facts(size=3))]
    sec = sections(plan_of(files))[("1", 1)]
    assert sec.status == "included"
    sec.docs[0].fail("坏了")
    assert sec.status == "included"  # one good file is still bound
    sec.docs[1].fail("也坏了")
    assert str(sec.status) == "failed"  # mypy narrowed the Literal above; it is a property
    assert all(d.message for d in sec.docs)


def test_a_doc_is_bound_to_its_pdf() -> None:
    doc = Doc("file", "清单", LAW)
    doc.bind("/cache/x.pdf", 3, "src-abc")
    doc.first_page = 5
    assert (doc.pdf, doc.pages, doc.identity, doc.last_page) == ("/cache/x.pdf", 3, "src-abc", 7)


def test_nothing_submitted_vanishes() -> None:
    lay = f.layout()
    files = [
        f.placed(
            lay, OFFICE, "2", "加密.pdf", f.facts("pdf", problem="encrypted", reason="打开密码")
        ),
        f.placed(lay, OFFICE, "2", "视频.mp4", f.facts("unsupported:video")),
        f.placed(lay, OFFICE, "2", "空.docx", f.facts("empty")),
    ]
    link = f.placed(lay, OFFICE, "2", "外部链接.pdf", link="outside")
    files.append(type(link)(**{**link.__dict__, "facts": None}))
    sec = sections(plan_of(files))[("2", 1)]
    assert sorted(d.title for d in sec.docs) == ["加密", "外部链接", "空", "视频"]
    assert {d.kind for d in sec.docs} == {"failed"} and sec.status == "failed"
    by = {d.title: d.message for d in sec.docs}
    assert "打开密码" in by["加密"] and "视频" in by["视频"] and "0 字节" in by["空"]
    assert "外部" in by["外部链接"]


def test_a_broken_file_beside_a_good_one_keeps_its_place() -> None:
    lay = f.layout()
    files = [
        f.placed(lay, LAW, "1", "1 清单.pdf"),
        f.placed(lay, LAW, "1", "2 损坏.pdf", f.facts("pdf", problem="unreadable", reason="坏")),
        f.placed(lay, LAW, "1", "3 目录.pdf", f.facts(size=7)),
    ]
    sec = sections(plan_of(files))[("1", 1)]
    assert [(d.title, d.kind) for d in sec.docs] == [
        ("1 清单", "file"),
        ("2 损坏", "failed"),
        ("3 目录", "file"),
    ]
    assert sec.status == "included"


def test_conversion_batches_are_balanced_largest_first() -> None:
    from archiver.binding.batches import balanced

    lay = f.layout()
    files = [f.placed(lay, LAW, "1", f"{n}.docx", f.facts("docx", size=n)) for n in (9, 1, 5, 4, 3)]
    batches = balanced(files, 2)
    assert [[x.facts.size for x in b if x.facts] for b in batches] == [[9, 3], [5, 4, 1]]
    assert balanced(files, 8)[0][0].facts == files[0].facts and len(balanced(files, 8)) == 5
    assert balanced([], 2) == []

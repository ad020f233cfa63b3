"""The two transcribed manifests: counts, limits, sharing and the dump JSON contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archiver.manifest.loader import load_manifest
from archiver.manifest.model import Manifest
from tests.conftest import MANIFESTS

DEMO = MANIFESTS / "demonstration.yaml"
ANNUAL = MANIFESTS / "annual-assessment.yaml"


@pytest.fixture(scope="module")
def demo() -> Manifest:
    result = load_manifest(DEMO, strict=True)
    return result.manifest


@pytest.fixture(scope="module")
def annual() -> Manifest:
    return load_manifest(ANNUAL, strict=True).manifest


def ids(m: Manifest, level: str) -> list[str]:
    return [i.id for i in m.indicators if i.level == level]


def test_all_indicators_numbered_as_in_source(demo: Manifest) -> None:
    assert ids(demo, "national") == [str(n) for n in range(1, 101)]
    assert sorted(ids(demo, "provincial"), key=lambda s: int(s.strip("()"))) == [
        f"({n})" for n in range(1, 26)
    ]
    assert sorted(ids(demo, "municipal")) == ["★1", "★2", "★3", "★4", "★5"]
    assert ids(demo, "bonus") == ["加分1", "加分2"]
    assert ids(demo, "penalty") == ["减分1", "减分2"]


@pytest.mark.parametrize(
    ("level", "count"), [("national", 104), ("provincial", 129), ("municipal", 134)]
)
def test_level_counts(demo: Manifest, level: str, count: int) -> None:
    assert len(demo.indicators_for(level)) == count  # + the 4 附加项 at every level


def test_star_one_kept_empty_with_note(demo: Manifest) -> None:
    star1 = demo.indicator("★1")
    assert star1 is not None
    assert star1.text == ""
    assert star1.note  # says why the text is missing


def test_every_stated_limit_present(demo: Manifest) -> None:
    limits = {
        (i.id, m.no): m.word_limit.hard
        for i in demo.indicators
        for m in i.materials
        if m.explicit_limit and m.same_as is None and m.word_limit
    }
    assert limits == {("36", 2): 2000, ("56", 1): 2000, ("87", 1): 2000, ("90", 1): 1500}
    for key in limits:
        ind = demo.indicator(key[0])
        assert ind is not None
        mat = ind.material(key[1])
        assert mat is not None and mat.word_limit is not None and mat.word_limit.soft is None


def test_default_limits_and_period(demo: Manifest) -> None:
    assert demo.word_limits.soft == 500 and demo.word_limits.hard == 1000
    assert demo.period_start is not None and demo.period_start.isoformat() == "2016-01-01"


def test_shared_explanations(demo: Manifest) -> None:
    for owner, others in (("87", {"88", "89"}), ("90", {"91", "92"})):
        ind = demo.indicator(owner)
        assert ind is not None
        assert others <= set(ind.shared_with)
        for other in others:
            o = demo.indicator(other)
            assert o is not None
            assert str(o.materials[0].same_as) == f"{owner}#1"
            assert o.materials[0].kind == "explanation"


def test_units_canonical(demo: Manifest) -> None:
    names = set(demo.unit_names())
    assert {
        "局法规调研科",
        "局办公室",
        "局人事科",
        "局规划财务与基金监督科",
        "市劳动保障监察局",
        "局信访与行政服务科",
        "各行政执法科室(单位)",
    } <= names
    for ind in demo.indicators:
        assert "市法规调研科" not in ind.lead_units


def test_no_materials_wording_kept(demo: Manifest) -> None:
    wordings = {i.no_materials for i in demo.indicators if i.no_materials}
    assert any("不需提供" in w for w in wordings)


def test_annual_points_sum_to_100(annual: Manifest) -> None:
    points = [c.points for c in annual.categories]
    assert points == [17, 4, 5, 10, 16, 6, 11, 13, 8, 10]
    assert sum(p or 0 for p in points) == 100


def test_annual_items_complete(annual: Manifest) -> None:
    assert len(annual.indicators) == 48
    for item in annual.indicators:
        assert item.text, item.id
        assert item.requirement, item.id
        assert item.lead_units, item.id
        assert len(item.materials) == 1  # the declared default material


def test_dump_json_contract(run: Callable[..., object]) -> None:
    result = run("manifest", "dump", DEMO, "--level", "municipal", "--json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert set(data) >= {"title", "units", "categories", "indicators"}
    assert len(data["indicators"]) == 134
    levels = [i["level"] for i in data["indicators"]]
    assert levels.count("municipal") == 5 and levels.count("bonus") == 2
    ind = data["indicators"][0]
    assert set(ind) >= {
        "id",
        "level",
        "category",
        "text",
        "no_materials",
        "lead_units",
        "shared_with",
        "note",
        "materials",
    }
    mat = ind["materials"][0]
    assert set(mat) >= {"no", "text", "kind", "lead_units", "word_limit", "shared_with"}
    assert mat["word_limit"] in (None, {"soft": 500, "hard": 1000}) or "hard" in mat["word_limit"]
    cat = data["categories"][0]
    assert set(cat) >= {"name", "points", "children"}
    # a material naming no unit gets the indicator's
    for i in data["indicators"]:
        for m in i["materials"]:
            if i["lead_units"] and not m["same_as"]:
                assert m["lead_units"], (i["id"], m["no"])


@pytest.mark.parametrize(("level", "count"), [("national", 104), ("provincial", 129)])
def test_dump_levels(run: Callable[..., object], level: str, count: int) -> None:
    result = run("manifest", "dump", DEMO, "--level", level, "--json")
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert len(data["indicators"]) == count
    assert sum(1 for i in data["indicators"] if i["level"] in ("bonus", "penalty")) == 4


def test_dump_unknown_level(run: Callable[..., object]) -> None:
    result = run("manifest", "dump", DEMO, "--level", "county", "--json")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "清单中没有级别“county”;可选:national、provincial、municipal" in (
        result.stderr  # type: ignore[attr-defined]
    )


def test_validate_cli(run: Callable[..., object]) -> None:
    result = run("manifest", "validate", DEMO)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    assert "国家级(national):100 项" in out
    assert "省级增加(provincial):25 项" in out
    assert "市级特色(municipal):5 项" in out


def test_validate_cli_error_exit_code(tmp_path: Path, run: Callable[..., object]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [\n", encoding="utf-8")
    result = run("manifest", "validate", bad)
    assert result.exit_code == 3  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert "YAML 语法错误" in err and "Traceback" not in err

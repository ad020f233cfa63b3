"""Every validation error has a clear Chinese message with file:line and key path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from archiver.errors import ManifestError
from archiver.manifest.loader import load_manifest
from tests.conftest import SMALL_MANIFEST


def errors_of(path: Path, strict: bool = False) -> list[str]:
    with pytest.raises(ManifestError) as info:
        load_manifest(path, strict=strict)
    return info.value.details


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing ``needle``."""
    seen = 0
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return i
    raise AssertionError(needle)


def test_small_manifest_loads(small_manifest: Path) -> None:
    result = load_manifest(small_manifest)
    m = result.manifest
    assert result.warnings == []
    assert [i.id for i in m.indicators] == ["1", "2", "(1)", "3", "加分1"]
    assert len(m.indicators_for("national")) == 4  # 1, 2, 3 and the bonus item
    assert len(m.indicators_for("provincial")) == 5
    first = m.indicators[0]
    assert first.lead_units == ("局法规调研科",)  # alias 市法规调研科 resolved
    assert first.category_names == ("一、政府职能依法全面履行", "1.行政审批制度改革全面推行")
    assert first.materials[0].word_limit is not None
    assert first.materials[0].word_limit.to_json() == {"soft": 500, "hard": 1000}
    assert first.materials[1].word_limit is None  # evidence has no limit
    assert first.materials[1].lead_units == ("局办公室",)


def test_shared_material_is_linked_both_ways(small_manifest: Path) -> None:
    m = load_manifest(small_manifest).manifest
    one, two = m.indicator("1"), m.indicator("2")
    assert one is not None and two is not None
    shared = two.materials[0]
    assert shared.text == "压缩行政审批办理时限的情况说明。"  # inherited
    assert shared.kind == "explanation"
    assert str(shared.same_as) == "1#1"
    assert [str(r) for r in one.materials[0].shared_with] == ["2#1"]
    assert one.shared_with == ("2",) and two.shared_with == ("1",)


def test_explicit_limit_is_hard_without_soft(small_manifest: Path) -> None:
    m = load_manifest(small_manifest).manifest
    prov = m.indicator("(1)")
    assert prov is not None
    limit = prov.materials[0].word_limit
    assert limit is not None and limit.soft is None and limit.hard == 2000
    assert prov.lead_units == ("局规划财务与基金监督科",)  # 和 → 与 alias


def test_yaml_syntax_error_has_line(write_manifest: Callable[..., Path]) -> None:
    path = write_manifest("title: 测试\nunits:\n  - name: [未闭合\n")
    (detail,) = errors_of(path)
    assert detail.startswith(f"{path}:")
    assert "YAML 语法错误" in detail
    assert ":4:" in detail or ":3:" in detail


def test_duplicate_id(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_MANIFEST.replace('- id: "2"', '- id: "1"')
    path = write_manifest(text)
    details = errors_of(path)
    line = line_of(text, '- id: "1"', 2)
    expected = f"{path}:{line}: indicators[1].id: 错误: 指标编号“1”重复(第一次出现在第 1 个指标)"
    assert expected in details


def test_unknown_unit(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_MANIFEST.replace("lead_units: [局办公室]", "lead_units: [局宣传科]")
    path = write_manifest(text)
    (detail,) = errors_of(path)
    line = line_of(text, "lead_units: [局宣传科]")
    assert detail == (
        f"{path}:{line}: indicators[0].materials[1].lead_units[0]: 错误: "
        "未知单位“局宣传科”;请在 units 中添加该单位,或把它写为已有单位的别名"
    )


def test_material_without_text(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_MANIFEST.replace("text: 行政审批事项清单。", 'text: ""')
    path = write_manifest(text)
    (detail,) = errors_of(path)
    assert "indicators[0].materials[1].text: 错误: 材料内容为空;请写明需要上报的资料" in detail


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "1.5", "true"])
def test_limit_not_positive_integer(write_manifest: Callable[..., Path], bad: str) -> None:
    text = SMALL_MANIFEST.replace("word_limit: 2000", f"word_limit: {bad}")
    path = write_manifest(text)
    (detail,) = errors_of(path)
    line = line_of(text, f"word_limit: {bad}")
    assert detail.startswith(f"{path}:{line}: indicators[2].materials[0].word_limit: 错误: ")
    assert "应为正整数(字数上限),实际为" in detail


def test_unknown_level(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_MANIFEST.replace("level: provincial", "level: county")
    path = write_manifest(text)
    (detail,) = errors_of(path)
    assert "indicators[2].level: 错误: 未知级别“county”;本清单的级别为:" in detail
    assert "provincial" in detail


def test_unknown_category(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_MANIFEST.replace('category: [一, "1"]', 'category: [一, "9"]', 1)
    path = write_manifest(text)
    (detail,) = errors_of(path)
    assert "indicators[0].category[1]: 错误: 分类编号“9”不存在;此处可用的编号:1" in detail


def test_same_as_to_missing_material(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_MANIFEST.replace('{indicator: "1", material: 1}', '{indicator: "7", material: 1}')
    path = write_manifest(text)
    (detail,) = errors_of(path)
    assert "indicators[1].materials[0].same_as: 错误: 引用的材料 7#1 不存在" in detail


def test_all_problems_collected_at_once(write_manifest: Callable[..., Path]) -> None:
    text = (
        SMALL_MANIFEST.replace("lead_units: [局办公室]", "lead_units: [局宣传科]")
        .replace("word_limit: 2000", "word_limit: 0")
        .replace("level: provincial", "level: county")
    )
    details = errors_of(write_manifest(text))
    assert len(details) == 3


def test_unknown_key_is_warning_then_error_with_strict(
    write_manifest: Callable[..., Path],
) -> None:
    original = "    text: 全面推行“证照分离”。"
    text = SMALL_MANIFEST.replace(original, "    txet: 拼错\n" + original)
    path = write_manifest(text)
    result = load_manifest(path)
    (warning,) = result.warnings
    assert "indicators[3].txet: 警告: 未知的键“txet”(是否拼写错误?" in str(warning)
    (detail,) = errors_of(path, strict=True)
    assert "indicators[3].txet: 错误: 未知的键“txet”" in detail


def test_missing_file(tmp_path: Path) -> None:
    (detail,) = errors_of(tmp_path / "nope.yaml")
    assert detail.endswith("nope.yaml: (文件): 错误: 文件不存在,请检查路径是否正确")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    (detail,) = errors_of(tmp_path)
    assert "这是一个文件夹" in detail


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("title: 测试\nunits: []\n".encode("gbk"))
    (detail,) = errors_of(path)
    assert f"{path}:1: (文件): 错误: 文件不是 UTF-8 编码" in detail


def test_empty_file(write_manifest: Callable[..., Path]) -> None:
    (detail,) = errors_of(write_manifest(""))
    assert "文件是空的" in detail


def test_billion_laughs_is_refused_quickly(write_manifest: Callable[..., Path]) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    details = errors_of(write_manifest("\n".join(lines) + "\n"))
    assert any("不支持 YAML 锚点和别名" in d for d in details)


def test_duplicate_key(write_manifest: Callable[..., Path]) -> None:
    text = SMALL_MANIFEST.replace("title: 测试指标体系", "title: 测试指标体系\ntitle: 又一个")
    (detail,) = errors_of(write_manifest(text))
    assert ":3: title: 错误: 键“title”重复出现" in detail


def test_no_key_is_not_a_boolean(small_manifest: Path) -> None:
    """YAML 1.1 reads a bare ``no`` as false; our reader keeps keys as written."""
    m = load_manifest(small_manifest).manifest
    assert m.categories[0].no == "一"
    assert m.indicators[0].materials[1].no == 2

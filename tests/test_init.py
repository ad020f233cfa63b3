"""archiver init: settings, drop folders, requirement files, templates; safe re-runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from archiver.workspace.config import load_config
from archiver.workspace.naming import indicator_id_of, material_no_of, safe_name, short_title

ORG = "濮阳市人力资源和社会保障局"


@pytest.fixture
def workspace(tmp_path: Path, run: Callable[..., object]) -> Path:
    ws = tmp_path / "创建工作区"
    result = run("init", ws, "--manifest", "demonstration", "--level", "municipal", "--org", ORG)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return ws


def test_config_written_and_valid(workspace: Path) -> None:
    config, warnings = load_config(workspace)
    assert warnings == []
    assert config.manifest == "demonstration"
    assert config.level == "municipal"
    assert config.org == ORG
    assert config.period_start is not None and config.period_start.isoformat() == "2016-01-01"
    assert config.manifest_path.name == "demonstration.yaml"


def test_unit_and_indicator_folders(workspace: Path) -> None:
    drop = workspace / "材料"
    units = {p.name for p in drop.iterdir()}
    assert {"局法规调研科", "局办公室", "局人事科", "未分配"} <= units
    one = drop / "局法规调研科" / "1_向社会公布本级政府全部行政审批事项清单"
    assert (one / "材料要求.txt").is_file()
    assert (one / "情况说明.docx").is_file()
    # 36 has two materials: one sub-folder each
    ind36 = next((drop / "局办公室").glob("36_*"))
    subs = sorted(p.name for p in ind36.iterdir() if p.is_dir())
    assert [material_no_of(s) for s in subs] == [1, 2]
    # evidence gets no template, explanation does
    assert not (ind36 / subs[0] / "情况说明.docx").exists()
    assert (ind36 / subs[1] / "情况说明.docx").exists()


def test_requirement_file_says_what_to_provide(workspace: Path) -> None:
    drop = workspace / "材料"
    req = next((drop / "局法规调研科").glob("87_*")) / "材料要求.txt"
    raw = req.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Notepad-friendly
    text = raw.decode("utf-8-sig")
    assert "第87项" in text
    assert "不超过2000字" in text
    assert "第88项" in text and "第89项" in text  # shared with
    assert "2016年1月1日以来" in text
    assert ".docx" in text and "PDF" in text
    # 88 points to 87's folder
    req88 = next((drop / "局法规调研科").glob("88_*")) / "材料要求.txt"
    text88 = req88.read_text(encoding="utf-8-sig")
    assert "只需提供一次" in text88 and "87_" in text88
    assert not (req88.parent / "情况说明.docx").exists()


def test_template_has_heading_and_placeholder(workspace: Path) -> None:
    tpl = (
        workspace
        / "材料"
        / "局法规调研科"
        / "1_向社会公布本级政府全部行政审批事项清单"
        / "情况说明.docx"
    )
    doc = Document(str(tpl))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "关于第1项指标的情况说明"
    assert any(t.startswith("【请在此处填写情况说明正文") for t in texts)
    section = doc.sections[0]
    assert section.top_margin is not None and section.left_margin is not None
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_unassigned_materials_go_to_unassigned(workspace: Path) -> None:
    folders = {indicator_id_of(p.name) for p in (workspace / "材料" / "未分配").iterdir()}
    assert "17" in folders  # 17's lead-unit cell is empty in the source


def test_rerun_never_overwrites(workspace: Path, run: Callable[..., object]) -> None:
    folder = workspace / "材料" / "局法规调研科" / "1_向社会公布本级政府全部行政审批事项清单"
    tpl = folder / "情况说明.docx"
    tpl.write_bytes(b"edited by the department")
    req = folder / "材料要求.txt"
    req.write_text("changed", encoding="utf-8")
    own = folder / "我的材料.pdf"
    own.write_bytes(b"%PDF-1.4 mine")
    gone = next((workspace / "材料" / "局人事科").iterdir())
    for p in sorted(gone.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    gone.rmdir()
    result = run("init", workspace)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert tpl.read_bytes() == b"edited by the department"
    assert req.read_text(encoding="utf-8") == "changed"
    assert own.read_bytes() == b"%PDF-1.4 mine"
    assert gone.is_dir() and (gone / "材料要求.txt").is_file()  # the missing one is back
    assert "与当前清单不一致" in result.stderr  # type: ignore[attr-defined]


def test_template_not_recreated_beside_department_files(
    workspace: Path, run: Callable[..., object]
) -> None:
    folder = workspace / "材料" / "局法规调研科" / "1_向社会公布本级政府全部行政审批事项清单"
    (folder / "情况说明.docx").rename(folder / "情况说明(定稿).docx")
    run("init", workspace)
    assert not (folder / "情况说明.docx").exists()


def test_init_needs_settings(tmp_path: Path, run: Callable[..., object]) -> None:
    result = run("init", tmp_path / "x", "--manifest", "demonstration")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "新建工作区需要指定 --level、--org" in result.stderr  # type: ignore[attr-defined]


def test_init_unknown_level(tmp_path: Path, run: Callable[..., object]) -> None:
    result = run(
        "init", tmp_path / "x", "--manifest", "demonstration", "--level", "county", "--org", ORG
    )
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "清单中没有级别“county”" in result.stderr  # type: ignore[attr-defined]


def test_broken_config_reported_with_line(workspace: Path, run: Callable[..., object]) -> None:
    cfg = workspace / "archiver.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("level: municipal", "level: [x"), encoding="utf-8"
    )
    result = run("check", workspace)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "archiver.yaml:" in result.stderr and "YAML 语法错误" in result.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("CON", "_CON"),
        ("名称. ", "名称"),
        ("", "_"),
    ],
)
def test_safe_names(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_short_title_and_ids() -> None:
    assert short_title("向社会公布本级政府全部行政审批事项清单,实行目录化", 20) == (
        "向社会公布本级政府全部行政审批事项清单"
    )
    assert indicator_id_of("(12)_标题改过也能识别") == "(12)"
    assert indicator_id_of("★2_完成") == "★2"
    assert material_no_of("材料2_情况说明") == 2
    assert material_no_of("其他") is None


def test_the_general_folder_is_made_with_its_requirements(
    workspace: Path, run: Callable[..., object]
) -> None:
    from archiver.pipeline import check_workspace

    general = workspace / "材料" / "总体材料"
    text = (general / "材料要求.txt").read_text(encoding="utf-8-sig")
    assert "自评报告" in text and "综合卷" in text and "按文件名排序" in text
    (general / "sub").mkdir()
    (general / "sub" / "2 工作总结.txt").write_text("总结", encoding="utf-8")
    (general / "1 自评报告.txt").write_text("自评", encoding="utf-8")
    result = check_workspace(workspace)
    assert result.general_files == [
        "材料/总体材料/1 自评报告.txt",
        "材料/总体材料/sub/2 工作总结.txt",
    ]
    assert not [f for f in result.findings if "总体材料" in (f.path or "")]
    again = run("init", workspace)  # a re-run leaves the folder and its files alone
    assert again.exit_code == 0  # type: ignore[attr-defined]
    assert (general / "1 自评报告.txt").read_text(encoding="utf-8") == "自评"
    assert (general / "材料要求.txt").read_text(encoding="utf-8-sig") == text

"""The index volume, the 情况说明 compilation, template overrides, and the demo workspace."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from archiver.cli import cli
from archiver.manifest.loader import load_manifest
from tests import fixtures as fx
from tests.conftest import MANIFESTS

EPOCH = "1617235200"


@pytest.fixture(scope="module")
def demo_build(
    tmp_path_factory: pytest.TempPathFactory, libreoffice: Path
) -> Iterator[tuple[Path, Path]]:
    base = tmp_path_factory.mktemp("demo")
    ws, out = base / "演示工作区", base / "out"
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", str(ws)])
    assert result.exit_code == 0, result.output
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        result = runner.invoke(cli, ["build", str(ws), "--out", str(out)])
        assert result.exit_code == 0, result.output
        yield ws, out
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def report_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    return data


def test_demo_shows_every_kind_of_finding(demo_build: tuple[Path, Path]) -> None:
    ws, _ = demo_build
    result = CliRunner().invoke(cli, ["check", str(ws), "--json"])
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {
        "missing_material",
        "template_unchanged",
        "over_word_limit",
        "over_soft_word_limit",
        "unreadable_file",
        "empty_file",
        "duplicate_file",
        "unassigned_material",
        "out_of_period",
    } <= codes


def test_demo_is_deterministic(tmp_path: Path, demo_build: tuple[Path, Path]) -> None:
    ws, _ = demo_build
    again = tmp_path / "again"
    assert CliRunner().invoke(cli, ["demo", str(again)]).exit_code == 0

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "材料").rglob("*"))
            if p.is_file()
        }

    assert files(again) == files(ws)


def test_demo_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("keep", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 2 and "不是空文件夹" in result.stderr
    assert (tmp_path / "x.txt").read_text(encoding="utf-8") == "keep"


def test_index_docx_names_every_indicator(demo_build: tuple[Path, Path]) -> None:
    _, out = demo_build
    report = report_of(out)
    assert report["index"] == {"pdf": "00_索引卷.pdf", "docx": "00_索引卷.docx"}
    doc = Document(str(out / "00_索引卷.docx"))
    ids = {row.cells[0].text for t in doc.tables for row in t.rows}
    manifest = load_manifest(MANIFESTS / "demonstration.yaml").manifest
    expected = {i.id for i in manifest.indicators_for("municipal")}
    assert expected <= ids
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "编制说明" in text and "创建级别:市级(含本市特色指标)" in text
    statuses = [row.cells[4].text for t in doc.tables for row in t.rows]
    assert "不需提供" in statuses and "暂缺" in statuses and "已装订" in statuses
    assert any(s.startswith("共用,见第") for s in statuses)


def test_index_pdf_links_open_the_right_page(demo_build: tuple[Path, Path]) -> None:
    _, out = demo_build
    report = report_of(out)
    reader = PdfReader(str(out / "00_索引卷.pdf"))
    links = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot["/A"].get_object()
            assert action["/S"] == "/GoToR"
            links.append((str(action["/F"]["/UF"]), int(action["/D"][0])))
    located = [m for m in report["materials"] if m.get("first_page")]
    volumes = {v["file"]: v for v in report["volumes"]}
    expected = sorted(
        (m["volume"], volumes[m["volume"]]["front_pages"] + m["first_page"] - 1) for m in located
    )
    assert sorted(links) == expected  # one link per located material, to its first page
    for file_name, _ in links:
        assert "/" not in file_name and "\\" not in file_name  # relative: survives a copy
    # spot-check: the linked page of an included material carries that page's number
    m = next(m for m in located if m["status"] == "included")
    vol = PdfReader(str(out / m["volume"]))
    index = volumes[m["volume"]]["front_pages"] + m["first_page"] - 1
    assert vol.page_labels[index] == str(m["first_page"])


def test_both_readers_find_the_same_page_cells(demo_build: tuple[Path, Path]) -> None:
    """PDFium (used) and pypdf (the fallback) place every page-range cell alike."""
    from archiver.binding.indexlinks import _pdfium_cells, _pypdf_cells

    ws, _ = demo_build
    (raw,) = (ws / ".archiver" / "rendered").glob("index-raw-*.pdf")
    fast, slow = _pdfium_cells(raw), _pypdf_cells(PdfReader(str(raw)))
    assert len(fast) > 50 and [c[:2] for c in fast] == [c[:2] for c in slow]
    for a, b in zip(fast, slow, strict=True):
        assert abs(a[2] - b[2]) < 0.5 and abs(a[3] - b[3]) < 0.5 and abs(a[4] - b[4]) < 0.1


def test_index_bookmarks_per_category(demo_build: tuple[Path, Path]) -> None:
    _, out = demo_build
    reader = PdfReader(str(out / "00_索引卷.pdf"))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    manifest = load_manifest(MANIFESTS / "demonstration.yaml").manifest
    for cat in manifest.categories:
        assert cat.label in titles


def test_volume_front_and_back_matter_present(demo_build: tuple[Path, Path]) -> None:
    _, out = demo_build
    for v in report_of(out)["volumes"]:
        reader = PdfReader(str(out / v["file"]))
        assert "全宗名称" in reader.pages[0].extract_text()
        assert "卷内目录" in reader.pages[1].extract_text().replace(" ", "")
        assert "卷内备考表" in reader.pages[-1].extract_text().replace(" ", "")


def test_compilation_joins_explanations(demo_build: tuple[Path, Path]) -> None:
    _, out = demo_build
    report = report_of(out)
    assert report["explanations"]
    first = Document(str(out / report["explanations"][0]))
    heads = [
        p.text for p in first.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert heads and heads[0].startswith("第")
    texts = "\n".join(p.text for p in first.paragraphs)
    assert "关于第" in texts and "情况说明" in texts  # the explanations' own titles


def test_screenshots_are_real(demo_build: tuple[Path, Path], tmp_path: Path) -> None:
    """Render an index page and a volume page as a user would see them."""
    _, out = demo_build
    index = PdfReader(str(out / "00_索引卷.pdf"))
    table_page = next(
        i
        for i, p in enumerate(index.pages, start=1)
        if "总目录" in (p.extract_text() or "").replace(" ", "")
    )
    for pdf, page in ((out / "00_索引卷.pdf", table_page), (next(out.glob("01_*.pdf")), 1)):
        prefix = tmp_path / pdf.stem
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "30",
                "-f",
                str(page),
                "-l",
                str(page),
                "-png",
                str(pdf),
                str(prefix),
            ],
            check=True,
            timeout=60,
        )
        (png,) = tmp_path.glob(f"{pdf.stem}*.png")
        assert png.stat().st_size > 3000
        png.unlink()


# -- templates: overrides, errors, special characters ----------------------------------

SMALL = """\
schema_version: 1
title: "测试 & <特殊> {{ 字符 }} 责任分工表"
levels:
  - {id: national, name: 国家级, includes: [national]}
units:
  - name: 局法规调研科 & 合作单位
categories:
  - {no: 一, name: "分类 <一> & {{ x }}"}
indicators:
  - id: "1"
    level: national
    category: [一]
    text: "指标含 & < > {{ }} {% %} 字符"
    lead_units: [局法规调研科 & 合作单位]
    materials:
      - {no: 1, text: "材料 {{ 名 }} & <附件>", kind: evidence}
"""


@pytest.fixture
def odd_ws(tmp_path: Path, libreoffice: Path) -> Path:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(SMALL, encoding="utf-8")
    ws = tmp_path / "ws"
    result = CliRunner().invoke(
        cli,
        [
            "init",
            str(ws),
            "--manifest",
            str(manifest),
            "--level",
            "national",
            "--org",
            "机关 & {{ org }}",
        ],
    )
    assert result.exit_code == 0, result.output
    folder = next((ws / "材料").rglob("1_*"))
    fx.png(folder / "文件 {{ 名 }} & <1>.png")
    return ws


def test_special_characters_appear_literally(odd_ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(odd_ws), "--out", str(out)])
    assert result.exit_code == 0, result.output
    contents = PdfReader(str(next(out.glob("01_*.pdf")))).pages[1].extract_text()
    assert "{{ 名 }} & <1>" in contents.replace("\n", "")
    index = Document(str(out / "00_索引卷.docx"))
    cells = "\n".join(c.text for t in index.tables for r in t.rows for c in r.cells)
    assert "指标含 & < > {{ }} {% %} 字符" in cells
    assert "机关 & {{ org }}" in "\n".join(p.text for p in index.paragraphs)


def test_template_override_errors_name_template_and_field(odd_ws: Path, tmp_path: Path) -> None:
    from docx import Document as New

    templates = odd_ws / "templates"
    templates.mkdir()
    bad = New()
    bad.add_paragraph("{{ org }} {{ no_such_field }}")
    bad.save(str(templates / "案卷封面.docx"))
    result = CliRunner().invoke(cli, ["build", str(odd_ws), "--out", str(tmp_path / "o1")])
    assert result.exit_code == 2
    assert "案卷封面.docx" in result.stderr and "no_such_field" in result.stderr
    broken = New()
    broken.add_paragraph("{{ org ")
    broken.save(str(templates / "案卷封面.docx"))
    result = CliRunner().invoke(cli, ["build", str(odd_ws), "--out", str(tmp_path / "o2")])
    assert result.exit_code == 2
    assert "案卷封面.docx" in result.stderr and "语法错误" in result.stderr
    good = New()
    good.add_paragraph("本机关的封面:{{ org }}")
    good.save(str(templates / "案卷封面.docx"))
    result = CliRunner().invoke(cli, ["build", str(odd_ws), "--out", str(tmp_path / "o3")])
    assert result.exit_code == 0, result.output
    cover = PdfReader(str(next((tmp_path / "o3").glob("01_*.pdf")))).pages[0].extract_text()
    assert "本机关的封面" in cover

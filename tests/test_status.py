"""archiver status: numbers per unit and category, and the reports read back."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from archiver.cli import cli
from tests import fixtures as fx

ORG = "濮阳市人力资源和社会保障局"
LAW = "局法规调研科"


folder = fx.folder


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("status") / "ws"
    result = CliRunner().invoke(
        cli, ["init", str(root), "--manifest", "demonstration", "--level", "national", "--org", ORG]
    )
    assert result.exit_code == 0, result.output
    drop = root / "材料"
    # 局法规调研科: 1 done (explanation 300 字), 2 over the limit (error), 3 evidence done
    f1 = folder(drop, LAW, "1")
    (f1 / "情况说明.docx").unlink()
    fx.docx_with_words(f1 / "情况说明.docx", 300)
    f2 = folder(drop, LAW, "2")
    (f2 / "情况说明.docx").unlink()
    fx.docx_with_words(f2 / "情况说明.docx", 1200)
    fx.png(folder(drop, LAW, "3") / "目录.png")
    # 局人事科: everything it leads, done
    for f in (drop / "局人事科").rglob("情况说明.docx"):
        f.unlink()
        fx.docx_with_words(f, 200)
    for req in (drop / "局人事科").rglob("材料要求.txt"):
        if not any(p.suffix == ".docx" for p in req.parent.iterdir()) and not any(
            p.is_dir() for p in req.parent.iterdir()
        ):
            fx.png(req.parent / "证明.png", size=(100 + len(str(req)), 90))
    return root


@pytest.fixture(scope="module")
def status(ws: Path) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["status", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def entry(status: dict[str, Any], indicator: str, material: int | None = 1) -> dict[str, Any]:
    return next(
        m for m in status["materials"] if m["indicator"] == indicator and m["material"] == material
    )


def test_material_entries(status: dict[str, Any]) -> None:
    one = entry(status, "1")
    assert one["status"] == "provided"
    assert one["word_count"] == 300
    assert one["units"] == [LAW]
    assert one["folders"] == ["材料/局法规调研科/1_向社会公布本级政府全部行政审批事项清单"]
    assert one["files"] == [one["folders"][0] + "/情况说明.docx"]
    two = entry(status, "2")
    assert two["status"] == "error" and "over_word_limit" in two["problems"]
    assert two["word_count"] == 1200
    assert entry(status, "3")["status"] == "provided"
    assert entry(status, "4")["status"] == "missing"
    five = entry(status, "5", None)
    assert five["status"] == "not_required"
    for m in status["materials"]:
        assert set(m) >= {
            "indicator",
            "material",
            "units",
            "folders",
            "status",
            "files",
            "word_count",
        }


def test_unit_numbers(status: dict[str, Any]) -> None:
    units = {u["name"]: u for u in status["units"]}
    hr = units["局人事科"]
    assert hr["provided"] == hr["required"] > 0 and hr["percent"] == 100.0
    law = units[LAW]
    assert law["provided"] == 2 and law["errors"] >= 1
    assert law["required"] == law["provided"] + law["errors"] + law["missing"]
    total = status["overall"]
    assert total["required"] == sum(u["required"] for u in status["units"])
    assert total["provided"] == sum(u["provided"] for u in status["units"])
    assert sum(c["required"] for c in status["categories"]) == total["required"]
    assert "局人事科" not in status["laggards"]


def test_reports_open_with_right_numbers(ws: Path, tmp_path: Path, status: dict[str, Any]) -> None:
    docx, xlsx, html = tmp_path / "通报.docx", tmp_path / "台账.xlsx", tmp_path / "进度.html"
    per_unit = tmp_path / "整改"
    result = CliRunner().invoke(
        cli,
        [
            "status",
            str(ws),
            "--docx",
            str(docx),
            "--xlsx",
            str(xlsx),
            "--html",
            str(html),
            "--per-unit",
            str(per_unit),
        ],
    )
    assert result.exit_code == 0, result.output
    doc = Document(str(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    total = status["overall"]
    assert f"共需报送材料 {total['required']} 项" in text
    assert f"已报送且无问题 {total['provided']} 项" in text
    unit_table = doc.tables[0]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in unit_table.rows[1:]}
    hr = next(u for u in status["units"] if u["name"] == "局人事科")
    assert rows["局人事科"][1:] == [str(hr["required"]), str(hr["provided"]), "0", "0", "100.0%"]
    wb = load_workbook(str(xlsx))
    ledger = wb["材料台账"]
    assert ledger.freeze_panes == "A2" and ledger.auto_filter.ref
    lines = list(ledger.iter_rows(min_row=2, values_only=True))
    assert len(lines) == len(status["materials"])
    row1 = next(r for r in lines if r[0] == "1" and r[1] == 1)
    assert row1[5] == "已提供" and row1[8] == 300
    assert ledger.cell(row=2, column=6).fill.fgColor.rgb.endswith(
        ("C6EFCE", "FFC7CE", "FFEB9C", "EDEDED")
    )
    sheets = sorted(p.name for p in per_unit.iterdir())
    assert "整改清单_局法规调研科.docx" in sheets
    assert "整改清单_局人事科.docx" not in sheets  # nothing to fix there
    law = Document(str(per_unit / "整改清单_局法规调研科.docx"))
    law_text = "\n".join(c.text for t in law.tables for r in t.rows for c in r.cells)
    assert "第4项" in law_text  # missing
    assert "1200" in law_text  # over the limit


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_html_in_headless_chromium(ws: Path, tmp_path: Path) -> None:
    html = tmp_path / "进度.html"
    CliRunner().invoke(cli, ["status", str(ws), "--html", str(html)])
    page = html.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page  # self-contained
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    shot = tmp_path / "shot.png"
    subprocess.run(
        ["chromium", *flags, f"--screenshot={shot}", "--window-size=1200,1600", html.as_uri()],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert shot.stat().st_size > 10_000
    dom = subprocess.run(
        ["chromium", *flags, "--dump-dom", html.as_uri()],
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout
    assert "各单位进度" in dom and "局人事科" in dom and "100.0%" in dom

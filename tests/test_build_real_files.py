"""A build of files written by other programs (tests/resources/), as departments hand them in.

One workspace, one build, many assertions: every submitted file is accounted for, every page
is A4, forms are flattened, tracked changes printed accepted, the 台账 keeps every column and
every cell's text, photos are at most 300 dpi, and OFD files are bound with their text.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from archiver.cli import cli
from tests import fixtures as fx

RES = Path(__file__).parent / "resources"
A4 = (595.276, 841.89)
EPOCH = "1617235200"
LAW = "局法规调研科"

MANIFEST = textwrap.dedent(
    """\
    schema_version: 1
    title: 真实文件测试指标体系
    period: {start: 2000-01-01}
    levels:
      - {id: national, name: 国家级, includes: [national]}
    units:
      - name: 局法规调研科
    categories:
      - no: 一
        name: 真实文件
        children:
          - {no: "1", name: 各种文件}
    indicators:
      - id: "1"
        level: national
        category: [一, "1"]
        text: PDF 与图片。
        lead_units: [局法规调研科]
        materials:
          - {no: 1, text: PDF。, kind: evidence}
          - {no: 2, text: 照片和扫描件。, kind: evidence}
          - {no: 3, text: 版式文件。, kind: evidence}
          - {no: 4, text: Word 与 Excel。, kind: evidence}
          - {no: 5, text: 无法装订的文件。, kind: evidence}
    """
)

FILES = {
    1: ["pdf/pdfjs-sizes.pdf", "pdf/pikepdf-form.pdf", "pdf/pdfjs-evaljs.pdf"],
    2: ["images/pillow-pil_sample_cmyk.jpg", "images/pillow-hopper_orientation_6.jpg"],
    3: ["ofd/999.ofd", "ofd/n.ofd"],
    4: ["office/delins.docx", "office/AverageTaxRates.xlsx"],
    5: ["pdf/pypdf-r4-user-password.pdf"],
}


def _ledger(path: Path) -> None:
    """A wide 台账 as a unit would keep it: 16 columns, long Chinese cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([f"栏目{i + 1}" for i in range(16)])
    for r in range(40):
        ws.append([str(r + 1)] + [f"拖欠劳动者工资报酬案件处理{r}-{c}" for c in range(1, 16)])
    summary = wb.create_sheet("汇总")
    summary.append(["单位", "件数"])
    summary.append(["局劳动保障监察科", 40])
    wb.save(str(path))


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, libreoffice: Path
) -> Iterator[tuple[Path, Path, dict[str, Any]]]:
    base = tmp_path_factory.mktemp("real")
    manifest = base / "m.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    ws = base / "ws"
    runner = CliRunner()
    args = ["init", str(ws), "--manifest", str(manifest), "--level", "national", "--org", "测试局"]
    assert runner.invoke(cli, args).exit_code == 0
    for no, names in FILES.items():
        folder = fx.folder(ws / "材料", LAW, "1", no)
        for name in names:
            shutil.copyfile(RES / name, folder / Path(name).name)
    fx.mp4_stub(fx.folder(ws / "材料", LAW, "1", 5) / "现场录像.mp4")
    # a download cut short: qpdf recovers a page, but nothing is drawn on it any more
    whole = RES / "pdf" / "pdfjs-xref-command-missing.pdf"
    fx.truncated(fx.folder(ws / "材料", LAW, "1", 5) / "下载中断.pdf", whole)
    _ledger(fx.folder(ws / "材料", LAW, "1", 4) / "监察台账.xlsx")
    before = {p: p.read_bytes() for p in (ws / "材料").rglob("*") if p.is_file()}
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        out = base / "out"
        # a process of its own, as a user runs it (pytest would catch the warnings itself)
        proc = subprocess.run(
            [sys.executable, "-m", "archiver", "build", str(ws), "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        )
        assert proc.returncode == 0, proc.stderr
        # AverageTaxRates.xlsx makes openpyxl warn (an unsupported Excel extension): the log
        # keeps that, the terminal shows only archiver's own Chinese messages
        assert "Warning" not in proc.stderr and "warn(" not in proc.stderr, proc.stderr
        assert before == {p: p.read_bytes() for p in (ws / "材料").rglob("*") if p.is_file()}
        report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
        yield ws, out, report
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _volume(out: Path, report: dict[str, Any]) -> Path:
    return out / str(report["volumes"][0]["file"])


def _files(report: dict[str, Any], material: int) -> dict[str, dict[str, Any]]:
    m = next(x for x in report["materials"] if x["material"] == material)
    return {Path(f["path"]).name: f for f in m["files"]}


def _text(pdf: Path, first: int, last: int | None = None) -> str:
    args = ["pdftotext", "-f", str(first), "-l", str(last or first), "-layout", str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def _front(pdf: Path) -> int:
    return sum(1 for label in PdfReader(str(pdf)).page_labels if label.isalpha())


def test_every_submitted_file_is_accounted_for(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, _, report = built
    for no, names in FILES.items():
        assert {Path(n).name for n in names} <= set(_files(report, no))
    bad = _files(report, 5)
    assert set(bad) == {"pypdf-r4-user-password.pdf", "现场录像.mp4", "下载中断.pdf"}
    assert all(f["status"] == "failed" and f["message"] for f in bad.values())
    assert "密码" in bad["pypdf-r4-user-password.pdf"]["message"]
    assert "空白" in bad["下载中断.pdf"]["message"]  # never a blank page in its place
    m5 = next(x for x in report["materials"] if x["material"] == 5)
    assert m5["status"] == "failed"
    for no in (1, 2, 3, 4):
        assert all(f["status"] == "included" for f in _files(report, no).values()), no


def test_a_page_says_why_a_file_is_not_bound(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    pdf, front = _volume(out, report), _front(_volume(out, report))
    video = _files(report, 5)["现场录像.mp4"]
    page = _text(pdf, front + video["first_page"]).replace(" ", "").replace("\n", "")
    ws, _, _ = built
    sha = hashlib.sha256(
        (fx.folder(ws / "材料", LAW, "1", 5) / "现场录像.mp4").read_bytes()
    ).hexdigest()
    assert "音视频材料" in page and "现场录像.mp4" in page and f"SHA-256:{sha}" in page
    locked = _files(report, 5)["pypdf-r4-user-password.pdf"]
    page = _text(pdf, front + locked["first_page"]).replace(" ", "")
    assert "文件无法装订" in page and "密码" in page


def test_every_page_is_a4(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    for v in report["volumes"]:
        for i, page in enumerate(PdfReader(str(out / v["file"])).pages):
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            assert sorted((w, h)) == pytest.approx(A4, abs=1.5), (v["file"], i, w, h)


def test_forms_are_flattened_and_scripts_gone(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    reader = PdfReader(str(_volume(out, report)))
    root: Any = reader.trailer["/Root"]
    assert "/AcroForm" not in root
    assert "/JavaScript" not in str(root.get("/Names", ""))
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert annot.get_object().get("/Subtype") != "/Widget"
    form = _files(report, 1)["pikepdf-form.pdf"]
    assert form["notes"]  # what was flattened is said in the report


def test_tracked_changes_printed_accepted(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    pdf, front = _volume(out, report), _front(_volume(out, report))
    f = _files(report, 4)["delins.docx"]
    text = _text(pdf, front + f["first_page"], front + f["last_page"])
    assert "March 2009: Apache Tika Release" in text and "Tika Waylan" not in text
    assert any("delins.docx" in n and "修订" in n for n in f["notes"])


def test_ledger_keeps_every_column_and_cell(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    pdf, front = _volume(out, report), _front(_volume(out, report))
    f = _files(report, 4)["监察台账.xlsx"]
    for page in range(f["first_page"], f["last_page"]):  # the last page is the 汇总 sheet
        text = _text(pdf, front + page).replace(" ", "")
        assert all(f"栏目{i}" in text for i in range(1, 17)), page
    whole = _text(pdf, front + f["first_page"], front + f["last_page"]).replace(" ", "")
    # a wrapped cell prints its text on several lines: its start and its own end are both there
    assert whole.count("拖欠劳动") == 40 * 15
    assert all(f"理{r}-{c}" in whole for r in range(40) for c in range(1, 16))


def test_photos_at_most_300_dpi(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    reader = PdfReader(str(_volume(out, report)))
    front = _front(_volume(out, report))
    for f in _files(report, 2).values():
        page = reader.pages[front + f["first_page"] - 1]
        for image in page.images:
            w_in = float(page.mediabox.width) / 72
            assert image.image.width / w_in <= 300


def test_ofd_bound_with_its_text(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    pdf, front = _volume(out, report), _front(_volume(out, report))
    files = _files(report, 3)
    assert files["999.ofd"]["pages"] == 5 and files["n.ofd"]["pages"] == 2
    assert "财天下科技有限公司" in _text(pdf, front + files["999.ofd"]["first_page"]).replace(
        " ", ""
    )
    text = _text(pdf, front + files["n.ofd"]["first_page"]).replace(" ", "")
    assert "关于同意张阿三同志辞职的批复" in text


def test_check_agrees_with_the_build(built: tuple[Path, Path, dict[str, Any]]) -> None:
    ws, _, _ = built
    result = CliRunner().invoke(cli, ["check", str(ws), "--json"])
    data = json.loads(result.stdout)
    codes = {(Path(f["path"]).name if f["path"] else None, f["code"]) for f in data["findings"]}
    assert ("delins.docx", "tracked_changes") in codes
    assert ("pypdf-r4-user-password.pdf", "encrypted_file") in codes
    assert (None, "unbindable_material") in codes
    assert not any(c == "unsupported_type" and n and n.endswith(".ofd") for n, c in codes)


def test_each_sheet_of_a_workbook_has_a_bookmark(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    reader = PdfReader(str(_volume(out, report)))
    front = _front(_volume(out, report))
    f = _files(report, 4)["监察台账.xlsx"]

    def walk(items: list[Any]) -> Iterator[tuple[Any, list[Any]]]:
        for i, item in enumerate(items):
            children = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], list) else []
            if not isinstance(item, list):
                yield item, children
                yield from walk(children)

    (sheets,) = [kids for item, kids in walk(reader.outline) if item.title == "监察台账"]
    pages = {k.title: (reader.get_destination_page_number(k) or 0) - front + 1 for k in sheets}
    assert list(pages) == ["台账", "汇总"]
    assert pages["台账"] == f["first_page"] and f["first_page"] < pages["汇总"] <= f["last_page"]

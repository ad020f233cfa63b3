"""archiver build with the real LibreOffice: volumes, numbers, labels, bookmarks, report."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from archiver.cli import cli
from archiver.engines import libreoffice as lo_engine
from archiver.engines import officeserver
from tests import fixtures as fx

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1617235200"  # 2021-04-01

MANIFEST = textwrap.dedent(
    """\
    schema_version: 1
    title: 测试指标体系责任分工表
    period: {start: 2016-01-01}
    levels:
      - {id: national, name: 国家级, includes: [national]}
    units:
      - name: 局法规调研科
      - name: 局办公室
    categories:
      - no: 一
        name: 政府职能依法全面履行
        children:
          - {no: "1", name: 行政审批制度改革}
          - {no: "2", name: 权责清单}
      - no: 二
        name: 制度体系完善
        children:
          - {no: "1", name: 规范性文件}
    indicators:
      - id: "1"
        level: national
        category: [一, "1"]
        text: 公布行政审批事项清单。
        lead_units: [局法规调研科]
        materials:
          - {no: 1, text: 审批事项清单。, kind: evidence}
          - {no: 2, text: 压缩办理时限的情况说明。, kind: explanation}
      - id: "2"
        level: national
        category: [一, "1"]
        text: 取消非行政许可审批。
        lead_units: [局办公室]
        materials:
          - {no: 1, text: 取消和承接的情况说明。, kind: explanation}
      - id: "3"
        level: national
        category: [一, "2"]
        text: 共用第1项的情况说明。
        lead_units: [局法规调研科]
        materials:
          - {no: 1, same_as: {indicator: "1", material: 2}}
      - id: "4"
        level: national
        category: [一, "2"]
        text: 推行证照分离。
        lead_units: [局法规调研科]
        no_materials: 不需提供申报材料
      - id: "5"
        level: national
        category: [二, "1"]
        text: 规范性文件目录。
        lead_units: [局法规调研科, 局办公室]
        materials:
          - {no: 1, text: 规范性文件目录。, kind: evidence}
    """
)


def docx_marker(path: Path, marker: str, paragraphs: int = 3) -> Path:
    return fx.docx_text(path, [marker] + [f"{marker} 第{i}段内容。" for i in range(paragraphs)])


find = fx.folder


def make_workspace(root: Path, work: Path) -> Path:
    manifest = root.parent / "manifest.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["init", str(root), "--manifest", str(manifest), "--level", "national", "--org", "测试局"],
    )
    assert result.exit_code == 0, result.output
    cfg = root / "archiver.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("timeout: 120", "timeout: 60"), encoding="utf-8"
    )
    drop = root / "材料"
    law, office = "局法规调研科", "局办公室"
    m1 = find(drop, law, "1", 1)
    # natural order: 2 before 10
    fx.pdf_from_text(m1 / "清单10.pdf", ["MARK-1-1-B 审批事项清单(续)"], work)
    fx.pdf_from_text(m1 / "清单2.pdf", ["MARK-1-1-A 审批事项清单"], work)
    m2 = find(drop, law, "1", 2)
    (m2 / "情况说明.docx").unlink()
    docx_marker(m2 / "情况说明.docx", "MARK-1-2")
    f2 = find(drop, office, "2")
    (f2 / "情况说明.docx").unlink()
    docx_marker(f2 / "情况说明.docx", "MARK-2-1")
    # a landscape page and a rotated page, an image, a spreadsheet
    f5 = find(drop, law, "5")
    landscape = PdfWriter()
    landscape.add_blank_page(842, 595)
    rotated = landscape.add_blank_page(595, 842)
    rotated.rotate(90)
    with (f5 / "横向与旋转.pdf").open("wb") as fh:
        landscape.write(fh)
    fx.jpeg(f5 / "现场照片.jpg", size=(800, 600))
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["MARK-5-XLSX", "规范性文件目录"])
    wb.save(str(find(drop, office, "5") / "目录.xlsx"))
    return root


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, libreoffice: Path
) -> Iterator[tuple[Path, Path, dict[str, Any]]]:
    base = tmp_path_factory.mktemp("build")
    ws = make_workspace(base / "ws", base / "work")
    out = base / "out1"
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(out)])
        assert result.exit_code == 0, result.output
        report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
        yield ws, out, report
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def reader_for(out: Path, report: dict[str, Any], volume: int) -> PdfReader:
    name = next(v["file"] for v in report["volumes"] if v["volume"] == volume)
    return PdfReader(str(out / name))


def pdftext(pdf: Path, page: int, crop: tuple[int, int, int, int] | None = None) -> str:
    """Text of one page (1-based), optionally only in a box (x, y, w, h in points)."""
    args = ["pdftotext", "-f", str(page), "-l", str(page), "-layout"]
    if crop:
        x, y, w, h = crop
        args += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), "-r", "72"]
    out = subprocess.run(
        [*args, str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return out.stdout


def flatten(items: list[Any]) -> list[Any]:
    out = []
    for it in items:
        out += flatten(it) if isinstance(it, list) else [it]
    return out


def test_volumes_and_page_counts(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    files = sorted(v["file"] for v in report["volumes"])
    assert files == ["01_政府职能依法全面履行.pdf", "02_制度体系完善.pdf"]
    for v in report["volumes"]:
        reader = PdfReader(str(out / v["file"]))
        assert len(reader.pages) == v["pages"]
        labels = reader.page_labels
        front = sum(1 for lab in labels if lab.isalpha() and lab.islower())
        back = sum(1 for lab in labels if lab.startswith("备考"))
        assert front >= 2 and back >= 1  # cover + contents, 备考表
        # the whole is the sum of its parts
        assert v["pages"] == front + v["document_pages"] + back
        assert labels[front : front + v["document_pages"]] == [
            str(i) for i in range(1, v["document_pages"] + 1)
        ]


def test_every_numbered_page_shows_its_label(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    for v in report["volumes"]:
        path = out / v["file"]
        reader = PdfReader(str(path))
        for i, label in enumerate(reader.page_labels):
            if not label.isdigit():
                continue
            page = reader.pages[i]
            rotate = int(page.get("/Rotate", 0) or 0) % 180
            w, h = float(page.mediabox.width), float(page.mediabox.height)
            shown_w = h if rotate else w
            corner = pdftext(path, i + 1, (int(shown_w) - 130, 0, 130, 80)).split()
            assert corner == [label], (v["file"], i, corner)


def test_landscape_and_rotated_stamp_upright_inside(
    built: tuple[Path, Path, dict[str, Any]],
) -> None:
    _, out, report = built
    entry = next(m for m in report["materials"] if m["indicator"] == "5")
    f = next(x for x in entry["files"] if x["path"].endswith("横向与旋转.pdf"))
    path = out / entry["volume"]
    reader = PdfReader(str(path))
    front = sum(1 for lab in reader.page_labels if lab.isalpha())
    for printed in (f["first_page"], f["first_page"] + 1):
        index = front + printed - 1
        bbox = subprocess.run(
            ["pdftotext", "-f", str(index + 1), "-l", str(index + 1), "-bbox", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        import re

        page = reader.pages[index]
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        turned = int(page.get("/Rotate", 0) or 0) % 180 == 90
        page_w, page_h = (h, w) if turned else (w, h)  # as the reader sees the page
        words = re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
            r"(\d+)</word>",
            bbox,
        )
        ((x0, y0, x1, y1, text),) = words
        assert text == str(printed)
        x0, y0, x1, y1 = map(float, (x0, y0, x1, y1))
        assert page_w > page_h  # both are landscape as shown: one by size, one by /Rotate
        assert 0 < x0 < x1 < page_w and 0 < y0 < y1 < page_h  # inside the page
        assert x0 > page_w / 2 and y1 < page_h / 4  # upper right as the reader sees it
        # upright: one line of 14 pt text is about 18 pt tall, each digit about 7 pt wide
        assert 15 < y1 - y0 < 22 and x1 - x0 < 9 * len(text), (x0, y0, x1, y1)


def test_material_pages_hold_their_content(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    markers = {("1", 1): "MARK-1-1-A", ("1", 2): "MARK-1-2", ("2", 1): "MARK-2-1"}
    for m in report["materials"]:
        key = (m["indicator"], m["material"])
        if key not in markers:
            continue
        assert m["status"] == "included"
        path = out / m["volume"]
        reader = PdfReader(str(path))
        front = sum(1 for lab in reader.page_labels if lab.isalpha())
        first = pdftext(path, front + m["first_page"])
        assert markers[key] in first
        last = pdftext(path, front + m["last_page"])
        assert markers[key].rsplit("-", 1)[0] in last
    m11 = next(m for m in report["materials"] if (m["indicator"], m["material"]) == ("1", 1))
    assert [Path(f["path"]).name for f in m11["files"]] == ["清单2.pdf", "清单10.pdf"]


def test_bookmarks_land_on_first_pages(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    for v in report["volumes"]:
        reader = PdfReader(str(out / v["file"]))
        front = sum(1 for lab in reader.page_labels if lab.isalpha())
        marks = {
            it.title: (reader.get_destination_page_number(it) or 0) - front + 1
            for it in flatten(reader.outline)
        }
        assert "案卷封面" in marks and "卷内目录" in marks and "卷内备考表" in marks
        for m in report["materials"]:
            if m["volume"] != v["file"] or m["status"] != "included":
                continue
            title = next(
                t
                for t in marks
                if t.startswith(f"材料{m['material']} ") and marks[t] == m["first_page"]
            )
            assert title


def test_shared_missing_and_no_material(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    shared = next(m for m in report["materials"] if m["indicator"] == "3")
    owner = next(m for m in report["materials"] if (m["indicator"], m["material"]) == ("1", 2))
    assert shared["status"] == "shared"
    assert shared["first_page"] == owner["first_page"]
    path = out / shared["pointer"]["volume"]
    front = sum(1 for lab in PdfReader(str(path)).page_labels if lab.isalpha())
    text = pdftext(path, front + shared["pointer"]["page"])
    assert "本项材料见第1项" in text.replace(" ", "")
    four = next(m for m in report["materials"] if m["indicator"] == "4")
    assert four["status"] == "not_required"
    reader = reader_for(out, report, 1)
    contents = "".join(reader.pages[i].extract_text() for i in range(1, 3)).replace(" ", "")
    assert "不需提供申报材料" in contents and "卷内目录" in contents


def test_front_matter(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, report = built
    reader = reader_for(out, report, 1)
    cover = reader.pages[0].extract_text()
    for word in (
        "全宗名称",
        "测试局",
        "案卷题名",
        "起止时间",
        "保管期限",
        "永久",
        "件",
        "页",
        "档",
    ):
        assert word in cover
    back = reader.pages[-1].extract_text().replace(" ", "")
    assert "卷内备考表" in back and "立卷时间" in back
    assert "立卷时间:2021年4月1日" in back  # SOURCE_DATE_EPOCH


def test_checksums_and_verify(built: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    _, out, _ = built
    proc = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    runner = CliRunner()
    ok = runner.invoke(cli, ["verify", str(copy)])
    assert ok.exit_code == 0 and "核对通过" in ok.stdout
    target = next(copy.glob("01_*.pdf"))
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    (copy / "多余.txt").write_text("x", encoding="utf-8")
    (copy / "组卷说明.txt").unlink()
    bad = runner.invoke(cli, ["verify", str(copy)])
    assert bad.exit_code == 1
    assert f"已改动:{target.name}" in bad.stdout
    assert "多出:多余.txt" in bad.stdout and "缺少:组卷说明.txt" in bad.stdout


def test_sources_listed(built: tuple[Path, Path, dict[str, Any]]) -> None:
    ws, out, _ = built
    lines = (out / "sources.sha256").read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert "材料/局法规调研科/1_公布行政审批事项清单/材料1_审批事项清单/清单2.pdf" in names
    proc = subprocess.run(
        ["sha256sum", "-c", str(out / "sources.sha256")], cwd=ws, capture_output=True, check=False
    )
    assert proc.returncode == 0


def test_rebuild_is_byte_identical(
    built: tuple[Path, Path, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, out, report = built
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = tmp_path / "again"
    result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert "首次组卷" in result.stdout
    for v in report["volumes"]:
        assert (again / v["file"]).read_bytes() == (out / v["file"]).read_bytes()
    # built at the same --out: nothing changed since the previous build there
    result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(again)])
    data = json.loads((again / "build-report.json").read_text(encoding="utf-8"))
    assert data["changed_since_previous"] == []
    assert "没有变化,无需重新打印" in result.stdout


def test_parts_assembled_in_workers_or_here_are_the_same(
    built: tuple[Path, Path, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every part assembled again (no part cache): by two worker processes, then in-process."""
    ws, out, report = built
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for jobs in ("2", "1"):
        shutil.rmtree(ws / ".archiver" / "volumes")
        again = tmp_path / f"jobs{jobs}"
        result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(again), "--jobs", jobs])
        assert result.exit_code == 0, result.output
        for v in report["volumes"]:
            assert (again / v["file"]).read_bytes() == (out / v["file"]).read_bytes(), v["file"]


def test_drop_folders_never_written(built: tuple[Path, Path, dict[str, Any]]) -> None:
    ws, _, _ = built
    before = {p: p.stat().st_mtime_ns for p in (ws / "材料").rglob("*")}
    CliRunner().invoke(cli, ["build", str(ws), "--dry-run"])
    assert {p: p.stat().st_mtime_ns for p in (ws / "材料").rglob("*")} == before


def test_dry_run_lists_plan(built: tuple[Path, Path, dict[str, Any]]) -> None:
    ws, _, _ = built
    result = CliRunner().invoke(cli, ["build", str(ws), "--dry-run"])
    assert result.exit_code == 0
    assert "第1卷 一、政府职能依法全面履行" in result.stdout
    assert "清单2.pdf" in result.stdout and "第4项 不需提供材料" in result.stdout


def test_strict_refuses_with_errors(built: tuple[Path, Path, dict[str, Any]]) -> None:
    ws, _, _ = built
    assert CliRunner().invoke(cli, ["build", str(ws), "--strict", "--dry-run"]).exit_code == 0
    empty = find(ws / "材料", "局办公室", "2") / "空白.docx"
    empty.write_bytes(b"")
    try:
        result = CliRunner().invoke(cli, ["build", str(ws), "--strict", "--dry-run"])
    finally:
        empty.unlink()
    assert result.exit_code == 1
    assert "--strict 模式下不组卷" in result.stderr and "[empty_file]" in result.stderr


def test_out_refuses_foreign_folder(
    built: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    ws, _, _ = built
    foreign = tmp_path / "别的文件夹"
    foreign.mkdir()
    (foreign / "重要.docx").write_bytes(b"keep me")
    result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(foreign)])
    assert result.exit_code == 6
    assert "不是以前的组卷结果" in result.stderr
    assert (foreign / "重要.docx").read_bytes() == b"keep me"


def test_locked_workspace(built: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    ws, _, _ = built
    lock = ws / ".archiver" / "build.lock"
    lock.write_text(
        f"pid {os.getpid()} @ {__import__('socket').gethostname()} now", encoding="utf-8"
    )
    try:
        result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(tmp_path / "x")])
        assert result.exit_code == 7
        assert "另一个组卷任务正在使用这个工作区" in result.stderr
    finally:
        lock.unlink()


# -- faults: a crash, a hang, an interrupted build ----------------------------------------


def _has_marker(path: Path, marker: bytes) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return marker in zf.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


@pytest.mark.usefixtures("libreoffice")
def test_converter_crash_and_hang_yield_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver.engines import libreoffice, officeserver
    from archiver.engines import run as run_module
    from archiver.errors import ExternalProgramError

    ws = make_workspace(tmp_path / "ws", tmp_path / "work")
    cfg = ws / "archiver.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("timeout: 60", "timeout: 3"), encoding="utf-8"
    )
    drop = ws / "材料"
    m2 = find(drop, "局法规调研科", "1", 2)
    docx_marker(m2 / "会崩溃.docx", "CRASH-ME")
    docx_marker(m2 / "会卡死.docx", "HANG-ME")
    real_run = run_module.run

    def fake_run(argv: list[Any], **kwargs: Any) -> Any:
        inputs = [Path(str(a)) for a in argv if str(a).endswith(".docx")]
        if any(_has_marker(p, b"HANG-ME") for p in inputs):
            return real_run([sys.executable, "-c", "import time; time.sleep(60)"], **kwargs)
        if any(_has_marker(p, b"CRASH-ME") for p in inputs):
            raise ExternalProgramError("soffice 运行失败(退出码 -11):Segmentation fault")
        return real_run(argv, **kwargs)

    monkeypatch.setattr(libreoffice, "run", fake_run)  # a file alone: --convert-to
    real_submit = officeserver.Office.submit
    served: list[str] = []

    def failing_submit(office: officeserver.Office, source: Path, *a: Any) -> int:
        served.append(source.name)
        if _has_marker(source, b"HANG-ME"):  # the server never answers for it
            office.jobs += 1
            return office.jobs
        n = real_submit(office, source, *a)
        if _has_marker(source, b"CRASH-ME"):  # the server's process dies on it
            office.stop()
        return n

    monkeypatch.setattr(officeserver.Office, "submit", failing_submit)  # the build's servers
    out = tmp_path / "out"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 120
    assert len(served) > 3  # the inputs and own pages went to the build's servers
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    m = next(x for x in report["materials"] if (x["indicator"], x["material"]) == ("1", 2))
    by_name = {Path(f["path"]).name: f for f in m["files"]}
    assert by_name["会崩溃.docx"]["status"] == "failed"
    assert "Segmentation fault" in by_name["会崩溃.docx"]["message"]
    assert by_name["会卡死.docx"]["status"] == "failed"
    assert "秒" in by_name["会卡死.docx"]["message"]
    assert by_name["情况说明.docx"]["status"] == "included"
    path = out / m["volume"]
    front = sum(1 for lab in PdfReader(str(path)).page_labels if lab.isalpha())
    page = pdftext(path, front + by_name["会崩溃.docx"]["first_page"])
    assert "文件无法转换" in page.replace(" ", "") and "会崩溃.docx" in page


def test_interrupted_build_leaves_previous_intact(tmp_path: Path, libreoffice: Path) -> None:
    ws = make_workspace(tmp_path / "ws", tmp_path / "work")
    out = tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    cmd = [sys.executable, "-m", "archiver", "build", str(ws), "--out", str(out)]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, capture_output=True, timeout=600)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # change a file so the next build has work to do, then kill it mid-way
    f2 = find(ws / "材料", "局办公室", "2")
    docx_marker(f2 / "补充说明.docx", "MARK-NEW")
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(".archiver-tmp-") for p in tmp_path.iterdir()):
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.02)
    proc.wait(timeout=60)
    assert killed, "the build finished before it could be interrupted"
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # the earlier build is untouched
    assert not any(p.name.endswith(".pdf") for p in tmp_path.iterdir())
    # the next build cleans up and publishes
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert not any(p.name.startswith(".archiver-") for p in tmp_path.iterdir())
    assert (ws / ".archiver" / "build.lock").exists() is False


def test_incremental_build_equals_clean_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, libreoffice: Path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    ws = make_workspace(tmp_path / "ws", tmp_path / "work")
    runner = CliRunner()
    inc = tmp_path / "incremental"
    ahead: list[int] = []  # servers started while the files are checked
    real_prestart = officeserver.Offices.prestart

    def prestart(self: officeserver.Offices, exe: Path, count: int) -> None:
        ahead.append(count)
        real_prestart(self, exe, count)

    monkeypatch.setattr(officeserver.Offices, "prestart", prestart)
    assert runner.invoke(cli, ["build", str(ws), "--out", str(inc)]).exit_code == 0
    assert len(ahead) == 1 and 1 <= ahead[0] <= (os.cpu_count() or 1)  # a first build converts
    # a department replaces its explanation and adds a file; the office rebuilds
    f2 = find(ws / "材料", "局办公室", "2")
    (f2 / "情况说明.docx").unlink()
    docx_marker(f2 / "情况说明.docx", "MARK-2-1-NEW", paragraphs=6)
    fx.png(find(ws / "材料", "局法规调研科", "1", 1) / "清单5.png")
    starts: list[str] = []  # LibreOffice processes started: --convert-to, or a server
    served: list[str] = []  # files the build's servers converted
    real, real_office = lo_engine._run_soffice, officeserver.Office.__init__
    real_submit = officeserver.Office.submit

    def recording(exe: Path, sources: list[Path], *args: Any, **kwargs: Any) -> Any:
        starts.append("convert-to " + " ".join(s.name for s in sources))
        return real(exe, sources, *args, **kwargs)

    def office(self: officeserver.Office, *args: Any) -> None:
        starts.append("server")
        real_office(self, *args)

    def submit(self: officeserver.Office, source: Path, *args: Any) -> int:
        served.append(source.name)
        return real_submit(self, source, *args)

    monkeypatch.setattr(lo_engine, "_run_soffice", recording)
    monkeypatch.setattr(officeserver.Office, "__init__", office)
    monkeypatch.setattr(officeserver.Office, "submit", submit)
    result = runner.invoke(cli, ["build", str(ws), "--out", str(inc)])
    assert result.exit_code == 0, result.output
    report = json.loads((inc / "build-report.json").read_text(encoding="utf-8"))
    assert report["changed_since_previous"] == ["01_政府职能依法全面履行.pdf"]
    # the changed .docx, the own pages and the index go through the same processes: at most
    # one per core for the whole build, none started after them
    assert set(starts) == {"server"} and len(starts) <= (os.cpu_count() or 1), starts
    assert len(ahead) == 2  # a folder changed since its own pages were made: likely
    starts.clear()
    again = runner.invoke(cli, ["build", str(ws), "--out", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output
    assert len(ahead) == 2 and starts == [], starts  # nothing changed: no LibreOffice at all
    assert len([n for n in served if n.startswith("index-raw-")]) == 1
    assert any(n.startswith(("bundle-", "part-")) for n in served)
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    # the same inputs from scratch: no cache at all
    shutil.rmtree(ws / ".archiver")
    clean = tmp_path / "clean"
    assert runner.invoke(cli, ["build", str(ws), "--out", str(clean)]).exit_code == 0
    for name in ("01_政府职能依法全面履行.pdf", "02_制度体系完善.pdf", "00_索引卷.pdf"):
        assert (inc / name).read_bytes() == (clean / name).read_bytes(), name


def test_unwritable_output_is_reported(
    built: tuple[Path, Path, dict[str, Any]], tmp_path: Path
) -> None:
    ws, _, _ = built
    blocker = tmp_path / "不是文件夹.txt"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(blocker / "out")])
    assert result.exit_code == 6
    assert "无法" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.usefixtures("libreoffice")
@pytest.mark.parametrize("served", [True, False], ids=["servers", "convert-to"])
def test_an_interrupted_batch_keeps_what_it_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served: bool
) -> None:
    from archiver.engines import libreoffice, officeserver
    from archiver.engines import run as run_module

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    if not served:
        monkeypatch.setenv("ARCHIVER_NO_SERVER", "1")
    ws = make_workspace(tmp_path / "ws", tmp_path / "work")
    real_run = run_module.run
    real_served = officeserver.convert_served
    calls: list[list[str]] = []

    def converts_then_interrupted(argv: list[Any], **kwargs: Any) -> Any:
        done = real_run(argv, **kwargs)
        if any(str(a).endswith(".docx") for a in argv):
            raise KeyboardInterrupt  # Ctrl+C just after LibreOffice finished the batch
        return done

    def served_then_interrupted(*args: Any) -> Any:
        done = real_served(*args)
        _, left = done
        if any("archiver-conv-" in str(a) for a in args[2]) and not left:
            raise KeyboardInterrupt  # the same, when the build's servers converted it
        return done

    monkeypatch.setattr(libreoffice, "run", converts_then_interrupted)
    monkeypatch.setattr(officeserver, "convert_served", served_then_interrupted)
    result = CliRunner().invoke(cli, ["build", str(ws), "--out", str(tmp_path / "a")])
    assert result.exit_code == 130
    kept = list((ws / ".archiver" / "conversions").glob("*.lo.pdf"))
    assert kept  # what the interrupted batch had finished waits in the cache

    def counting(argv: list[Any], **kwargs: Any) -> Any:
        calls.append([str(a) for a in argv if "archiver-conv-" in str(a)])  # inputs only
        return real_run(argv, **kwargs)

    def counting_served(*args: Any) -> Any:
        done = real_served(*args)
        calls.append([str(a) for a in args[2] if "archiver-conv-" in str(a) and a not in done[1]])
        return done

    monkeypatch.setattr(officeserver, "convert_served", counting_served)
    monkeypatch.setattr(libreoffice, "run", counting)
    resumed = tmp_path / "resumed"
    assert CliRunner().invoke(cli, ["build", str(ws), "--out", str(resumed)]).exit_code == 0
    assert not any(calls), calls  # nothing the interrupted build finished is converted again
    assert not list((ws / ".archiver" / "conversions").glob("*.lo.*"))
    shutil.rmtree(ws / ".archiver")
    clean = tmp_path / "clean"
    assert CliRunner().invoke(cli, ["build", str(ws), "--out", str(clean)]).exit_code == 0
    for name in ("01_政府职能依法全面履行.pdf", "02_制度体系完善.pdf"):
        assert (resumed / name).read_bytes() == (clean / name).read_bytes(), name

"""archiver check on a workspace where departments dropped real (and broken) files."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from tests import fixtures as fx

ORG = "濮阳市人力资源和社会保障局"


folder = fx.folder


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, libreoffice: Path) -> Path:
    root = tmp_path_factory.mktemp("check") / "工作区"
    work = tmp_path_factory.mktemp("work")
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["init", str(root), "--manifest", "demonstration", "--level", "municipal", "--org", ORG],
    )
    assert result.exit_code == 0, result.output
    drop = root / "材料"
    law = "局法规调研科"
    # explanations: exactly at the hard limit (1000), one over (1001), within 2000 for 87
    f1 = folder(drop, law, "1")
    (f1 / "情况说明.docx").unlink()
    fx.docx_with_words(f1 / "情况说明.docx", 1000)
    f2 = folder(drop, law, "2")
    (f2 / "情况说明.docx").unlink()
    fx.docx_with_words(f2 / "情况说明(定稿).docx", 1001)
    f87 = folder(drop, law, "87")
    (f87 / "情况说明.docx").unlink()
    fx.docx_with_words(f87 / "行政复议情况说明.docx", 2000)
    # 字数 differs from the character count: 6 字 but 19 characters, repeated
    f33 = folder(drop, law, "33")
    (f33 / "情况说明.docx").unlink()
    fx.docx_text(f33 / "说明.docx", ["依据GB/T 9704-2012执行"] * 10)
    # evidence: a real PDF, an image, the same PDF twice, a 2015 document
    f3 = folder(drop, law, "3")
    pdf = fx.pdf_from_text(
        f3 / "2021-03-15 中介服务机构目录.pdf", ["中介服务机构目录", "联系电话 0393-1234567"], work
    )
    fx.png(f3 / "联系方式截图.png")
    shutil.copyfile(pdf, folder(drop, law, "4") / "目录副本.pdf")
    fx.docx_text(folder(drop, law, "4") / "2015年清单.docx", ["2015年保留的证明事项清单"])
    # broken things in indicator 27 (explanation material folder of 局法规调研科)
    f27 = folder(drop, law, "27")
    fx.truncated(f27 / "截断的文件.pdf", pdf)
    fx.encrypted_pdf(f27 / "加密文件.pdf", pdf)
    (f27 / "空文件.docx").write_bytes(b"")
    (f27 / "其实是文本.pdf").write_text("这不是PDF", encoding="utf-8")
    fx.mp4_stub(f27 / "现场视频.mp4")
    with zipfile.ZipFile(f27 / "电子公文.ofd", "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD/>")
    os.symlink("/etc/passwd", f27 / "passwd链接.txt")
    # a GBK-named file (as unpacked from an old zip)
    gbk_name = "旧文件.pdf".encode("gbk")
    with open(os.path.join(os.fsencode(f27), gbk_name), "wb") as fh:
        fh.write(pdf.read_bytes())
    # wrong level: directly in the unit folder
    shutil.copyfile(pdf, drop / law / "放错了.pdf")
    # an explanation that is only a scan
    f29 = folder(drop, law, "29", 2)
    (f29 / "情况说明.docx").unlink()
    fx.jpeg(f29 / "情况说明扫描件.jpg")
    # ignored files
    (f3 / "Thumbs.db").write_bytes(b"x")
    (f3 / "~$临时.docx").write_bytes(b"x")
    return root


@pytest.fixture(scope="module")
def report(ws: Path) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["check", str(ws), "--json"])
    assert result.exit_code == 1, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def codes_at(report: dict[str, Any], path_part: str) -> set[str]:
    return {f["code"] for f in report["findings"] if f["path"] and path_part in f["path"]}


def by_code(report: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["code"] == code]


def test_summary_counts_match(report: dict[str, Any]) -> None:
    s = report["summary"]
    sev = [f["severity"] for f in report["findings"]]
    assert s == {
        "errors": sev.count("error"),
        "warnings": sev.count("warning"),
        "infos": sev.count("info"),
    }
    for f in report["findings"]:
        assert set(f) >= {"code", "severity", "unit", "indicator", "material", "path", "message"}


def test_word_limits(report: dict[str, Any]) -> None:
    at_limit = codes_at(report, "/1_向社会公布")
    assert "over_word_limit" not in at_limit
    assert "over_soft_word_limit" in at_limit  # 1000 > 500
    (over,) = [f for f in by_code(report, "over_word_limit") if "/2_" in f["path"]]
    assert over["count"] == 1001 and over["limit"] == 1000
    assert over["path"].endswith("情况说明(定稿).docx")
    assert "1001" in over["message"] and "1000" in over["message"]
    assert not codes_at(report, "/87_") & {"over_word_limit", "over_soft_word_limit"}


def test_template_unchanged(report: dict[str, Any]) -> None:
    paths = [f["path"] for f in by_code(report, "template_unchanged")]
    assert any("/10_" in p and p.endswith("情况说明.docx") for p in paths)
    assert not any("/1_向社会公布" in p for p in paths)


def test_broken_files(report: dict[str, Any]) -> None:
    assert codes_at(report, "截断的文件.pdf") == {"unreadable_file"}
    assert codes_at(report, "加密文件.pdf") == {"encrypted_file"}
    assert codes_at(report, "空文件.docx") == {"empty_file"}
    assert codes_at(report, "其实是文本.pdf") == {"unreadable_file"}
    assert codes_at(report, "现场视频.mp4") == {"unsupported_type"}
    # OFD is drawn since #11: an OFD.xml without a document is a broken OFD
    assert codes_at(report, "电子公文.ofd") == {"unreadable_file"}
    assert codes_at(report, "passwd链接.txt") == {"unsafe_path"}
    (msg,) = [f["message"] for f in by_code(report, "unreadable_file") if "其实是文本" in f["path"]]
    assert "纯文本" in msg and ".pdf" in msg


def test_gbk_name_shown_and_attributed(report: dict[str, Any]) -> None:
    (f,) = [f for f in report["findings"] if f["path"] and f["path"].endswith("旧文件.pdf")]
    assert f["code"] == "garbled_name"
    assert f["indicator"] == "27"


def test_misplaced_duplicate_period(report: dict[str, Any]) -> None:
    assert codes_at(report, "局法规调研科/放错了.pdf") >= {"misplaced_file"}
    dups = {f["path"].rsplit("/", 1)[-1] for f in by_code(report, "duplicate_file")}
    assert "目录副本.pdf" in dups
    (period,) = by_code(report, "out_of_period")
    assert period["path"].endswith("2015年清单.docx") and period["date"] == "2015-12-31"


def test_missing_unassigned_uncountable(report: dict[str, Any]) -> None:
    missing = {(f["indicator"], f["material"]) for f in by_code(report, "missing_material")}
    assert ("3", 1) not in missing  # the PDF and image provide it
    assert ("36", 1) in missing  # nobody put anything there
    assert ("5", None) not in missing  # 5 needs no materials
    unassigned = {f["indicator"] for f in by_code(report, "unassigned_material")}
    assert "17" in unassigned
    (unc,) = [f for f in by_code(report, "uncountable_explanation") if f["indicator"] == "29"]
    assert unc["path"].endswith("情况说明扫描件.jpg")


def test_ignored_files_not_reported(report: dict[str, Any]) -> None:
    paths = [f["path"] or "" for f in report["findings"]]
    assert not any("Thumbs.db" in p or "~$" in p or "材料要求.txt" in p for p in paths)


def test_drop_folders_untouched_and_link_not_read(ws: Path) -> None:
    before = {p: p.lstat().st_mtime_ns for p in (ws / "材料").rglob("*")}
    CliRunner().invoke(cli, ["check", str(ws)])
    after = {p: p.lstat().st_mtime_ns for p in (ws / "材料").rglob("*")}
    assert before == after
    cache = (ws / ".archiver" / "files.json").read_text(encoding="utf-8")
    assert "root:" not in cache  # /etc/passwd content never hashed or stored


def test_unit_filter_and_table(ws: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(ws), "--unit", "局人事科"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "局人事科"
    assert "局法规调研科" not in result.stdout
    assert lines[-1].startswith("共 ") and "处错误" in lines[-1]


def test_strict_and_clean_exit(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    runner = CliRunner()
    runner.invoke(
        cli,
        ["init", str(root), "--manifest", "annual-assessment", "--level", "annual", "--org", ORG],
    )
    result = runner.invoke(cli, ["check", str(root), "--json"])
    data = json.loads(result.stdout)
    missing = by_code(data, "missing_material")
    assert result.exit_code == 1 and data["summary"]["errors"] == len(missing) >= 48
    # every unit provides its evidence: clean
    for i, f in enumerate(missing):
        fx.png(root / f["folder"] / "佐证材料.png", size=(100 + i, 100))
    result = runner.invoke(cli, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(
        f"共 0 处错误、0 处警告、0 条提示(检查了 {len(missing)} 个文件)"
    )
    # a warning fails only under --strict
    fx.png(root / "材料" / "局法规调研科" / "放错.png")
    assert runner.invoke(cli, ["check", str(root)]).exit_code == 0
    assert runner.invoke(cli, ["check", str(root), "--strict"]).exit_code == 1


def test_not_a_workspace(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "不是 archiver 工作区" in result.stderr


def test_unsupported_zip_method_is_reported_not_crashed(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    runner = CliRunner()
    runner.invoke(
        cli,
        ["init", str(root), "--manifest", "annual-assessment", "--level", "annual", "--org", ORG],
    )
    target = next((root / "材料" / "局法规调研科").iterdir()) / "奇怪的压缩.docx"
    fx.docx_text(target, ["内容"])
    data = bytearray(target.read_bytes())
    for sig, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (at := data.find(sig, start)) != -1:
            data[at + offset : at + offset + 2] = (99).to_bytes(2, "little")  # AES: unsupported
            start = at + 4
    target.write_bytes(bytes(data))
    result = runner.invoke(cli, ["check", str(root), "--json"])
    found = json.loads(result.stdout)["findings"]
    (f,) = [x for x in found if x["path"] and x["path"].endswith("奇怪的压缩.docx")]
    assert f["code"] == "unreadable_file"

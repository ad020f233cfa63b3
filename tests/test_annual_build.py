"""End to end, as the office does it: an annual (附2) workspace for 2021, its 自评表 filled in
with openpyxl, built; the index volume is read back with pdftotext."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from archiver.cli import cli

ORG = "濮阳市人力资源和社会保障局"


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, libreoffice: Path) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("annual") / "ws"
    run("init", str(root), "--manifest", "annual-assessment", "--level", "annual",
        "--org", ORG, "--year", "2021")  # fmt: skip
    drop = root / "材料"
    (next(drop.glob("局法规调研科/1-2_*")) / "2021-03-01 复工复产保障.txt").write_text(
        "复工复产法治保障情况", encoding="utf-8"
    )
    (next(drop.glob("局办公室/7-4_*")) / "2022-01-05 回应.txt").write_text("回应", "utf-8")
    renamed = next(drop.glob("局信访与行政服务科/5-8_*"))
    renamed = renamed.rename(renamed.parent / "5-8 依法处理(改名)")
    (renamed / "2021-05-01 处理.txt").write_text("处理情况", encoding="utf-8")
    run("init", str(root))  # a re-run must not add a second 5-8 folder
    general = drop / "总体材料"
    (general / "2 2022-01-10 工作总结.txt").write_text("2021年度依法行政工作总结", "utf-8")
    report_doc = Document()
    report_doc.add_paragraph("2021年度依法行政自评报告")
    report_doc.save(str(general / "1 自评报告.docx"))
    first = run("build", str(root))
    run("score", str(root))
    wb = load_workbook(root / "自评表.xlsx")
    ws = wb["自评表"]
    for cell in ws["A"]:
        if cell.value == "1-1":
            ws.cell(row=cell.row, column=4, value=2)
            ws.cell(row=cell.row, column=5, value="疫情防控方案未按时印发")
        if cell.value == "7-4":
            ws.cell(row=cell.row, column=4, value=0.5)
            ws.cell(row=cell.row, column=5, value="回应不及时")
    wb.save(root / "自评表.xlsx")
    check = run("check", str(root), "--json")
    check_text = run("check", str(root)).output
    status_text = run("status", str(root)).output
    status_json = json.loads(run("status", str(root), "--json").stdout)
    run("build", str(root))
    out = sorted((root / "output").iterdir())[-1]
    index = out / "00_索引卷.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(index), "-"], capture_output=True, text=True, check=True
    ).stdout
    volume = subprocess.run(
        ["pdftotext", str(next(out.glob("01_*.pdf"))), "-"], capture_output=True, text=True
    ).stdout
    general_text = subprocess.run(
        ["pdftotext", str(out / "00_综合卷_总体材料.pdf"), "-"], capture_output=True, text=True
    ).stdout
    reports = root / "reports"
    reports.mkdir()
    run("status", str(root), "--docx", str(reports / "通报.docx"), "--xlsx",
        str(reports / "台账.xlsx"), "--html", str(reports / "进度.html"),
        "--per-unit", str(reports / "整改"))  # fmt: skip
    return {
        "volume": volume,
        "reports": reports,
        "root": root,
        "first": first,
        "check": json.loads(check.output),
        "report": json.loads((out / "build-report.json").read_text(encoding="utf-8")),
        "index": text,
        "pages": text.split("\f"),
        "summary": (out / "组卷说明.txt").read_text(encoding="utf-8"),
        "out": out,
        "general": general_text,
        "check_text": check_text,
        "status_text": status_text,
        "status_json": status_json,
    }


def test_without_a_workbook_the_build_says_so_and_goes_on(built: dict[str, Any]) -> None:
    assert built["first"].exit_code == 0
    assert "没有 自评表.xlsx" in built["first"].output


def test_scores_in_the_report_come_from_the_deductions(built: dict[str, Any]) -> None:
    scores = built["report"]["scores"]
    assert scores["total"] == {"points": 100, "deducted": 2.5, "score": 97.5}
    first = scores["categories"][0]
    assert (first["points"], first["deducted"], first["score"]) == (17, 2, 15)
    assert [c["points"] for c in scores["categories"]] == [17, 4, 5, 10, 16, 6, 11, 13, 8, 10]


def test_the_score_page_comes_first_with_points_and_scores(built: dict[str, Any]) -> None:
    page = next(i for i, p in enumerate(built["pages"]) if "自评表" in p and "总分" in p)
    contents = next(
        i for i, p in enumerate(built["pages"]) if "总" in p and "录" in p and "编号" in p
    )
    assert page < contents and page <= 2
    text = " ".join(built["pages"][page].split())
    assert "满分 100 分" in text and "97.5" in text
    assert "第1-1项扣2分:疫情防控方案未按时印发" in text.replace(" ", "")


def test_the_index_speaks_the_annual_words_with_points(built: dict[str, Any]) -> None:
    text = built["index"].replace(" ", "")
    assert "一、依法全面履行政府职能(17分)自评得分15分" in text
    assert "满分100分" in text
    assert "2021年1月1日至2021年12月31日" in text
    for word in ("工作任务", "工作要求", "责任单位", "考核"):
        assert word in text
    # the notice's own title (…创建法治政府建设示范机关实施方案) is cited as printed
    cited = text.replace("创建法治政府建设示范机关实施方案", "")
    for word in ("创建", "牵头单位", "上报资料", "annual"):
        assert word not in cited
    assert "(原表未列上报资料)" not in text and "佐证材料(按工作要求逐项提供)" not in text


def test_a_missing_share_is_partial_everywhere(built: dict[str, Any]) -> None:
    entry = next(m for m in built["report"]["materials"] if m["indicator"] == "1-2")
    assert entry["status"] == "partial" and entry["missing_units"] == ["局办公室"]
    assert "部分提供" in built["index"]
    assert "部分提供" in built["summary"]


def test_period_renamed_folder_and_score_check(built: dict[str, Any]) -> None:
    findings = built["check"]["findings"]
    late = [f for f in findings if f["code"] == "out_of_period"]
    assert [f["date"] for f in late] == ["2022-01-05"]
    assert not [f for f in findings if f["code"] in ("misplaced_file", "score_sheet_invalid")]
    folders = list((built["root"] / "材料" / "局信访与行政服务科").glob("5-8*"))
    assert [p.name for p in folders] == ["5-8 依法处理(改名)"]
    entry = next(m for m in built["report"]["materials"] if m["indicator"] == "5-8")
    assert entry["status"] == "included"


def test_volumes_and_status_outputs_speak_the_annual_words(built: dict[str, Any]) -> None:
    from docx import Document

    volume = built["volume"].replace(" ", "")
    assert "一、依法全面履行政府职能(17分)" in volume
    assert "工作任务:第1-3项" in volume and "责任单位:" in volume
    assert "牵头单位" not in volume
    reports = built["reports"]
    doc = Document(str(reports / "通报.docx"))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "考核工作进度通报" in text and "创建" not in text
    assert "(17分)" in text and "工作任务" in text
    assert "部分提供" in text and "第1-2项缺局办公室" in text
    ws = load_workbook(reports / "台账.xlsx")["材料台账"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["工作任务", "材料", "考核类别", "工作要求", "责任单位"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "1-2")
    assert str(row[5]).startswith("部分提供") and "局办公室" in str(row[5])
    assert "佐证材料" not in str(row[3])  # the item's 工作要求, not the placeholder
    html = (reports / "进度.html").read_text(encoding="utf-8")
    assert "考核工作进度" in html and "(17分)" in html and "创建" not in html
    office = next((reports / "整改").glob("*局办公室*.docx"))
    rect = Document(str(office))
    cells = " ".join(c.text for t in rect.tables for r in t.rows for c in r.cells)
    assert "第1-2项" in cells and "共同提供" in cells


PERIOD = "2021年1月1日至2021年12月31日"


def test_the_general_documents_are_bound_first_with_their_own_entries(
    built: dict[str, Any],
) -> None:
    from pypdf import PdfReader

    out = built["out"]
    names = sorted(p.name for p in out.glob("*.pdf"))
    assert names[:3] == ["00_索引卷.pdf", "00_综合卷_总体材料.pdf", names[2]]
    assert names[2].startswith("01_")
    general = built["report"]["general"]
    assert general["volume"] == "00_综合卷_总体材料.pdf"
    assert [f["path"] for f in general["files"]] == [
        "材料/总体材料/1 自评报告.docx",
        "材料/总体材料/2 2022-01-10 工作总结.txt",
    ]
    assert [f["status"] for f in general["files"]] == ["included", "included"]
    assert [f["first_page"] for f in general["files"]] == [1, 2]
    assert not [m for m in built["report"]["materials"] if m["indicator"] == "总体材料"]
    volume = next(v for v in built["report"]["volumes"] if v["file"] == general["volume"])
    assert volume["label"] == "综合卷" and volume["document_pages"] == 2
    # the volume: cover (the period), 卷内目录 rows, both documents, 备考表
    text = built["general"].replace(" ", "")
    assert PERIOD in text and "总体材料" in text
    assert "1自评报告" in text and "22022-01-10工作总结" in text
    assert "2021年度依法行政自评报告" in text and "2021年度依法行政工作总结" in text
    assert "本卷共2件、2页" in text and "缺损:无。" in text
    # the index: its own block first in the 总目录, each page linked into the general volume
    index = built["index"].replace(" ", "")
    toc = index[index.rindex("总目录") :]
    assert toc.index("总体材料") < toc.index("一、依法全面履行政府职能(17分)")
    assert "综合卷" in toc and "1自评报告" in toc
    links = []
    for page in PdfReader(str(out / "00_索引卷.pdf")).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object()["/A"]
            links.append((str(action["/F"]["/F"]), int(action["/D"][0])))
    front = volume["front_pages"]
    assert links[:2] == [(general["volume"], front), (general["volume"], front + 1)]


def test_general_files_are_listed_by_check_and_status_and_not_misplaced(
    built: dict[str, Any],
) -> None:
    files = ["材料/总体材料/1 自评报告.docx", "材料/总体材料/2 2022-01-10 工作总结.txt"]
    assert built["check"]["general"] == files
    assert built["status_json"]["general"] == files
    for text in (built["check_text"], built["status_text"]):
        assert "总体材料" in text and "2 2022-01-10 工作总结.txt" in text
    codes = {f["code"] for f in built["check"]["findings"] if "总体材料" in (f["path"] or "")}
    assert not codes  # neither misplaced nor out of period (a summary is written afterwards)


def test_covers_print_the_assessed_period(built: dict[str, Any]) -> None:
    cover = built["volume"].replace(" ", "").split("\f")[0]
    assert "起止时间" in cover and PERIOD in cover
    assert "2021.03" not in cover  # not the files' dates


def test_a_missing_share_gets_its_own_page_and_contents_row(built: dict[str, Any]) -> None:
    entry = next(m for m in built["report"]["materials"] if m["indicator"] == "1-2")
    assert entry["status"] == "partial"
    # its one file, then the page naming the missing share: the material spans both
    assert entry["last_page"] == entry["first_page"] + 1
    volume = built["volume"].replace(" ", "")
    assert "[本项材料部分暂缺]" in volume
    page = next(p for p in volume.split("\f") if "本项材料部分暂缺\n工作任务" in p)
    assert "暂缺:局办公室提供的部分" in page and "已装订:局法规调研科提供的部分" in page
    assert "补交时请局办公室放入:材料/局办公室/1-2_" in page
    assert "工作要求:各部门要依法履责" in page and "佐证材料" not in page  # its requirement
    assert "已以“本项材料部分暂缺”页标示" in volume.replace("\n", "")


def test_no_words_of_the_1st_annex_in_annual_outputs(built: dict[str, Any]) -> None:
    title = "濮阳市人社局依法行政年度考核指标体系责任分工表"
    notice = "创建法治政府建设示范机关实施方案"
    texts = {
        "index": built["index"],
        "summary": built["summary"],
        "check": built["check_text"],
        "status": built["status_text"],
        "general": built["general"],
        "volume": built["volume"],
    }
    from docx import Document as Doc

    docx = Doc(str(built["out"] / "00_索引卷.docx"))
    texts["index.docx"] = "\n".join(p.text for p in docx.paragraphs) + "\n".join(
        c.text for t in docx.tables for r in t.rows for c in r.cells
    )
    for name, text in texts.items():
        flat = text.replace(" ", "").replace("\n", "")
        for cited in (title, title.removesuffix("责任分工表"), notice):
            flat = flat.replace(cited, "")
        for word in ("创建", "指标", "上报资料", "牵头单位"):
            assert word not in flat, (name, word)

"""字数 with automatic list labels, and the shared punctuation “”‘’—…· counted as Word does."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from archiver.listlabels import format_number
from archiver.wordcount import count_file, count_paragraphs, count_text, docx_paragraphs

RESOURCES = Path(__file__).parent / "resources" / "office"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize(
    ("n", "fmt", "label"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCountingThousand", "十一"),
        (20, "chineseCounting", "二十"),
        (105, "chineseCountingThousand", "一百零五"),
        (110, "chineseCounting", "一百一十"),
        (11, "chineseLegalSimplified", "壹拾壹"),
        (3, "ideographTraditional", "丙"),
        (11, "ideographTraditional", "甲"),
        (4, "upperRoman", "IV"),
        (1994, "lowerRoman", "mcmxciv"),
        (27, "lowerLetter", "aa"),
        (2, "upperLetter", "B"),
        (3, "decimalEnclosedCircle", "③"),
        (21, "decimalEnclosedCircle", "21"),
        (12, "decimalFullWidth", "１２"),
        (7, "decimalZero", "07"),
        (2, "ordinal", "2nd"),
        (5, "none", ""),
        (5, "someFutureFormat", "5"),
    ],
)
def test_number_formats(n: int, fmt: str, label: str) -> None:
    assert format_number(n, fmt) == label


def _lvl(ilvl: int, fmt: str, text: str, *, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def _para(text: str, num_id: str | None = None, ilvl: int = 0, style: str | None = None) -> str:
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num_id:
        ppr += f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"


def _docx(path: Path, body: str, numbering: str, styles: str = "") -> Path:
    ns = f'xmlns:w="{W_NS}"'
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", f"<w:document {ns}><w:body>{body}</w:body></w:document>")
        zf.writestr("word/numbering.xml", f"<w:numbering {ns}>{numbering}</w:numbering>")
        if styles:
            zf.writestr("word/styles.xml", f"<w:styles {ns}>{styles}</w:styles>")
    return path


# A 情况说明 outline: 一、 (一) 1. as Chinese offices number it.
OUTLINE = (
    '<w:abstractNum w:abstractNumId="0">'
    + _lvl(0, "chineseCounting", "%1、")
    + _lvl(1, "chineseCounting", "（%2）")
    + _lvl(2, "decimal", "%3.")
    + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
)


def test_outline_labels_are_generated_and_counted(tmp_path: Path) -> None:
    body = (
        _para("基本情况", "1")
        + _para("组织领导", "1", 1)
        + _para("成立领导小组", "1", 2)
        + _para("制定方案", "1", 2)
        + _para("制度建设", "1", 1)
        + _para("主要做法", "1")
        + _para("强化培训", "1", 1)
        + _para("没有编号的段落")
    )
    path = _docx(tmp_path / "outline.docx", body, OUTLINE)
    labels = [p.split("\t")[0] for p in docx_paragraphs(path) if "\t" in p]
    # deeper levels restart under a new higher-level item
    assert labels == ["一、", "（一）", "1.", "2.", "（二）", "二、", "（一）"]
    without = count_paragraphs(docx_paragraphs(path, labels=False)).words
    # 一、 二、 2 each; （一） （二） （一） 3 each (full-width parentheses); 1. 2. 1 word each
    assert count_file(path).words == without + 2 * 2 + 3 * 3 + 2


def test_eight_bullets_add_eight(tmp_path: Path) -> None:
    """DOMAIN.md §2: Word counted 7,636 where the text alone gives 7,628: 8 bullets."""
    bullets = (
        '<w:abstractNum w:abstractNumId="3">' + _lvl(0, "bullet", "\uf0b7") + "</w:abstractNum>"
        '<w:num w:numId="4"><w:abstractNumId w:val="3"/></w:num>'
    )
    body = "".join(_para(f"第{i}项工作已完成", "4") for i in range(8))
    path = _docx(tmp_path / "b.docx", body, bullets)
    assert count_file(path).words == count_paragraphs(docx_paragraphs(path, labels=False)).words + 8


def test_heading_style_numbering_and_start_override(tmp_path: Path) -> None:
    numbering = (
        '<w:abstractNum w:abstractNumId="0">'
        + _lvl(0, "chineseCountingThousand", "第%1章", extra='<w:pStyle w:val="1"/>')
        + _lvl(1, "decimal", "%1.%2", extra='<w:pStyle w:val="2"/><w:isLgl/>')
        + "</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:abstractNum w:abstractNumId="5">' + _lvl(0, "decimal", "%1)") + "</w:abstractNum>"
        '<w:num w:numId="6"><w:abstractNumId w:val="5"/></w:num>'
        '<w:num w:numId="7"><w:abstractNumId w:val="5"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    )
    styles = (
        '<w:style w:type="paragraph" w:styleId="1"><w:pPr><w:numPr><w:numId w:val="1"/>'
        "</w:numPr></w:pPr></w:style>"
        '<w:style w:type="paragraph" w:styleId="2"><w:basedOn w:val="1"/><w:pPr><w:numPr>'
        '<w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>'
    )
    body = (
        _para("总则", style="1")
        + _para("目的", style="2")
        + _para("依据", style="2")
        + _para("职责", style="1")
        + _para("a", "6")
        + _para("b", "6")
        + _para("c", "7")  # a new w:num with startOverride restarts the list
    )
    path = _docx(tmp_path / "h.docx", body, numbering, styles)
    labels = [p.split("\t")[0] for p in docx_paragraphs(path) if "\t" in p]
    assert labels == ["第一章", "1.1", "1.2", "第二章", "1)", "2)", "1)"]


def test_real_word_file_count_matches_its_saved_count() -> None:
    """NumberingWOverrides.docx: Word saved a current count (not the Characters/5.7 guess)."""
    path = RESOURCES / "NumberingWOverrides.docx"
    with zipfile.ZipFile(path) as zf:
        app = zf.read("docProps/app.xml").decode()
    words = int(re.search(r"<Words>(\d+)</Words>", app).group(1))  # type: ignore[union-attr]
    chars = int(re.search(r"<Characters>(\d+)</Characters>", app).group(1))  # type: ignore[union-attr]
    assert words != int(chars / 5.7)  # a count Word made, not its estimate
    assert count_file(path).words == words
    assert count_paragraphs(docx_paragraphs(path, labels=False)).words != words


@pytest.mark.usefixtures("libreoffice")
def test_labels_match_what_libreoffice_prints(tmp_path: Path) -> None:
    """ComplexNumberedLists.docx (Word): our labels in the order LibreOffice renders them."""
    from archiver.engines.libreoffice import convert_batch

    src = tmp_path / "lists.docx"
    shutil.copyfile(RESOURCES / "ComplexNumberedLists.docx", src)
    (res,) = convert_batch([src], tmp_path / "out")
    assert res.pdf is not None
    text = subprocess.run(
        ["pdftotext", "-layout", str(res.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    printed = re.findall(r"^\s*([0-9a-zA-Z.()-]+[.)])", text, flags=re.M)
    ours = [p.split("\t")[0] for p in docx_paragraphs(src) if "\t" in p]
    ours = [label for label in ours if label[-1] in ".)"]
    assert len(ours) >= 10
    assert printed[: len(ours)] == ours


def test_chinese_word_file_bullets_count_one_each() -> None:
    path = RESOURCES / "stress009.docx"
    paras = list(docx_paragraphs(path))
    labelled = [p for p in paras if "\t" in p and not p.startswith("\t")]
    assert len(labelled) >= 10
    bare = count_paragraphs(docx_paragraphs(path, labels=False)).words
    assert count_paragraphs(paras).words == bare + len(labelled)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("他说“你好”。", 7),
        ("‘单引号’", 5),
        ("破折号——说明", 7),
        ("省略号……", 5),
        ("张三·李四", 5),
        ("“GB/T 9704”", 4),  # “ GB/T 9704 ”
    ],
)
def test_shared_punctuation_counts_one_each(text: str, words: int) -> None:
    assert count_text(text).words == words

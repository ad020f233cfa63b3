"""字数 as Word counts it: worked examples, properties, and real .docx files."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from archiver.errors import InputFileError
from archiver.wordcount import count_file, count_text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("我局2024年完成3项任务。", 11),
        ("依据GB/T 9704-2012执行", 6),
        ("共计1,000元", 4),
        ("中文,测试", 5),
        ("Hello 世界", 3),
        ("①②③④⑤", 1),
        ("", 0),
        ("   ", 0),
        ("全角ＡＢＣ１２３", 8),  # full-width forms count one each
        ("「引号」、《书名》", 9),
        ("한국어 단어", 5),  # Hangul syllables count one each
    ],
)
def test_worked_examples(text: str, words: int) -> None:
    assert count_text(text).words == words


def test_breakdown_and_characters() -> None:
    wc = count_text("我局2024年完成3项任务。")
    assert wc.east_asian == 9
    assert wc.non_east_asian_words == 2
    assert wc.chars_no_spaces == 14
    wc = count_text("Hello 世界")
    assert (wc.chars_no_spaces, wc.chars_with_spaces) == (7, 8)


def test_character_count_differs_from_word_count() -> None:
    wc = count_text("GB/T 9704-2012")
    assert wc.words == 2
    assert wc.chars_no_spaces == 13


TEXTS = st.text(
    alphabet=st.sampled_from(list("我局年完成任务。,abcXYZ019-/ ①\tＡＢ《😀")),
    max_size=40,
)


@given(TEXTS, TEXTS)
def test_joining_with_a_space_adds_counts(a: str, b: str) -> None:
    joined = count_text(a + " " + b)
    assert joined.words == count_text(a).words + count_text(b).words
    assert joined.chars_no_spaces == count_text(a).chars_no_spaces + count_text(b).chars_no_spaces


@given(TEXTS)
def test_words_never_exceed_characters(a: str) -> None:
    wc = count_text(a)
    assert wc.words <= wc.chars_no_spaces
    assert wc.east_asian + wc.non_east_asian_words == wc.words


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=50))
def test_han_text_counts_every_character(a: str) -> None:
    assert count_text(a).words == len(a)


def make_docx(
    path: Path,
    body: list[str],
    *,
    header: str = "",
    footer: str = "",
    table: list[str] | None = None,
) -> Path:
    doc = Document()
    for para in body:
        doc.add_paragraph(para)
    if table:
        t = doc.add_table(rows=1, cols=len(table))
        for cell, text in zip(t.rows[0].cells, table, strict=True):
            cell.text = text
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    doc.save(str(path))
    return path


def test_docx_body_only(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "说明.docx",
        ["我局2024年完成3项任务。", "Hello 世界"],
        header="页眉文字不计入",
        footer="— 1 —",
        table=["表格", "ab"],
    )
    wc = count_file(path)
    # 11 + 3 + table cells 2 + 1 (cells are separate paragraphs)
    assert wc.words == 17
    assert wc.paragraphs == 4


def test_docx_cells_end_runs(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", [], table=["abc", "def"])
    assert count_file(path).words == 2


def test_docx_text_box_excluded(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "box.docx", ["正文四字"])
    # inject a text box paragraph into the body: Word does not count it by default
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["word/document.xml"].decode()
    box = (
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
        "<w:txbxContent><w:p><w:r><w:t>文本框里的字不计</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r></w:p>"
    )
    xml = xml.replace("<w:sectPr", box + "<w:sectPr", 1)
    parts["word/document.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert count_file(path).words == 4


def test_txt_and_md(tmp_path: Path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_text("我局2024年完成3项任务。\n\nHello 世界\n", encoding="utf-8")
    assert count_file(txt).words == 14
    gbk = tmp_path / "b.txt"
    gbk.write_bytes("中文,测试".encode("gbk"))
    assert count_file(gbk).words == 5
    md = tmp_path / "c.md"
    md.write_text("# 标题\n正文", encoding="utf-8")
    assert count_file(md).words == 5


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "文件是空的"),
        (lambda p: p.write_bytes(b"PK\x03\x04 truncated"), "不是有效的 .docx 文件"),
        (lambda p: p.write_text("plain text", encoding="utf-8"), "不是有效的 .docx 文件"),
    ],
)
def test_bad_docx_reported(tmp_path: Path, make: Callable[[Path], None], message: str) -> None:
    path = tmp_path / "坏.docx"
    make(path)
    with pytest.raises(InputFileError, match=message):
        count_file(path)


def test_zip_bomb_docx_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a>" + b" " * (80 * 1024 * 1024) + b"</a>")
    with pytest.raises(InputFileError, match="疑似损坏或恶意文件"):
        count_file(path)


def test_entity_bomb_docx_not_expanded(tmp_path: Path) -> None:
    path = tmp_path / "lol.docx"
    pairs = zip("abcdefgh", "bcdefghi", strict=True)
    ents = '<!ENTITY a "lololololol">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in pairs
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE d [{ents}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", xml)
    # entities are never expanded: the file is reported as unreadable, quickly
    with pytest.raises(InputFileError, match="正文无法解析"):
        count_file(path)


def test_cli_wordcount_json_and_errors(tmp_path: Path, run: Callable[..., object]) -> None:
    good = make_docx(tmp_path / "好.docx", ["中文,测试"])
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"")
    result = run("wordcount", good, bad, "--json")
    assert result.exit_code == 4  # type: ignore[attr-defined]
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert data["files"][0]["words"] == 5
    assert data["files"][0]["chars_no_spaces"] == 5
    assert "文件是空的" in data["files"][1]["error"]


def test_cli_wordcount_text(tmp_path: Path, run: Callable[..., object]) -> None:
    good = make_docx(tmp_path / "好.docx", ["我局2024年完成3项任务。"])
    result = run("wordcount", good)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "字数 11(中文字符和朝鲜语单词 9,非中文单词 2)" in result.stdout  # type: ignore[attr-defined]

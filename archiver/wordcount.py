"""字数 as Microsoft Word counts it, for .docx, .txt and .md files.

Word's 字数 = 中文字符和朝鲜语单词 + 非中文单词 (see docs/wordcount.md and DOMAIN.md §2):

- each East Asian character counts 1: Han ideographs, CJK symbols and punctuation
  (U+3000–303F), the Halfwidth/Fullwidth Forms block (U+FF00–FFEF), kana, Hangul syllables,
  Bopomofo, and the punctuation Chinese text shares with Western text: “ ” ‘ ’ — … ·;
- every maximal run of other non-space characters counts 1 (half-width letters, digits and
  punctuation, ①②③, emoji); whitespace, East Asian characters and paragraph or table-cell
  boundaries end a run;
- the label of a numbered paragraph (一、 (一) 第一章 1.2 •) is counted with its paragraph, as
  Word does (:mod:`archiver.listlabels` generates it from ``word/numbering.xml``).

Only the body text counts, as in Word's default statistics: headers, footers, footnotes,
comments, text boxes and deleted revisions are left out. ``docProps/app.xml`` is never
trusted: only Word updates it, on save.

Reading a .docx: ``word/document.xml`` is streamed with lxml (no entity resolution, no
network, a size cap on the compressed and uncompressed part), which is both fast (under 1 ms
for a typical 情况说明) and safe against zip and XML entity bombs.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from archiver.errors import InputFileError

if TYPE_CHECKING:
    from archiver.listlabels import Numbering

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MAX_XML_BYTES = 64 * 1024 * 1024  # document.xml of a 1000-page report is ~20 MB
MAX_TEXT_BYTES = 32 * 1024 * 1024
MAX_PART_BYTES = 8 * 1024 * 1024  # numbering.xml and styles.xml are rarely over 200 KB
MAX_RATIO = 200  # compressed → uncompressed ratio beyond which it is a zip bomb

# Code point ranges Word treats as East Asian for counting (inclusive).
_EAST_ASIAN_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x2FF0, 0x2FFF),  # ideographic description
    (0x3000, 0x303F),  # CJK symbols and punctuation (。、《》「」 ideographic space)
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x3190, 0x31FF),  # Kanbun, Bopomofo ext., CJK strokes, Katakana ext.
    (0x3200, 0x32FF),  # enclosed CJK letters and months
    (0x3300, 0x33FF),  # CJK compatibility
    (0x3400, 0x4DBF),  # CJK ext. A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo ext. A
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo ext. B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms (，：；！？（） full-width letters)
    (0x20000, 0x3FFFF),  # CJK ext. B–H, compatibility supplement
)


# Punctuation Unicode calls ambiguous: Word formats it with the East Asian font when the run's
# font hint is eastAsia ([MS-OI29500] 2.1.88), which Chinese input methods set; a Chinese
# document's “引号”, ‘’, ——, …… and · are East Asian characters (docs/wordcount.md).
_AMBIGUOUS_PUNCTUATION = frozenset("\u00b7\u2014\u2018\u2019\u201c\u201d\u2026")


def is_east_asian(ch: str) -> bool:
    cp = ord(ch)
    if cp < 0x1100:
        return ch in _AMBIGUOUS_PUNCTUATION
    return ch in _AMBIGUOUS_PUNCTUATION or any(lo <= cp <= hi for lo, hi in _EAST_ASIAN_RANGES)


@dataclass(frozen=True)
class WordCount:
    """The figures of Word's statistics dialog."""

    east_asian: int  # 中文字符和朝鲜语单词
    non_east_asian_words: int  # 非中文单词
    chars_no_spaces: int  # 字符数(不计空格)
    chars_with_spaces: int  # 字符数(计空格)
    paragraphs: int

    @property
    def words(self) -> int:
        """字数 = 中文字符和朝鲜语单词 + 非中文单词."""
        return self.east_asian + self.non_east_asian_words

    def __add__(self, other: WordCount) -> WordCount:
        return WordCount(
            self.east_asian + other.east_asian,
            self.non_east_asian_words + other.non_east_asian_words,
            self.chars_no_spaces + other.chars_no_spaces,
            self.chars_with_spaces + other.chars_with_spaces,
            self.paragraphs + other.paragraphs,
        )

    def to_json(self) -> dict[str, int]:
        return {
            "words": self.words,
            "east_asian": self.east_asian,
            "non_east_asian_words": self.non_east_asian_words,
            "chars_no_spaces": self.chars_no_spaces,
            "chars_with_spaces": self.chars_with_spaces,
            "paragraphs": self.paragraphs,
        }


ZERO = WordCount(0, 0, 0, 0, 0)


def count_text(text: str) -> WordCount:
    """Count one paragraph (or any text: line breaks are whitespace, so they end runs)."""
    east = words = chars = spaces = 0
    in_run = False
    for ch in text:
        if ch.isspace():
            in_run = False
            spaces += 1
            continue
        chars += 1
        if is_east_asian(ch):
            east += 1
            in_run = False
        elif not in_run:
            words += 1
            in_run = True
    non_empty = 1 if text.strip() else 0
    return WordCount(east, words, chars, chars + spaces, non_empty)


def count_paragraphs(paragraphs: Iterable[str]) -> WordCount:
    total = ZERO
    for para in paragraphs:
        total = total + count_text(para)
    return total


def check_member(path: Path, info: zipfile.ZipInfo, limit: int = MAX_XML_BYTES) -> None:
    """Refuse an encrypted part or a zip bomb before reading a part of an Office package."""
    if info.flag_bits & 0x1:
        raise InputFileError(f"{path}:文档已加密,请去掉密码后重新保存")
    if info.file_size > limit or (
        info.compress_size
        and info.file_size / info.compress_size > MAX_RATIO
        and info.file_size > 1024 * 1024
    ):
        raise InputFileError(
            f"{path}:{info.filename} 过大或异常压缩({info.file_size} 字节),"
            "疑似损坏或恶意文件,已跳过"
        )


def docx_paragraphs(path: Path, *, labels: bool = True) -> Iterator[str]:
    """Yield the body paragraphs of a .docx (table cells are paragraphs too).

    With ``labels``, a numbered paragraph starts with the label Word shows for it ("一、",
    "(二)", "1.2", "•") and its separator, as Word's count includes them (docs/wordcount.md).
    """
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InputFileError(f"{path}:不是有效的 .docx 文件(文件已损坏或不是 Word 文档)") from exc
    except OSError as exc:
        raise InputFileError(f"{path}:无法读取({exc.strerror or exc})") from exc
    with zf:
        try:
            info = zf.getinfo("word/document.xml")
        except KeyError as exc:
            raise InputFileError(f"{path}:缺少正文(word/document.xml),文件不完整") from exc
        check_member(path, info)
        try:
            numbering = _load_numbering(path, zf) if labels else None
            with zf.open(info) as fh:
                yield from _paragraphs_from_xml(fh, numbering)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise InputFileError(f"{path}:正文无法解析,文件可能已损坏({exc})") from exc


_PARSED: dict[tuple[str, int, int], etree._Element] = {}  # numbering/styles parts by CRC


def _load_numbering(path: Path, zf: zipfile.ZipFile) -> Numbering | None:
    from archiver.listlabels import Numbering

    parts: dict[str, etree._Element] = {}
    for name in ("word/numbering.xml", "word/styles.xml"):
        try:
            info = zf.getinfo(name)
        except KeyError:
            continue
        check_member(path, info, MAX_PART_BYTES)
        # documents from one template share these parts byte for byte: parse each once
        key = (name, info.CRC, info.file_size)
        if key not in _PARSED:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            if len(_PARSED) >= 64:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[key] = etree.fromstring(zf.read(info), parser)
        parts[name] = _PARSED[key]
    if "word/numbering.xml" not in parts:
        return None
    return Numbering(parts["word/numbering.xml"], parts.get("word/styles.xml"))


_SKIP = (W + "txbxContent", MC + "Fallback", W + "del", W + "moveFrom", W + "instrText")


def _paragraphs_from_xml(fh: object, numbering: Numbering | None = None) -> Iterator[str]:
    parser_args = {
        "events": ("start", "end"),
        "resolve_entities": False,
        "no_network": True,
        "huge_tree": False,
        "load_dtd": False,
    }
    skip_depth = 0  # inside text boxes, fallbacks, deleted text, field codes
    buf: list[str] = []
    para_depth = 0
    for event, el in etree.iterparse(fh, **parser_args):
        tag = el.tag
        if event == "start":
            if tag in _SKIP:
                skip_depth += 1
            elif tag == W + "p" and not skip_depth:
                para_depth += 1
                if para_depth == 1:
                    buf = []
            continue
        # end events
        if tag in _SKIP:
            skip_depth -= 1
        elif skip_depth or not para_depth:
            pass
        elif tag == W + "t":
            buf.append(el.text or "")
        elif tag in (W + "tab", W + "br", W + "cr"):
            buf.append(" ")
        elif tag == W + "noBreakHyphen":
            buf.append("-")
        elif tag == W + "p":
            para_depth -= 1
            if para_depth == 0:
                label = numbering.label(el) if numbering is not None else ""
                yield label + "".join(buf)
        if event == "end" and tag in (W + "p", W + "tbl", W + "body") and not skip_depth:
            el.clear()


def read_text_file(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InputFileError(f"{path}:文本文件过大({size} 字节),已跳过")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}:无法读取({exc.strerror or exc})") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{path}:无法识别文本编码;请另存为 UTF-8")


def count_file(path: Path) -> WordCount:
    """Count a .docx, .txt or .md file; raise :class:`InputFileError` when unreadable."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputFileError(f"{path}:文件不存在")
    if path.is_dir():
        raise InputFileError(f"{path}:这是一个文件夹")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}:文件是空的(0 字节)")
    if suffix == ".docx":
        return count_paragraphs(docx_paragraphs(path))
    if suffix in (".txt", ".md"):
        return count_paragraphs(read_text_file(path).splitlines())
    raise InputFileError(f"{path}:只能统计 .docx、.txt、.md 文件的字数")

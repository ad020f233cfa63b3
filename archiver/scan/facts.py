"""Facts about one file that need reading it: hash, kind, pages, readability, 字数, dates.

Everything here is bounded: hashing streams, PDFs are opened with pypdf in non-strict mode,
.docx parts are size-checked before parsing (zip and XML entity bombs are refused), and
text extraction reads only as many PDF pages as needed. Facts are cached by the scanner
(keyed by path, size and mtime), so each file is read once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from archiver.errors import InputFileError
from archiver.fsutil import sha256_file
from archiver.scan.sniff import sniff
from archiver.wordcount import WordCount, count_paragraphs, docx_paragraphs, read_text_file

FACTS_VERSION = 11  # bump when the facts or their meaning change: invalidates the cache
# A 情况说明 of at most 2000 字 fills a few pages; a longer PDF in its folder is an
# attachment, and reading its text (slow for CJK) would serve nothing.
PDF_TEXT_PAGES = 6
CHUNK = 1024 * 1024


@dataclass
class FileFacts:
    sha256: str
    size: int
    kind: str  # see sniff.py; "empty" for zero bytes
    problem: str | None = None  # unreadable | encrypted | None
    reason: str = ""  # Chinese, for the user
    pages: int | None = None
    has_text: bool | None = None  # PDFs: a text layer was found
    words: dict[str, int] | None = None  # WordCount.to_json() of the body
    placeholder: bool = False  # a 情况说明 template still holding its placeholder
    dates: list[str] = field(default_factory=list)  # ISO dates from the file's properties
    owner_password_only: bool = False
    damage: str = ""  # a PDF that opens only once repaired: what is wrong (Chinese)
    tracked_changes: bool = False  # a Word/WPS file with 修订 not yet accepted

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileFacts:
        return cls(**data)

    @property
    def word_count(self) -> WordCount | None:
        if self.words is None:
            return None
        w = self.words
        return WordCount(
            w["east_asian"],
            w["non_east_asian_words"],
            w["chars_no_spaces"],
            w["chars_with_spaces"],
            w["paragraphs"],
        )


def examine(path: Path, placeholder_mark: str, want_text: bool = True) -> FileFacts:
    """Read ``path`` once and return its facts; never raises for bad content.

    ``want_text``: read a PDF's text (to count 字数 of a 情况说明 given as PDF). Evidence
    PDFs skip it: it is the slowest part of reading a PDF and nothing needs it.
    """
    size = path.stat().st_size
    if size == 0:
        return FileFacts(sha256=hashlib.sha256(b"").hexdigest(), size=0, kind="empty")
    facts = FileFacts(sha256=sha256_file(path), size=size, kind=sniff(path))
    try:
        if facts.kind == "pdf":
            _pdf(path, facts, want_text)
        elif facts.kind == "docx":
            _docx(path, facts, placeholder_mark)
        elif facts.kind == "ofd":
            _ofd(path, facts)
        if facts.kind in ("docx", "doc", "wps") and facts.problem is None:
            from archiver.engines.officeprep import has_tracked_changes

            facts.tracked_changes = has_tracked_changes(path, facts.kind)
        elif facts.kind in ("xlsx", "pptx", "odt", "ods"):
            _zip_package(path, facts)
        elif facts.kind == "txt":
            _txt(path, facts, placeholder_mark)
        elif facts.kind == "encrypted-office":
            facts.problem = "encrypted"
            facts.reason = "文档设置了打开密码"
        elif facts.kind == "broken-zip":
            facts.problem = "unreadable"
            facts.reason = "文件已损坏(压缩结构不完整)"
        elif facts.kind == "jpg":
            _jpeg(path, facts)
    except InputFileError as exc:
        facts.problem = "unreadable"
        facts.reason = exc.message.split(":", 1)[-1]
    except Exception as exc:  # any other surprise in a hostile file: report it, go on
        from archiver.errors import technical

        technical(exc, path)
        facts.problem = "unreadable"
        facts.reason = "文件无法读取,可能已损坏或使用了不支持的格式"
    return facts


def _pdf(path: Path, facts: FileFacts, want_text: bool) -> None:
    """Pages and readability as the build's preparation sees them (qpdf repairs what it can),
    then dates and text as pypdf reads them (best effort: a damaged file may have neither)."""
    from pypdf import PdfReader

    from archiver.engines.pdfprep import probe_pdf

    try:
        probe = probe_pdf(path)
    except InputFileError as exc:
        facts.problem = "unreadable"
        facts.reason = exc.message.split(":", 1)[-1].split("。", 1)[0]
        return
    if probe.encryption == "open":
        facts.problem = "encrypted"
        facts.reason = "PDF 设置了打开密码"
        return
    if probe.empty_after_repair:  # a copy cut short: nothing of the document is left
        facts.problem = "unreadable"
        facts.reason = "PDF 已损坏(不完整),能恢复的页面都是空白"
        return
    facts.owner_password_only = probe.encryption == "owner"
    facts.pages = probe.pages
    with path.open("rb") as fh:
        fh.seek(max(0, facts.size - 4096))
        tail = fh.read()
    if b"%%EOF" not in tail:
        facts.damage = "PDF 不完整(文件末尾缺失,可能是下载或复制中断),组卷时只能装订能恢复的页面"
    elif probe.needs_repair:
        facts.damage = "PDF 有损坏(交叉引用表或对象编号错误等),组卷时会自动修复"
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        meta: dict[str, Any] = dict(reader.metadata or {})
        for key in ("/CreationDate", "/ModDate"):
            d = _pdf_date(str(meta.get(key, "")))
            if d:
                facts.dates.append(d.isoformat())
        if want_text and facts.pages <= PDF_TEXT_PAGES:
            sound = not probe.needs_repair and not facts.damage
            joined = _pdfium_text(path) if sound else None
            if joined is None:
                joined = "\n".join(p.extract_text() or "" for p in reader.pages[:PDF_TEXT_PAGES])
            facts.has_text = len(re.sub(r"\s", "", joined)) >= 20
            if facts.has_text:
                facts.words = count_paragraphs(joined.splitlines()).to_json()
    except Exception:  # pypdf gives up on some files qpdf repairs: no dates, no text then
        return


def _pdfium_text(path: Path) -> str | None:
    """The text of a sound PDF as PDFium reads it (pypdfium2: ten times pypdf's speed on
    Chinese text, the same 字数); None if PDFium cannot, and pypdf is asked instead.

    Only files qpdf found sound come here: PDFium is C code running in this process."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a dependency; pypdf does it then
        return None
    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception:
        return None
    try:
        pages = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return "\n".join(pages)
    except Exception:
        return None
    finally:
        doc.close()


def _pdf_date(value: str) -> dt.date | None:
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def _docx(path: Path, facts: FileFacts, placeholder_mark: str) -> None:
    paragraphs = list(docx_paragraphs(path))  # raises InputFileError when damaged
    facts.words = count_paragraphs(paragraphs).to_json()
    facts.placeholder = any(placeholder_mark in p for p in paragraphs)
    facts.dates = _docx_dates(path)


def _docx_dates(path: Path) -> list[str]:
    out = []
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1024 * 1024:
                return []
            xml = zf.read(info).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    for tag in ("created", "modified"):
        m = re.search(rf"<dcterms:{tag}[^>]*>(\d{{4}})-(\d{{2}})-(\d{{2}})", xml)
        if m:
            with contextlib.suppress(ValueError):
                out.append(dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat())
    return out


def _zip_package(path: Path, facts: FileFacts) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
            if total > 2 * 1024**3:
                facts.problem = "unreadable"
                facts.reason = "解压后体积异常(超过 2 GB),疑似损坏或恶意文件"
    except (zipfile.BadZipFile, OSError) as exc:
        facts.problem = "unreadable"
        facts.reason = f"文件已损坏({exc})"


def _ofd(path: Path, facts: FileFacts) -> None:
    """Pages from Document.xml; an OFD the renderer will refuse is unreadable now already."""
    from archiver.engines.ofd import OfdError, ofd_page_count

    try:
        facts.pages = ofd_page_count(path)
    except OfdError as exc:
        facts.problem = "unreadable"
        facts.reason = exc.message.split(":", 1)[-1].split(";", 1)[0].rstrip("。")


def _txt(path: Path, facts: FileFacts, placeholder_mark: str) -> None:
    text = read_text_file(path)
    lines = text.splitlines()
    facts.words = count_paragraphs(lines).to_json()
    facts.placeholder = placeholder_mark in text


def _jpeg(path: Path, facts: FileFacts) -> None:
    """A JPEG cut short (copy interrupted) lacks its end marker."""
    with path.open("rb") as fh:
        fh.seek(max(0, facts.size - 64))
        tail = fh.read()
    if b"\xff\xd9" not in tail:
        facts.problem = "unreadable"
        facts.reason = "图片不完整(文件末尾缺失)"


_NAME_DATE = re.compile(
    r"(?<!\d)(19[89]\d|20[0-4]\d)(?:[年.\-_/]?(0?[1-9]|1[0-2])(?:[月.\-_/]?(0?[1-9]|[12]\d|3[01]))?)?"
    r"(?!\d)"
)


def dates_in_name(name: str) -> list[dt.date]:
    """Dates written in a file name (2021-03-15, 20210315, 2021年3月, 2015年度…).

    Each as the latest day it can mean: “2015年” is 2015-12-31, “2015年3月” 2015-03-31, so
    a name is before the period only when all of what it names is.
    """
    import calendar

    out = []
    for m in _NAME_DATE.finditer(name):
        year = int(m[1])
        month = int(m[2]) if m[2] else 12
        day = int(m[3]) if m[3] else calendar.monthrange(year, month)[1]
        try:
            out.append(dt.date(year, month, day))
        except ValueError:
            continue
    return out


def earliest_in_name(name: str) -> list[dt.date]:
    """Dates in a file name, each as the earliest day it can mean (“2022年” is 2022-01-01):
    a name is after the period only when all of what it names is."""
    out = []
    for m in _NAME_DATE.finditer(name):
        try:
            out.append(dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1)))
        except ValueError:
            continue
    return out

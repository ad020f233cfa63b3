"""Typed errors for input files that cannot become archive pages, and the cheap checks behind them.

Each error is an ``InputFileError`` (exit code 4) whose Chinese message names the file, says
what is wrong with it and what the unit that supplied it must do. The checks here read at most
the first 64 KB of a file, so a 2 GB file is refused by its size, never read into memory.
"""

from __future__ import annotations

from pathlib import Path

from archiver.errors import InputFileError

HEAD_BYTES = 64 * 1024
MB = 1024 * 1024


class FileTooLargeError(InputFileError):
    """Bigger than the limit for its kind: refused before it is opened."""


class WrongContentError(InputFileError):
    """The name says PDF or image, the content is something else (zip, web page …)."""


class DamagedFileError(InputFileError):
    """No engine can read the file, not even with repair."""


class PdfPasswordError(InputFileError):
    """Encrypted with an open (user) password: its pages cannot be read without it."""


class EmptyPdfError(InputFileError):
    """A PDF with no page at all."""


class UnsupportedImageError(InputFileError):
    """An image format or variant no installed engine can decode."""


def check_size(path: Path, limit: int, what: str) -> int:
    """The file's size; ``FileTooLargeError`` when it exceeds ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        raise FileTooLargeError(
            f"{path.name}:文件有 {size / MB:,.0f} MB,超过{what}的上限 {limit / MB:,.0f} MB。"
            "请原单位压缩后重新提供(扫描件可改用 300 dpi、黑白或灰度扫描),或拆成几个文件"
        )
    return size


def read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES)


def describe_content(head: bytes) -> str | None:
    """What the bytes really are, in Chinese, when they are a known non-PDF, non-image format."""
    start = head[:1024].lstrip().lower()
    if head.startswith(b"PK\x03\x04"):
        return "压缩包或 Office 文档(zip 格式)"
    if head.startswith((b"Rar!", b"7z\xbc\xaf")):
        return "压缩包"
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in start:
        return "网页(HTML)"
    signatures = {
        b"%PDF-": "PDF 文档",
        b"\xff\xd8\xff": "JPEG 图片",
        b"\x89PNG": "PNG 图片",
        b"II*\x00": "TIFF 图片",
        b"MM\x00*": "TIFF 图片",
        b"GIF8": "GIF 图片",
        b"{\\rtf": "RTF 文档",
    }
    for magic, name in signatures.items():
        if head.startswith(magic):
            return name
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "旧版 Office 文档(doc/xls)"
    if not head.strip():
        return "空文件"
    return None


def wrong_content(path: Path, expected: str, found: str) -> WrongContentError:
    return WrongContentError(
        f"{path.name}:文件名是{expected},内容却是{found}。"
        f"请原单位提供真正的{expected}文件(不要只改扩展名)"
    )


def damaged(path: Path, expected: str, detail: str, *, repair: bool = False) -> DamagedFileError:
    tried = ",自动修复也无法读取" if repair else ",无法读取"
    return DamagedFileError(
        f"{path.name}:{expected}文件已损坏{tried}({detail})。请原单位重新导出或重新扫描后提供"
    )

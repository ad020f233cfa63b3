"""Find a file's kind from its content (magic bytes), never from its extension alone.

Returns a kind name (``pdf``, ``docx``, ``doc``, ``wps``, ``xlsx``, ``xls``, ``ofd``, ``jpg``,
``png``, ``tif``, ``txt`` …), ``encrypted-office`` for a password-protected Word/Excel file,
``unsupported:<what>`` for files we list but do not convert (video, archives …), or
``unknown``. Reads at most the first 64 KiB and a ZIP's central directory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

OFFICE_KINDS = ("docx", "doc", "wps", "xlsx", "xls", "et", "rtf", "pptx", "ppt", "odt", "ods")
IMAGE_KINDS = ("jpg", "png", "tif", "bmp", "gif", "webp", "heic")
# OFD is drawn by archiver's own renderer (engines.ofd): the converters on PyPI (easyofd,
# ofd2img) need PyMuPDF, which is AGPL-licensed, and draw too little (docs/ofd.md).
CONVERTIBLE = (*OFFICE_KINDS, *IMAGE_KINDS, "pdf", "txt", "ofd")

# which extensions are a correct name for each kind
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx", ".docm", ".dotx", ".wps"),  # WPS saves .wps as OOXML too
    "doc": (".doc", ".dot", ".wps"),
    "wps": (".wps",),
    "xlsx": (".xlsx", ".xlsm", ".et"),
    "xls": (".xls", ".et"),
    "et": (".et",),
    "pptx": (".pptx", ".dps"),
    "ppt": (".ppt", ".dps"),
    "rtf": (".rtf", ".doc"),
    "odt": (".odt",),
    "ods": (".ods",),
    "ofd": (".ofd",),
    "jpg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "png": (".png",),
    "tif": (".tif", ".tiff"),
    "bmp": (".bmp",),
    "gif": (".gif",),
    "webp": (".webp",),
    "heic": (".heic", ".heif", ".hif"),
    "txt": (".txt", ".md", ".csv", ".log"),
}

KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word 文档",
    "doc": "Word 97-2003 文档",
    "wps": "WPS 文档",
    "xlsx": "Excel 表格",
    "xls": "Excel 97-2003 表格",
    "et": "WPS 表格",
    "pptx": "PowerPoint 演示文稿",
    "ppt": "PowerPoint 97-2003 演示文稿",
    "rtf": "RTF 文档",
    "odt": "OpenDocument 文档",
    "ods": "OpenDocument 表格",
    "ofd": "OFD 版式文件",
    "jpg": "JPEG 图片",
    "png": "PNG 图片",
    "tif": "TIFF 图片",
    "bmp": "BMP 图片",
    "gif": "GIF 图片",
    "webp": "WebP 图片",
    "heic": "HEIC 照片",
    "txt": "纯文本",
    "encrypted-office": "加密的 Office 文档",
}

UNSUPPORTED_NAMES = {
    "video": "视频",
    "audio": "音频",
    "zip": "压缩包(zip)",
    "rar": "压缩包(rar)",
    "7z": "压缩包(7z)",
    "gz": "压缩包(gz)",
    "exe": "程序文件",
    "other": "未知格式",
}


def sniff(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(65536)
    return sniff_bytes(head, path)


def sniff_bytes(head: bytes, path: Path) -> str:
    ext = path.suffix.lower()
    if not head:
        return "empty"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(head, ext)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tif"
    if head.startswith(b"BM") and ext == ".bmp":
        return "bmp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] in (b"AVI ", b"WAVE"):
        return "unsupported:video" if head[8:12] == b"AVI " else "unsupported:audio"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"):
            return "heic"  # a phone photo (HEIF)
        if brand in (b"M4A ", b"M4B "):
            return "unsupported:audio"
        return "unsupported:video"
    if (
        head.startswith(b"\x1aE\xdf\xa3")
        or head.startswith(b"FLV")
        or head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11")
    ):
        return "unsupported:video"
    if head.startswith(b"\x00\x00\x01\xba") or head.startswith(b"\x00\x00\x01\xb3"):
        return "unsupported:video"
    if head.startswith((b"ID3", b"\xff\xfb", b"\xff\xf3", b"fLaC", b"OggS")):
        return "unsupported:audio"
    if head.startswith(b"Rar!\x1a\x07"):
        return "unsupported:rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "unsupported:7z"
    if head.startswith(b"\x1f\x8b"):
        return "unsupported:gz"
    if head.startswith(b"MZ"):
        return "unsupported:exe"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _looks_like_text(head):
        return "txt"
    return "unknown"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist()[:5000])
    except (zipfile.BadZipFile, OSError, ValueError):
        return "broken-zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    if "mimetype" in names and "content.xml" in names:
        return "odt" if path.suffix.lower() != ".ods" else "ods"
    if "[Content_Types].xml" in names:
        return "broken-zip"  # an Office package without its main part
    return "unsupported:zip"


def _ole_kind(head: bytes, ext: str) -> str:
    """OLE2 compound files: Word 97, Excel 97, WPS, or an encrypted OOXML package."""
    utf16 = head.decode("utf-16-le", errors="ignore")
    if "EncryptedPackage" in utf16 or "EncryptionInfo" in utf16:
        return "encrypted-office"
    if "WordDocument" in utf16:
        return "wps" if ext == ".wps" else "doc"
    if "Workbook" in utf16 or "Book" in utf16:
        return "et" if ext == ".et" else "xls"
    if "PowerPoint Document" in utf16:
        return "ppt"
    by_ext = {".doc": "doc", ".wps": "wps", ".xls": "xls", ".et": "et", ".ppt": "ppt"}
    return by_ext.get(ext, "doc")


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head[:8192]:
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 text with a BOM
    sample = head[:8192]
    for enc in ("utf-8", "gb18030"):
        try:
            sample.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if enc == "utf-8" and exc.start >= len(sample) - 3:
                return True  # a character cut at the end of the sample
    return False


def name_matches(kind: str, path: Path) -> bool:
    """Whether the file's extension is a right name for its content."""
    allowed = EXTENSIONS.get(kind)
    if allowed is None:
        return True
    return path.suffix.lower() in allowed

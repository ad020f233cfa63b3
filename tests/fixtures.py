"""Make real test files as departments would drop them: .docx of known 字数, PDFs, images.

Everything is generated (no binaries in the repository): .docx with python-docx, PDFs by
LibreOffice from a .docx (a real exported PDF with a text layer), images with Pillow, a
password-protected PDF with pypdf, and deliberately broken files by cutting real ones.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from docx import Document
from PIL import Image
from pypdf import PdfReader, PdfWriter

from archiver.engines.libreoffice import convert_batch

# 10 Han characters per unit: 字数 10, 字符数 10
HAN10 = "我局依法行政工作成效"


def _saved_now(doc: object) -> None:
    """Word stamps the save time; python-docx keeps its 2013 template dates unless told."""
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    doc.core_properties.created = now  # type: ignore[attr-defined]
    doc.core_properties.modified = now  # type: ignore[attr-defined]


def docx_with_words(path: Path, words: int, *, title: str = "") -> Path:
    """A .docx whose body has exactly ``words`` 字数 (Han characters; title counted too)."""
    doc = Document()
    remaining = words
    if title:
        doc.add_paragraph(title)
        remaining -= len(title)
    text = (HAN10 * (remaining // 10 + 1))[:remaining]
    for start in range(0, len(text), 200):
        doc.add_paragraph(text[start : start + 200])
    _saved_now(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def docx_text(path: Path, paragraphs: list[str]) -> Path:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    _saved_now(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def pdf_from_text(path: Path, paragraphs: list[str], work: Path) -> Path:
    """A real PDF exported by LibreOffice (has a text layer)."""
    work.mkdir(parents=True, exist_ok=True)
    src = docx_text(work / (path.stem + "-src.docx"), paragraphs)
    (result,) = convert_batch([src], work, timeout=120)
    assert result.pdf is not None, result.error
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(result.pdf, path)
    return path


def png(path: Path, size: tuple[int, int] = (400, 300), colour: str = "steelblue") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "PNG")
    return path


def jpeg(path: Path, size: tuple[int, int] = (640, 480), colour: str = "olive") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG", quality=80)
    return path


def encrypted_pdf(path: Path, source: Path, password: str = "secret") -> Path:
    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    buf = io.BytesIO()
    writer.write(buf)
    path.write_bytes(buf.getvalue())
    return path


def truncated(path: Path, source: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def mp4_stub(path: Path) -> Path:
    """The start of an MP4 file (ftyp box): enough for any content sniffer."""
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2048)
    return path


def folder(drop: Path, unit: str, indicator: str, material: int | None = None) -> Path:
    """The drop folder of an indicator (or of one of its materials) under a unit."""
    base = next((drop / unit).glob(f"{indicator}_*"))
    return base if material is None else next(base.glob(f"材料{material}_*"))

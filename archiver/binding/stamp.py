"""Stamp page numbers onto PDF pages, cheaply and upright.

For each page a tiny content stream is appended (no overlay page is merged: that costs
about 20 times more and duplicates resources). The original content is wrapped in q/Q so
its graphics state cannot move our number. The font is one embedded font object shared by
every page: a subset holding the digits and the hyphen, taken from a small PDF shipped
with archiver (``archiver/resources/stampfont.pdf``: Liberation Serif, the free metric twin
of Times New Roman, SIL Open Font License; made once by :func:`make_font_pdf`, so no build
starts LibreOffice for it). On rotated pages (/Rotate)
the number is drawn through a matrix that undoes the rotation, so it stays upright at the
chosen corner of the page as the reader sees it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

FONT_NAME = "/ArchiverPN"
SIZE = 14.0
MM = 72 / 25.4
INSET_X = 15 * MM  # distance of the number's outer edge from the page edge
INSET_Y = 12 * MM  # distance of the baseline from the top (or bottom) edge
FONT_PDF = Path(__file__).resolve().parent.parent / "resources" / "stampfont.pdf"


def make_font_pdf(target: Path, timeout: float) -> Path:
    """A one-page PDF by LibreOffice holding the digits and the hyphen (sub-pages: “15-1”).

    How :data:`FONT_PDF` was made (``python -m archiver.binding.stamp``, on a machine whose
    LibreOffice substitutes Liberation Serif for Times New Roman: check with pdffonts).
    """
    from docx import Document
    from docx.shared import Pt

    from archiver.engines import libreoffice
    from archiver.fsutil import copy_atomic

    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(prefix="archiver-font-") as tmp:
        doc = Document()
        run = doc.add_paragraph().add_run("0123456789-")
        run.font.name = "Times New Roman"
        run.font.size = Pt(14)
        src = Path(tmp) / "digits.docx"
        doc.save(str(src))
        (res,) = libreoffice.convert_batch([src], Path(tmp), timeout=timeout)
        if res.pdf is None:
            from archiver.errors import ExternalProgramError

            raise ExternalProgramError(f"无法准备页码字体:{res.error}")
        copy_atomic(res.pdf, target)
    return target


class Stamper:
    """Stamps numbers into the pages of one PdfWriter."""

    def __init__(self, writer: PdfWriter, font_pdf: Path, position: str = "top-right") -> None:
        reader = PdfReader(str(font_pdf))
        resources: Any = reader.pages[0]["/Resources"]
        fonts = resources["/Font"].get_object()
        font = next(iter(fonts.values())).get_object()
        self.first_char = int(font.get("/FirstChar", 0))
        self.widths = [float(w) for w in font.get("/Widths", [])]
        # LibreOffice re-numbers subset glyphs (here 0→1 … 9→10); its ToUnicode map says how
        self.codes = _codes_from_tounicode(font) or {chr(c): c for c in range(32, 127)}
        self.font_ref = writer._add_object(font.clone(writer))  # one copy for all pages
        self.position = position
        self.push = writer._add_object(_stream(b"q\n"))
        self.pop = writer._add_object(_stream(b"Q\n"))
        self.writer = writer

    def text_width(self, text: str) -> float:
        total = 0.0
        for ch in text:
            i = self.codes.get(ch, 0) - self.first_char
            total += self.widths[i] if 0 <= i < len(self.widths) else 500.0
        return total * SIZE / 1000

    def encode(self, text: str) -> str:
        """The text as a PDF hex string in the font's own codes."""
        return "<" + "".join(f"{self.codes[ch]:02X}" for ch in text) + ">"

    def stamp(self, page: PageObject, number: int | str) -> None:
        label = str(number)
        box = page.cropbox
        llx, lly = float(box.left), float(box.bottom)
        w, h = float(box.width), float(box.height)
        rotate = int(page.get("/Rotate", 0) or 0) % 360
        shown_w, shown_h = (h, w) if rotate in (90, 270) else (w, h)
        width = self.text_width(label)
        pos = self.position
        if pos.endswith("right"):
            x = shown_w - INSET_X - width
        elif pos.endswith("left"):
            x = INSET_X
        else:
            x = (shown_w - width) / 2
        y = shown_h - INSET_Y if pos.startswith("top") else INSET_Y - SIZE * 0.2
        matrix = {
            0: (1, 0, 0, 1, llx, lly),
            90: (0, 1, -1, 0, llx + w, lly),
            180: (-1, 0, 0, -1, llx + w, lly + h),
            270: (0, -1, 1, 0, llx, lly + h),
        }.get(rotate, (1, 0, 0, 1, llx, lly))
        cm = " ".join(_num(v) for v in matrix)
        content = (
            f"q {cm} cm 0 g BT {FONT_NAME} {_num(SIZE)} Tf 1 0 0 1 {_num(x)} {_num(y)} Tm "
            f"{self.encode(label)} Tj ET Q\n"
        ).encode("ascii")
        ref = self.writer._add_object(_stream(content))
        self._add_font(page)
        contents = page.get("/Contents")
        parts: list[Any] = [self.push]
        if contents is not None:
            obj = contents.get_object() if isinstance(contents, IndirectObject) else contents
            if isinstance(obj, ArrayObject):
                parts += list(obj)
            else:
                parts.append(contents)
        parts += [self.pop, ref]
        page[NameObject("/Contents")] = ArrayObject(parts)

    def _add_font(self, page: PageObject) -> None:
        fonts = _child_dict(_child_dict(page, "/Resources"), "/Font")
        if FONT_NAME not in fonts:
            fonts[NameObject(FONT_NAME)] = self.font_ref


def _child_dict(parent: Any, key: str) -> Any:
    """``parent[key]`` as a dictionary, made (empty) when the page has none."""
    child = parent.get(key)
    if child is None:
        made = DictionaryObject()
        parent[NameObject(key)] = made
        return made
    return child.get_object()


def _codes_from_tounicode(font: Any) -> dict[str, int]:
    """Character → code from a simple font's /ToUnicode CMap (bfchar and bfrange)."""
    import re

    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    text = cmap.get_object().get_data().decode("latin-1")
    codes: dict[str, int] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            codes[chr(int(uni, 16))] = int(code, 16)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, uni in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for i in range(int(hi, 16) - int(lo, 16) + 1):
                codes[chr(int(uni, 16) + i)] = int(lo, 16) + i
    return codes


def _stream(data: bytes) -> DecodedStreamObject:
    s = DecodedStreamObject()
    s.set_data(data)
    return s


def _num(v: float) -> str:
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


if __name__ == "__main__":  # regenerate the shipped font PDF
    FONT_PDF.unlink(missing_ok=True)
    print(make_font_pdf(FONT_PDF, 120))

"""Fonts for OFD text: embedded programs drawn by glyph id, and substitutes for the rest.

An embedded font (TrueType, OpenType/CFF, or a bare CFF subset; recognised by its bytes, not
its file name) is drawn as glyph outlines through fontTools, because OFD names glyphs by id
and subsets often lack a usable cmap. Fonts that are not embedded (most files: 宋体, 楷体,
仿宋_GB2312, 黑体, Courier New…) are drawn as real text with an installed TrueType font chosen
the way ``archiver/resources/fonts.conf`` maps Word's fonts. reportlab needs TrueType
outlines, so AR PL UMing/UKai and WenQuanYi Zen Hei serve for Chinese (the Noto CJK OTFs
cannot); on Windows the real SimSun/SimHei/KaiTi/FangSong come first.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.engines.ofd.errors import fail

_WINDOWS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
_ARPHIC = "/usr/share/fonts/truetype/arphic/"
_WQY = "/usr/share/fonts/truetype/wqy/"
_LIB = "/usr/share/fonts/truetype/liberation*/"

# (kind, candidate files): Windows fonts first, then the free ones archiver installs
_FILES: dict[str, list[str]] = {
    "song": [str(_WINDOWS / "simsun.ttc"), _ARPHIC + "uming.ttc"],
    "fang": [str(_WINDOWS / "simfang.ttf"), _ARPHIC + "uming.ttc"],
    "kai": [str(_WINDOWS / "simkai.ttf"), _ARPHIC + "ukai.ttc"],
    "hei": [str(_WINDOWS / "simhei.ttf"), _WQY + "wqy-zenhei.ttc"],
    "mono": [str(_WINDOWS / "cour.ttf"), _LIB + "LiberationMono-Regular.ttf"],
    "serif": [str(_WINDOWS / "times.ttf"), _LIB + "LiberationSerif-Regular.ttf"],
    "sans": [str(_WINDOWS / "arial.ttf"), _LIB + "LiberationSans-Regular.ttf"],
}
_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("kai", ("楷", "kai")),
    ("fang", ("仿宋", "fangsong")),
    ("hei", ("黑", "hei", "雅黑", "yahei", "等线", "dengxian", "gothic")),
    ("song", ("宋", "song", "明", "ming", "标宋")),
    ("mono", ("courier", "mono", "consolas")),
    ("sans", ("arial", "helvetica", "calibri", "verdana", "tahoma", "sans")),
    ("serif", ("times", "georgia", "cambria", "serif", "roman")),
]


def kind_of(name: str) -> str:
    lower = name.lower()
    for kind, words in _KEYWORDS:
        if any(w in lower for w in words):
            return kind
    return "song"  # an unknown name in a Chinese document: a serif CJK face covers most text


def _first_file(kind: str) -> str | None:
    for pattern in _FILES[kind]:
        hits = sorted(glob.glob(pattern)) if "*" in pattern else [pattern]
        for hit in hits:
            if os.path.isfile(hit):
                return hit
    return None


@dataclass
class SystemFonts:
    """Installed fonts registered with reportlab on first use, one per kind."""

    registered: dict[str, str | None] = field(default_factory=dict)  # kind -> rl name
    files: dict[str, str] = field(default_factory=dict)  # rl name -> font file name

    def font_for(self, kind: str) -> str | None:
        if kind not in self.registered:
            self.registered[kind] = self._register(kind)
        return self.registered[kind]

    def _register(self, kind: str) -> str | None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        path = _first_file(kind)
        if path is None:
            return None
        name = f"ofd-{kind}"
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        except Exception:  # a font reportlab cannot read: try the next kind instead
            return None
        self.files[name] = os.path.basename(path)
        return name

    def chain(self, name: str) -> list[str]:
        """reportlab font names to try for a character, best first; never empty."""
        kinds = [kind_of(name), "song", "hei"]
        out = []
        for kind in dict.fromkeys(kinds):
            rl = self.font_for(kind)
            if rl is not None:
                out.append(rl)
        if not out:
            raise fail("本机没有可用的中文 TrueType 字体(如 AR PL UMing),无法绘制 OFD 文字")
        return out

    @staticmethod
    def has_char(rl_name: str, ch: str) -> bool:
        from reportlab.pdfbase import pdfmetrics

        face = pdfmetrics.getFont(rl_name).face
        return ord(ch) in face.charToGlyph


# one outline op in font units, y up: ("M", x, y) | ("L", x, y) | ("C", ...6) | ("Z",)
Outline = list[tuple[Any, ...]]


class EmbeddedFont:
    """A font program from the OFD, able to give a glyph outline by id or by character."""

    def __init__(self, data: bytes) -> None:
        from fontTools.cffLib import CFFFontSet
        from fontTools.ttLib import TTFont

        self._cache: dict[int, Outline | None] = {}
        head = data[:4]
        if head in (b"\x00\x01\x00\x00", b"true", b"OTTO", b"ttcf"):
            font = TTFont(io.BytesIO(_trim_head(data)), fontNumber=0, lazy=True)
            self.order: list[str] = font.getGlyphOrder()
            self._glyphs: Any = font.getGlyphSet()
            self.upem = float(font["head"].unitsPerEm) if "head" in font else 1000.0
            self._widths: dict[str, int] = {}
            # no usable widths: advances fall back to half an em
            with contextlib.suppress(Exception):
                self._widths = {k: v[0] for k, v in font["hmtx"].metrics.items()}
            try:
                cmap = font.getBestCmap() or {}
            except Exception:
                cmap = {}
        elif data[:1] == b"\x01" and len(data) > 4:
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(data), None)
            top = cff.topDictIndex[0]
            self.order = list(top.charset)
            self._glyphs = top.CharStrings
            matrix = getattr(top, "FontMatrix", [0.001])
            self.upem = 1.0 / matrix[0] if matrix and matrix[0] else 1000.0
            self._widths = {}
            cmap = {}
        else:
            raise ValueError("not a TrueType, OpenType or CFF font program")
        self.cmap: dict[int, str] = dict(cmap)
        self._ids = {name: i for i, name in enumerate(self.order)}

    def gid_for(self, ch: str) -> int | None:
        name = self.cmap.get(ord(ch))
        return None if name is None else self._ids.get(name)

    def advance(self, gid: int) -> float:
        """Advance width in font units (used only inside a CGTransform cluster)."""
        if 0 <= gid < len(self.order) and self.order[gid] in self._widths:
            return float(self._widths[self.order[gid]])
        return self.upem / 2

    def outline(self, gid: int) -> Outline | None:
        if gid not in self._cache:
            self._cache[gid] = self._draw(gid)
        return self._cache[gid]

    def _draw(self, gid: int) -> Outline | None:
        from fontTools.pens.basePen import BasePen

        if not 0 <= gid < len(self.order):
            return None
        ops: Outline = []

        class Pen(BasePen):  # type: ignore[misc]
            def _moveTo(self, p: tuple[float, float]) -> None:
                ops.append(("M", *p))

            def _lineTo(self, p: tuple[float, float]) -> None:
                ops.append(("L", *p))

            def _curveToOne(self, a: Any, b: Any, c: Any) -> None:
                ops.append(("C", *a, *b, *c))

            def _closePath(self) -> None:
                ops.append(("Z",))

        try:
            glyph = self._glyphs[self.order[gid]]
            glyph.draw(Pen(self._glyphs))
        except Exception:  # a damaged glyph: the caller falls back to a substitute font
            return None
        return ops


def _trim_head(data: bytes) -> bytes:
    """Cut a 'head' table longer than its 54 bytes (some producers pad it; fontTools refuses)."""
    if data[:4] == b"ttcf" or len(data) < 12:
        return data
    count = int.from_bytes(data[4:6], "big")
    buf = bytearray(data)
    for i in range(min(count, 256)):
        entry = 12 + 16 * i
        if (
            data[entry : entry + 4] == b"head"
            and int.from_bytes(data[entry + 12 : entry + 16], "big") > 54
        ):
            buf[entry + 12 : entry + 16] = (54).to_bytes(4, "big")
    return bytes(buf)


def load_embedded(data: bytes) -> EmbeddedFont | None:
    try:
        return EmbeddedFont(data)
    except Exception:  # any damage in a font program means "use a substitute", with a warning
        return None

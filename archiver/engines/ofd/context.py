"""What every drawing function shares while one OFD is drawn: canvas, document, caches, budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archiver.engines.ofd.document import Document
from archiver.engines.ofd.errors import MAX_DEPTH, MAX_OBJECTS, fail
from archiver.engines.ofd.fonts import EmbeddedFont, SystemFonts, load_embedded

MM = 72 / 25.4  # OFD works in millimetres, PDF in points


@dataclass
class Context:
    canvas: Any  # reportlab.pdfgen.canvas.Canvas (untyped library)
    doc: Document
    fonts: SystemFonts
    warnings: list[str]
    seal_nesting: int = 0
    objects: int = 0
    embedded: dict[str, EmbeddedFont | None] = field(default_factory=dict)
    images: dict[str, Any] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def tick(self, count: int = 1) -> None:
        """Count drawing work; a file that needs more than the budget is refused."""
        self.objects += count
        if self.objects > MAX_OBJECTS:
            raise fail(f"OFD 的图形对象超过 {MAX_OBJECTS} 个,无法在限定时间内绘制")

    @staticmethod
    def check_depth(depth: int) -> None:
        if depth > MAX_DEPTH:
            raise fail("OFD 的模板、复合对象或印章嵌套过深(可能是循环引用)")

    def embedded_font(self, font_id: str) -> EmbeddedFont | None:
        if font_id not in self.embedded:
            res = self.doc.fonts.get(font_id)
            font = None
            if res is not None and res.file is not None:
                font = load_embedded(self.doc.package.read(res.file))
                if font is None:
                    self.warn(f"嵌入字体“{res.name}”无法读取,已用本机字体代替")
            self.embedded[font_id] = font
        return self.embedded[font_id]

"""Painting on the reportlab canvas: a style's pen and brush, and a path from OFD operators.

Shared by the drawing of path objects (``draw``) and of glyph outlines (``text``).
"""

from __future__ import annotations

from archiver.engines.ofd.context import Context
from archiver.engines.ofd.geometry import Op
from archiver.engines.ofd.style import Style

_CAPS = {"Butt": 0, "Round": 1, "Square": 2}
_JOINS = {"Miter": 0, "Round": 1, "Bevel": 2}


def set_style(ctx: Context, style: Style, alpha: float) -> None:
    c = ctx.canvas
    c.setLineWidth(max(style.line_width, 0.0))
    c.setLineCap(_CAPS.get(style.cap, 0))
    c.setLineJoin(_JOINS.get(style.join, 0))
    c.setMiterLimit(max(style.miter, 1.0))
    if style.dash and any(v > 0 for v in style.dash):
        c.setDash(list(style.dash), style.dash_offset)
    if style.stroke is not None:
        c.setStrokeColorRGB(*style.stroke, alpha=style.stroke_alpha * alpha)
    if style.fill is not None:
        c.setFillColorRGB(*style.fill, alpha=style.fill_alpha * alpha)


def build_path(ctx: Context, ops: list[Op]) -> object:
    p = ctx.canvas.beginPath()
    ctx.tick(len(ops))
    for op in ops:
        kind = op[0]
        if kind == "M":
            p.moveTo(op[1], op[2])
        elif kind == "L":
            p.lineTo(op[1], op[2])
        elif kind == "C":
            p.curveTo(*op[1:])
        else:
            p.close()
    return p

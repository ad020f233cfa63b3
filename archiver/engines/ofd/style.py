"""Colours and drawing parameters (GB/T 33190 §8): what stroke, fill and line an object gets.

An object's own attributes win over its DrawParam, which inherits through ``Relative`` from
another DrawParam, and the layer's DrawParam comes last. Colours are written ``"156 82 35"``
or in hex (``"#ee #20 #25"``) in a colour space that is RGB unless it says GRAY or CMYK.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree

from archiver.engines.ofd.geometry import number, numbers

Color = tuple[float, float, float]  # RGB, 0..1

BLACK: Color = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Style:
    line_width: float = 0.353  # mm, the spec's default
    stroke: Color | None = BLACK
    # a path's fill is transparent unless a FillColor says otherwise (§9.1: Suwell writes
    # Fill="true" with no colour for outlines such as ⊗); text fills black (§11.2)
    fill: Color | None = None
    stroke_alpha: float = 1.0
    fill_alpha: float = 1.0
    cap: str = "Butt"
    join: str = "Miter"
    miter: float = 3.528
    dash: tuple[float, ...] = ()
    dash_offset: float = 0.0


def _component(token: str, bits: int) -> float:
    try:
        value = int(token[1:], 16) if token.startswith("#") else number(token, 0.0)
    except ValueError:
        return 0.0
    top = (1 << bits) - 1
    return max(0.0, min(1.0, value / top))


def parse_color(el: etree._Element, spaces: dict[str, str]) -> tuple[Color | None, float]:
    """An RGB colour and alpha from a FillColor/StrokeColor element (None: no Value given)."""
    alpha = _component(el.get("Alpha", "255"), 8)
    value = el.get("Value")
    if value is None:
        return None, alpha
    tokens = value.split()
    space = spaces.get(el.get("ColorSpace", ""), "RGB")
    vals = [_component(t, 8) for t in tokens]
    if space == "GRAY" or len(vals) == 1:
        g = vals[0] if vals else 0.0
        return (g, g, g), alpha
    if space == "CMYK" and len(vals) >= 4:
        c, m, y, k = vals[:4]
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)), alpha
    vals = ([*vals, 0.0, 0.0, 0.0])[:3]
    return (vals[0], vals[1], vals[2]), alpha


def apply(base: Style, el: etree._Element, spaces: dict[str, str]) -> Style:
    """``base`` overridden by what ``el`` (an object or a DrawParam) states itself."""
    changes: dict[str, object] = {}
    for attr, key in (("LineWidth", "line_width"), ("MiterLimit", "miter")):
        if el.get(attr) is not None:
            changes[key] = max(0.0, min(number(el.get(attr), 0.353), 1000.0))
    if el.get("Cap"):
        changes["cap"] = el.get("Cap")
    if el.get("Join"):
        changes["join"] = el.get("Join")
    if el.get("DashPattern"):
        changes["dash"] = tuple(abs(v) for v in numbers(el.get("DashPattern")))[:32]
    for tag, key, akey in (("FillColor", "fill", "fill_alpha"),
                           ("StrokeColor", "stroke", "stroke_alpha")):  # fmt: skip
        found = el.find(tag)
        if found is not None:
            color, alpha = parse_color(found, spaces)
            if color is not None:
                changes[key] = color
            changes[akey] = alpha
    return replace(base, **changes)  # type: ignore[arg-type]


def resolve_draw_param(
    base: Style, ref: str | None, params: dict[str, etree._Element], spaces: dict[str, str]
) -> Style:
    """Apply DrawParam ``ref`` and its ``Relative`` ancestors (farthest first)."""
    chain: list[etree._Element] = []
    seen: set[str] = set()
    while ref and ref in params and ref not in seen and len(chain) < 16:
        seen.add(ref)
        chain.append(params[ref])
        ref = params[ref].get("Relative")
    for param in reversed(chain):
        base = apply(base, param, spaces)
    return base

"""Drawing a page's content: layers, page blocks, paths, images, composite objects, clips.

Coordinates stay in OFD millimetres with y pointing down: the page's base transform (set in
``render``) maps them to PDF points, so every object only has to translate to its Boundary
and apply its own CTM, as GB/T 33190 §9.2 defines.
"""

from __future__ import annotations

from lxml import etree

from archiver.engines.ofd import images, text
from archiver.engines.ofd.context import Context
from archiver.engines.ofd.geometry import Matrix, Op, box, matrix, number, path_ops
from archiver.engines.ofd.paint import build_path, set_style
from archiver.engines.ofd.style import Style, apply, resolve_draw_param

_BLEND_MODES = {"Multiply", "Screen", "Overlay", "Darken", "Lighten", "ColorDodge", "ColorBurn",
                "HardLight", "SoftLight", "Difference", "Exclusion"}  # fmt: skip
_LAYER_ORDER = {"Background": 0, "Body": 1, "Foreground": 2, "Custom": 1}


def draw_content(ctx: Context, content: etree._Element | None, style: Style, depth: int) -> None:
    """Draw a Content element's layers, background layers first."""
    if content is None:
        return
    layers = sorted(
        content.findall("Layer"), key=lambda el: _LAYER_ORDER.get(el.get("Type", "Body"), 1)
    )
    for layer in layers:
        layer_style = resolve_draw_param(
            style, layer.get("DrawParam"), ctx.doc.draw_params, ctx.doc.color_spaces
        )
        draw_block(ctx, layer, layer_style, depth)


def draw_block(ctx: Context, block: etree._Element, style: Style, depth: int) -> None:
    """Draw the graphic objects of a layer, page block or composite unit, in document order."""
    ctx.check_depth(depth)
    for el in block:
        if not isinstance(el.tag, str):
            continue
        ctx.tick()
        if el.get("Visible") == "false":
            continue
        if el.tag == "PageBlock":
            draw_block(ctx, el, _own_style(ctx, el, style), depth + 1)
        elif el.tag in ("TextObject", "PathObject", "ImageObject", "CompositeObject"):
            draw_object(ctx, el, style, depth)


def _own_style(ctx: Context, el: etree._Element, style: Style) -> Style:
    style = resolve_draw_param(style, el.get("DrawParam"), ctx.doc.draw_params,
                               ctx.doc.color_spaces)  # fmt: skip
    return apply(style, el, ctx.doc.color_spaces)


def draw_object(ctx: Context, el: etree._Element, style: Style, depth: int) -> None:
    bound = box(el.get("Boundary"))
    if bound is None:
        return
    style = _own_style(ctx, el, style)
    c = ctx.canvas
    c.saveState()
    try:
        c.transform(1, 0, 0, 1, bound.x, bound.y)
        ctm = matrix(el.get("CTM"))
        _clip(ctx, el, ctm)
        if el.get("BlendMode") in _BLEND_MODES:  # Suwell stamps images with "Darken"
            c.setBlendMode(el.get("BlendMode"))
        alpha = _alpha(el)
        if el.tag == "ImageObject":
            images.draw_image(ctx, el.get("ResourceID", ""), ctm, alpha, bound)
        elif el.tag == "CompositeObject":
            _composite(ctx, el, ctm, style, depth)
        else:
            if ctm is not None:
                c.transform(*ctm)
            if el.tag == "PathObject":
                _path(ctx, el, style, alpha)
            else:
                text.draw_text(ctx, el, style, alpha)
    finally:
        c.restoreState()


def _alpha(el: etree._Element) -> float:
    return max(0.0, min(1.0, number(el.get("Alpha"), 255) / 255))


def _path(ctx: Context, el: etree._Element, style: Style, alpha: float) -> None:
    data = el.findtext("AbbreviatedData")
    ops = path_ops(data)
    if not ops:
        return
    stroke = el.get("Stroke", "true") != "false" and style.stroke is not None
    fill = el.get("Fill", "false") == "true" and style.fill is not None
    if not (stroke or fill):
        return
    set_style(ctx, style, alpha)
    even_odd = el.get("Rule", "NonZero").lower().startswith("even")
    ctx.canvas.drawPath(
        build_path(ctx, ops), stroke=int(stroke), fill=int(fill), fillMode=0 if even_odd else 1
    )


def _clip(ctx: Context, el: etree._Element, object_ctm: Matrix | None) -> None:
    """Each Clip narrows the drawing; its Areas are in the object's own Boundary space.

    With ``TransFlag="true"`` the object's CTM applies to the clip as well (§8.4).
    """
    clips = el.find("Clips")
    if clips is None:
        return
    post = object_ctm if clips.get("TransFlag") == "true" else None
    c = ctx.canvas
    for clip in clips.findall("Clip"):
        for area in clip.findall("Area"):
            shape = area.find("Path")
            if shape is None:
                continue
            ops = path_ops(shape.findtext("AbbreviatedData"))
            if not ops:
                continue
            ctm = _then(matrix(area.get("CTM")), post)
            # a clip must be set in the object's current state, so the clip path's own
            # Boundary and CTM are applied to its points rather than to the canvas
            pbound = box(shape.get("Boundary"))
            pctm = matrix(shape.get("CTM"))
            pts = _transform_ops(ops, pctm, pbound.x if pbound else 0.0,
                                 pbound.y if pbound else 0.0, ctm)  # fmt: skip
            c.clipPath(build_path(ctx, pts), stroke=0, fill=0)


def _then(first: Matrix | None, second: Matrix | None) -> Matrix | None:
    """The matrix applying ``first``, then ``second``."""
    if first is None or second is None:
        return first or second
    a, b, c, d, e, f = first
    A, B, C, D, E, F = second
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)  # fmt: skip


def _transform_ops(
    ops: list[Op], inner: Matrix | None, dx: float, dy: float, outer: Matrix | None
) -> list[Op]:
    def tp(x: float, y: float) -> tuple[float, float]:
        if inner is not None:
            a, b, cc, d, e, f = inner
            x, y = a * x + cc * y + e, b * x + d * y + f
        x, y = x + dx, y + dy
        if outer is not None:
            a, b, cc, d, e, f = outer
            x, y = a * x + cc * y + e, b * x + d * y + f
        return x, y

    out: list[Op] = []
    for op in ops:
        if op[0] == "Z":
            out.append(op)
            continue
        coords = [float(v) for v in op[1:]]  # type: ignore[arg-type]
        moved: list[float] = []
        for i in range(0, len(coords), 2):
            moved.extend(tp(coords[i], coords[i + 1]))
        out.append((op[0], *moved))
    return out


def _composite(
    ctx: Context, el: etree._Element, ctm: Matrix | None, style: Style, depth: int
) -> None:
    unit = ctx.doc.composites.get(el.get("ResourceID", ""))
    if unit is None:
        from archiver.engines.ofd.errors import fail

        raise fail(f"OFD 的复合对象引用了不存在的资源 {el.get('ResourceID')}")
    c = ctx.canvas
    if ctm is not None:
        c.transform(*ctm)
    content = unit.find("Content")
    if content is not None:
        draw_block(ctx, content, style, depth + 1)

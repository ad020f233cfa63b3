"""TextObject drawing (GB/T 33190 §11): glyph positions, embedded glyphs, substitute fonts.

Every character is placed at its own position (X/Y plus DeltaX/DeltaY, where the OFD gives
them), so layout never depends on the substitute font's widths. With an embedded font the
glyph is drawn as an outline (by CGTransform glyph id, else through the font's cmap) and the
characters are also written as invisible text so that pdftotext and search find them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree

from archiver.engines.ofd.context import Context
from archiver.engines.ofd.fonts import EmbeddedFont
from archiver.engines.ofd.geometry import deltas, number, numbers
from archiver.engines.ofd.paint import build_path, set_style
from archiver.engines.ofd.style import BLACK, Style

_MAX_CHARS = 20_000  # one TextCode; real ones hold a line or a paragraph


@dataclass
class Glyph:
    ch: str
    x: float
    y: float
    gids: list[int] | None  # glyphs CGTransform draws for this character ([]: none, a ligature)


_float = number


def _glyph_map(el: etree._Element) -> dict[int, list[int]]:
    """Character index (over all TextCodes of the object) -> glyph ids, from CGTransform."""
    out: dict[int, list[int]] = {}
    for cg in el.findall("CGTransform"):
        pos = int(_float(cg.get("CodePosition"), 0))
        count = max(1, int(_float(cg.get("CodeCount"), 1)))
        glyphs = [int(g) for g in numbers(cg.findtext("Glyphs"))][:1000]
        if count == len(glyphs):  # one to one
            for i, gid in enumerate(glyphs):
                out[pos + i] = [gid]
            continue
        # a cluster (ligature: many characters, fewer glyphs; or one character, several
        # glyphs): its first character draws all the glyphs, the others draw none but
        # stay in the searchable text
        out[pos] = glyphs
        for i in range(1, count):
            out[pos + i] = []
    return out


def layout(ctx: Context, el: etree._Element, size: float, advance: str) -> list[Glyph]:
    glyph_ids = _glyph_map(el)
    out: list[Glyph] = []
    x = y = 0.0
    index = 0
    for code in el.findall("TextCode"):
        # pretty-printed XML puts a line break and tabs around the text: not characters
        # (DeltaX counts confirm it); spaces are kept, they are positioned like any glyph
        chars = list((code.text or "").strip("\r\n\t"))[:_MAX_CHARS]
        x = _float(code.get("X"), x)
        y = _float(code.get("Y"), y)
        dx, dy = deltas(code.get("DeltaX")), deltas(code.get("DeltaY"))
        ctx.tick(len(chars))
        step = 0  # DeltaX/DeltaY count glyph positions: a ligature's characters share one
        for ch in chars:
            gids = glyph_ids.get(index)
            index += 1
            if gids == [] and out:
                # drawn by the leader's glyph; placed after it for a substitute font
                prev = out[-1]
                shift = _advance(ctx, advance, prev.ch) * size
                out.append(Glyph(ch, prev.x + shift, prev.y, []))
                continue
            out.append(Glyph(ch, x, y, gids))
            x += dx[step] if step < len(dx) else _advance(ctx, advance, ch) * size
            y += dy[step] if step < len(dy) else 0.0
            step += 1
    return out


def _advance(ctx: Context, rl_name: str, ch: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(ch, rl_name, 1.0))


def draw_text(ctx: Context, el: etree._Element, style: Style, alpha: float) -> None:

    size = _float(el.get("Size"), 3.5)
    if size <= 0:
        return
    font_id = el.get("Font", "")
    res = ctx.doc.fonts.get(font_id)
    if res is None:
        ctx.warn(f"文字引用了不存在的字体 {font_id},已用本机宋体代替")
    name = (res.name or res.family) if res is not None else ""
    chain = ctx.fonts.chain(name)
    embedded = ctx.embedded_font(font_id)
    if embedded is None and res is not None and res.file is None and name:
        ctx.warn(f"字体“{name}”未嵌入,已用本机字体 {ctx.fonts.files.get(chain[0], chain[0])} 代替")
    if style.fill is None:
        style = replace(style, fill=BLACK)
    fill = el.get("Fill", "true") != "false"
    stroke = el.get("Stroke", "false") == "true" and style.stroke is not None
    if not (fill or stroke):
        return  # invisible text stays invisible (and is not meant to be found either)
    hscale = _float(el.get("HScale"), 1.0)
    set_style(ctx, style, alpha)
    glyphs = layout(ctx, el, size, chain[0])
    c = ctx.canvas
    as_text: list[tuple[Glyph, bool]] = []  # (glyph, visible)
    for g in glyphs:
        gids = _gids(embedded, g)
        if embedded is None or gids is None:
            as_text.append((g, True))
            continue
        as_text.append((g, False))
        scale = size / embedded.upem
        x = g.x
        for gid in gids:
            outline = embedded.outline(gid)
            if outline:  # None: damaged, []: a space; neither paints anything
                c.saveState()
                c.transform(scale * hscale, 0, 0, -scale, x, g.y)
                if stroke:
                    c.setLineWidth(style.line_width / scale)
                c.drawPath(build_path(ctx, outline), stroke=int(stroke), fill=int(fill), fillMode=1)
                c.restoreState()
            x += embedded.advance(gid) * scale * hscale
    mode = 2 if fill and stroke else (1 if stroke else 0)
    bold = _float(el.get("Weight"), 400) >= 600 or (res is not None and res.bold)
    if bold and mode == 0 and style.fill is not None:
        # the substitute fonts have no bold face: thicken the glyphs with their own colour
        c.setStrokeColorRGB(*style.fill, alpha=style.fill_alpha * alpha)
        c.setLineWidth(size * 0.03)
        mode = 2
    _write_text(ctx, as_text, chain, size, hscale, mode)


def _gids(font: EmbeddedFont | None, g: Glyph) -> list[int] | None:
    """Glyphs of the embedded font for ``g`` (None: draw it with a substitute font)."""
    if font is None:
        return None
    if g.gids is not None:
        if g.gids and all(font.outline(gid) is None for gid in g.gids):
            return None  # glyph ids the font does not have: better a substitute than nothing
        return g.gids
    gid = font.gid_for(g.ch)
    if gid is None or font.outline(gid) is None:
        return None
    return [gid]


def _write_text(
    ctx: Context, glyphs: list[tuple[Glyph, bool]], chain: list[str], size: float,
    hscale: float, visible_mode: int,
) -> None:  # fmt: skip
    if not glyphs:
        return
    t = ctx.canvas.beginText()
    current: tuple[str, int] | None = None
    for g, visible in glyphs:
        if g.ch.isspace() and not visible:
            continue
        font = next((f for f in chain if ctx.fonts.has_char(f, g.ch)), None)
        if font is None:
            font = chain[0]
            known = any(w.startswith("本机字体中没有字符") for w in ctx.warnings)
            if visible and not g.ch.isspace() and not known:
                ctx.warn(f"本机字体中没有字符“{g.ch}”等,这些字符显示为方框")
        mode = visible_mode if visible else 3
        if current != (font, mode):
            t.setFont(font, size)
            t.setTextRenderMode(mode)
            current = (font, mode)
        # y points down on the page, so the text matrix flips glyphs upright again
        t.setTextTransform(hscale, 0, 0, -1, g.x, g.y)
        t.textOut(g.ch)
    ctx.canvas.drawText(t)

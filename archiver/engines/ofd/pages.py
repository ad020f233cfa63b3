"""One OFD page: its box, its templates (background or foreground), content, annotations, seals.

A page's own Area overrides the document's (most real files give both); templates are pages
themselves and may name further templates, so they are followed with a cycle check.
"""

from __future__ import annotations

import io

from lxml import etree

from archiver.engines.ofd.context import Context
from archiver.engines.ofd.document import load_res
from archiver.engines.ofd.draw import draw_block, draw_content
from archiver.engines.ofd.errors import MAX_SEAL_NESTING, fail
from archiver.engines.ofd.geometry import Box, box
from archiver.engines.ofd.package import dirname, join
from archiver.engines.ofd.seals import draw_stamps
from archiver.engines.ofd.style import Style


def page_box(ctx: Context, page: etree._Element) -> Box:
    area = page.find("Area")
    own = box(area.findtext("PhysicalBox")) if area is not None else None
    found = own or ctx.doc.physical_box
    if not (0 < found.w < 5000 and 0 < found.h < 5000):
        raise fail(f"OFD 的页面尺寸 {found.w}×{found.h} 毫米不合理")
    return found


def draw_page(ctx: Context, page_id: str, page: etree._Element, depth: int,
              member: str = "") -> None:  # fmt: skip
    """Draw a page (coordinates: the caller has set up OFD millimetres, y down)."""
    _draw_with_templates(ctx, page, member, depth, set())
    for annot_member in ctx.doc.annotations.get(page_id, []):
        _annotations(ctx, ctx.doc.package.xml(annot_member), depth)
    draw_stamps(ctx, page_id, _nested)


def _draw_with_templates(
    ctx: Context, page: etree._Element, member: str, depth: int, seen: set[str]
) -> None:
    ctx.check_depth(depth)
    for res in page.findall("PageRes"):
        if res.text:
            load_res(ctx.doc, join(dirname(member), res.text))
    templates = page.findall("Template")
    for zorder in ("Background", None, "Foreground"):
        if zorder is None:
            draw_content(ctx, page.find("Content"), Style(), depth)
            continue
        for tpl in templates:
            if tpl.get("ZOrder", "Background") != zorder:
                continue
            tid = tpl.get("TemplateID", "")
            named = ctx.doc.templates.get(tid)
            tpl_member = ctx.doc.package.find([named], by_name=False) if named else None
            if tpl_member is None:
                raise fail(f"OFD 页面引用的模板 {tid} 不存在")
            if tpl_member in seen:
                raise fail("OFD 的页面模板循环引用了自身")
            _draw_with_templates(ctx, ctx.doc.package.xml(tpl_member), tpl_member, depth + 1,
                                 seen | {tpl_member})  # fmt: skip


def _annotations(ctx: Context, root: etree._Element, depth: int) -> None:
    c = ctx.canvas
    for annot in root.findall("Annot"):
        if annot.get("Type") == "Link" or annot.get("Visible") == "false":
            continue
        for appearance in annot.findall("Appearance"):
            b = box(appearance.get("Boundary"))
            c.saveState()
            if b is not None:
                c.transform(1, 0, 0, 1, b.x, b.y)
            draw_block(ctx, appearance, Style(), depth + 1)
            c.restoreState()


def _nested(ctx: Context, data: bytes, width: float, height: float) -> None:
    from archiver.engines.ofd.document import load
    from archiver.engines.ofd.package import Package

    if ctx.seal_nesting >= MAX_SEAL_NESTING:
        raise fail("OFD 印章中嵌套的 OFD 层数过多(可能嵌套了自身)")
    package = Package(io.BytesIO(data), "seal")
    doc = load(package)
    inner = Context(ctx.canvas, doc, ctx.fonts, ctx.warnings, ctx.seal_nesting + 1, ctx.objects)
    ref = doc.pages[0]
    page = package.xml(ref.member)
    pb = page_box(inner, page)
    c = ctx.canvas
    if pb.w > 0 and pb.h > 0:
        c.transform(width / pb.w, 0, 0, height / pb.h, -pb.x, -pb.y)
    draw_page(inner, ref.id, page, 0, ref.member)
    ctx.objects = inner.objects

"""Images of an OFD page and of seals: PNG, JPEG, GIF, BMP, TIFF through Pillow, JBIG2 as is.

An ImageObject's CTM maps the unit square onto the page (GB/T 33190 §10.2), with the image's
top row at y = 0 because OFD's y axis points down; the flip below keeps pictures upright.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from typing import Any

from archiver.engines.ofd.context import Context
from archiver.engines.ofd.errors import fail
from archiver.engines.ofd.geometry import Box, Matrix
from archiver.engines.ofd.jbig2 import MAGIC, Jbig2Error, to_pdf_stream

_MAX_PIXELS = 60_000_000  # a 600 dpi A3 scan; more is a decompression bomb


def kind(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data.startswith(MAGIC):
        return "jbig2"
    if data.startswith(b"PK\x03\x04"):
        return "ofd"
    if data[:2] == b"BM" or data[:4] in (b"II*\x00", b"MM\x00*"):
        return "bitmap"
    return "unknown"


def draw_image(
    ctx: Context, resource_id: str, ctm: Matrix | None, alpha: float, bound: Box
) -> None:
    if not resource_id:
        return  # an image placeholder that names no picture (SurRead writes these)
    media = ctx.doc.media.get(resource_id)
    if media is None:
        raise fail(f"OFD 的图片对象引用了不存在的资源 {resource_id}")
    c = ctx.canvas
    c.transform(*(ctm or (bound.w, 0, 0, bound.h, 0, 0)))
    draw_unit(ctx, media.member, ctx.doc.package.read(media.member), alpha)


def draw_unit(ctx: Context, key: str, data: bytes, alpha: float = 1.0) -> None:
    """Draw picture bytes into the unit square of the current (y-down) space."""
    c = ctx.canvas
    c.saveState()
    c.transform(1, 0, 0, -1, 0, 1)
    if alpha < 1:
        c.setFillAlpha(alpha)
    if kind(data) == "jbig2":
        _jbig2(ctx, key, data)
    else:
        c.drawImage(_reader(ctx, key, data), 0, 0, 1, 1, mask="auto")
    c.restoreState()


def _reader(ctx: Context, key: str, data: bytes) -> Any:
    if key in ctx.images:
        return ctx.images[key]
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > _MAX_PIXELS:
                raise fail(f"OFD 中的图片 {key} 像素过多(疑似图片炸弹)")
            if kind(data) == "jpeg" and img.mode in ("L", "RGB", "CMYK"):
                reader = ImageReader(io.BytesIO(data))  # JPEG goes in as it is (DCTDecode)
            else:
                img.load()
                converted = img.convert("RGBA" if _has_alpha(img) else "RGB")
                reader = ImageReader(converted)
    except (OSError, ValueError, SyntaxError, zlib.error, Image.DecompressionBombError) as exc:
        raise fail(f"OFD 中的图片 {key} 无法解码") from exc
    ctx.images[key] = reader
    return reader


def _has_alpha(img: Any) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info


def _jbig2(ctx: Context, key: str, data: bytes) -> None:
    from reportlab.pdfbase import pdfdoc

    try:
        image = to_pdf_stream(data)
    except (Jbig2Error, IndexError) as exc:
        raise fail(f"OFD 中的 JBIG2 图片 {key} 已损坏") from exc
    c = ctx.canvas
    # reportlab has no JBIG2 support: register an image XObject the way drawImage does
    name = "ofdjb2" + hashlib.sha1(data).hexdigest()[:16]
    reg = c._doc.getXObjectName(name)
    if not c._doc.idToObject.get(reg):
        obj = pdfdoc.PDFImageXObject(name)
        obj.width, obj.height = image.width, image.height
        obj.bitsPerComponent = 1
        obj.colorSpace = "DeviceGray"
        obj._filters = ("JBIG2Decode",)
        obj.streamContent = image.stream
        obj.mask = None
        c._setXObjects(obj)
        c._doc.Reference(obj, reg)
        c._doc.addForm(name, obj)
    c._code.append(f"/{reg} Do")
    c._formsinuse.append(name)

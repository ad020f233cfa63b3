"""Seal pictures of OFD signatures and where they go (GB/T 38540 SES structures).

A signature's Seal.esl (the seal) or SignedValue.dat (the signature, which embeds the seal)
is DER; the picture sits in an OCTET STRING of the seal's picture info. Rather than model
every SES version (V1, V4, vendor variants), the DER is walked and the first OCTET STRING
whose bytes are a picture (PNG, JPEG, GIF, BMP/TIFF) or an OFD is taken. An OFD picture is
drawn by rendering its first page into the stamp box, at most two levels deep.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from archiver.engines.ofd import images
from archiver.engines.ofd.context import Context
from archiver.engines.ofd.document import Stamp
from archiver.engines.ofd.errors import fail

_PICTURES = ("png", "jpeg", "gif", "bitmap", "ofd", "jbig2")


def find_picture(der: bytes) -> bytes | None:
    if images.kind(der) in _PICTURES:
        return der  # some producers store the bare picture
    return _walk(der, 0, len(der), 0)


def _walk(data: bytes, pos: int, end: int, depth: int) -> bytes | None:
    if depth > 24:
        return None
    while pos + 2 <= end:
        tag = data[pos]
        p = pos + 1
        if tag & 0x1F == 0x1F:  # high tag number form
            while p < end and data[p] & 0x80:
                p += 1
            p += 1
        if p >= end:
            return None
        length = data[p]
        p += 1
        if length & 0x80:
            n = length & 0x7F
            if n == 0 or n > 4 or p + n > end:
                return None
            length = int.from_bytes(data[p : p + n], "big")
            p += n
        if p + length > end:
            return None
        if tag & 0x20:  # constructed: look inside
            found = _walk(data, p, p + length, depth + 1)
            if found is not None:
                return found
        elif tag == 0x04:  # OCTET STRING: a picture, or DER wrapped once more
            value = data[p : p + length]
            if images.kind(value) in _PICTURES:
                return value
            if value[:1] == b"\x30":
                found = _walk(value, 0, len(value), depth + 1)
                if found is not None:
                    return found
        pos = p + length
    return None


# draws the first page of an OFD that is a seal's picture, into a (width, height) box
NestedDrawer = Callable[[Context, bytes, float, float], None]


def draw_stamps(ctx: Context, page_id: str, nested: NestedDrawer) -> None:
    """The seals of one page; ``nested`` draws a seal that is itself an OFD (pages.py)."""
    for stamp in ctx.doc.stamps:
        if stamp.page_id == page_id:
            draw_stamp(ctx, stamp, nested)


def draw_stamp(ctx: Context, stamp: Stamp, nested: NestedDrawer) -> None:
    picture = None
    for member in stamp.seal_members:
        picture = find_picture(ctx.doc.package.read(member))
        if picture is not None:
            break
    if picture is None:
        raise fail("OFD 的电子签章中找不到印章图像,无法如实绘制印章")
    b = stamp.boundary
    c = ctx.canvas
    c.saveState()
    c.transform(1, 0, 0, 1, b.x, b.y)
    if stamp.clip is not None:  # a riding seal (骑缝章): each page shows its own slice
        clip = c.beginPath()
        clip.rect(stamp.clip.x, stamp.clip.y, stamp.clip.w, stamp.clip.h)
        c.clipPath(clip, stroke=0, fill=0)
    if images.kind(picture) == "ofd":
        nested(ctx, picture, b.w, b.h)
    else:
        c.transform(b.w, 0, 0, b.h, 0, 0)
        images.draw_unit(ctx, f"seal:{stamp.seal_members[0]}", _clear_white(picture))
    c.restoreState()


def _clear_white(picture: bytes) -> bytes:
    """An opaque seal picture with its white background made transparent.

    Many seals are RGB pictures on white (keyword.ofd's is): drawn as they are they would
    hide the signature date and text under the stamp, which readers and paper both show.
    """
    if images.kind(picture) not in ("png", "jpeg", "gif", "bitmap"):
        return picture
    from PIL import Image

    try:
        with Image.open(io.BytesIO(picture)) as img:
            if img.width * img.height > 16_000_000:
                return picture
            if img.mode in ("RGBA", "LA") or "transparency" in img.info:
                return picture
            rgba = img.convert("RGBA")
    except (OSError, ValueError, SyntaxError):
        return picture  # the image module reports a picture it cannot decode
    gray = rgba.convert("L")
    rgba.putalpha(gray.point(lambda v: 0 if v > 235 else 255))
    out = io.BytesIO()
    rgba.save(out, "PNG")
    return out.getvalue()

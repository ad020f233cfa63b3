"""Pixel modes and print resolution for ``images``: which images img2pdf takes as they are,
and how every other mode becomes one a PDF holds well (1, L, P, RGB, CMYK; 8 bits, no alpha).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from PIL import Image as PILImage

PHOTO_FORMATS = ("JPEG", "MPO", "WEBP", "HEIF", "AVIF")  # re-encoded as JPEG, not PNG
PASS_MODES = {
    "JPEG": ("L", "RGB", "CMYK"),
    "MPO": ("L", "RGB", "CMYK"),
    "PNG": ("1", "L", "RGB", "P"),
}


def effective_dpi(w: int, h: int, page: tuple[float, float], margin: float) -> float:
    """Pixels per inch of a w x h image fitted into ``page`` less ``margin`` (auto-oriented)."""
    short, long = page[0] - 2 * margin, page[1] - 2 * margin
    aw, ah = (long, short) if w > h else (short, long)
    points_per_pixel = min(aw / w, ah / h)
    return 72.0 / points_per_pixel


def passthrough(img: PILImage.Image, fmt: str, orientation: int, path: Path) -> bool:
    """True when img2pdf can embed the file's own bytes and print it right."""
    if img.mode not in PASS_MODES.get(fmt, ()):
        return False
    if fmt == "PNG":
        # img2pdf would split transparency off (with a warning); it ignores PNG orientation
        if "transparency" in img.info or orientation != 1 or img.info.get("interlace"):
            return False
        with path.open("rb") as fh:
            head = fh.read(25)
        # IHDR's bit depth: Pillow shows a 16-bit RGB PNG as mode RGB, img2pdf would embed 16
        return head[12:16] == b"IHDR" and head[24] <= 8
    return True  # JPEG: img2pdf turns the EXIF orientation into /Rotate


def flatten_mode(img: PILImage.Image) -> PILImage.Image:
    """An 8-bit image without alpha: composited onto white, 16-bit and float scaled down."""
    from PIL import Image

    mode = img.mode
    if "transparency" in img.info and mode in ("L", "RGB", "P"):
        # a tRNS colour key: Pillow would write it again and img2pdf would add a soft mask
        mode = "LA" if mode == "L" else "RGBA"
        img = img.convert(mode)
    if mode in ("1", "L", "RGB", "CMYK", "P"):
        return img
    if mode in ("LA", "La", "PA", "RGBA", "RGBa"):
        rgba = img.convert("RGBA")
        grey = mode in ("LA", "La")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        merged = Image.alpha_composite(background, rgba)
        return merged.convert("L" if grey else "RGB")
    if mode.startswith("I;16") or mode in ("I", "F"):
        return _to_8bit(img)
    return img.convert("RGB")  # YCbCr, LAB, HSV, RGBX …


def _to_8bit(img: PILImage.Image) -> PILImage.Image:
    """Grey of more than 8 bits to L, scaled by the image's own range (Pillow clips instead)."""
    wide = img.convert("F") if img.mode != "F" else img
    lo, hi = cast("tuple[float, float]", wide.getextrema())  # one band: one pair
    if img.mode.startswith("I;16") or img.mode == "I":
        # keep the scan's own tonal scale (16 or 12 significant bits), do not stretch it
        lo, hi = 0.0, (65535.0 if hi > 4095 else 4095.0 if hi > 255 else 255.0)
    span = float(hi) - float(lo) or 1.0
    return wide.point(lambda v: (v - lo) * 255.0 / span).convert("L")

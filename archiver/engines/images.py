"""Images and scans to PDF: one image per A4 page, fitted, EXIF orientation honoured.

img2pdf embeds JPEG and most PNG/TIFF data losslessly (no re-encoding) in about 6 ms per
image. Images it cannot take as they are (alpha channel, GIF, BMP, WebP, odd modes) are
converted with Pillow to PNG first.
"""

from __future__ import annotations

import io
from pathlib import Path

from archiver.errors import ExternalProgramError

A4 = (595.276, 841.89)  # points
MARGIN = 28.35  # 10 mm


def image_to_pdf(source: Path, out: Path) -> None:
    import img2pdf

    layout = img2pdf.get_layout_fun(
        pagesize=A4,
        border=(MARGIN, MARGIN),
        fit=img2pdf.FitMode.into,
        auto_orient=True,  # a landscape photo gets a landscape page
    )
    try:
        data = img2pdf.convert(str(source), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
    except Exception:
        try:
            data = img2pdf.convert(
                _as_png(source), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid
            )
        except Exception as exc:
            raise ExternalProgramError(f"图片无法转换:{exc}") from exc
    out.write_bytes(data)


def _as_png(source: Path) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(source) as img:
        img = ImageOps.exif_transpose(img)
        if img.mode in ("RGBA", "LA", "P"):
            background = Image.new("RGB", img.size, "white")
            rgba = img.convert("RGBA")
            background.paste(rgba, mask=rgba.split()[-1])
            img = background
        elif img.mode not in ("RGB", "L", "1", "CMYK"):
            img = img.convert("RGB")
        buf = io.BytesIO()
        img.save(buf, "PNG")
        return buf.getvalue()

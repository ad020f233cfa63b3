"""Photos and scans to PDF: one A4 page per image (per frame of a multi-page TIFF).

Each image is fitted into the A4 page less a 10 mm border, the page turned landscape for a
landscape image. What reaches the PDF:

- a JPEG or PNG that needs nothing is embedded by img2pdf as it is (no re-encoding, ~6 ms);
  its EXIF orientation becomes the page's /Rotate, as before;
- anything printed above ``MAX_DPI`` at that size (a 4032 px phone photo across 190 mm is
  ~540 dpi) is downsampled to ``MAX_DPI``; nothing is ever upsampled;
- alpha is composited onto white, 16-bit and float images scaled to 8 bits, palette kept
  (transparency aside), CMYK kept, EXIF orientation applied to the pixels of re-encoded ones;
- HEIC/HEIF phone photos are decoded by ``heif-convert`` (libheif, LGPL; Debian package
  ``libheif-examples``); when it is missing the photo gets a typed error, nothing else breaks.

Photographic sources are re-encoded as JPEG (quality 90), everything else as PNG (lossless).
Library warnings (Pillow's ``warnings``, img2pdf's log records) go to the log at INFO
(``quiet``), never to the terminal. A file that cannot be decoded (truncated JPEG …) is a
``badinput`` error with a Chinese message.
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver.engines import badinput, quiet
from archiver.engines.imagemodes import PHOTO_FORMATS, effective_dpi, flatten_mode, passthrough
from archiver.errors import technical

if TYPE_CHECKING:
    from PIL import Image as PILImage

log = logging.getLogger(__name__)

A4 = (595.276, 841.89)  # points
MARGIN = 28.35  # 10 mm
MAX_DPI = 300.0
MAX_IMAGE_BYTES = 300 * badinput.MB
# a 200-megapixel phone photo (16320 x 12240) must pass; Pillow's own guard stops at 179 MP
MAX_PIXELS = 260_000_000
HEIF_TIMEOUT = 120.0  # seconds for heif-convert on one photo
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


quiet.route_library_logs()


@dataclass
class PreparedImage:
    pages: int
    dpi: list[float] = field(default_factory=list)  # per page, as printed on A4
    downsampled: int = 0
    notes: list[str] = field(default_factory=list)  # Chinese, for the build report

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PreparedImage:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def image_to_pdf(
    source: Path,
    out: Path,
    *,
    max_bytes: int = MAX_IMAGE_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> PreparedImage:
    """Write ``out``: one A4 page per image or TIFF frame of ``source``."""
    import img2pdf

    badinput.check_size(source, max_bytes, "图片文件")
    head = badinput.read_head(source)
    result = PreparedImage(0)
    with quiet.captured_warnings(), tempfile.TemporaryDirectory(prefix="archiver-img-") as tmp:
        if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
            sources = _heif_to_png(source, Path(tmp))
            result.notes.append("HEIC/HEIF 照片已转换为 JPEG 装入")
        else:
            sources = [source]
        pages: list[bytes] = []
        for path in sources:
            pages.extend(_pages(path, source, result, max_pixels, from_heif=path != source))
        layout = img2pdf.get_layout_fun(
            pagesize=A4,
            border=(MARGIN, MARGIN),
            fit=img2pdf.FitMode.into,
            auto_orient=True,  # a landscape photo gets a landscape page
        )
        try:
            data = img2pdf.convert(pages, layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
        except Exception as exc:  # img2pdf raises its own and Pillow's errors
            technical(exc, source)
            raise badinput.damaged(source, "图片", "图片数据无法写入 PDF") from exc
    part = out.with_name(f".{out.name}.part")
    part.write_bytes(data)
    part.replace(out)
    result.pages = len(pages)
    if result.downsampled:
        result.notes.append(
            f"{result.downsampled} 页图片分辨率高于 {MAX_DPI:.0f} dpi,已缩减到 {MAX_DPI:.0f} dpi"
        )
    return result


def _pages(
    path: Path, source: Path, result: PreparedImage, max_pixels: int, *, from_heif: bool
) -> Iterator[bytes]:
    """The image data img2pdf gets for each page of ``path``."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    guard = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels // 2  # Pillow refuses at twice this, warns above it
    try:
        img = Image.open(path)
    except UnidentifiedImageError as exc:
        found = badinput.describe_content(badinput.read_head(path))
        raise badinput.wrong_content(source, "图片", found or "无法识别的格式") from exc
    except Image.DecompressionBombError as exc:
        raise badinput.FileTooLargeError(
            f"{source.name}:图片像素过多(超过 {max_pixels / 1e6:.0f} 百万像素),无法装入。"
            "请原单位缩小图片尺寸后重新提供"
        ) from exc
    finally:
        Image.MAX_IMAGE_PIXELS = guard
    with img:
        fmt = img.format or ""
        frames = getattr(img, "n_frames", 1)
        if fmt == "MPO":
            frames = 1  # a phone JPEG whose extra frames are previews or other views
        elif frames > 1 and fmt != "TIFF":
            result.notes.append(f"{fmt} 图片有 {frames} 帧(动画),只装入第一帧")
            frames = 1
        try:
            if frames == 1:
                yield _page(img, path, fmt, result, from_heif=from_heif)
            else:
                for frame in ImageSequence.Iterator(img):
                    yield _page(frame, None, fmt, result, from_heif=from_heif)
        except (OSError, SyntaxError, ValueError) as exc:
            # Pillow: "image file is truncated", "broken data stream", bad tables …
            raise badinput.damaged(source, "图片", str(exc)[:200]) from exc


def _page(
    img: PILImage.Image, path: Path | None, fmt: str, result: PreparedImage, *, from_heif: bool
) -> bytes:
    from PIL import ImageOps

    orientation = 1 if from_heif else int(img.getexif().get(0x0112, 1) or 1)
    w, h = img.size
    dpi = effective_dpi(w, h, A4, MARGIN)
    if dpi <= MAX_DPI + 0.5 and path is not None and passthrough(img, fmt, orientation, path):
        if fmt in ("JPEG", "MPO"):
            img.draft(img.mode, (max(1, w // 8), max(1, h // 8)))  # a cheap full decode
        img.load()  # decodes every byte: a truncated file fails here, not in the PDF
        result.dpi.append(round(dpi, 1))
        return _raw(img, path, fmt)
    scale = MAX_DPI / dpi if dpi > MAX_DPI else 1.0
    if scale < 1.0 and fmt in ("JPEG", "MPO"):
        img.draft(img.mode, (int(w * scale) + 1, int(h * scale) + 1))  # DCT scaling: fast
    img.load()
    if not from_heif:
        img = ImageOps.exif_transpose(img)
    img = flatten_mode(img)
    if scale < 1.0:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = _resize(img, size)
        result.downsampled += 1
    result.dpi.append(round(effective_dpi(img.width, img.height, A4, MARGIN), 1))
    buf = io.BytesIO()
    if fmt in PHOTO_FORMATS or from_heif or img.mode == "CMYK":
        img.save(buf, "JPEG", quality=90)
    else:
        img.save(buf, "PNG")
    return buf.getvalue()


def _raw(img: PILImage.Image, path: Path, fmt: str) -> bytes:
    """The file's bytes; of an MPO only its first (main) JPEG, so img2pdf makes one page."""
    data = path.read_bytes()
    if fmt == "MPO":
        try:
            size = int(img.mpinfo[0xB002][0]["Size"])  # type: ignore[attr-defined]
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            return data
        if 0 < size < len(data):
            return _without_mpf(data[:size])
    return data


def _without_mpf(jpeg: bytes) -> bytes:
    """The JPEG without its APP2 "MPF" segment, which points at frames no longer there."""
    out, i = bytearray(jpeg[:2]), 2
    while i + 4 <= len(jpeg) and jpeg[i] == 0xFF:
        marker, length = jpeg[i + 1], int.from_bytes(jpeg[i + 2 : i + 4], "big")
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        segment = jpeg[i : i + 2 + length]
        if not (marker == 0xE2 and segment[4:8] == b"MPF\0"):
            out += segment
        i += 2 + length
    return bytes(out + jpeg[i:])


def _resize(img: PILImage.Image, size: tuple[int, int]) -> PILImage.Image:
    from PIL import Image

    if img.mode == "1":  # bilevel scans: resample in grey, then threshold (no dither noise)
        grey = img.convert("L").resize(size, Image.Resampling.LANCZOS)
        return grey.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
    if img.mode == "P":
        return img.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)  # ~2x faster, same look


def _heif_to_png(source: Path, tmp: Path) -> list[Path]:
    from archiver.engines.run import run
    from archiver.errors import ExternalProgramError, MissingProgramError

    target = tmp / "heif.png"
    try:
        run(["heif-convert", source, target], timeout=HEIF_TIMEOUT)
    except MissingProgramError as exc:
        raise badinput.UnsupportedImageError(
            f"{source.name}:这是 HEIC/HEIF 照片,本机没有安装解码程序 heif-convert。"
            "请运行 scripts/setup.sh 安装(Debian 软件包 libheif-examples),"
            "或请原单位把照片另存为 JPG 后重新提供"
        ) from exc
    except ExternalProgramError as exc:
        raise badinput.damaged(source, "HEIC 照片", exc.message[-200:]) from exc
    # one image gives heif.png; several (bursts, collections) give heif-1.png, heif-2.png …
    found = sorted(tmp.glob("heif*.png"), key=lambda p: (len(p.name), p.name))
    if not found:
        raise badinput.damaged(source, "HEIC 照片", "heif-convert 没有输出图片")
    return found

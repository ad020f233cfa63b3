"""Images to A4 PDF pages, on real files (tests/resources/images, see tests/resources/README.md).

Outputs are read back with poppler: ``pdfimages -list`` for the embedded pixels and their
resolution on the page, ``pdftoppm`` for what a reader sees.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest
from PIL import Image, ImageChops, ImageStat

from archiver.engines import badinput, images
from archiver.engines.images import image_to_pdf
from archiver.errors import MissingProgramError

IMAGES = Path(__file__).parent / "resources" / "images"


def embedded(pdf: Path) -> list[dict[str, str]]:
    """One row of ``pdfimages -list`` per image: width, height, x-ppi, color …"""
    out = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    head = out[0].split()
    return [dict(zip(head, line.split(), strict=False)) for line in out[2:]]


def render(pdf: Path, tmp_path: Path, page: int = 1, dpi: int = 30) -> Image.Image:
    prefix = tmp_path / f"r{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), pdf, prefix],
        check=True,
    )
    return Image.open(next(tmp_path.glob(f"r{page}*.png"))).convert("RGB")


def convert(name: str, tmp_path: Path) -> tuple[Path, images.PreparedImage]:
    out = tmp_path / f"{Path(name).stem}.pdf"
    return out, image_to_pdf(IMAGES / name, out)


def picture(page: Image.Image) -> Image.Image:
    """The non-white part of a rendered page."""
    box = ImageChops.difference(page, Image.new("RGB", page.size, "white")).getbbox()
    assert box is not None
    return page.crop(box)


def test_exif_orientation_is_honoured(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    rotated, _ = convert("pillow-hopper_orientation_6.jpg", tmp_path / "a")
    upright, _ = convert("pillow-hopper.jpg", tmp_path / "b")
    a = picture(render(rotated, tmp_path / "a"))
    b = picture(render(upright, tmp_path / "b")).resize(a.size)
    diff = ImageStat.Stat(ImageChops.difference(a, b)).mean
    assert max(diff) < 25  # the same picture, the same way up


def test_cmyk_jpeg_keeps_its_colours(tmp_path: Path) -> None:
    out, _ = convert("pillow-pil_sample_cmyk.jpg", tmp_path)
    assert embedded(out)[0]["color"] == "cmyk"  # embedded as it is, no conversion
    seen = picture(render(out, tmp_path, dpi=20))
    with Image.open(IMAGES / "pillow-pil_sample_cmyk.jpg") as src:
        expected = src.convert("RGB").resize(seen.size)
    diff = ImageStat.Stat(ImageChops.difference(seen, expected)).mean
    assert max(diff) < 40


@pytest.mark.parametrize(
    "name",
    [
        "pillow-transparent.png",
        "pillow-l_trns.png",
        "pillow-pil123p.png",
        "pillow-tiff_16bit_RGB.tiff",
    ],
)
def test_alpha_and_16_bit_become_plain_8_bit(tmp_path: Path, name: str) -> None:
    out, _ = convert(name, tmp_path)
    (row,) = embedded(out)
    assert row["bpc"] == "8" and row["type"] == "image"  # no soft mask, no 16 bpc
    with Image.open(IMAGES / name) as src:
        assert (int(row["width"]), int(row["height"])) == src.size  # never resampled up
        if "A" in src.mode or "transparency" in src.info:
            alpha = src.convert("RGBA").getchannel("A")
            seen = picture(render(out, tmp_path, dpi=20))
            # a fully transparent source pixel is white on paper
            x, y = next(
                (x, y)
                for y in range(src.height)
                for x in range(src.width)
                if alpha.getpixel((x, y)) == 0
            )
            px = seen.getpixel((x * seen.width // src.width, y * seen.height // src.height))
            assert isinstance(px, tuple) and min(px) > 200


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    out, _ = convert("pillow-16bit.cropped.tif", tmp_path)
    seen = picture(render(out, tmp_path, dpi=20)).convert("L")
    lo, hi = cast("tuple[int, int]", seen.getextrema())
    assert hi < 250 and hi > lo  # Pillow's own convert("L") would give solid white


def test_palette_and_grey_stay_compact(tmp_path: Path) -> None:
    with Image.open(IMAGES / "pillow-hopper.jpg") as src:
        src.quantize(64).save(tmp_path / "pal.png")  # a palette PNG without transparency
    image_to_pdf(tmp_path / "pal.png", tmp_path / "pal.pdf")
    assert embedded(tmp_path / "pal.pdf")[0]["color"] == "index"
    out, _ = convert("pillow-pil123p.png", tmp_path)  # palette with transparency: on white
    (row,) = embedded(out)
    assert row["type"] == "image" and row["color"] == "rgb"
    out, _ = convert("pillow-hopper_gray.jpg", tmp_path)
    assert embedded(out)[0]["color"] == "gray"


@pytest.mark.parametrize("name", ["pillow-multipage.tiff", "pillow-g4-multi.tiff"])
def test_one_page_per_tiff_frame(tmp_path: Path, name: str) -> None:
    with Image.open(IMAGES / name) as src:
        frames = getattr(src, "n_frames", 1)
    out, r = convert(name, tmp_path)
    assert frames > 1 and r.pages == frames and len(embedded(out)) == frames


def test_dense_scans_are_downsampled_to_300_dpi(tmp_path: Path) -> None:
    out, r = convert("pillow-g4-multi.tiff", tmp_path)  # A4 at 400 dpi, printed 190 mm wide
    rows = embedded(out)
    assert r.downsampled == 3
    assert all(float(row["x-ppi"]) <= 300.5 and float(row["x-ppi"]) > 280 for row in rows)
    assert {row["bpc"] for row in rows} == {"1"}  # still bilevel


def test_phone_photo_is_downsampled_and_small_ones_are_not(tmp_path: Path) -> None:
    with Image.open(IMAGES / "pillow-hopper.jpg") as src:
        big = src.resize((4032, 3024))  # a phone photo's pixel count, from a real photo
    photo = tmp_path / "photo.jpg"
    big.save(photo, quality=85)
    out = tmp_path / "photo.pdf"
    r = image_to_pdf(photo, out)
    (row,) = embedded(out)
    assert r.downsampled == 1 and 290 < float(row["x-ppi"]) <= 300.5
    assert int(row["width"]) < 4032
    small, _ = convert("pillow-hopper.jpg", tmp_path)
    assert embedded(small)[0]["width"] == "128"


@pytest.mark.skipif(shutil.which("heif-convert") is None, reason="needs libheif-examples")
def test_heic_photo(tmp_path: Path) -> None:
    out, r = convert("pillow-heif-zPug_3.heic", tmp_path)
    assert r.pages == 3 and len(embedded(out)) == 3  # the file holds three images
    seen = picture(render(out, tmp_path, dpi=20))
    assert ImageStat.Stat(seen).stddev[0] > 10  # a picture, not a blank


def test_heic_without_decoder_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(*args: object, **kwargs: object) -> None:
        raise MissingProgramError("找不到程序 heif-convert")

    monkeypatch.setattr("archiver.engines.run.run", missing)
    with pytest.raises(badinput.UnsupportedImageError, match=r"heif-convert.*JPG"):
        convert("pillow-heif-zPug_3.heic", tmp_path)


def test_truncated_jpeg_and_renamed_files(tmp_path: Path) -> None:
    data = (IMAGES / "pillow-hopper.jpg").read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(badinput.DamagedFileError, match=r"cut\.jpg.*损坏"):
        image_to_pdf(cut, tmp_path / "o.pdf")
    page = tmp_path / "page.jpg"
    page.write_text("<html><body>图片</body></html>")
    with pytest.raises(badinput.WrongContentError, match="网页"):
        image_to_pdf(page, tmp_path / "o.pdf")
    assert not (tmp_path / "o.pdf").exists()


def test_no_library_warning_reaches_the_terminal(tmp_path: Path) -> None:
    """Every resource image converted in a fresh interpreter: stderr must stay empty."""
    script = (
        "import sys, pathlib\n"
        "from archiver.engines.images import image_to_pdf\n"
        "for i, p in enumerate(sorted(pathlib.Path(sys.argv[1]).iterdir())):\n"
        "    image_to_pdf(p, pathlib.Path(sys.argv[2]) / f'{i}.pdf')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-c", script, str(IMAGES), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert len(list(tmp_path.glob("*.pdf"))) == len(list(IMAGES.iterdir()))


def test_result_reports_dpi_per_page(tmp_path: Path) -> None:
    _, r = convert("pillow-multipage.tiff", tmp_path)
    assert len(r.dpi) == r.pages and all(d > 0 for d in r.dpi)
    assert json.dumps(r.notes, ensure_ascii=False)


def test_phone_mpo_gives_one_page_of_its_main_jpeg(tmp_path: Path) -> None:
    out, r = convert("pillow-frozenpond.mpo", tmp_path)  # a two-frame MPO from a camera
    (row,) = embedded(out)
    assert r.pages == 1 and not r.notes
    assert row["enc"] == "jpeg" and (row["width"], row["height"]) == ("640", "480")
    assert (out.stat().st_size) < (IMAGES / "pillow-frozenpond.mpo").stat().st_size


def test_animated_png_first_frame_with_a_note(tmp_path: Path) -> None:
    out, r = convert("pillow-apng-mode_16bit.png", tmp_path)  # 16-bit RGBA, three frames
    (row,) = embedded(out)
    assert row["bpc"] == "8" and row["color"] == "rgb"
    assert any("第一帧" in n for n in r.notes)
    assert images.PreparedImage.from_json(json.loads(json.dumps(r.to_json()))) == r


def test_too_many_pixels_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(badinput.FileTooLargeError, match="像素过多"):
        image_to_pdf(IMAGES / "pillow-hopper.jpg", tmp_path / "o.pdf", max_pixels=8000)
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS > 8000  # restored

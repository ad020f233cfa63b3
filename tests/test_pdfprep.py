"""PDF preparation on real files (tests/resources/pdf, see tests/resources/README.md).

Assertions read the output back with poppler (pdfinfo, pdftotext, pdftoppm), pypdf and
pikepdf: page sizes as a reader sees them, extracted text, objects present in the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import cast

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from archiver.engines import badinput, paper
from archiver.engines.pdfprep import PreparedPdf, prepare_pdf, probe_pdf

PDFS = Path(__file__).parent / "resources" / "pdf"


def prep(name: str | Path, tmp_path: Path, **kw: bool) -> PreparedPdf:
    source = name if isinstance(name, Path) else PDFS / name
    return prepare_pdf(source, tmp_path / "out.pdf", **kw)


def shown_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Page sizes as the reader sees them (after /Rotate), from pdfinfo."""
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes, rots = [], []
    for line in out.splitlines():
        if line.startswith("Page") and " size:" in line:
            w, _, h = line.split(":", 1)[1].split()[:3]
            sizes.append((float(w), float(h)))
        elif line.startswith("Page") and " rot:" in line:
            rots.append(int(line.split(":", 1)[1]))
    return [(h, w) if r % 180 else (w, h) for (w, h), r in zip(sizes, rots, strict=True)]


def text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def is_a4(w: float, h: float) -> bool:
    return paper.is_size(w, h, paper.A4)


def test_a4_pdf_without_forms_is_used_as_it_is(tmp_path: Path) -> None:
    source = PDFS / "pikepdf-outlines.pdf"
    r = prep(source.name, tmp_path)
    assert not r.changed and r.path == source and r.pages == 2
    assert not (tmp_path / "out.pdf").exists()


def test_odd_sizes_go_onto_a4_in_their_own_orientation(tmp_path: Path) -> None:
    before = shown_sizes(PDFS / "pdfjs-sizes.pdf")
    r = prep("pdfjs-sizes.pdf", tmp_path)
    after = shown_sizes(r.path)
    assert r.resized == 3 and all(is_a4(w, h) for w, h in after)
    for (bw, bh), (aw, ah) in zip(before, after, strict=True):
        assert (bw > bh) == (aw > ah)
    assert "Envelope" in text(r.path)  # text stays text


def test_small_page_is_centred_not_enlarged(tmp_path: Path) -> None:
    def word_width(pdf: Path) -> float:
        out = subprocess.run(
            ["pdftotext", "-bbox", "-f", "2", "-l", "2", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(x for x in out.splitlines() if "Envelope" in x)
        attrs = dict(p.split("=") for p in line.split(">")[0].split()[1:])
        return float(attrs["xMax"].strip('"')) - float(attrs["xMin"].strip('"'))

    r = prep("pdfjs-sizes.pdf", tmp_path)
    assert word_width(r.path) == pytest.approx(word_width(PDFS / "pdfjs-sizes.pdf"), abs=0.1)


def _filled(tmp_path: Path, size: tuple[float, float], rotate: int) -> Path:
    """One page painted black all over: where white remains, our layout left space."""
    pdf = pikepdf.new()
    w, h = size
    page = pdf.add_blank_page(page_size=size)
    page.obj.Contents = pdf.make_stream(f"0 0 {w} {h} re f".encode())
    page.obj.Rotate = rotate
    path = tmp_path / f"filled-{rotate}.pdf"
    pdf.save(path)
    return path


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_page_number_corner_stays_clear(tmp_path: Path, rotate: int) -> None:
    source = _filled(tmp_path, (612, 792), rotate)  # US Letter
    r = prepare_pdf(source, tmp_path / "out.pdf")
    subprocess.run(["pdftoppm", "-r", "36", "-png", str(r.path), str(tmp_path / "p")], check=True)
    img = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    px_per_mm = 36 / 25.4
    # as the reader sees the page: the number sits 12 mm below the top, 15 mm from the right
    band = img.crop((img.width - int(40 * px_per_mm), 0, img.width, int(14 * px_per_mm)))
    assert cast("tuple[int, int]", band.getextrema())[0] > 200  # white where the number goes
    middle = img.getpixel((img.width // 2, img.height // 2))
    assert isinstance(middle, int) and middle < 50  # the content is still there


def test_rotated_pages_keep_rotation_and_text(tmp_path: Path) -> None:
    r = prep("pdfjs-hello-world-rotated.pdf", tmp_path)
    assert r.resized == 5
    assert all(is_a4(w, h) and w > h for w, h in shown_sizes(r.path))  # landscape as shown
    assert "Hello world" in text(r.path)


def test_a3_kept_when_asked(tmp_path: Path) -> None:
    source = _filled(tmp_path, paper.A3, 0)
    kept = prepare_pdf(source, tmp_path / "a.pdf", keep_a3=True)
    assert not kept.changed
    scaled = prepare_pdf(source, tmp_path / "b.pdf")
    assert is_a4(*shown_sizes(scaled.path)[0])


@pytest.mark.parametrize("name", ["pdfjs-xref-command-missing.pdf", "pdfjs-scan-bad.pdf"])
def test_broken_files_are_repaired(tmp_path: Path, name: str) -> None:
    digest = hashlib.sha256((PDFS / name).read_bytes()).hexdigest()
    r = prep(name, tmp_path)
    assert r.repaired and any("修复" in n for n in r.notes)
    check = subprocess.run(["pdfinfo", str(r.path)], capture_output=True, text=True)
    assert check.returncode == 0 and "Error" not in check.stderr
    assert hashlib.sha256((PDFS / name).read_bytes()).hexdigest() == digest  # input untouched


def test_junk_before_header_and_truncated_tail_are_repaired(tmp_path: Path) -> None:
    data = (PDFS / "pypdf-libreoffice-form.pdf").read_bytes()
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\r\n<<mail header junk>>\r\n" * 5 + data)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) - 600])  # xref table and trailer gone
    for source in (junk, cut):
        r = prepare_pdf(source, tmp_path / f"out-{source.name}")
        assert r.repaired and r.pages == 1
        assert "Example for a Form" in text(r.path)


def test_unreadable_pdf_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(badinput.DamagedFileError, match=r"ocrmypdf-invalid\.pdf.*损坏"):
        prep("ocrmypdf-invalid.pdf", tmp_path)


def test_open_password_and_owner_password(tmp_path: Path) -> None:
    with pytest.raises(badinput.PdfPasswordError, match="打开密码"):
        prep("pypdf-r4-user-password.pdf", tmp_path)
    r = prep("pypdf-r6-owner-password.pdf", tmp_path)
    assert r.decrypted and not PdfReader(str(r.path)).is_encrypted


@pytest.mark.parametrize("name", ["pypdf-libreoffice-form.pdf", "pdfjs-annotation-tx.pdf"])
def test_forms_are_printed_into_the_page(tmp_path: Path, name: str) -> None:
    r = prep(name, tmp_path)
    assert r.flattened >= 1
    with pikepdf.open(r.path) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert all("/Annots" not in page.obj for page in pdf.pages)
    before = PdfReader(str(PDFS / name)).pages[0].extract_text()
    after = PdfReader(str(r.path)).pages[0].extract_text()
    assert len(after) > len(before)  # field values are page text now
    if name.startswith("pypdf"):
        assert "Alice" in after and "Alice" not in before


@pytest.mark.parametrize("name", ["pdfjs-js-buttons.pdf", "pdfjs-evaljs.pdf"])
def test_no_javascript_reaches_the_output(tmp_path: Path, name: str) -> None:
    def has_script(pdf: pikepdf.Pdf) -> bool:
        return any(
            isinstance(obj, pikepdf.Dictionary) and ("/JS" in obj or "/AA" in obj)
            for obj in pdf.objects
        ) or "/JavaScript" in pdf.Root.get("/Names", {})

    with pikepdf.open(PDFS / name) as original:
        assert has_script(original)
    r = prep(name, tmp_path)
    with pikepdf.open(r.path) as out:
        assert not has_script(out)


def test_attachments_are_listed(tmp_path: Path) -> None:
    expected = [
        (n, len(d))
        for n, ds in PdfReader(str(PDFS / "pdfjs-attachment.pdf")).attachments.items()
        for d in ds
    ]
    r = prep("pdfjs-attachment.pdf", tmp_path)
    assert r.attachments == expected and expected
    assert any(expected[0][0] in n for n in r.notes)


def test_links_are_dropped(tmp_path: Path) -> None:
    r = prep("ocrmypdf-toc.pdf", tmp_path)
    assert r.dropped >= 1
    with pikepdf.open(r.path) as pdf:
        assert all("/Annots" not in page.obj for page in pdf.pages)


def test_all_blank_pdf_is_reported_but_bound(tmp_path: Path) -> None:
    r = prep("pdfjs-empty.pdf", tmp_path)
    assert r.all_blank and r.path.is_file() and any("空白" in n for n in r.notes)
    assert prep("pdfjs-sizes.pdf", tmp_path).blank_pages == 0


def test_zero_pages(tmp_path: Path) -> None:
    source = tmp_path / "none.pdf"
    pikepdf.new().save(source)
    with pytest.raises(badinput.EmptyPdfError, match="没有任何页面"):
        prepare_pdf(source, tmp_path / "out.pdf")


def test_renamed_zip_and_html(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    (tmp_path / "z.pdf").write_bytes(buf.getvalue())
    (tmp_path / "h.pdf").write_text("<!DOCTYPE html><html><body>登录</body></html>")
    with pytest.raises(badinput.WrongContentError, match="zip"):
        prepare_pdf(tmp_path / "z.pdf", tmp_path / "o.pdf")
    with pytest.raises(badinput.WrongContentError, match="网页"):
        prepare_pdf(tmp_path / "h.pdf", tmp_path / "o.pdf")


def test_huge_file_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: 2 GB long, no disk used
    with pytest.raises(badinput.FileTooLargeError, match=r"huge\.pdf.*上限"):
        prepare_pdf(huge, tmp_path / "out.pdf")


def test_repair_prints_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    prep("pdfjs-scan-bad.pdf", tmp_path)
    prep("pdfjs-js-buttons.pdf", tmp_path)
    with pytest.raises(badinput.DamagedFileError):
        prep("ocrmypdf-invalid.pdf", tmp_path)  # qpdf, then pypdf, both give up
    assert capfd.readouterr().err == ""


def test_cropped_a4_scan_is_shown_as_cropped(tmp_path: Path) -> None:
    """A CropBox smaller than the MediaBox is what readers see: that part goes on A4."""
    source = _filled(tmp_path, paper.A4, 0)
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.CropBox = pikepdf.Array([100, 100, 400, 500])
        pdf.save(source)
    r = prepare_pdf(source, tmp_path / "out.pdf")
    assert r.resized == 1 and is_a4(*shown_sizes(r.path)[0])
    with pikepdf.open(r.path) as pdf:
        assert "/CropBox" not in pdf.pages[0].obj


def test_result_survives_json(tmp_path: Path) -> None:
    r = prep("pdfjs-attachment.pdf", tmp_path)
    assert PreparedPdf.from_json(json.loads(json.dumps(r.to_json()))) == r


def test_probe_tells_the_scan_what_it_will_get(tmp_path: Path) -> None:
    assert probe_pdf(PDFS / "pypdf-r4-user-password.pdf").encryption == "open"
    owner = probe_pdf(PDFS / "pypdf-r6-owner-password.pdf")
    assert owner.encryption == "owner" and owner.pages == 1
    broken = probe_pdf(PDFS / "pdfjs-xref-command-missing.pdf")
    assert broken.needs_repair and broken.pages == 1
    assert not probe_pdf(PDFS / "pikepdf-outlines.pdf").needs_repair
    with pytest.raises(badinput.DamagedFileError):
        probe_pdf(PDFS / "ocrmypdf-invalid.pdf")


def test_zip_holding_a_pdf_is_still_a_zip(tmp_path: Path) -> None:
    source = tmp_path / "材料.pdf"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_STORED) as z:  # the PDF stored verbatim
        z.write(PDFS / "pikepdf-outlines.pdf", "inner.pdf")
    with pytest.raises(badinput.WrongContentError, match="zip"):
        prepare_pdf(source, tmp_path / "out.pdf")
    photo = tmp_path / "扫描.pdf"
    shutil.copyfile(Path(__file__).parent / "resources" / "images" / "pillow-hopper.jpg", photo)
    with pytest.raises(badinput.WrongContentError, match="JPEG"):
        prepare_pdf(photo, tmp_path / "out.pdf")


def test_a_cut_off_copy_whose_recovered_pages_are_blank_is_refused(tmp_path: Path) -> None:
    from archiver.engines.pdfprep import probe_pdf

    data = (PDFS / "pdfjs-xref-command-missing.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    probe = probe_pdf(cut)
    assert probe.needs_repair and probe.empty_after_repair
    whole = probe_pdf(PDFS / "pdfjs-xref-command-missing.pdf")
    assert not whole.empty_after_repair

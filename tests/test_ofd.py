"""The OFD renderer on real OFD files from nine producers, and on broken or hostile ones.

Expected values come from the files themselves (their PhysicalBox, their TextCode, the
StampAnnot boxes of their signatures), never from the renderer. Real files are rendered
in-process once per module to keep this fast; the child-process path is tested separately.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from archiver.engines.ofd import OfdError, convert_ofd, ofd_page_count
from archiver.engines.ofd.render import render
from archiver.errors import InputFileError, ProgramTimeoutError
from tests import ofd_samples as s

OFD = Path(__file__).parent / "resources" / "ofd"
MM = 72 / 25.4

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")

# file, pages, first page size in mm, page (0-based) and text that must be extractable
CASES = [
    ("999.ofd", 5, (210, 140), 0, "财天下科技有限公司"),  # Huhuang invoice, templates
    ("keyword2.ofd", 1, (210, 140), 0, "上海后衍品牌管理有限公司钟楼分公司"),  # JBIG2 image
    ("20240531141733.ofd", 1, (210, 140), 0, "电子发票"),  # Suwell 数电发票, clips
    ("SignScaleError.ofd", 1, (210, 140), 0, "江苏中电创新环境科技有限公司"),  # nuonuo
    ("n.ofd", 2, (210, 297), 0, "关于同意张阿三同志辞职的批复"),  # iOFD 公文, 2 pages
    ("signout.ofd", 1, (210.0121, 297.0071), 0, "市政府文件处理"),  # composite objects
    ("testPathFillOpacity.ofd", 1, (210, 297), 0, "关于加快南货场铁路涵洞下穿建设的函"),
    ("z.ofd", 4, (210, 297), 0, "字型变换"),  # suwell, embedded fonts, CGTransform
    ("path_unstd.ofd", 2, (209.95639, 297.027588), 0, "立案决定书"),  # SurRead
    ("multiKeywordInTextCode.ofd", 1, (210, 297), 0, "打发打发"),  # WPS
    ("V4RideRight.ofd", 5, (210, 297), 0, None),  # riding seal only
    ("v4signed.ofd", 1, (210, 140), 0, "科游迈利有限公司"),  # PNG seal, "TPLS/" path
    ("AddWatermarkAnnot.ofd", 6, (210, 297), 0, "拿来主义"),  # watermark annotations
    ("SESV4SignDoc.ofd", 1, (210, 297), 0, "你好呀"),  # SES V4 seal
    ("keyword.ofd", 1, (283, 196), 0, "不动产"),  # rotated CTM, embedded font, clips
    ("hello_watermark.ofd", 1, (210, 297), 0, "你好呀"),  # rotated watermark annotation
    ("draw_param_ref.ofd", 5, (210, 140), 0, "北京市海淀区北清路81号"),  # DrawParam refs
]

# file, page (0-based), seal box in mm (x, y, w, h) as the signature's StampAnnot gives it
SEALS = [
    ("999.ofd", 0, (90, 8, 30, 20)),
    ("keyword2.ofd", 0, (90, 8, 30, 20)),
    ("SignScaleError.ofd", 0, (87, 4, 34, 26)),
    ("n.ofd", 1, (122.94, 37, 33, 33)),
    ("v4signed.ofd", 0, (90, 8, 30, 20)),
    ("SESV4SignDoc.ofd", 0, (50, 50, 40, 40)),
    ("keyword.ofd", 0, (90, 110, 42, 42)),
    ("V4RideRight.ofd", 0, (202, 40, 8, 40)),  # the slice of the riding seal on page 1
    ("V4RideRight.ofd", 1, (202, 40, 8, 40)),  # page 2 shows the next slice, same place
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    out = tmp_path_factory.mktemp("ofd")
    result = {}
    for name, *_ in CASES:
        pdf = out / (name + ".pdf")
        _, warnings = render(OFD / name, pdf)
        result[name] = (pdf, warnings)
    return result


def _text(pdf: Path, page: int) -> str:
    args = ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), str(pdf), "-"]
    out = subprocess.run(args, capture_output=True, check=True, timeout=60).stdout
    return re.sub(r"\s+", "", out.decode("utf-8"))


def _raster(pdf: Path, page: int, tmp: Path, dpi: int = 40) -> Image.Image:
    prefix = tmp / f"{pdf.stem}-{page}"
    args = ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page + 1), "-l", str(page + 1)]
    subprocess.run([*args, "-singlefile", str(pdf), str(prefix)], check=True, timeout=60)
    return Image.open(f"{prefix}.png").convert("RGB")


def _share(img: Image.Image, box: tuple[float, float, float, float], dpi: int, test: str) -> float:
    x, y, w, h = (v * dpi / 25.4 for v in box)
    crop = img.crop((int(x), int(y), int(x + w), int(y + h)))
    colors: list[tuple[int, tuple[int, int, int]]] = crop.getcolors(maxcolors=1 << 24) or []  # type: ignore[assignment]
    total = sum(count for count, _ in colors)
    if test == "red":  # seal red, not the brown-red (156 82 35) of invoice forms
        hits = sum(n for n, p in colors if p[0] > 180 and p[1] < 110 and p[2] < 110)
    elif test == "black":  # text, not seal red
        hits = sum(n for n, p in colors if max(p) < 110)
    else:
        hits = sum(n for n, p in colors if sum(p) < 300)
    return hits / max(total, 1)


@pytest.mark.parametrize(("name", "pages", "size", "page", "text"), CASES)
def test_real_file_pages_size_and_text(
    rendered: dict[str, tuple[Path, list[str]]],
    name: str, pages: int, size: tuple[float, float], page: int, text: str | None,
) -> None:  # fmt: skip
    pdf, _ = rendered[name]
    reader = PdfReader(pdf)
    assert len(reader.pages) == pages
    assert ofd_page_count(OFD / name) == pages
    box = reader.pages[0].mediabox
    assert float(box.width) / MM == pytest.approx(size[0], abs=0.05)
    assert float(box.height) / MM == pytest.approx(size[1], abs=0.05)
    if text is not None:
        assert text in _text(pdf, page)


@pytest.mark.parametrize(("name", "page", "box"), SEALS)
def test_seal_drawn_at_its_box(
    rendered: dict[str, tuple[Path, list[str]]], tmp_path: Path,
    name: str, page: int, box: tuple[float, float, float, float],
) -> None:  # fmt: skip
    img = _raster(rendered[name][0], page, tmp_path)
    assert _share(img, box, 40, "red") > 0.04


def test_seal_not_drawn_on_other_pages(
    rendered: dict[str, tuple[Path, list[str]]], tmp_path: Path
) -> None:
    # 999.ofd's seal is on page 1 only: page 2 has the same form but no seal
    img = _raster(rendered["999.ofd"][0], 1, tmp_path)
    assert _share(img, (90, 8, 30, 20), 40, "red") < 0.01


def test_composite_objects_in_stamp_annotations_are_drawn(
    rendered: dict[str, tuple[Path, list[str]]], tmp_path: Path
) -> None:
    # signout.ofd's handwritten notes are CompositeObjects inside Stamp annotations
    annots = zipfile.ZipFile(OFD / "signout.ofd").read("Doc_0/Annots/Page_0/Annotation.xml")
    boxes = re.findall(rb'Appearance Boundary="([^"]+)"', annots)
    x, y, w, h = (float(v) for v in boxes[1].split())
    img = _raster(rendered["signout.ofd"][0], 0, tmp_path, dpi=72)
    assert _share(img, (x, y, w, h), 72, "dark") > 0.01


def test_embedded_fonts_drawn_as_outlines_with_invisible_text(
    rendered: dict[str, tuple[Path, list[str]]],
) -> None:
    pdf, _warnings = rendered["z.ofd"]
    content = PdfReader(pdf).pages[0].get_contents()
    assert content is not None
    assert b"3 Tr" in content.get_data()  # the searchable layer over glyph outlines
    assert "1、一对一" in _text(pdf, 0)


def test_ligature_clusters_and_pretty_printed_text_codes(
    rendered: dict[str, tuple[Path, list[str]]],
) -> None:
    # z.ofd page 2: the same sentence twice, the second with "fi" drawn by one glyph
    # (CGTransform CodeCount=2 GlyphCount=1, DeltaX counting glyphs, not characters), both
    # TextCodes starting with a line break that is layout, not text
    text = _text(rendered["z.ofd"][0], 1)
    assert text.count("Heaffixedhisfinesign.") == 2


def test_substituted_fonts_are_reported(rendered: dict[str, tuple[Path, list[str]]]) -> None:
    _, warnings = rendered["999.ofd"]
    assert any("宋体" in w and "代替" in w for w in warnings)


def test_watermark_annotation_drawn(rendered: dict[str, tuple[Path, list[str]]]) -> None:
    # hello_watermark.ofd: a Watermark annotation of 81 rotated "保密资料" TextObjects; each
    # starts with 保 at its CTM applied to TextCode (10, 10); those landing on the page count
    annot = zipfile.ZipFile(OFD / "hello_watermark.ofd").read("Doc_0/Annots/Page_0/Annot_0.xml")
    ctms = [[float(v) for v in m.split()] for m in re.findall(r'CTM="([^"]+)"', annot.decode())]
    on_page = 0
    for a, b, c, d, e, f in ctms:
        x, y = a * 10 + c * 10 + e, b * 10 + d * 10 + f
        on_page += 0 <= x < 210 and 0 <= y < 297
    assert 10 < on_page < len(ctms)
    assert _text(rendered["hello_watermark.ofd"][0], 0).count("保") == on_page


def test_same_ofd_gives_same_pdf_bytes(tmp_path: Path) -> None:
    # builds are reproducible: no timestamps or random ids in the rendered PDF
    render(OFD / "n.ofd", tmp_path / "a.pdf")
    render(OFD / "n.ofd", tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_white_seal_background_does_not_hide_the_page(
    rendered: dict[str, tuple[Path, list[str]]], tmp_path: Path
) -> None:
    # keyword.ofd's seal is an opaque RGB picture on white, stamped over "登记机构(章)"
    # and the date: the black text must still show through inside the seal box
    img = _raster(rendered["keyword.ofd"][0], 0, tmp_path, dpi=100)
    assert _share(img, (90, 110, 42, 42), 100, "black") > 0.002


def test_convert_in_child_process(tmp_path: Path) -> None:
    out = tmp_path / "999.pdf"
    result = convert_ofd(OFD / "999.ofd", out, timeout=120)
    assert result.pages == 5 == len(PdfReader(out).pages)
    assert any("楷体" in w for w in result.warnings)
    assert list(tmp_path.iterdir()) == [out]  # no partial output left behind


def _write(tmp_path: Path, data: bytes, name: str = "坏文件.ofd") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _fails(path: Path, tmp_path: Path, *words: str) -> None:
    with pytest.raises(OfdError) as info:
        render(path, tmp_path / "out.pdf")
    for word in words:
        assert word in info.value.message
    assert "另存为 PDF" in info.value.message
    assert not (tmp_path / "out.pdf").exists()


def test_truncated_zip(tmp_path: Path) -> None:
    data = (OFD / "999.ofd").read_bytes()
    path = _write(tmp_path, data[: len(data) // 2])
    _fails(path, tmp_path, "损坏")
    with pytest.raises(OfdError) as info:
        ofd_page_count(path)
    assert path.name in info.value.message
    assert isinstance(info.value, InputFileError)


def test_zip_bomb(tmp_path: Path) -> None:
    bomb = s.build(extra_files={"Doc_0/Res/bomb.png": b"\0" * (20 * 1024 * 1024)})
    page = s.page_xml(
        '<ofd:ImageObject ID="9" ResourceID="7" Boundary="0 0 10 10" CTM="10 0 0 10 0 0"/>'
    )
    res = (
        b'<ofd:MultiMedia ID="7" Type="Image">'
        b"<ofd:MediaFile>bomb.png</ofd:MediaFile></ofd:MultiMedia>"
    )
    with zipfile.ZipFile(_write(tmp_path, bomb, "b.ofd")) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["Doc_0/PublicRes.xml"] = files["Doc_0/PublicRes.xml"].replace(
        b"</ofd:Res>", b"<ofd:MultiMedias>" + res + b"</ofd:MultiMedias></ofd:Res>"
    )
    files["Doc_0/Pages/Page_0/Content.xml"] = page
    path = tmp_path / "炸弹.ofd"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files.items():
            z.writestr(n, d)
    _fails(path, tmp_path, "压缩炸弹")


def test_missing_page_and_missing_font_file(tmp_path: Path) -> None:
    _fails(_write(tmp_path, s.build(page_count=3)), tmp_path, "Page_1", "不存在")
    font = '<ofd:Font ID="3" FontName="X"><ofd:FontFile>gone.ttf</ofd:FontFile></ofd:Font>'
    _fails(_write(tmp_path, s.build(fonts=font), "f.ofd"), tmp_path, "gone.ttf", "不存在")


def test_template_recursion(tmp_path: Path) -> None:
    loop = s.page_xml(s.text_object("模板"), extra='<ofd:Template TemplateID="7"/>')
    page = s.page_xml(s.text_object("正文"), extra='<ofd:Template TemplateID="7"/>')
    _fails(_write(tmp_path, s.build([page], templates={"7": loop})), tmp_path, "循环")


def test_nested_ofd_seal_that_nests_again(tmp_path: Path) -> None:
    inner = s.build()
    for _ in range(4):  # a seal whose picture is an OFD whose seal is an OFD …
        inner = s.build(seal=s.der_octets(inner))
    _fails(_write(tmp_path, inner), tmp_path, "嵌套")


def test_nested_ofd_seal_drawn(tmp_path: Path) -> None:
    seal_page = s.page_xml(s.text_object("印章文字", color="#ee #20 #25"))
    path = _write(tmp_path, s.build(seal=s.der_octets(s.build([seal_page]))))
    pages, _ = render(path, tmp_path / "out.pdf")
    assert pages == 1
    assert "印章文字" in _text(tmp_path / "out.pdf", 0)


@pytest.mark.parametrize(("flag", "black_at_40mm"), [("false", False), ("true", True)])
def test_clip_trans_flag(tmp_path: Path, flag: str, black_at_40mm: bool) -> None:
    # a 100 mm black square (50 mm path, CTM ×2) clipped to a 25 mm square; TransFlag="true"
    # scales the clip by the CTM too, so the point (40 mm, 40 mm) is black only then
    clip = (
        f'<ofd:Clips TransFlag="{flag}"><ofd:Clip><ofd:Area><ofd:Path Boundary="0 0 25 25">'
        "<ofd:AbbreviatedData>M 0 0 L 25 0 L 25 25 L 0 25 C</ofd:AbbreviatedData>"
        "</ofd:Path></ofd:Area></ofd:Clip></ofd:Clips>"
    )
    square = (
        '<ofd:PathObject ID="9" Boundary="0 0 100 100" CTM="2 0 0 2 0 0" Fill="true" '
        f'Stroke="false"><ofd:FillColor Value="0 0 0"/>{clip}'
        "<ofd:AbbreviatedData>M 0 0 L 50 0 L 50 50 L 0 50 C</ofd:AbbreviatedData>"
        "</ofd:PathObject>"
    )
    path = _write(tmp_path, s.build([s.page_xml(square)]))
    render(path, tmp_path / "out.pdf")
    img = _raster(tmp_path / "out.pdf", 0, tmp_path)
    assert (_share(img, (38, 38, 4, 4), 40, "black") > 0.5) is black_at_40mm
    assert _share(img, (10, 10, 4, 4), 40, "black") > 0.5


def test_gif_seal_picture(tmp_path: Path) -> None:
    # seals may carry a GIF (a red ring on white here); it lands in the StampAnnot box
    # (100, 100, 40, 40) with its white made transparent
    gif = Image.new("RGB", (80, 80), "white")
    ImageDraw.Draw(gif).ellipse((4, 4, 76, 76), outline=(230, 0, 0), width=8)
    buf = io.BytesIO()
    gif.save(buf, "GIF")
    path = _write(tmp_path, s.build(seal=s.der_octets(buf.getvalue())))
    render(path, tmp_path / "out.pdf")
    img = _raster(tmp_path / "out.pdf", 0, tmp_path)
    assert _share(img, (100, 100, 40, 40), 40, "red") > 0.1
    assert _share(img, (60, 100, 40, 40), 40, "red") == 0


def test_ten_thousand_pages(tmp_path: Path) -> None:
    path = _write(tmp_path, s.build(page_count=10_000))
    with pytest.raises(OfdError, match="10000 页"):
        ofd_page_count(path)
    _fails(path, tmp_path, "上限")


def test_work_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a page with millions of glyphs or path segments stops at the budget, not at the timeout
    monkeypatch.setattr("archiver.engines.ofd.context.MAX_OBJECTS", 500)
    _fails(OFD / "999.ofd", tmp_path, "图形对象超过 500 个")


def test_unknown_namespace(tmp_path: Path) -> None:
    path = _write(tmp_path, s.build(ns="http://example.com/invented"))
    _fails(path, tmp_path, "命名空间")


def test_known_quirks_gb18030_and_namespace_without_year(tmp_path: Path) -> None:
    page = s.page_xml(
        s.text_object("国标编码文字"), ns="http://www.ofdspec.org", encoding="GB18030"
    )
    path = _write(tmp_path, s.build([page], ns="http://www.ofdspec.org"))
    render(path, tmp_path / "out.pdf")
    assert "国标编码文字" in _text(tmp_path / "out.pdf", 0)


def test_child_failure_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, s.build(page_count=2))
    with pytest.raises(OfdError) as info:
        convert_ofd(path, tmp_path / "out.pdf", timeout=60)
    assert info.value.message.startswith(path.name)
    assert not (tmp_path / "out.pdf").exists()


def test_timeout_becomes_ofd_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(*args: object, **kwargs: object) -> None:
        raise ProgramTimeoutError("python 运行超过 1 秒仍未结束,已终止")

    monkeypatch.setattr("archiver.engines.run.run", hang)
    with pytest.raises(OfdError, match="超过 1 秒"):
        convert_ofd(OFD / "999.ofd", tmp_path / "out.pdf", timeout=1)

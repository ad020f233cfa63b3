"""The bench's workspaces: the shipped demo, and a generated bureau-like mix (not a test).

``generate(ws, files)`` makes, deterministically (seeded), a workspace with the mix a bureau's
archive has: 60% office files of 1–3 pages (mostly .docx, some .xlsx and .doc), 25% PDFs
(mostly 1–10 pages, a few of 20–56), 15% photos and scans. ``build_inputs(ws)`` lists what a
build of a workspace converts (as the build plans it), for the engine floor.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SEED = 1000
FIXED = dt.datetime(2021, 4, 1, 9, 0, tzinfo=dt.timezone.utc)
OFFICE_KINDS = ("docx", "doc", "wps", "xlsx", "xls", "et", "rtf", "odt", "ods", "pptx", "ppt")
IMAGE_KINDS = ("jpg", "png", "tif", "bmp", "gif", "webp", "heic")

PHRASES = [
    "我局认真贯彻落实法治政府建设实施纲要,",
    "严格执行重大行政决策程序,",
    "全面推行行政执法公示制度,",
    "建立健全规范性文件合法性审核机制,",
    "持续深化放管服改革,",
    "进一步优化法治化营商环境,",
    "全年办理行政复议案件若干件,",
    "组织开展法治专题培训,",
    "不断提升干部职工依法行政能力。",
]


@dataclass
class Inputs:
    """The files of a workspace by what converts them (one path per distinct content)."""

    office: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    image: list[Path] = field(default_factory=list)
    other: list[Path] = field(default_factory=list)  # OFD …: not in the floor
    pdf_volume: list[int] = field(default_factory=list)  # the volume of each PDF, in order

    @property
    def count(self) -> int:
        return len(self.office) + len(self.pdf) + len(self.image) + len(self.other)

    def describe(self) -> str:
        suffixes: dict[str, int] = {}
        for p in self.office:
            suffixes[p.suffix.lower()] = suffixes.get(p.suffix.lower(), 0) + 1
        kinds = ", ".join(f"{n} {s}" for s, n in sorted(suffixes.items()))
        text = f"{len(self.office)} office ({kinds}), {len(self.pdf)} PDF, {len(self.image)} images"
        return text + (f", {len(self.other)} other" if self.other else "")


def text(rng: random.Random, chars: int) -> list[str]:
    out: list[str] = []
    para = ""
    while sum(len(p) for p in out) + len(para) < chars:
        para += rng.choice(PHRASES)
        if len(para) > 180:
            out.append(para)
            para = ""
    return [*out, para] if para else out


def make_docx(path: Path, rng: random.Random, pages: int) -> None:
    """A notice or 情况说明 as offices write them (GB/T 9704: 仿宋 三号, about 600 字 a page)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from archiver.export import gbstyle as g
    from archiver.fsutil import reproducible_zip

    doc = Document()
    g.set_style_font(doc.styles["Normal"], g.FANGSONG, g.SIZE_3)
    g.set_document_language(doc)
    g.page_setup(doc.sections[0])
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    g.set_run_font(head.add_run(f"工作情况说明 {path.stem}"), g.XIAOBIAOSONG, g.SIZE_2)
    for p in text(rng, pages * 560 - 200):
        doc.add_paragraph(p).paragraph_format.first_line_indent = Pt(32)
    doc.core_properties.created = doc.core_properties.modified = FIXED
    doc.save(str(path))
    reproducible_zip(path)


def change_docx(path: Path) -> None:
    """What a user does: open the .docx, add a sentence, save."""
    from docx import Document

    doc = Document(str(path))
    doc.add_paragraph("(补充)我局于本月再次组织开展了专项自查。")
    doc.save(str(path))


def make_xlsx(path: Path, rng: random.Random) -> None:
    from openpyxl import Workbook

    from archiver.fsutil import reproducible_zip

    wb = Workbook()
    ws = wb.active
    for i in range(rng.randint(20, 80)):
        ws.append([i, rng.choice(PHRASES), rng.randint(1, 100)])
    wb.properties.created = wb.properties.modified = FIXED.replace(tzinfo=None)
    wb.save(str(path))
    reproducible_zip(path, core_date="2021-04-01T09:00:00Z")


def make_scan(path: Path, rng: random.Random) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("L", (1240, 1754), 245)
    draw = ImageDraw.Draw(img)
    for y in range(150, 1650, 42):
        x = 120
        while x < 1100:
            w = rng.randint(20, 120)
            draw.rectangle([x, y, x + w, y + 18], fill=rng.randint(30, 90))
            x += w + rng.randint(8, 30)
    img.save(path, "JPEG", quality=70)


def make_photo(path: Path, rng: random.Random) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1600, 1200), (rng.randint(90, 200), 150, 120))
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rng.randint(0, 1500), rng.randint(0, 1100)
        colour = (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        draw.ellipse([x, y, x + rng.randint(20, 300), y + rng.randint(20, 300)], fill=colour)
    img.save(path, "JPEG", quality=85)


def base_pdfs(work: Path, rng: random.Random) -> list[Path]:
    """A few long PDFs made by LibreOffice; bench PDFs are page ranges of them."""
    from archiver.engines import libreoffice

    sources = []
    for i in range(4):
        src = work / f"base{i}.docx"
        make_docx(src, rng, 58)  # ≥ 56 pages
        sources.append(src)
    results = libreoffice.convert_batch(sources, work / "base", timeout=600)
    return [r.pdf for r in results if r.pdf is not None]


def make_pdf(path: Path, base: Path, pages: int, tag: int) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    reader = PdfReader(str(base))
    start = tag % max(1, len(reader.pages) - pages)
    writer.append(reader, pages=list(range(start, min(start + pages, len(reader.pages)))))
    writer.add_metadata({"/Subject": f"bench {tag}"})
    with path.open("wb") as fh:
        writer.write(fh)


def _folders(ws: Path, org: str) -> list[Path]:
    from archiver.manifest.loader import load_manifest
    from archiver.workspace.init import init_workspace
    from archiver.workspace.layout import plan_layout

    report = init_workspace(ws, manifest="demonstration", level="municipal", org=org)
    manifest = load_manifest(report.config.manifest_path).manifest
    layout = plan_layout(manifest, "municipal")
    folders = [
        ws / report.config.drop_folder / f.rel
        for f in layout.folders
        if f.collects is not None and not f.pointer
    ]
    for f in folders:  # the templates would be reported and skipped: start from real files
        (f / "情况说明.docx").unlink(missing_ok=True)
    return folders


def generate(ws: Path, files: int, seed: int = SEED) -> None:
    """A workspace of ``files`` files in the bureau mix (same seed, same files)."""
    folders = _folders(ws, "基准测试局")
    rng = random.Random(seed)
    n_office, n_pdf = round(files * 0.60), round(files * 0.25)
    kinds = ["office"] * n_office + ["pdf"] * n_pdf + ["image"] * (files - n_office - n_pdf)
    rng.shuffle(kinds)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bases = base_pdfs(work, rng)
        to_doc: list[tuple[Path, Path]] = []  # (docx made in tmp, .doc it becomes)
        for i, kind in enumerate(kinds):
            folder = folders[i % len(folders)]
            roll = rng.random()
            if kind == "office":
                pages = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
                if roll < 0.10:
                    make_xlsx(folder / f"台账{i:05d}.xlsx", rng)
                elif roll < 0.15:
                    src = work / f"d{i:05d}.docx"
                    make_docx(src, rng, pages)
                    to_doc.append((src, folder / f"通知{i:05d}.doc"))
                else:
                    make_docx(folder / f"说明{i:05d}.docx", rng, pages)
            elif kind == "pdf":
                pages = rng.randint(1, 10) if roll < 0.88 else rng.randint(20, 56)
                path = folder / f"{2017 + i % 4}-{i % 12 + 1:02d} 文件{i:05d}.pdf"
                make_pdf(path, bases[i % len(bases)], pages, i)
            elif roll < 0.65:
                make_scan(folder / f"扫描件{i:05d}.jpg", rng)
            else:
                make_photo(folder / f"现场照片{i:05d}.jpg", rng)
        _as_doc(to_doc, work / "doc")


def _as_doc(jobs: list[tuple[Path, Path]], outdir: Path) -> None:
    """Word 97–2003 files, written by LibreOffice in one batch (with its own profile)."""
    from archiver.engines.libreoffice import find_soffice

    if not jobs:
        return
    profile = outdir / "profile"
    options = ["--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]
    subprocess.run(
        [str(find_soffice()), *options, "--convert-to", "doc", "--outdir", str(outdir)]
        + [str(s) for s, _ in jobs],
        check=True,
        capture_output=True,
        timeout=600,
    )
    for src, target in jobs:
        out = outdir / f"{src.stem}.doc"
        if not out.is_file() or out.stat().st_size == 0:
            raise SystemExit(f"LibreOffice did not write {target.name}")
        shutil.copyfile(out, target)


def make_demo(ws: Path) -> None:
    from archiver.demo import create_demo

    create_demo(ws)


def build_inputs(ws: Path) -> Inputs:
    """What a build of ``ws`` converts: each distinct file its plan binds, by kind."""
    from archiver.binding.plan import plan_build
    from archiver.pipeline import check_workspace

    plan = plan_build(check_workspace(ws))
    seen: set[str] = set()
    inputs = Inputs()
    docs = [(n, d) for n, v in enumerate(plan.volumes) for s in v.sections for d in s.docs]
    for volume, doc in docs:
        src = doc.source
        if doc.kind != "file" or src is None or src.facts is None:
            continue
        if src.facts.sha256 in seen:
            continue
        seen.add(src.facts.sha256)
        kind = src.facts.kind
        if kind in OFFICE_KINDS or kind == "txt":
            inputs.office.append(src.path)
        elif kind in IMAGE_KINDS:
            inputs.image.append(src.path)
        elif kind == "pdf":
            inputs.pdf.append(src.path)
            inputs.pdf_volume.append(volume)
        else:
            inputs.other.append(src.path)
    return inputs


def add_mid_volume(inputs: Inputs) -> Path:
    """A new PDF filed next to the middle PDF of the volume with the most PDFs.

    It is a readable copy of another PDF with a byte added (new content, same pages).
    """
    from pypdf import PdfReader

    def readable(p: Path) -> bool:
        try:
            return len(PdfReader(str(p)).pages) > 0
        except Exception:
            return False

    source = next(p for p in inputs.pdf if readable(p))
    counts: dict[int, int] = {}
    for v in inputs.pdf_volume:
        counts[v] = counts.get(v, 0) + 1
    busiest = max(counts, key=lambda v: counts[v])
    in_volume = [p for p, v in zip(inputs.pdf, inputs.pdf_volume, strict=True) if v == busiest]
    target = in_volume[len(in_volume) // 2].parent / "2021-01 补充文件.pdf"
    shutil.copyfile(source, target)
    with target.open("ab") as fh:
        fh.write(b"\n% added\n")
    return target


def docx_to_change(inputs: Inputs) -> Path:
    docx = [p for p in inputs.office if p.suffix.lower() == ".docx" and p.stat().st_size > 0]
    return docx[len(docx) // 2]

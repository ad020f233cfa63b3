"""Benchmark archiver at real scale and write docs/performance.md (not a test).

Usage: .venv/bin/python bench/build_bench.py [--files 1000] [--dir /tmp/archiver-bench]
                                             [--check-files 10000] [--no-write]

Generates, deterministically, a workspace like a real archive: 40% office documents
(.docx of 1–5 pages of Chinese text, some .xlsx), 40% PDFs (1–50 pages, ~45 on average),
20% photos and scans; about 20,000 pages for 1,000 files. Then measures, each as a fresh
process with its wall time and peak memory:

- ``check`` cold and warm, and at ``--check-files`` (10,000) files;
- ``build`` cold (empty cache), warm (nothing changed), after one .docx changed, after one
  file added in the middle of a volume;
- the engine floor on the same files: LibreOffice converting the office files in two
  parallel batch processes (own profiles), img2pdf converting the images, pypdf merging
  the PDFs (``PdfWriter.append`` with an outline entry each).

Peak memory is read from /proc (Linux): the archiver process's own high-water mark, and
the largest of its child processes (LibreOffice) separately.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARCHIVER = [sys.executable, "-m", "archiver"]
SEED = 1000

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


OUTPUT_SIZE_NOTE = """## Where the output size goes

The volumes are larger than their converted inputs by archiver's own pages: every part (册)
carries a cover, a 卷内目录 and a 卷内备考表 (rendered together by LibreOffice, so they share
one subset of each Chinese font), and shared or missing materials get a one-page pointer or
placeholder. With the default cap of 300 pages a part, ~19,000 pages make 82 parts, so these
pages come to a few MiB (the row above). The documents themselves are not duplicated: no font
or stamp is copied per page (the stamp font is one object per part, the number a ~80-byte
stream). A larger `build.page_cap` means fewer parts and less overhead."""


@dataclass
class Measure:
    name: str
    seconds: float
    own_mib: float
    child_mib: float


def text(rng: random.Random, chars: int) -> list[str]:
    out, para = [], ""
    while sum(len(p) for p in out) + len(para) < chars:
        para += rng.choice(PHRASES)
        if len(para) > 180:
            out.append(para)
            para = ""
    return [*out, para] if para else out


def make_docx(path: Path, rng: random.Random, pages: int) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading(f"工作情况说明 {path.stem}", level=1)
    for p in text(rng, pages * 1400):  # about 1,400 字 fill an A4 page at 11 pt
        doc.add_paragraph(p)
    doc.save(str(path))


def make_xlsx(path: Path, rng: random.Random) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for i in range(rng.randint(20, 80)):
        ws.append([i, rng.choice(PHRASES), rng.randint(1, 100)])
    wb.save(str(path))


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


def base_pdfs(work: Path, rng: random.Random) -> list[Path]:
    """A few long PDFs made by LibreOffice; bench PDFs are page ranges of them."""
    from archiver.engines import libreoffice

    sources = []
    for i in range(4):
        src = work / f"base{i}.docx"
        make_docx(src, rng, 56)
        sources.append(src)
    results = libreoffice.convert_batch(sources, work / "base", timeout=600)
    return [r.pdf for r in results if r.pdf is not None]


def make_pdf(path: Path, base: Path, pages: int, tag: int) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    reader = PdfReader(str(base))
    writer.append(reader, pages=list(range(min(pages, len(reader.pages)))))
    writer.add_metadata({"/Subject": f"bench {tag}"})
    with path.open("wb") as fh:
        writer.write(fh)


def generate(ws: Path, files: int) -> dict[str, list[Path]]:
    from archiver.manifest.loader import load_manifest
    from archiver.workspace.init import init_workspace
    from archiver.workspace.layout import plan_layout

    report = init_workspace(ws, manifest="demonstration", level="municipal", org="基准测试局")
    manifest = load_manifest(report.config.manifest_path).manifest
    layout = plan_layout(manifest, "municipal")
    folders = [
        ws / report.config.drop_folder / f.rel
        for f in layout.folders
        if f.collects is not None and not f.pointer
    ]
    for f in folders:  # the templates would be reported and skipped: start from real files
        (f / "情况说明.docx").unlink(missing_ok=True)
    rng = random.Random(SEED)
    made: dict[str, list[Path]] = {"office": [], "pdf": [], "image": []}
    with tempfile.TemporaryDirectory() as tmp:
        bases = base_pdfs(Path(tmp), rng)
        for i in range(files):
            folder = folders[i % len(folders)]
            kind = i % 5
            if kind in (0, 1):
                if i % 10 == 1:
                    path = folder / f"台账{i:04d}.xlsx"
                    make_xlsx(path, rng)
                else:
                    path = folder / f"说明{i:04d}.docx"
                    make_docx(path, rng, rng.randint(1, 5))
                made["office"].append(path)
            elif kind in (2, 3):
                pages = rng.randint(40, 50) if rng.random() < 0.9 else rng.randint(1, 39)
                path = folder / f"2020-{i % 12 + 1:02d} 文件{i:04d}.pdf"
                make_pdf(path, bases[i % len(bases)], pages, i)
                made["pdf"].append(path)
            else:
                path = folder / f"扫描件{i:04d}.jpg"
                make_scan(path, rng)
                made["image"].append(path)
    return made


def run(name: str, args: list[str]) -> Measure:
    """Run archiver; poll /proc for its own and its children's peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*ARCHIVER, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    own = child = 0
    while proc.poll() is None:
        own = max(own, _hwm(proc.pid))
        for pid in _children(proc.pid):
            child = max(child, _hwm(pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{name} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return Measure(name, seconds, own / 1024, child / 1024)


def _hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            for c in text:
                out.append(int(c))
                out += _children(int(c))
    except OSError:
        pass
    return out


def engine_floor(made: dict[str, list[Path]]) -> dict[str, float]:
    from pypdf import PdfWriter

    from archiver.engines import libreoffice
    from archiver.engines.images import image_to_pdf

    floor: dict[str, float] = {}
    office = made["office"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        halves = [office[0::2], office[1::2]]
        copies: list[list[Path]] = []
        for n, half in enumerate(halves):
            d = work / f"in{n}"
            d.mkdir()
            copies.append([])
            for i, p in enumerate(half):
                c = d / f"f{i:05d}{p.suffix}"
                shutil.copyfile(p, c)
                copies[-1].append(c)
        start = time.perf_counter()
        threads = [
            threading.Thread(
                target=libreoffice.convert_batch,
                args=(c, work / f"out{n}"),
                kwargs={"timeout": 600, "batch_timeout": 7200},
            )
            for n, c in enumerate(copies)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        floor["libreoffice"] = time.perf_counter() - start
        start = time.perf_counter()
        for i, img in enumerate(made["image"]):
            image_to_pdf(img, work / f"img{i}.pdf")
        floor["img2pdf"] = time.perf_counter() - start
        start = time.perf_counter()
        writer = PdfWriter()
        for pdf in made["pdf"]:
            page = len(writer.pages)
            writer.append(str(pdf), import_outline=False)
            writer.add_outline_item(title=pdf.stem, page_number=page)
        with (work / "merged.pdf").open("wb") as fh:
            writer.write(fh)
        floor["pypdf merge"] = time.perf_counter() - start
    return floor


def pages_of(paths: list[Path]) -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(str(p)).pages) for p in paths)


def converted_size(ws: Path, made: dict[str, list[Path]]) -> int:
    conv = ws / ".archiver" / "conversions"
    return sum(p.stat().st_size for p in conv.glob("*.pdf")) + sum(
        p.stat().st_size for p in made["pdf"]
    )


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    from archiver.engines.libreoffice import find_soffice

    program = find_soffice().resolve().parent
    lo = "LibreOffice"
    for name in ("versionrc",):
        f = program / name
        if f.is_file():
            lo += " (" + next((x for x in f.read_text().splitlines() if "buildid" in x), "") + ")"
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, {lo}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--check-files", type=int, default=10_000)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "archiver-bench")
    ap.add_argument("--no-write", action="store_true", help="do not write docs/performance.md")
    args = ap.parse_args()
    if args.dir.exists():
        shutil.rmtree(args.dir)
    ws, out = args.dir / "ws", args.dir / "out"
    t = time.perf_counter()
    made = generate(ws, args.files)
    gen_seconds = time.perf_counter() - t
    n_pages = pages_of(made["pdf"]) + len(made["image"])
    print(f"generated {args.files} files in {gen_seconds:.0f} s", flush=True)

    results = [run("check, cold (no cache)", ["check", str(ws)])]
    results.append(run("check, warm (nothing changed)", ["check", str(ws)]))
    shutil.rmtree(ws / ".archiver", ignore_errors=True)
    cold = run("build, cold (empty cache)", ["build", str(ws), "--out", str(out)])
    results.append(cold)
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    total_pages = sum(v["pages"] for v in report["volumes"])
    doc_pages = sum(v["document_pages"] for v in report["volumes"])
    out_size = sum(
        p.stat().st_size for p in out.glob("[0-9][0-9]_*.pdf") if not p.name.startswith("00_")
    )
    in_size = converted_size(ws, made)
    own_size = sum(
        p.stat().st_size
        for p in (ws / ".archiver" / "rendered").glob("*.pdf")
        if not p.name.startswith(("stampfont", "index-"))
    )
    results.append(run("build, warm (nothing changed)", ["build", str(ws), "--out", str(out)]))
    changed = made["office"][len(made["office"]) // 2]
    if changed.suffix != ".docx":
        changed = next(p for p in made["office"] if p.suffix == ".docx")
    make_docx(changed, random.Random(7), 2)
    results.append(run("build, one .docx changed", ["build", str(ws), "--out", str(out)]))
    middle = made["pdf"][len(made["pdf"]) // 2].parent / "2021-01 补充文件.pdf"
    shutil.copyfile(made["pdf"][0], middle)
    with middle.open("ab") as fh:
        fh.write(b"\n% added\n")
    results.append(run("build, one file added mid-volume", ["build", str(ws), "--out", str(out)]))
    report2 = json.loads((out / "build-report.json").read_text(encoding="utf-8"))

    floor = engine_floor(made)
    floor_total = sum(floor.values())

    big = args.dir / "big"
    sys.path.insert(0, str(ROOT / "bench"))
    from check_bench import populate

    subprocess.run(
        [
            *ARCHIVER,
            "init",
            str(big),
            "--manifest",
            "demonstration",
            "--level",
            "municipal",
            "--org",
            "基准测试局",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    populate(big, args.check_files)
    big_cold = run(f"check, cold, {args.check_files} files", ["check", str(big)])
    big_warm = run(f"check, warm, {args.check_files} files", ["check", str(big)])
    results += [big_cold, big_warm]

    lines = render(
        results,
        floor,
        floor_total,
        cold,
        total_pages,
        doc_pages,
        n_pages,
        out_size,
        in_size,
        report,
        report2,
        args,
        gen_seconds,
        made,
        own_size,
    )
    text_out = "\n".join(lines) + "\n"
    print(text_out)
    if not args.no_write:
        (ROOT / "docs" / "performance.md").write_text(text_out, encoding="utf-8")


def render(
    results: list[Measure],
    floor: dict[str, float],
    floor_total: float,
    cold: Measure,
    total_pages: int,
    doc_pages: int,
    n_pages: int,
    out_size: int,
    in_size: int,
    report: dict,
    report2: dict,
    args: argparse.Namespace,
    gen_seconds: float,
    made: dict[str, list[Path]],
    own_size: int,
) -> list[str]:
    by = {m.name: m for m in results}
    warm = by["build, warm (nothing changed)"]
    one = by["build, one .docx changed"]
    added = by["build, one file added mid-volume"]
    big_warm = results[-1]
    big_cold = results[-2]
    peak = max(m.own_mib for m in results if m.name.startswith("build"))

    def ok(flag: bool) -> str:
        return "met" if flag else "**not met**"

    lines = [
        "# Performance",
        "",
        "Figures from one run of `bench/build_bench.py` (generated workspace, see below).",
        "",
        f"- Machine: {machine()}",
        f"- Workspace: {args.files} files ({len(made['office'])} office, {len(made['pdf'])} PDF, "
        f"{len(made['image'])} images), {n_pages} PDF/image pages before conversion; "
        f"the build has {len(report['volumes'])} volume files, {doc_pages} document pages, "
        f"{total_pages} pages in all (with covers, contents, 备考表, placeholders). "
        f"Generated in {gen_seconds:.0f} s.",
        "",
        "| step | wall time | archiver peak memory | largest child (LibreOffice) |",
        "|---|---:|---:|---:|",
    ]
    for m in results:
        child = f"{m.child_mib:.0f} MiB" if m.child_mib else "—"
        lines.append(f"| {m.name} | {m.seconds:.1f} s | {m.own_mib:.0f} MiB | {child} |")
    lines += [
        "",
        "Engine floor on the same files:",
        "",
        "| engine | wall time |",
        "|---|---:|",
    ]
    for k, v in floor.items():
        lines.append(f"| {k} | {v:.1f} s |")
    lines.append(f"| **sum** | **{floor_total:.1f} s** |")
    lines += [
        "",
        "## Targets",
        "",
        "| target | figure | status |",
        "|---|---|---|",
        f"| cold build ≤ 1.5 × engine floor | {cold.seconds:.1f} s / {floor_total:.1f} s = "
        f"{cold.seconds / floor_total:.2f} × | {ok(cold.seconds <= 1.5 * floor_total)} |",
        f"| nothing changed ≤ 5% of cold | {warm.seconds:.1f} s = "
        f"{100 * warm.seconds / cold.seconds:.1f}% | {ok(warm.seconds <= 0.05 * cold.seconds)} |",
        f"| one .docx changed ≤ 20% of cold | {one.seconds:.1f} s = "
        f"{100 * one.seconds / cold.seconds:.1f}% | {ok(one.seconds <= 0.2 * cold.seconds)} |",
        f"| one file added mid-volume (no target; reported) | {added.seconds:.1f} s = "
        f"{100 * added.seconds / cold.seconds:.1f}%; re-assembled: "
        f"{', '.join(report2['changed_since_previous']) or 'none'} | — |",
        f"| peak memory of a build ≤ 600 MiB | {peak:.0f} MiB (archiver process) | "
        f"{ok(peak <= 600)} |",
        f"| output size ≤ 1.1 × converted inputs | {out_size / 1024**2:.0f} MiB / "
        f"{in_size / 1024**2:.0f} MiB = {out_size / in_size:.2f} × | "
        f"{ok(out_size <= 1.1 * in_size)} |",
        f"| — of which archiver's own pages (covers, contents, 备考表, placeholders, pointers) "
        f"| {own_size / 1024**2:.1f} MiB; the documents alone: "
        f"{(out_size - own_size) / 1024**2:.0f} MiB = {(out_size - own_size) / in_size:.2f} × "
        "their converted inputs | — |",
        f"| check warm ≤ 2 s at {args.check_files} files | {big_warm.seconds:.2f} s | "
        f"{ok(big_warm.seconds <= 2)} |",
        f"| check cold ≤ 30 s at {args.check_files} files | {big_cold.seconds:.1f} s | "
        f"{ok(big_cold.seconds <= 30)} |",
        "",
        *OUTPUT_SIZE_NOTE.splitlines(),
        "",
        "## How to run",
        "",
        "```bash",
        "bash scripts/setup.sh --dev",
        ".venv/bin/python bench/build_bench.py            # ~1,000 files; writes this page",
        ".venv/bin/python bench/build_bench.py --files 200 --check-files 2000 --no-write",
        "```",
        "",
        "Every step runs as a fresh `python -m archiver` process, so the times include Python's",
        "start-up. Memory is the process's VmHWM from /proc; LibreOffice runs as separate child",
        "processes (each with its own profile) and is listed apart. The engine floor runs the",
        "same LibreOffice batches (two in parallel), img2pdf and a pypdf merge of the same files,",
        "with none of archiver's checking, planning, stamping, front matter or checksums.",
        "",
        "## How the build stays fast",
        "",
        "- Conversions are cached by content hash and converter in `.archiver/conversions/`, with",
        "  their page counts; office files go to LibreOffice in long batches, one per core.",
        "- Each assembled part (册) is cached under a digest of everything in it (document",
        "  identities and page counts, rendered front matter, bookmarks, stamp settings); an",
        "  unchanged part is copied (and hashed on the way) instead of assembled again. A change",
        "  re-assembles only the parts it touches, plus the index if its entries moved.",
        "- Covers, contents, 备考表, placeholders, the index and the 情况说明 compilations are",
        "  cached by the digest of their template and content.",
        "- Parts are assembled one at a time (at most `page_cap` pages in memory), page numbers",
        "  are one small content stream per page with one shared embedded font.",
        "- Evidence PDFs are not text-extracted during scanning; only 情况说明 PDFs are.",
    ]
    return lines


if __name__ == "__main__":
    main()

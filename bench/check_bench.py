"""Benchmark ``archiver check`` on a generated workspace (not a test: it prints figures).

Usage: .venv/bin/python bench/check_bench.py [--files 10000] [--dir /tmp/archiver-bench]

Creates a workspace with ``archiver init`` (附1, municipal level), spreads N real files over
the material folders (PDFs, .docx explanations, PNG images; every file distinct), then runs
``archiver check --json`` three times as a user would (a new process each time):
cold (no cache), warm (nothing changed), and after touching one file.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHIVER = [sys.executable, "-m", "archiver"]


def make_pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def make_docx_bytes() -> bytes:
    from docx import Document

    doc = Document()
    for _ in range(3):
        doc.add_paragraph("我局依法行政工作成效显著。" * 20)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def with_zip_comment(data: bytes, comment: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.comment = comment
    return out.getvalue()


def populate(ws: Path, count: int) -> None:
    from PIL import Image

    folders = sorted(
        p.parent
        for p in (ws / "材料").rglob("材料要求.txt")
        if not any(c.is_dir() for c in p.parent.iterdir())
    )
    pdf = make_pdf_bytes()
    docx = make_docx_bytes()
    png_buf = io.BytesIO()
    Image.new("RGB", (64, 48), "steelblue").save(png_buf, "PNG")
    png = png_buf.getvalue()
    for i in range(count):
        folder = folders[i % len(folders)]
        kind = i % 5
        if kind in (0, 1):
            (folder / f"2021-{i % 12 + 1:02d}-01 文件{i:05d}.pdf").write_bytes(
                pdf + f"\n% bench {i}\n".encode()
            )
        elif kind in (2, 3):
            (folder / f"证明材料{i:05d}.docx").write_bytes(
                with_zip_comment(docx, f"bench {i}".encode())
            )
        else:
            (folder / f"照片{i:05d}.png").write_bytes(png + f"bench{i}".encode())


def run_check(ws: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``archiver check`` process."""
    start = time.perf_counter()
    proc = subprocess.run(
        [*ARCHIVER, "check", str(ws), "--json"], capture_output=True, cwd=ROOT, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())
    peak = 0.0
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    except ImportError:  # Windows
        pass
    return wall, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/archiver-check-bench"))
    args = ap.parse_args()
    ws = args.dir / "ws"
    if args.dir.exists():
        shutil.rmtree(args.dir)
    subprocess.run(
        [
            *ARCHIVER,
            "init",
            str(ws),
            "--manifest",
            "demonstration",
            "--level",
            "municipal",
            "--org",
            "基准测试局",
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    t = time.perf_counter()
    populate(ws, args.files)
    print(f"generated {args.files} files in {time.perf_counter() - t:.1f} s")
    cold, cold_mem = run_check(ws)
    warm, _ = run_check(ws)
    one = next((ws / "材料").rglob("*.docx"))
    os.utime(one)
    touched, _ = run_check(ws)
    n = sum(1 for p in (ws / "材料").rglob("*") if p.is_file())
    print(f"files in workspace: {n}")
    print(f"check cold (no cache):      {cold:6.2f} s   peak RSS {cold_mem:.0f} MiB")
    print(f"check warm (no change):     {warm:6.2f} s")
    print(f"check after touching 1 file:{touched:6.2f} s")


if __name__ == "__main__":
    main()

"""Benchmark archiver where its fixed costs show, and write docs/performance.md (not a test).

Usage: .venv/bin/python bench/build_bench.py [--files 1000] [--check-files 10000]
           [--memory-files 3000] [--no-memory] [--no-demo] [--no-profile] [--no-write]
           [--dir /tmp/archiver-bench]

Measures, each step as a fresh process with its wall time and peak memory:

- the shipped demo (``archiver demo``): build cold (empty .archiver cache), warm (nothing
  changed), after one .docx changed, after one file added in the middle of a volume; and its
  engine floor (measure.py);
- a generated workspace of ``--files`` files in a bureau's mix (workspaces.py): ``check``
  cold and warm, the same builds, its engine floor, and the output size;
- a cold build of ``--memory-files`` files of the same mix, for archiver's peak memory;
- ``check`` cold and warm at ``--check-files`` files (check_bench.py);
- one cold build of the demo under cProfile (profile_build.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from measure import (
    ADDED,
    ARCHIVER,
    COLD,
    DOCX,
    ROOT,
    WARM,
    Floor,
    Measure,
    engine_floor,
    ready_master,
    run,
    stage_floor,
)
from profile_build import Profile, profile_build
from workspaces import Inputs, add_mid_volume, build_inputs, change_docx, docx_to_change

sys.path.insert(0, str(ROOT))


@dataclass
class Scenario:
    label: str
    inputs: Inputs
    made_seconds: float
    steps: dict[str, Measure] = field(default_factory=dict)
    floor: Floor | None = None
    report: dict[str, Any] = field(default_factory=dict)  # build-report.json of the cold build
    report_added: dict[str, Any] = field(default_factory=dict)  # … and after the file added
    out_size: int = 0  # volumes without the index
    in_size: int = 0  # the PDFs and converted inputs that went into them
    own_size: int = 0  # archiver's own rendered pages (covers, contents, 备考表 …)

    def add(self, m: Measure) -> Measure:
        self.steps[m.name] = m
        print(f"  {self.label}: {m.name}: {m.seconds:.1f} s, {m.archiver_mib:.0f} MiB", flush=True)
        return m


@dataclass
class Results:
    args: argparse.Namespace
    demo: Scenario | None
    bulk: Scenario
    memory: Measure | None  # cold build at --memory-files
    memory_inputs: Inputs | None
    big: tuple[Measure, Measure]  # check cold and warm at --check-files
    profile: Profile | None


def build(ws: Path, out: Path) -> list[str]:
    return ["build", str(ws), "--out", str(out)]


def measure_workspace(
    label: str, ws: Path, work: Path, made_seconds: float, with_check: bool
) -> Scenario:
    """The builds of ``ws`` and its engine floor; ``work`` is scratch space."""
    inputs = build_inputs(ws)
    shutil.rmtree(ws / ".archiver", ignore_errors=True)  # listing them scanned the files
    s = Scenario(label, inputs, made_seconds)
    print(f"{label}: {inputs.describe()} (made in {made_seconds:.0f} s)", flush=True)
    floor_dir = work / "floor"
    batches = stage_floor(inputs, floor_dir)  # the files as they were before any change
    out = work / "out"
    if with_check:
        s.add(run("check, cold (no cache)", ["check", str(ws)]))
        s.add(run("check, warm (nothing changed)", ["check", str(ws)]))
        shutil.rmtree(ws / ".archiver", ignore_errors=True)
    s.add(run(COLD, build(ws, out)))
    s.report = _report(out)
    s.out_size = sum(
        p.stat().st_size for p in out.glob("[0-9][0-9]_*.pdf") if not p.name.startswith("00_")
    )
    conversions = ws / ".archiver" / "conversions"
    s.in_size = sum(p.stat().st_size for p in conversions.glob("*.pdf")) + sum(
        p.stat().st_size for p in inputs.pdf
    )
    s.own_size = sum(
        p.stat().st_size
        for p in (ws / ".archiver" / "rendered").glob("*.pdf")
        if not p.name.startswith(("stampfont", "index-"))
    )
    s.add(run(WARM, build(ws, out)))
    change_docx(docx_to_change(inputs))
    s.add(run(DOCX, build(ws, out)))
    add_mid_volume(inputs)
    s.add(run(ADDED, build(ws, out)))
    s.report_added = _report(out)
    s.floor = engine_floor(inputs, batches, floor_dir)
    print(f"  {label}: engine floor {s.floor.total:.1f} s", flush=True)
    shutil.rmtree(floor_dir, ignore_errors=True)
    return s


def _report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    return data


def demo_scenario(base: Path, with_profile: bool) -> tuple[Scenario, Profile | None]:
    from workspaces import make_demo

    start = time.perf_counter()
    pristine = base / "pristine"
    make_demo(pristine)
    made = time.perf_counter() - start
    shutil.rmtree(pristine / ".archiver", ignore_errors=True)  # cold means no cache
    shutil.copytree(pristine, base / "ws", symlinks=True)
    scenario = measure_workspace("the demo", base / "ws", base, made, with_check=False)
    profile = None
    if with_profile:
        shutil.copytree(pristine, base / "prof", symlinks=True)
        shutil.copytree(pristine, base / "timeline", symlinks=True)
        print("the demo: cold build under cProfile, then its timeline", flush=True)
        profile = profile_build(
            base / "prof", base / "prof-out", base / "build.prof", base / "timeline"
        )
    return scenario, profile


def generated(ws: Path, files: int) -> float:
    from workspaces import generate

    start = time.perf_counter()
    generate(ws, files)
    return time.perf_counter() - start


def memory_run(base: Path, files: int) -> tuple[Measure, Inputs]:
    made = generated(base / "ws", files)
    inputs = build_inputs(base / "ws")
    shutil.rmtree(base / "ws" / ".archiver", ignore_errors=True)
    print(f"{files:,} files: {inputs.describe()} (made in {made:.0f} s)", flush=True)
    cold = run(f"build, cold, {files:,} files", build(base / "ws", base / "out"))
    print(f"  {files:,} files: cold {cold.seconds:.1f} s, {cold.archiver_mib:.0f} MiB", flush=True)
    shutil.rmtree(base, ignore_errors=True)
    return cold, inputs


def check_at_scale(base: Path, files: int) -> tuple[Measure, Measure]:
    from check_bench import populate

    big = base / "ws"
    init = ["init", str(big), "--manifest", "demonstration", "--level", "municipal"]
    subprocess.run(
        [*ARCHIVER, *init, "--org", "基准测试局"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    populate(big, files)
    cold = run(f"check, cold, {files:,} files", ["check", str(big)])
    warm = run(f"check, warm, {files:,} files", ["check", str(big)])
    print(f"check at {files:,} files: cold {cold.seconds:.1f} s, warm {warm.seconds:.2f} s")
    shutil.rmtree(base, ignore_errors=True)
    return cold, warm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--files", type=int, default=1000, help="the generated workspace's size")
    ap.add_argument("--check-files", type=int, default=10_000, help="files for check warm")
    ap.add_argument("--memory-files", type=int, default=3000, help="files for the memory run")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory run")
    ap.add_argument("--no-demo", action="store_true", help="skip the demo (and its profile)")
    ap.add_argument("--no-profile", action="store_true", help="skip the profile")
    ap.add_argument("--no-write", action="store_true", help="do not write docs/performance.md")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "archiver-bench")
    args = ap.parse_args()
    if args.dir.exists():
        shutil.rmtree(args.dir)
    ready_master()
    demo, profile = None, None
    if not args.no_demo:
        demo, profile = demo_scenario(args.dir / "demo", not args.no_profile)
    bulk_dir = args.dir / "bulk"
    made = generated(bulk_dir / "ws", args.files)
    bulk = measure_workspace(f"{args.files:,} files", bulk_dir / "ws", bulk_dir, made, True)
    memory, memory_inputs = None, None
    if not args.no_memory:
        memory, memory_inputs = memory_run(args.dir / "memory", args.memory_files)
    big = check_at_scale(args.dir / "check", args.check_files)

    from page import render

    text_out = "\n".join(render(Results(args, demo, bulk, memory, memory_inputs, big, profile)))
    print(text_out + "\n")
    if not args.no_write:
        (ROOT / "docs" / "performance.md").write_text(text_out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

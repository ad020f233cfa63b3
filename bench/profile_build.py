"""Where a cold build's time goes: one ``archiver build`` under cProfile (not a test).

The build runs in a fresh process (``python -m cProfile -o F -m archiver build …``) on a fresh
copy of the workspace. cProfile follows only the main thread, so work done in background
threads or processes (LibreOffice, the index, the compilations) shows as the main thread's
wait inside the stage that started it; cumulative seconds of a stage are therefore its wall
time. Profiling slows Python code down, so the shares matter more than the seconds.
"""

from __future__ import annotations

import json
import pstats
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from measure import Measure, run

# the stages of run_build (archiver/binding/run.py), in order; nested ones are indented
STAGES = [
    ("check_opened", 0),
    ("plan_build", 0),
    ("_convert", 0),
    ("render_pages", 0),
    ("render_own_pages", 1),
    ("_write_outputs", 0),
    ("_write_parts", 1),
    ("write_supplements", 0),
    ("write_checksums", 0),
    ("publish", 0),
]
RUN = "binding/run.py:"  # the module of run_build
WRAPPERS = ("cli/", "__main__.py")  # the command line around run_build
TOP = 10


@dataclass
class Row:
    name: str  # function, with its module
    seconds: float
    depth: int = 0
    callers: tuple[str, ...] = ()  # the names of the functions that called it


@dataclass
class Profile:
    wall: Measure
    total: float  # seconds cProfile saw on the main thread
    stages: list[Row]
    top: list[Row]
    missing: list[str]  # stage functions not found (renamed?)
    timeline: dict[str, Any] | None = None  # bench/timeline.py: every thread's stages


def _archiver(filename: str) -> str | None:
    """``binding/run.py`` for a file of the archiver package, else None."""
    path = filename.replace("\\", "/")
    if "/archiver/" not in path or "/bench/" in path:
        return None
    return path.rsplit("/archiver/", 1)[1]


def profile_build(ws: Path, out: Path, stats_file: Path, fresh: Path | None = None) -> Profile:
    """cProfile of a cold build of ``ws``; with ``fresh`` (another cold copy), its timeline."""
    argv = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "archiver"]
    wall = run("build, cold, under cProfile", ["build", str(ws), "--out", str(out)], argv)
    profile = read_profile(stats_file, wall)
    if fresh is not None:
        spans = stats_file.with_suffix(".timeline.json")
        script = Path(__file__).resolve().parent / "timeline.py"
        run(
            "build, cold, timeline",
            [str(fresh), str(out) + "-timeline", str(spans)],
            [sys.executable, str(script)],
        )
        profile.timeline = json.loads(spans.read_text(encoding="utf-8"))
    return profile


def read_profile(stats_file: Path, wall: Measure) -> Profile:
    """The stages of run_build and the busiest other archiver functions in ``stats_file``."""
    stats = pstats.Stats(str(stats_file))
    table = stats.stats  # type: ignore[attr-defined]
    by_name: dict[str, list[Row]] = {}
    rows: list[Row] = []
    for (filename, _line, func), (_cc, _nc, _tt, ct, callers) in table.items():
        module = _archiver(filename)
        if module is None or func.startswith("<"):
            continue
        row = Row(f"{module}:{func}", ct, callers=tuple(c[2] for c in callers))
        rows.append(row)
        by_name.setdefault(func, []).append(row)
    stages, missing = [], []
    for name, depth in STAGES:
        found = by_name.get(name)
        if not found:
            missing.append(name)
            continue
        # the same name in two modules: the one run_build calls, else the one in run.py,
        # else the busier
        best = max(
            found,
            key=lambda r: ("run_build" in r.callers, r.name.startswith(RUN), r.seconds),
        )
        stages.append(Row(best.name, best.seconds, depth))
    shown = {r.name for r in stages}
    top = [
        r
        for r in sorted(rows, key=lambda r: r.seconds, reverse=True)
        if r.name not in shown
        and not r.name.endswith(":run_build")
        and not r.name.startswith(WRAPPERS)
    ][:TOP]
    return Profile(wall, stats.total_tt, stages, top, missing)  # type: ignore[attr-defined]


def render_timeline(timeline: dict[str, Any], label: str) -> list[str]:
    """The stages of one cold build in every thread, in order of their start."""
    total = float(timeline["total"])
    lines = [
        f"A timeline of another cold build of {label} (`bench/timeline.py`: the stage "
        f"functions wrapped, no profiler), {total:.1f} s from the start of `run_build`. "
        "Several rows run at once: LibreOffice is one process per core, the compilations "
        "a worker process, the index a thread beside the assembly.",
        "",
        "| stage | thread | from | to | seconds |",
        "|---|---|---:|---:|---:|",
    ]
    for span in sorted(timeline["spans"], key=lambda s: (s["start"], s["end"])):
        seconds = span["end"] - span["start"]
        lines.append(
            f"| {span['stage']} | {span['thread']} | {span['start']:.2f} s | "
            f"{span['end']:.2f} s | {seconds:.2f} s |"
        )
    return lines


def render(profile: Profile, label: str) -> list[str]:
    total = profile.total or 1.0
    lines = [
        f"## Where a cold build's time goes ({label})",
        "",
        f"One cold build of {label} under cProfile, in a fresh process on a fresh copy: "
        f"{profile.wall.seconds:.1f} s wall time, {profile.total:.1f} s seen on the main "
        "thread. cProfile follows the main thread only: LibreOffice, the index and the "
        "compilations run in other threads and processes, and their time shows as the wait "
        "in the stage that started them, so a stage's cumulative seconds are its wall time. "
        "Profiling slows Python code, so the shares matter more than the seconds.",
        "",
        "| stage (function in archiver) | cumulative | share |",
        "|---|---:|---:|",
        f"| the whole process (main thread) | {profile.total:.1f} s | 100% |",
    ]
    for r in profile.stages:
        indent = "&nbsp;&nbsp;&nbsp;&nbsp;" * r.depth + ("↳ " if r.depth else "")
        lines.append(f"| {indent}`{r.name}` | {r.seconds:.1f} s | {100 * r.seconds / total:.0f}% |")
    lines += [
        "",
        f"The {TOP} archiver functions with the most cumulative time besides the stages above "
        "(and the command line around `run_build`):",
        "",
        "| function | cumulative | share |",
        "|---|---:|---:|",
    ]
    for r in profile.top:
        lines.append(f"| `{r.name}` | {r.seconds:.1f} s | {100 * r.seconds / total:.0f}% |")
    if profile.missing:
        lines += [
            "",
            "Not in the profile (renamed, not called, or run outside the main thread): "
            + ", ".join(f"`{m}`" for m in profile.missing)
            + ".",
        ]
    if profile.timeline is not None:
        lines += ["", *render_timeline(profile.timeline, label)]
    return lines

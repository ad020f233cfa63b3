"""Timing and memory of archiver processes, and the engine floor (not a test).

Every step runs as a fresh ``python -m archiver`` process; /proc is polled for the peak
memory (VmHWM) of the archiver process itself, of its Python workers and of LibreOffice.
The engine floor converts the same inputs with the engines alone: LibreOffice in one
long batch per core (each with its own profile, largest files spread evenly), img2pdf
(archiver's own image preparation) for images, and one pypdf merge of the workspace's PDFs
and every converted output, with an outline entry each.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from workspaces import Inputs

ROOT = Path(__file__).resolve().parent.parent
ARCHIVER = [sys.executable, "-m", "archiver"]
LIBREOFFICE_NAMES = ("soffice", "oosplash")
COLD = "build, cold (empty cache)"
WARM = "build, warm (nothing changed)"
DOCX = "build, one .docx changed"
ADDED = "build, one file added mid-volume"


@dataclass
class Measure:
    name: str
    seconds: float
    own_mib: float  # the archiver process
    worker_mib: float  # its largest Python worker (compilations, watchdog, OFD)
    office_mib: float  # its largest LibreOffice process
    cpu: float = 0.0  # CPU seconds (user + system) of every process of the step
    office_cpu: float = 0.0  # of which LibreOffice's

    @property
    def archiver_mib(self) -> float:
        return max(self.own_mib, self.worker_mib)


def run(name: str, args: list[str], argv: list[str] | None = None) -> Measure:
    """Run archiver (or ``argv``) with ``args``; poll /proc for its peak memory.

    CPU: every process of the step is waited for by its parent, so this process's children's
    rusage counts them all; LibreOffice's share is read from /proc while it runs."""
    before = _children_cpu()
    office_cpu: dict[int, float] = {}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [*(argv or ARCHIVER), *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err
        )
        own = worker = office = 0
        while proc.poll() is None:
            own = max(own, _hwm(proc.pid))
            for pid in _descendants(proc.pid):
                if _comm(pid).startswith(LIBREOFFICE_NAMES):
                    office = max(office, _hwm(pid))
                    office_cpu[pid] = max(office_cpu.get(pid, 0.0), _cpu(pid))
                else:
                    worker = max(worker, _hwm(pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        if proc.returncode not in (0, 1):  # 1: the check found errors (the demo has some)
            err.seek(0)
            message = err.read().decode(errors="replace")[-4000:]
            raise SystemExit(f"{name} failed ({proc.returncode}):\n{message}")
    cpu = _children_cpu() - before
    return Measure(
        name, seconds, own / 1024, worker / 1024, office / 1024, cpu, sum(office_cpu.values())
    )


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _self_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu(pid: int) -> float:
    """CPU seconds of ``pid`` so far (utime + stime of /proc/pid/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _descendants(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for c in (task / "children").read_text().split():
                out.append(int(c))
                out += _descendants(int(c))
    except OSError:
        pass
    return out


@dataclass
class Floor:
    steps: dict[str, float]
    batches: int
    skipped: int  # inputs the engines could not take (damaged): they cost the floor nothing
    cpu: float = 0.0  # CPU seconds of the floor: this process and LibreOffice
    office_cpu: float = 0.0  # of which LibreOffice's

    @property
    def total(self) -> float:
        return sum(self.steps.values())


def stage_floor(inputs: Inputs, work: Path) -> list[list[Path]]:
    """Copy the office inputs into one folder per batch (distinct stems), largest first."""
    office = sorted(inputs.office, key=lambda p: p.stat().st_size, reverse=True)
    n = max(1, min(os.cpu_count() or 1, len(office)))
    batches: list[list[Path]] = []
    for b in range(n):
        d = work / f"in{b}"
        d.mkdir(parents=True)
        batches.append([])
        for i, p in enumerate(office[b::n]):
            c = d / f"f{i:05d}{p.suffix}"
            shutil.copyfile(p, c)
            batches[-1].append(c)
    return batches


def ready_master() -> None:
    """The LibreOffice profile of the servers, made once per installation: made before any
    measurement (a user's first build makes it, once; no build after does)."""
    from archiver.engines import libreoffice, officeprofile

    exe = libreoffice.find_soffice()
    if officeprofile.master_profile(exe, libreoffice.soffice_command, 120) is None:
        print("warning: no LibreOffice server here: builds use --convert-to", flush=True)


def engine_floor(inputs: Inputs, batches: list[list[Path]], work: Path) -> Floor:
    from pypdf import PdfWriter

    from archiver.engines import libreoffice, officeserver
    from archiver.engines.images import image_to_pdf

    steps: dict[str, float] = {}
    results: list[list[libreoffice.ConversionResult]] = [[] for _ in batches]
    before = _self_cpu() + _children_cpu()
    office_before = _children_cpu()  # the floor's only children are LibreOffice's

    def convert(n: int) -> None:
        results[n] = libreoffice.convert_batch(
            batches[n], work / f"out{n}", timeout=600, batch_timeout=7200
        )

    start = time.perf_counter()
    # each batch in one LibreOffice process, as long as it is: the build's servers (the
    # ~254-argument limit of --convert-to would otherwise split a long batch into several
    # starts); their profile is made once per installation, before (ready_master)
    with officeserver.serving(libreoffice.soffice_command, 600):
        threads = [threading.Thread(target=convert, args=(n,)) for n in range(len(batches))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    steps[f"LibreOffice, {len(batches)} parallel batches"] = time.perf_counter() - start
    converted = [r.pdf for batch in results for r in batch if r.pdf is not None]
    skipped = sum(1 for batch in results for r in batch if r.pdf is None)
    start = time.perf_counter()
    for i, img in enumerate(inputs.image):
        try:
            image_to_pdf(img, work / f"img{i:05d}.pdf")
            converted.append(work / f"img{i:05d}.pdf")
        except Exception:
            skipped += 1
    steps["img2pdf"] = time.perf_counter() - start
    start = time.perf_counter()
    writer = PdfWriter()
    for pdf in [*inputs.pdf, *converted]:
        page = len(writer.pages)
        try:
            writer.append(str(pdf), import_outline=False)
        except Exception:  # a damaged PDF: archiver repairs or reports it, the floor skips it
            skipped += 1
            continue
        if len(writer.pages) > page:
            writer.add_outline_item(title=pdf.stem, page_number=page)
    with (work / "merged.pdf").open("wb") as fh:
        writer.write(fh)
    steps["pypdf merge (PDFs and converted outputs)"] = time.perf_counter() - start
    cpu = _self_cpu() + _children_cpu() - before
    return Floor(steps, len(batches), skipped, cpu, _children_cpu() - office_before)


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
    f = program / "versionrc"
    if f.is_file():
        lo += " (" + next((x for x in f.read_text().splitlines() if "buildid" in x), "") + ")"
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, {lo}"
    )

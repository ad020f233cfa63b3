"""LibreOffice headless: find it, and convert office files to PDF in batches.

Pitfalls handled here (DOMAIN.md §4): two processes sharing one user profile collide and fail
silently, so every call gets its own profile folder; exit 0 is not trusted, each expected PDF
is checked; one process converts many files (start-up costs about 1 s, a document in a batch
about 0.14 s); a timeout kills the whole process group. A profile folder is named after the
process that made it (``archiver-lo-<pid>-``) and LibreOffice's own temporary files go to the
run's temporary folder (``TMPDIR``), so a killed run's leftovers can be found and removed
(``scratch.py``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archiver.engines import officeserver
from archiver.engines.fonts import fontconfig_env
from archiver.engines.run import run
from archiver.engines.scratch import profile_prefix
from archiver.errors import ArchiverError, MissingProgramError, ProgramTimeoutError

INSTALL_HINT = (
    "请安装 LibreOffice:Windows 从 libreoffice.org 下载安装;"
    "Debian/Ubuntu 运行 sudo apt-get install libreoffice-writer libreoffice-calc;"
    "或用环境变量 ARCHIVER_SOFFICE 指定 soffice 程序的完整路径"
)


def _candidates() -> list[Path]:
    found: list[Path] = []
    env = os.environ.get("ARCHIVER_SOFFICE")
    if env:
        found.append(Path(env))
    for name in ("soffice", "libreoffice"):
        which = shutil.which(name)
        if which:
            found.append(Path(which))
    if os.name == "nt":
        for base in (
            os.environ.get("PROGRAMFILES", r"C:\Program Files"),
            os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"),
            os.environ.get("LOCALAPPDATA", ""),
        ):
            if base:
                found.append(Path(base) / "LibreOffice" / "program" / "soffice.exe")
    else:
        found += [
            Path("/usr/lib/libreoffice/program/soffice"),
            Path("/opt/libreoffice/program/soffice"),
            Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
        ]
    return found


def find_soffice() -> Path:
    """The soffice program; raise :class:`MissingProgramError` with install advice."""
    for path in _candidates():
        if path.is_file():
            return path
    raise MissingProgramError("找不到 LibreOffice(soffice)。" + INSTALL_HINT)


@dataclass(frozen=True)
class ConversionResult:
    source: Path
    pdf: Path | None
    error: str | None
    timed_out: bool = False  # the error is a timeout: it may pass another time


def convert_batch(
    sources: Sequence[Path],
    outdir: Path,
    *,
    timeout: float = 120.0,
    batch_timeout: float | None = None,
    soffice: Path | None = None,
    target: str = "pdf",
    pdf_options: str | None = None,
) -> list[ConversionResult]:
    """Convert ``sources`` into ``outdir`` with one soffice process and a private profile.

    Each source must have a distinct stem (the output is ``outdir/<stem>.pdf``). A batch may be
    long (a whole build's share of one core): the process is stopped when one file takes longer
    than ``timeout`` (no new output for that long) or the whole exceeds ``batch_timeout`` (by
    default ``timeout`` + 5 s per file of one process). A process takes at most ``PER_RUN``
    files (LibreOffice ignores arguments past ~254). LibreOffice converts in order, so after
    a crash or a hang the first file without output is set aside and a new process goes on
    with the rest; each file set aside is then tried once alone, so a bad file costs only
    itself. Within a build (:func:`officeserver.serving`) the files go to the build's running
    LibreOffice processes instead, one file after another, with the same rules; a file that
    hangs one of them is stopped after the build's timeout.
    """
    if not sources:
        return []
    exe = soffice or find_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    stems = [s.stem for s in sources]
    if len(set(stems)) != len(stems):
        raise ArchiverError("内部错误:同一批转换的文件名(不含扩展名)必须互不相同")
    spec = f"{target}:writer_pdf_Export:{pdf_options}" if pdf_options else target

    def output(src: Path) -> Path:
        return outdir / f"{src.stem}.{target}"

    remaining = list(sources)
    set_aside: list[tuple[Path, str | None, bool]] = []  # (file, error, timed out)
    pool = officeserver.current()
    if pool is not None and target == "pdf" and soffice is None:  # the build's servers
        aside, remaining = officeserver.convert_served(
            pool, exe, remaining, output, pdf_options or "", _complete
        )
        set_aside = [(s, None, False) for s in aside]  # each tried alone below
    fruitless = 0  # runs in a row that converted nothing: then it is not one bad file
    while remaining:
        run_now, later = remaining[:PER_RUN], remaining[PER_RUN:]
        whole = batch_timeout if batch_timeout is not None else timeout + 5 * len(run_now)
        error, timed_out = _run_soffice(
            exe, run_now, outdir, whole, spec, stall=_outputs(run_now, output, timeout)
        )
        left = [s for s in run_now if not _complete(output(s))]
        if error is None or not left:
            set_aside += [(s, None, False) for s in left]  # exit 0 but no output: try alone
            remaining = later
            continue
        fruitless = fruitless + 1 if len(left) == len(run_now) else 0
        if fruitless >= 2:  # LibreOffice itself is in trouble: every file alone, as before
            set_aside += [(s, error, timed_out) for s in left + later]
            break
        set_aside.append((left[0], error, timed_out))
        remaining = left[1:] + later
    results = [ConversionResult(s, output(s), None) for s in sources if _complete(output(s))]
    for src, error, timed_out in set_aside:
        if len(sources) > 1 or error is None:
            error, timed_out = _run_soffice(exe, [src], outdir, timeout, spec)
        if _complete(output(src)):
            results.append(ConversionResult(src, output(src), None))
        else:
            results.append(ConversionResult(src, None, error or "未生成 PDF", timed_out))
    order = {s: i for i, s in enumerate(sources)}
    return sorted(results, key=lambda r: order[r.source])


STARTUP = 20.0  # seconds LibreOffice may take to start before its first output
# LibreOffice reads at most ~254 command-line arguments and silently ignores the rest (seen
# with 7.4: of 300 files given, 247 were converted, exit status 0): a long batch is run as
# several processes of at most this many files each
PER_RUN = 200


def _outputs(
    sources: list[Path], output: Callable[[Path], Path], seconds: float
) -> tuple[Callable[[], int], float, float]:
    """Progress of a batch for ``run``'s stall watch: how many outputs exist so far."""

    def count() -> int:
        return sum(1 for s in sources if output(s).exists())

    return count, seconds, seconds + STARTUP


def complete_pdf(pdf: Path) -> bool:
    """Exists and was written to the end (a killed process leaves no %%EOF)."""
    return _complete(pdf)


def _complete(pdf: Path) -> bool:
    """Exists and was written to the end (a killed process leaves no %%EOF)."""
    try:
        size = pdf.stat().st_size
        if size == 0:
            return False
        with pdf.open("rb") as fh:
            fh.seek(max(0, size - 2048))
            return b"%%EOF" in fh.read()
    except OSError:
        return False


def soffice_command(exe: Path, profile: Path, args: list[str]) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of a headless soffice with its own profile folder."""
    argv = [
        str(exe),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--norestore",
        *args,
    ]
    env = fontconfig_env()
    for name in ("TMP", "TEMP") if os.name == "nt" else ("TMPDIR",):
        env[name] = tempfile.gettempdir()  # the run's folder (scratch.run_folder)
    return argv, env


def _run_soffice(
    exe: Path,
    sources: list[Path],
    outdir: Path,
    timeout: float,
    target: str,
    stall: tuple[Callable[[], int], float, float] | None = None,
) -> tuple[str | None, bool]:
    """Run one soffice process; return (error message or None, whether it timed out)."""
    # a killed child may still be writing its profile while it goes: cleaning is best effort
    with tempfile.TemporaryDirectory(
        prefix=profile_prefix(), ignore_cleanup_errors=True
    ) as profile:
        argv, env = soffice_command(
            exe,
            Path(profile),
            ["--convert-to", target, "--outdir", str(outdir), *(str(s) for s in sources)],
        )
        try:
            run(argv, timeout=timeout, env=env, stall=stall)
        except MissingProgramError:
            raise
        except ProgramTimeoutError as exc:
            return exc.message, True
        except ArchiverError as exc:
            return exc.message, False
    return None, False

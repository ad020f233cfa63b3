"""One temporary folder per run, so that nothing a killed run left behind outlives the next.

Within a command every temporary folder archiver makes (LibreOffice profiles, conversion
batches, rendered pages) lies in ``<tmp>/archiver-run-<pid>-<random>/``: :func:`run_folder`
points :mod:`tempfile` there, and LibreOffice gets it as ``TMPDIR`` for the files it makes
itself. The folder is removed when the command ends; when archiver is killed the watchdog
removes it; failing both, the next command removes every run folder whose process is gone.
Profile folders made outside a command (scripts, tests) are named ``archiver-lo-<pid>-…`` and
cleaned the same way; nameless ones of older versions only once they are a day old.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from archiver.engines import children

RUN_PREFIX = "archiver-run-"
PROFILE_PREFIX = "archiver-lo-"
_OWNED = re.compile(r"^(?:archiver-run|archiver-lo)-(\d+)-")
# folders of versions that did not name their process: removed only when surely abandoned
_UNNAMED = ("archiver-lo-", "archiver-conv-", "archiver-pages-", "archiver-img-")
UNNAMED_AGE = 24 * 3600


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs (one we may not signal counts as running)."""
    if pid <= 0:
        return True
    if os.name == "nt":
        from archiver.engines.winjob import process_alive

        return process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def stale(entry: Path, now: float | None = None) -> bool:
    """Whether ``entry`` is a temporary folder of ours whose process has gone."""
    if not entry.name.startswith("archiver-"):
        return False
    owned = _OWNED.match(entry.name)
    if owned:
        return int(owned.group(1)) != os.getpid() and not pid_alive(int(owned.group(1)))
    if entry.name.startswith(_UNNAMED):
        try:
            age = (now or time.time()) - entry.stat().st_mtime
        except OSError:
            return False
        return age > UNNAMED_AGE
    return False


def clean_stale(base: Path | None = None) -> list[Path]:
    """Remove the temporary folders of dead runs from ``base`` (default: the system's)."""
    base = base or Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink() and stale(entry, now):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def profile_prefix() -> str:
    """Prefix of a LibreOffice profile folder: says whose it is."""
    return f"{PROFILE_PREFIX}{os.getpid()}-"


@contextlib.contextmanager
def run_folder() -> Iterator[Path]:
    """Clean what dead runs left, then keep this run's temporary files in one folder."""
    base = Path(tempfile.gettempdir())
    clean_stale(base)
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-", dir=base))
    except OSError:  # no writable temp folder: work as before, in the system's
        yield base
        return
    children.remove_on_death(folder)
    previous = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = previous
        shutil.rmtree(folder, ignore_errors=True)
        children.keep_on_death(folder)

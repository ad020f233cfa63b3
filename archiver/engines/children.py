"""Every external program archiver is running, so that all of them can be stopped at once.

:func:`archiver.engines.run.run` starts each child through :func:`start` and forgets it when it
ends. :func:`stop` (called by the signal handler, in the main thread) marks the run as stopping
and kills every registered child's process group; worker threads waiting in ``communicate()``
then return, and :func:`start` refuses to start anything new, raising :class:`Interrupted`.

The registry is a plain dict and the flag an Event, with no lock the handler could wait on
(a handler runs between two bytecodes of the main thread, which may hold any lock). A child
started while the handler runs is caught by the second look at the flag in :func:`start`.

Children also never outlive archiver: on POSIX the watchdog (``watchdog.py``) kills their
groups when archiver dies; on Windows they are put in a kill-on-close job (``winjob.py``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from archiver.engines import winjob
from archiver.engines.watchdog import Watchdog

_live: dict[int, subprocess.Popen[bytes]] = {}
_stopping = threading.Event()
_signal = [int(signal.SIGINT)]  # the signal that stopped the run
_watchdog: Watchdog | None = Watchdog() if os.name != "nt" else None
_job: list[winjob.Job | None] = []  # created on first use (Windows only)
_critical = [0]  # depth of uninterrupted() sections


class Interrupted(KeyboardInterrupt):
    """The run is being stopped by a signal; raised wherever work was going on."""

    def __init__(self, signum: int | None = None) -> None:
        self.signum = int(signum if signum is not None else _signal[0])
        super().__init__(self.signum)


def stopping() -> bool:
    return _stopping.is_set()


def start(launch: Callable[[], subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """Start a child with ``launch`` and register it; refuse once stopping has begun."""
    if _stopping.is_set():
        raise Interrupted()
    if _watchdog is not None:
        _watchdog.ready()
    proc = launch()
    if _watchdog is not None:
        _watchdog.watch(proc.pid)  # its own session: the group id is its pid
    _live[proc.pid] = proc
    job = _windows_job()
    if job is not None:
        job.assign(proc)
    if _stopping.is_set():  # the handler ran meanwhile and may have missed this one
        kill_group(proc)
        with contextlib.suppress(Exception):
            proc.communicate(timeout=5)
        forget(proc)
        raise Interrupted()
    return proc


def forget(proc: subprocess.Popen[bytes]) -> None:
    if _live.pop(proc.pid, None) is not None and _watchdog is not None:
        _watchdog.forget(proc.pid)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child and everything it started (its process group, its own session)."""
    try:
        if os.name == "nt":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)  # type: ignore[attr-defined,unused-ignore]
    except (ProcessLookupError, PermissionError, OSError):
        with contextlib.suppress(OSError):
            proc.kill()


def stop(signum: int = signal.SIGINT) -> None:
    """Begin stopping: no new children, every running one killed. Safe to call again."""
    if not _stopping.is_set():
        _signal[0] = int(signum)
        _stopping.set()  # first, so that start() sees it before the snapshot below
    for proc in list(_live.values()):
        kill_group(proc)
    job = _job[0] if _job else None
    if job is not None:
        job.terminate()
    # the compilations run in a multiprocessing worker (same group as archiver, no session)
    for child in multiprocessing.active_children():
        with contextlib.suppress(Exception):
            child.kill()


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A step that must not be cut in half (publishing a build is two renames).

    A stop signal arriving inside still kills every child and refuses new ones, but the
    handler does not raise here: the step completes, and so does the command if nothing after
    it needs a child (after publishing the build is whole, and saying so is the truth).
    """
    _critical[0] += 1
    try:
        yield
    finally:
        _critical[0] -= 1


def in_critical_section() -> bool:
    return _critical[0] > 0


def reset() -> None:
    """Allow children again (after the interrupted command has finished)."""
    _stopping.clear()


def running() -> list[int]:
    """Process ids of the registered children (for tests and diagnostics)."""
    return list(_live)


def remove_on_death(folder: Path) -> None:
    """Have ``folder`` removed even if archiver is killed (POSIX: by the watchdog)."""
    if _watchdog is not None:
        _watchdog.remove_on_death(folder)


def keep_on_death(folder: Path) -> None:
    if _watchdog is not None:
        _watchdog.keep_on_death(folder)


def watchdog_pid() -> int | None:
    return _watchdog.pid if _watchdog is not None else None


def _windows_job() -> winjob.Job | None:
    if os.name != "nt":
        return None
    if not _job:
        _job.append(winjob.create_job())
    return _job[0]

"""A watchdog process that kills archiver's children when archiver itself dies (POSIX).

Children run in sessions of their own (so that a timeout can kill a whole LibreOffice process
group), which also means that nothing stops them when archiver is killed (kill -9, a crash).
The kernel's parent-death signal does not help with LibreOffice: it reaches only the direct
child, the launcher ``oosplash``, while ``soffice.bin`` is the launcher's child and is handed
to init. Measured here: ``setpriv --pdeathsig KILL soffice …`` started by a process that then
killed itself with SIGKILL left ``soffice.bin`` running, parent 1, still converting.

So archiver starts one small process, in a session of its own so that neither a group kill
nor a terminal hang-up reaches it, and tells it over a pipe which groups to kill (``+PGID`` /
``-PGID``) and which folders to remove (``>PATH`` / ``<PATH``) should archiver die. The kernel
closes the pipe however archiver ends; at end of file the watchdog kills every group still
listed, removes the folders and exits. Run as a script it imports only the standard library
(``python -I -S watchdog.py PARENT_PID``), so it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)


class Watchdog:
    """The archiver side: starts the watchdog on first use and keeps it informed."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # worker threads start children concurrently
        self._folders: list[str] = []  # sent again if the watchdog has to be restarted

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def ready(self) -> None:
        """Start the watchdog now (before a child, so that the child is never unwatched long)."""
        with self._lock:
            self._ensure()

    def watch(self, pgid: int) -> None:
        self._send(f"+{pgid}")

    def forget(self, pgid: int) -> None:
        if self._proc is not None:
            self._send(f"-{pgid}")

    def remove_on_death(self, folder: Path) -> None:
        """Remove ``folder`` too if archiver dies (sent once the watchdog runs)."""
        with self._lock:
            self._folders.append(str(folder))
            if self._proc is not None:
                self._write(self._proc, f">{folder}")

    def keep_on_death(self, folder: Path) -> None:
        with self._lock:
            with contextlib.suppress(ValueError):
                self._folders.remove(str(folder))
            if self._proc is not None:
                self._write(self._proc, f"<{folder}")

    def _send(self, line: str) -> None:
        with self._lock:
            proc = self._ensure()
            if proc is not None:
                self._write(proc, line)

    def _ensure(self) -> subprocess.Popen[bytes] | None:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if not sys.executable:
            return None
        try:
            proc = subprocess.Popen(  # argv list, never a shell
                [sys.executable, "-I", "-S", str(Path(__file__).resolve()), str(os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # no group kill or hang-up meant for archiver hits it
            )
        except OSError as exc:  # children then only die with their own timeouts
            log.warning("watchdog not started: %s", exc)
            return None
        if self._proc is None:
            import atexit

            atexit.register(self.close)
        self._proc = proc
        for folder in self._folders:
            self._write(proc, f">{folder}")
        return proc

    def close(self) -> None:
        """At a normal exit: end the watchdog's input, so it finishes its work and goes."""
        proc = self._proc
        if proc is None:
            return
        with contextlib.suppress(OSError, ValueError):
            if proc.stdin is not None:
                proc.stdin.close()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=2)
        self._proc = None

    def _write(self, proc: subprocess.Popen[bytes], line: str) -> None:
        stdin: IO[bytes] | None = proc.stdin
        if stdin is None:
            return
        try:
            stdin.write(line.encode("utf-8") + b"\n")
            stdin.flush()
        except OSError as exc:  # it died (someone killed it); the next message restarts it
            log.warning("watchdog gone: %s", exc)
            self._proc = None


def _kill_groups(groups: set[int]) -> None:
    for pgid in groups:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 2.0  # let them go before their folders are removed
    while groups and time.monotonic() < deadline:
        for pgid in list(groups):
            try:
                os.killpg(pgid, 0)
            except OSError:
                groups.discard(pgid)
        time.sleep(0.02)


def main(argv: list[str]) -> int:
    # a Ctrl+C or hang-up is archiver's to handle; this process waits for its end of file
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    groups: set[int] = set()
    folders: list[str] = []
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        kind, value = line[:1], line[1:]
        if kind in "+-" and value.isdigit():
            (groups.add if kind == "+" else groups.discard)(int(value))
        elif kind == ">" and value:
            folders.append(value)
        elif kind == "<" and value in folders:
            folders.remove(value)
    _kill_groups(groups)
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""One LibreOffice process per core for a whole build: the conversion server.

``soffice --convert-to`` costs a start (about 1 s) per process, and a process takes at most
~200 files, so a build used to start one per batch: inputs in runs of 200, then its own pages.
Here each process runs a small Basic program (``resources/officeserver.bas``) that converts the
files it is given one after another until the build ends; a build's inputs and its own pages
go through the same processes (:func:`serving`, :func:`convert_served`).

The server talks through files, which works the same on Windows: job ``n`` is
``<profile>/spool/n.job`` (source URL, target URL, PDF filter options), its outcome
``n.done``. The documents are opened and stored with the arguments ``--convert-to`` uses, so
the PDFs are the same (tests compare them).

The Basic program lives in a user profile made once for this installation
(:mod:`archiver.engines.officeprofile`); every process gets a copy of it, so processes never
share a profile. Where the server cannot run
(Basic switched off, a LibreOffice that does not start it) the build goes on with
``--convert-to`` as before; after two builds where it did not start, that installation is
not tried again.

A file that crashes or hangs the server costs only itself: the process is restarted for the
rest, the file is tried once more alone (``libreoffice.convert_batch``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from archiver.engines import children
from archiver.engines import run as run_module
from archiver.engines.officeprofile import MODULE, REFUSED, SLOW, Command, master_profile
from archiver.engines.scratch import profile_prefix

log = logging.getLogger(__name__)

MACRO = f"macro:///Standard.{MODULE}.Serve()"
READY_WITHIN = 20.0  # seconds a new process may take before it says it is ready
LIFETIME = 24 * 3600.0  # a server is stopped by its build; this only bounds a forgotten one
POLL = 0.02  # seconds between two looks for a job's outcome (jobs are queued: no gap)


class Office:
    """One running LibreOffice with the server; jobs are submitted and waited for in order."""

    def __init__(self, exe: Path, master: Path, command: Command, seconds: float) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix=profile_prefix()))
        shutil.copytree(master, self.profile, dirs_exist_ok=True)
        self.spool = self.profile / "spool"
        self.spool.mkdir()
        self.jobs = 0  # submitted
        self.seen = 0  # outcomes seen by the stall watch
        self.never_ready = False
        self._stop = False
        self._idle = 0
        self.exited = threading.Event()
        self.started = time.monotonic()
        argv, env = command(exe, self.profile, [MACRO])
        self._thread = threading.Thread(
            target=self._serve, args=(argv, env, seconds), name="libreoffice", daemon=True
        )
        self._thread.start()

    def _serve(self, argv: list[str], env: dict[str, str], seconds: float) -> None:
        try:
            run_module.run(
                argv,
                timeout=LIFETIME,
                env=env,
                stall=(self._progress, seconds, seconds + READY_WITHIN),
                stop=lambda: self._stop,
            )
        except BaseException as exc:  # a crash, a hang, Ctrl+C: the process is gone; the file
            # in flight is tried alone, and that says what went wrong with it
            log.debug("LibreOffice server ended: %s", getattr(exc, "message", exc))
        finally:
            self.exited.set()
            shutil.rmtree(self.profile, ignore_errors=True)

    def _progress(self) -> int:
        """For the stall watch: 0 while starting (``READY_WITHIN`` more is allowed), then the
        outcomes so far (+1) while work waits, and a new value each time while idle."""
        if not self.ready():
            return 0
        while (self.spool / f"{self.seen + 1}.done").exists():
            self.seen += 1
        if self.seen >= self.jobs:
            self._idle += 1
            return -self._idle
        return self.seen + 1

    def ready(self) -> bool:
        return (self.spool / "ready").exists()

    @property
    def alive(self) -> bool:
        return not self.exited.is_set() and not self._stop

    def submit(self, source: Path, target: Path, options: str = "") -> int:
        self.jobs += 1
        job = self.spool / f"{self.jobs}.job"
        tmp = job.with_suffix(".tmp")
        lines = (source.resolve().as_uri(), target.resolve().as_uri(), options)
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, job)
        return self.jobs

    def wait(self, n: int) -> str | None:
        """Job ``n``'s outcome ("ok" or LibreOffice's error); None if the process ended first."""
        done = self.spool / f"{n}.done"
        while True:
            with contextlib.suppress(OSError):
                return done.read_text(encoding="utf-8")
            if self.exited.is_set():
                return None
            if not self.ready() and time.monotonic() - self.started > READY_WITHIN:
                self.never_ready = True
                self.stop()
            time.sleep(POLL)

    def close(self) -> None:
        """End the process once its jobs are done (it exits by itself); one still starting
        (started ahead and not needed) is ended now."""
        if not self.ready():
            self.stop()
            return
        with contextlib.suppress(OSError):
            (self.spool / "stop").touch()

    def stop(self) -> None:
        """End the process now."""
        self._stop = True

    def join(self, seconds: float) -> None:
        self._thread.join(seconds)
        if self._thread.is_alive():
            self.stop()
            self._thread.join(seconds)


class Offices:
    """The servers of one build: an idle one is lent to whoever converts next."""

    def __init__(self, command: Command, seconds: float) -> None:
        self.command, self.seconds = command, seconds
        self._lock = threading.Lock()
        self._idle: list[Office] = []
        self._all: list[Office] = []
        self._masters: dict[Path, Path | None] = {}
        self._finished = False
        self._prestarted: threading.Event | None = None

    def prestart(self, exe: Path, count: int) -> None:
        """Start ``count`` servers now, beside whatever the build does meanwhile (checking the
        files): for a build that will certainly convert, LibreOffice's start (~1 s each, the
        profile made first in an installation's first build) is then not waited for."""
        self._prestarted = prestarted = threading.Event()

        def start() -> None:
            try:
                made = [o for o in (self._new(exe) for _ in range(count)) if o is not None]
                with self._lock:
                    self._idle.extend(made)
            finally:
                prestarted.set()

        threading.Thread(target=start, name="libreoffice-prestart", daemon=True).start()

    def lease(self, exe: Path) -> Office | None:
        if self._prestarted is not None:
            self._prestarted.wait()
        with self._lock:
            while self._idle and not self._finished:
                office = self._idle.pop()
                if office.alive:
                    return office
        return self._new(exe)

    def _new(self, exe: Path) -> Office | None:
        with self._lock:
            if self._finished:  # what converts after the build's servers: --convert-to
                return None
            if exe not in self._masters:
                self._masters[exe] = master_profile(exe, self.command, self.seconds + 60)
            master = self._masters[exe]
            if master is None or children.stopping():
                return None
            try:
                office = Office(exe, master, self.command, self.seconds)
            except OSError:  # no room for its profile, say: --convert-to reports what fails
                return None
            self._all.append(office)
            return office

    def give_back(self, office: Office) -> None:
        with self._lock:
            if office.alive:
                self._idle.append(office)

    def refuse(self, exe: Path) -> None:
        """The server did not start: not again in this build; after the second build it did
        not start in (one slow start is not enough), not again for this installation."""
        with self._lock:
            master = self._masters.get(exe)
            self._masters[exe] = None
        if master is not None:
            with contextlib.suppress(OSError):
                once = master / SLOW
                if once.is_file():
                    (master / REFUSED).write_text("the server did not start\n", encoding="utf-8")
                else:
                    once.write_text("the server did not start once\n", encoding="utf-8")

    @property
    def finished(self) -> bool:
        return self._finished

    def finish(self) -> None:
        """Let every process end once its jobs are done (no more are coming)."""
        with self._lock:
            self._finished = True
            offices = list(self._all)
        for office in offices:
            office.close()

    def close(self) -> None:
        """End every process, waiting (briefly) for them to go."""
        self.finish()
        with self._lock:
            offices, self._all, self._idle = self._all, [], []
        for office in offices:
            office.join(10.0)


_current: Offices | None = None


@contextlib.contextmanager
def serving(command: Command, seconds: float) -> Iterator[Offices]:
    """Within this block, conversions go through servers that live until it ends.

    ``ARCHIVER_NO_SERVER=1`` in the environment turns them off (``--convert-to`` per batch).
    """
    global _current
    previous, _current = _current, Offices(command, seconds)
    if os.environ.get("ARCHIVER_NO_SERVER"):  # as before: one --convert-to per batch
        _current.finish()
    try:
        yield _current
    finally:
        pool, _current = _current, previous
        pool.close()


def current() -> Offices | None:
    return _current


def serving_now() -> bool:
    """Whether a conversion now goes to a running server: one file costs no start."""
    pool = _current
    return pool is not None and not pool.finished


def convert_served(
    pool: Offices,
    exe: Path,
    sources: list[Path],
    output: Callable[[Path], Path],
    options: str,
    complete: Callable[[Path], bool],
) -> tuple[list[Path], list[Path]]:
    """Convert through the servers: (the files set aside, the files left for ``--convert-to``).

    A file set aside is tried once alone with ``--convert-to``, which says what is wrong with
    it: one the server could not convert, or the one in flight when its process crashed or
    hung (a new process goes on with the rest). If no server can start, the rest is given back.
    """
    remaining = list(sources)
    aside: list[Path] = []
    fruitless = 0  # processes in a row that converted nothing
    while remaining:
        office = pool.lease(exe)
        if office is None:
            return aside, remaining
        try:
            numbers = [(office.submit(src, output(src), options), src) for src in remaining]
        except OSError:  # the spool cannot be written: leave the rest to --convert-to
            office.stop()
            office.exited.wait(30)  # not writing into the same folder as what takes over
            return aside, remaining
        finished = 0
        for n, src in numbers:
            outcome = office.wait(n)
            if outcome is None:
                break
            finished += 1
            if outcome != "ok" or not complete(output(src)):
                aside.append(src)
        if finished == len(numbers):
            pool.give_back(office)
            return aside, []
        if children.stopping():
            raise children.Interrupted()
        if office.never_ready:
            pool.refuse(exe)
            return aside, remaining[finished:]
        fruitless = fruitless + 1 if finished == 0 else 0
        if fruitless >= 2:  # LibreOffice itself is in trouble: leave the rest to --convert-to
            return aside, remaining[finished:]
        aside.append(remaining[finished])
        remaining = remaining[finished + 1 :]
    return aside, []

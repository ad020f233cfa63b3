"""Stopping a build: Ctrl+C, SIGTERM, SIGHUP and kill -9, with the real LibreOffice (issue #15).

A workspace gets enough office files that converting them takes several seconds; the build
runs as ``python -m archiver build`` in a session of its own, as in a terminal, and is sent the
signal to its process group once a LibreOffice child of its own exists (found in /proc by the
test's private TMPDIR in its command line). Then: exit code, time, no LibreOffice left, the
previous output untouched, nothing temporary left, the lock released, and the next build
equal, byte for byte, to a clean build of the same inputs.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_build import EPOCH, ROOT, docx_marker, find, make_workspace

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

EXTRA = 30  # office files the interrupted build has to convert (a few seconds of LibreOffice)
RESOURCES = Path(__file__).parent / "resources" / "interrupt"
VOLUMES = ("01_政府职能依法全面履行.pdf", "02_制度体系完善.pdf", "00_索引卷.pdf")


def processes(marker: str) -> list[tuple[int, str]]:
    """Live (not zombie) processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in cmd and state != "Z" and int(entry.name) != os.getpid():
            found.append((int(entry.name), cmd))
    return found


def soffice(tmpdir: Path) -> list[tuple[int, str]]:
    return [p for p in processes(str(tmpdir)) if "soffice" in p[1]]


def wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


def archiver(ws: Path, out: Path, tmpdir: Path) -> subprocess.Popen[bytes]:
    tmpdir.mkdir(exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(tmpdir)}
    return subprocess.Popen(
        [sys.executable, "-m", "archiver", "build", str(ws), "--out", str(out), "--jobs", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # like a terminal: the signal goes to archiver's group
    )


def build(ws: Path, out: Path, tmpdir: Path) -> subprocess.CompletedProcess[bytes]:
    proc = archiver(ws, out, tmpdir)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr.decode()
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


class Prepared:
    def __init__(self, base: Path) -> None:
        self.ws = make_workspace(base / "ws", base / "work")
        self.previous = base / "previous"
        build(self.ws, self.previous, base / "tmp")
        self.cache = base / "cache-before"  # the cache as the previous build left it
        shutil.copytree(self.ws / ".archiver", self.cache)
        m12 = find(self.ws / "材料", "局法规调研科", "1", 2)
        for i in range(EXTRA):
            docx_marker(m12 / f"附件{i:02d}.docx", f"EXTRA-{i:02d}", paragraphs=20)
        for real in sorted(RESOURCES.glob("*.docx")):  # saved by Microsoft Word
            shutil.copyfile(real, find(self.ws / "材料", "局办公室", "5") / real.name)
        self.clean = base / "clean"
        shutil.rmtree(self.ws / ".archiver")
        build(self.ws, self.clean, base / "tmp")
        report = json.loads((self.clean / "build-report.json").read_text(encoding="utf-8"))
        included = {
            Path(f["path"]).name
            for m in report["materials"]
            for f in m["files"]
            if f["status"] == "included"
        }
        assert {p.name for p in RESOURCES.glob("*.docx")} <= included

    def fresh_start(self, tmp_path: Path) -> Path:
        """The cache as before the new files came; the previous output at a new place."""
        shutil.rmtree(self.ws / ".archiver", ignore_errors=True)
        shutil.copytree(self.cache, self.ws / ".archiver")
        out = tmp_path / "out"
        shutil.copytree(self.previous, out)
        return out


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, libreoffice: Path) -> Prepared:
    return Prepared(tmp_path_factory.mktemp("interrupt"))


def interrupt(
    prepared: Prepared, tmp_path: Path, sig: signal.Signals, again: bool = False
) -> tuple[subprocess.Popen[bytes], float, Path, Path]:
    """Start a build, send ``sig`` mid-conversion; return it, the time it took to end."""
    out = prepared.fresh_start(tmp_path)
    tmpdir = tmp_path / "tmp"
    proc = archiver(prepared.ws, out, tmpdir)
    seen = wait_until(lambda: soffice(tmpdir) or proc.poll() is not None, 60)
    assert seen and proc.poll() is None, "the build ended before LibreOffice started"
    time.sleep(0.5)  # well into the batch
    assert soffice(tmpdir), "LibreOffice finished before it could be interrupted"
    sent = time.monotonic()
    os.killpg(proc.pid, sig)
    if again:  # a second Ctrl+C while archiver cleans up
        time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
    if sig == signal.SIGKILL:
        proc.wait(timeout=10)
        return proc, time.monotonic() - sent, out, tmpdir
    proc.wait(timeout=30)
    return proc, time.monotonic() - sent, out, tmpdir


def assert_previous_intact(prepared: Prepared, out: Path) -> None:
    before = {p.name: p.read_bytes() for p in prepared.previous.iterdir()}
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".archiver-")]


def assert_resumes_to_clean(prepared: Prepared, out: Path, tmpdir: Path) -> None:
    conversions = prepared.ws / ".archiver" / "conversions"
    assert not list(conversions.glob("*.fail")), "an interrupted conversion was cached as failed"
    done = build(prepared.ws, out, tmpdir)
    assert "组卷完成" in done.stdout.decode()
    for name in VOLUMES:
        assert (out / name).read_bytes() == (prepared.clean / name).read_bytes(), name
    assert not (prepared.ws / ".archiver" / "build.lock").exists()
    assert list(tmpdir.iterdir()) == []


def test_ctrl_c_stops_within_two_seconds(prepared: Prepared, tmp_path: Path) -> None:
    proc, took, out, tmpdir = interrupt(prepared, tmp_path, signal.SIGINT, again=True)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.returncode == 130, stderr
    assert took < 2.0, took
    assert soffice(tmpdir) == []
    assert "已中断组卷(收到 Ctrl+C)" in stderr and "从缓存继续" in stderr
    assert "Traceback" not in stderr
    assert_previous_intact(prepared, out)
    assert not (prepared.ws / ".archiver" / "build.lock").exists()
    assert list(tmpdir.iterdir()) == []  # profiles, batches, LibreOffice's own files
    assert wait_until(lambda: not processes(f"watchdog.py {proc.pid}"), 3)
    assert_resumes_to_clean(prepared, out, tmpdir)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_hangup_stop_too(
    prepared: Prepared, tmp_path: Path, sig: signal.Signals
) -> None:
    proc, took, out, tmpdir = interrupt(prepared, tmp_path, sig)
    assert proc.returncode == 128 + sig, proc.stderr.read() if proc.stderr else ""
    assert took < 2.0, took
    assert soffice(tmpdir) == []
    assert_previous_intact(prepared, out)
    assert not (prepared.ws / ".archiver" / "build.lock").exists()
    assert list(tmpdir.iterdir()) == []


def test_kill_9_leaves_no_libreoffice(prepared: Prepared, tmp_path: Path) -> None:
    proc, _, out, tmpdir = interrupt(prepared, tmp_path, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    killed = time.monotonic()
    assert wait_until(lambda: not soffice(tmpdir), 5), soffice(tmpdir)
    gone = time.monotonic() - killed
    assert gone < 5
    # the watchdog removes the run's temporary folder too, then ends
    assert wait_until(lambda: list(tmpdir.iterdir()) == [], 5), list(tmpdir.iterdir())
    assert wait_until(lambda: not processes(f"watchdog.py {proc.pid}"), 5)
    assert_previous_intact(prepared, out)
    assert (prepared.ws / ".archiver" / "build.lock").exists()  # stale: the next build sees it
    assert_resumes_to_clean(prepared, out, tmpdir)


# -- the parts, without LibreOffice ----------------------------------------------------------

SLEEPER = "import time, sys; time.sleep(60)  # {}"


def test_stop_kills_running_children_and_refuses_new_ones(tmp_path: Path) -> None:
    from archiver.engines import children
    from archiver.engines.run import run

    marker = f"sleeper-{tmp_path}"
    caught: list[BaseException] = []

    def work() -> None:
        try:
            run([sys.executable, "-c", SLEEPER.format(marker)], timeout=60)
        except BaseException as exc:
            caught.append(exc)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for t in workers:
        t.start()
    try:
        assert wait_until(lambda: len(processes(marker)) == 2, 10)
        began = time.monotonic()
        children.stop(signal.SIGTERM)
        for t in workers:
            t.join(5)
        assert time.monotonic() - began < 1.0
        assert [type(e) for e in caught] == [children.Interrupted] * 2
        assert all(getattr(e, "signum", None) == signal.SIGTERM for e in caught)
        assert processes(marker) == []
        started = time.monotonic()
        with pytest.raises(children.Interrupted):
            run([sys.executable, "-c", SLEEPER.format(marker + "-late")], timeout=60)
        assert time.monotonic() - started < 0.5 and processes(marker + "-late") == []
    finally:
        children.reset()
    assert run([sys.executable, "-c", "print('again')"], timeout=30).stdout.strip() == "again"


KILLED_PARENT = """
import os, signal, sys, threading, time
from pathlib import Path
from archiver.engines import children
from archiver.engines.run import run
folder = Path(sys.argv[1]); folder.mkdir()
children.remove_on_death(folder)
argv = [sys.executable, "-c", sys.argv[2]]
threading.Thread(target=run, args=(argv,), kwargs={"timeout": 60}).start()
while not children.running():
    time.sleep(0.01)
print(children.watchdog_pid(), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_watchdog_kills_children_of_a_killed_parent(tmp_path: Path) -> None:
    marker = f"orphan-{tmp_path}"
    folder = tmp_path / "run-folder"
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_PARENT, str(folder), SLEEPER.format(marker)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout.strip().isdigit()
    assert wait_until(lambda: processes(marker) == [], 5), processes(marker)
    assert wait_until(lambda: not folder.exists(), 5)


def test_leftovers_of_dead_runs_are_removed(tmp_path: Path) -> None:
    from archiver.engines import scratch

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    mine, old = os.getpid(), time.time() - 2 * 86400
    names = {
        f"archiver-run-{dead.pid}-abc": False,
        f"archiver-lo-{dead.pid}-def": False,
        f"archiver-run-{mine}-ghi": True,  # this process: alive
        f"archiver-run-{os.getppid()}-jkl": True,  # alive
        "archiver-conv-old1234": False,  # an older version's, two days old
        "archiver-conv-new1234": True,  # an older version's, maybe still running
        "lu12345.tmp": True,  # not ours
    }
    for name in names:
        (tmp_path / name / "sub").mkdir(parents=True)
        (tmp_path / name / "sub" / "f").write_bytes(b"x")
    os.utime(tmp_path / "archiver-conv-old1234", (old, old))
    removed = scratch.clean_stale(tmp_path)
    assert sorted(p.name for p in removed) == sorted(n for n, keep in names.items() if not keep)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, k in names.items() if k)


def test_run_folder_holds_temporary_files_and_goes() -> None:
    import tempfile

    from archiver.engines import scratch

    before = tempfile.gettempdir()
    with scratch.run_folder() as folder:
        assert folder.name.startswith(f"archiver-run-{os.getpid()}-")
        with tempfile.TemporaryDirectory() as inner:
            assert Path(inner).parent == folder
    assert not folder.exists() and tempfile.gettempdir() == before


def test_signal_inside_publish_does_not_cut_it_in_half(tmp_path: Path) -> None:
    from archiver import interrupt
    from archiver.binding import publish
    from archiver.engines import children

    destination, new = tmp_path / "out", tmp_path / ".archiver-tmp-1"
    destination.mkdir()
    (destination / "old.txt").write_text("old", encoding="utf-8")
    new.mkdir()
    (new / "new.txt").write_text("new", encoding="utf-8")
    real_replace = os.replace

    def replace_then_signal(src: Path, dst: Path) -> None:
        real_replace(src, dst)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C right after the first rename
        time.sleep(0.05)  # the handler runs here

    saved = {sig: signal.getsignal(sig) for sig in interrupt.SIGNALS}
    try:
        with interrupt.guard():
            os.replace = replace_then_signal  # type: ignore[assignment]
            try:
                publish.publish(new, destination)
            finally:
                os.replace = real_replace
            assert children.stopping()  # no child may start any more
        assert (destination / "new.txt").is_file() and not new.exists()
        assert [p.name for p in tmp_path.iterdir()] == ["out"]  # old build removed, not lost
        # outside the renames it stops at once
        with pytest.raises(KeyboardInterrupt), interrupt.guard():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@pytest.mark.skipif(sys.maxsize < 2**32, reason="sizes documented for 64-bit Windows")
def test_windows_job_structures() -> None:
    import ctypes

    from archiver.engines import winjob

    # the sizes and offsets of the 64-bit Windows SDK (winnt.h)
    assert ctypes.sizeof(winjob.JOBOBJECT_BASIC_LIMIT_INFORMATION) == 64
    assert ctypes.sizeof(winjob.IO_COUNTERS) == 48
    assert ctypes.sizeof(winjob.JOBOBJECT_EXTENDED_LIMIT_INFORMATION) == 144
    assert winjob.JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags.offset == 16
    assert winjob.JOBOBJECT_BASIC_LIMIT_INFORMATION.Affinity.offset == 48
    assert winjob.JOBOBJECT_EXTENDED_LIMIT_INFORMATION.ProcessMemoryLimit.offset == 112
    info = winjob.kill_on_close_limits()
    assert info.BasicLimitInformation.LimitFlags == 0x2000  # JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    assert winjob.create_job() is None  # not Windows: nothing to do


@pytest.mark.parametrize(
    ("sig", "code", "words"),
    [
        (signal.SIGINT, 130, "收到 Ctrl+C"),
        (signal.SIGTERM, 143, "终止"),
        (signal.SIGHUP, 129, "终端"),
    ],
)
def test_message_and_exit_code(sig: signal.Signals, code: int, words: str) -> None:
    from archiver import interrupt
    from archiver.engines.children import Interrupted

    exc = Interrupted(sig)
    assert interrupt.exit_code(exc) == code
    text = interrupt.message("build", exc)
    assert text.startswith("已中断组卷") and words in text and "缓存" in text
    assert interrupt.message("check", exc).startswith("已中断检查")
    assert interrupt.exit_code(KeyboardInterrupt()) == 130


@pytest.fixture(autouse=True)
def _no_stray_stop() -> Iterator[None]:
    from archiver.engines import children

    yield
    children.reset()

"""Stopping a command on Ctrl+C, SIGTERM or a closed terminal (SIGHUP) within two seconds.

The CLI wraps each command in :func:`guard`. On the first signal the handler (which Python
runs in the main thread) calls :func:`archiver.engines.children.stop`, which kills every
running external program's process group and lets no new one start, then raises
:class:`~archiver.engines.children.Interrupted` so that the main thread unwinds through the
build's own cleanup: the temporary output folder is removed, the workspace lock released, the
cache keeps every conversion that finished. Worker threads return as soon as their child dies.
A second signal while that happens only kills again (nothing new can have started), and
after the command it is ignored.

:func:`notify` prints what was interrupted and returns the exit code (128 + the signal, so
130 for Ctrl+C), also when the terminal is already gone.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from archiver.engines import children, scratch

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
SIGNAL_NAMES = {"SIGINT": "收到 Ctrl+C", "SIGTERM": "收到终止信号", "SIGHUP": "终端已关闭"}

_WHAT = {
    "build": (
        "组卷",
        "已停止正在运行的转换程序并删除了临时文件,以前的组卷结果没有改动;"
        "再次运行 archiver build 会从缓存继续,已经转换好的文件不再重复转换",
    ),
    "check": ("检查", "没有改动任何文件;再次运行 archiver check 即可"),
    "status": ("统计进度", "没有写完的报表不会留下;再次运行 archiver status 即可"),
}


def _handle(signum: int, frame: FrameType | None) -> None:
    first = not children.stopping()
    children.stop(signum)
    if first and not children.in_critical_section():
        if signum != getattr(signal, "SIGHUP", None):
            _end_progress_line()
        raise children.Interrupted(signum)


def _end_progress_line() -> None:
    with contextlib.suppress(Exception):
        if sys.stderr.isatty():  # a progress bar may be half-drawn on this line
            sys.stderr.write("\n")
            sys.stderr.flush()


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Handle the stop signals and keep temporary files in one run folder, for one command."""
    if threading.current_thread() is not threading.main_thread():
        with scratch.run_folder():  # signal handlers can only be set in the main thread
            yield
        return
    previous: dict[int, Any] = {sig: signal.signal(sig, _handle) for sig in SIGNALS}
    try:
        with scratch.run_folder():
            yield
    finally:
        stopped = children.stopping()
        for sig, handler in previous.items():
            # after a stop the process is about to exit, and nothing can be running: a further
            # Ctrl+C is ignored (Python would restore the default action, death by SIGINT,
            # for the interpreter's shutdown, so only SIG_IGN keeps the exit code 130)
            signal.signal(sig, signal.SIG_IGN if stopped else handler)
        children.reset()


def signal_name(exc: BaseException) -> str:
    signum = getattr(exc, "signum", int(signal.SIGINT))
    try:
        name = signal.Signals(signum).name
    except ValueError:
        return ""
    return SIGNAL_NAMES.get(name, name)


def exit_code(exc: BaseException) -> int:
    return 128 + int(getattr(exc, "signum", int(signal.SIGINT)))


def message(command: str | None, exc: BaseException) -> str:
    """What was interrupted, and what the next run does."""
    why = signal_name(exc)
    what = _WHAT.get(command or "")
    if what is None:
        return f"已中断({why})。" if why else "已中断。"
    label, rest = what
    return f"已中断{label}({why}):{rest}。"


def notify(command: str | None, exc: BaseException) -> int:
    """Print :func:`message` on stderr (unless the terminal is gone); return the exit code."""
    with contextlib.suppress(OSError, ValueError):
        print(message(command, exc), file=sys.stderr, flush=True)
    return exit_code(exc)

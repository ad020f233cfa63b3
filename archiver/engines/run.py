"""The one place archiver runs external programs.

Always an argv list (never a shell), always a timeout; on timeout the whole process group is
killed so a hung LibreOffice does not linger. Failures become typed errors with Chinese
messages. Tests patch :func:`run` to simulate crashes, hangs and missing programs.

Every child is registered in :mod:`archiver.engines.children` while it runs, so that Ctrl+C
can kill them all at once and none outlives archiver; once stopping has begun, :func:`run`
starts nothing and raises :class:`~archiver.engines.children.Interrupted` instead of reporting
the killed child as a failure (which would be cached as one).
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from archiver.engines import children
from archiver.errors import ExternalProgramError, MissingProgramError, ProgramTimeoutError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completed:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def run(
    argv: Sequence[str | Path],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    check: bool = True,
    stall: tuple[Callable[[], int], float, float] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Completed:
    """Run ``argv`` and wait at most ``timeout`` seconds.

    ``stall``: (a measure of progress, seconds, seconds before the first progress); the program
    is also stopped when the measure has not changed for that long (a batch converter stuck on
    one file). The first progress may take longer: the program has to start up first.
    ``stop``: asked twice a second (with ``stall``); when it says so, the program is stopped
    and :class:`~archiver.errors.ProgramTimeoutError` raised (a server no longer wanted).
    """
    args = [str(a) for a in argv]
    log.debug("run: %s (timeout %ss)", " ".join(args), timeout)
    kwargs: dict[str, object] = {}
    if os.name == "nt":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    else:
        kwargs["start_new_session"] = True

    def launch() -> subprocess.Popen[bytes]:
        proc: subprocess.Popen[bytes] = subprocess.Popen(  # argv list, never a shell
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            **kwargs,  # type: ignore[call-overload]
        )
        return proc

    try:
        proc = children.start(launch)
    except FileNotFoundError as exc:
        raise MissingProgramError(f"找不到程序 {args[0]};请确认已经安装") from exc
    except OSError as exc:
        raise ExternalProgramError(f"无法启动 {args[0]}:{exc.strerror or exc}") from exc
    try:
        if stall is None:
            out, err = proc.communicate(timeout=timeout)
        else:
            out, err = _communicate_watching(proc, timeout, *stall, stop=stop)
    except subprocess.TimeoutExpired as exc:
        children.kill_group(proc)
        proc.communicate()
        if isinstance(exc, _Stopped):
            raise ProgramTimeoutError(f"{Path(args[0]).name} 已被 archiver 停止") from exc
        if isinstance(exc, _Stalled):
            raise ProgramTimeoutError(
                f"{Path(args[0]).name} 处理一个文件超过 {stall[1] if stall else 0:g} 秒"
                "仍未完成,已终止"
            ) from exc
        raise ProgramTimeoutError(
            f"{Path(args[0]).name} 运行超过 {timeout:g} 秒仍未结束,已终止"
        ) from exc
    except BaseException:  # the signal handler raised in this (the main) thread
        children.kill_group(proc)
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)
        raise
    finally:
        children.forget(proc)
    if children.stopping():  # killed by stop(): not the program's failure
        raise children.Interrupted()
    result = Completed(
        tuple(args),
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
    )
    if check and proc.returncode != 0:
        tail = (result.stderr.strip() or result.stdout.strip())[-500:]
        raise ExternalProgramError(
            f"{Path(args[0]).name} 运行失败(退出码 {proc.returncode}):{tail}"
        )
    return result


class _Stalled(subprocess.TimeoutExpired):
    """No progress for the stall time (a subclass, so the timeout path handles it)."""


class _Stopped(subprocess.TimeoutExpired):
    """Asked to stop (``run``'s ``stop``)."""


POLL = 0.5  # seconds between two looks at the progress of a watched program


def _communicate_watching(
    proc: subprocess.Popen[bytes],
    timeout: float,
    progress: Callable[[], int],
    seconds: float,
    first: float,
    stop: Callable[[], bool] | None = None,
) -> tuple[bytes, bytes]:
    deadline = time.monotonic() + timeout
    last, since = progress(), time.monotonic()
    initial = last
    while True:
        now = time.monotonic()
        try:
            return proc.communicate(timeout=max(0.01, min(POLL, deadline - now)))
        except subprocess.TimeoutExpired:
            now = time.monotonic()
            if now >= deadline:
                raise
            if stop is not None and stop():
                raise _Stopped(proc.args, 0) from None
            current = progress()
            if current != last:
                last, since = current, now
            elif now - since > (first if current == initial else seconds):
                raise _Stalled(proc.args, seconds) from None

"""Publishing a build: a lock per workspace, a temporary folder, checksums, one rename.

A build is written into a hidden temporary folder beside its destination and appears under
its real name only when complete (bagit's make_bag does the same). An interrupted build
(even kill -9) leaves only the temporary folder, which the next build removes; an earlier
build is replaced only once the new one is whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from archiver.binding.report import BuildReport
from archiver.engines.children import uninterrupted
from archiver.errors import ArchiverError, ExitCode, OutputError
from archiver.fsutil import sha256_file

REPORT = "build-report.json"
SUMS = "SHA256SUMS"
SOURCES = "sources.sha256"
TMP_PREFIX = ".archiver-tmp-"
OLD_PREFIX = ".archiver-old-"
STALE_LOCK_SECONDS = 12 * 3600


class LockedError(ArchiverError):
    exit_code = ExitCode.LOCKED


@contextlib.contextmanager
def workspace_lock(cache_root: Path) -> Iterator[None]:
    """One build at a time per workspace (a lock file created exclusively)."""
    cache_root.mkdir(parents=True, exist_ok=True)
    lock = cache_root / "build.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _stale(lock):
                with contextlib.suppress(OSError):
                    lock.unlink()
                continue
            info = lock.read_text(encoding="utf-8", errors="replace").strip()
            raise LockedError(
                f"另一个组卷任务正在使用这个工作区({info});请等它结束后再试。"
                f"如果确认没有其他任务在运行,可以删除 {lock}"
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(
                f"pid {os.getpid()} @ {socket.gethostname()} {dt.datetime.now():%Y-%m-%d %H:%M}"
            )
        break
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


def _stale(lock: Path) -> bool:
    try:
        text = lock.read_text(encoding="utf-8", errors="replace")
        age = time.time() - lock.stat().st_mtime
    except OSError:
        return True
    if age > STALE_LOCK_SECONDS:
        return True
    parts = text.split()
    if len(parts) >= 4 and parts[0] == "pid" and parts[3] == socket.gethostname():
        return not _alive(int(parts[1]))
    return False


def _alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # be careful on Windows: only age makes a lock stale there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_build_folder(path: Path) -> bool:
    try:
        data = json.loads((path / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("generator") == "archiver"


def check_destination(out: Path) -> None:
    """--out may name a new folder, an empty one, or an earlier build; nothing else."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} 是一个文件,不能作为组卷输出文件夹")
    if out.is_dir() and any(out.iterdir()) and not is_build_folder(out):
        raise OutputError(
            f"{out} 中已有其他内容,不是以前的组卷结果;为避免覆盖,请换一个空文件夹或新的名称"
        )


def clean_leftovers(parent: Path) -> list[Path]:
    """Remove what interrupted builds left behind (only our own hidden folders)."""
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    for entry in parent.iterdir():
        if entry.name.startswith((TMP_PREFIX, OLD_PREFIX)) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def new_temp_folder(parent: Path) -> Path:
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f"{TMP_PREFIX}{os.getpid()}-{int(time.time() * 1000)}"
        tmp.mkdir()
    except OSError as exc:
        raise OutputError(
            f"无法在 {parent} 中创建输出文件夹({exc.strerror or exc});请检查写入权限和磁盘空间"
        ) from exc
    return tmp


def write_checksums(folder: Path) -> dict[str, str]:
    """SHA256SUMS in GNU format for every file in ``folder`` (``sha256sum -c`` works)."""
    sums: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != SUMS:
            rel = path.relative_to(folder).as_posix()
            sums[rel] = sha256_file(path)
    text = "".join(f"{digest}  {name}\n" for name, digest in sums.items())
    (folder / SUMS).write_text(text, encoding="utf-8", newline="\n")
    return sums


@uninterrupted()  # Ctrl+C between the two renames would leave no build in place
def publish(tmp: Path, destination: Path) -> Path:
    """Move the finished build into place; replace an earlier build only now."""
    old: Path | None = None
    try:
        if destination.exists():
            old = destination.parent / f"{OLD_PREFIX}{os.getpid()}-{destination.name}"
            os.replace(destination, old)
        os.replace(tmp, destination)
    except OSError as exc:
        if old is not None and not destination.exists():
            with contextlib.suppress(OSError):
                os.replace(old, destination)
        raise OutputError(
            f"无法把组卷结果放到 {destination}({exc.strerror or exc});"
            "如果其中的文件正在被打开,请先关闭"
        ) from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return destination


def timestamped(parent: Path, when: dt.datetime) -> Path:
    base = parent / when.strftime("%Y%m%d-%H%M%S")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{base.name}-{n}"
    return candidate


def previous_build(parent: Path, out: Path | None) -> BuildReport | None:
    """The report of the build this one follows (at --out, or the newest in output/)."""
    candidates = (
        [out]
        if out is not None
        else sorted(
            (p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.name,
            reverse=True,
        )
        if parent.is_dir()
        else []
    )
    for folder in candidates:
        if folder is not None and is_build_folder(folder):
            data = json.loads((folder / REPORT).read_text(encoding="utf-8"))
            return BuildReport.from_json(data)
    return None

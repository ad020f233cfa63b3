"""File-system helpers: atomic writes that never leave half a file under a real name."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from archiver.errors import OutputError


def _default_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _default_file_mode()


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(
            prefix=f".{target.stem[:40]}.", suffix=".part" + target.suffix, dir=target.parent
        )
        os.close(fd)
    except OSError as exc:
        raise OutputError(
            f"无法在 {target.parent} 中写入文件({exc.strerror or exc});请检查文件夹是否存在、"
            "是否有写入权限、磁盘是否已满"
        ) from exc
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(
            f"无法写入 {target}({exc.strerror or exc});如果该文件正在 Word/WPS/Excel 中打开,"
            "请先关闭;并检查磁盘空间和写入权限"
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")

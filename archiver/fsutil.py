"""File-system helpers: atomic writes that never leave half a file under a real name; links
told apart cheaply while walking a folder."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from archiver.errors import OutputError


def is_link(entry: os.DirEntry[str]) -> bool:
    """A symbolic link or a Windows junction, from the directory listing: no system call per
    file (DirEntry.is_junction is Python 3.12+; before it, Windows' listing has the reparse
    tag; os.path.isjunction would ask the file system again)."""
    if entry.is_symlink():
        return True
    is_junction = getattr(entry, "is_junction", None)
    if is_junction is not None:
        return bool(is_junction())
    if os.name != "nt":
        return False
    tag = getattr(entry.stat(follow_symlinks=False), "st_reparse_tag", 0)
    return bool(tag == getattr(stat, "IO_REPARSE_TAG_MOUNT_POINT", -1))


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


def copy_atomic(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``; a reader never sees half a file under the real name."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)


CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, streamed (a 2 GB file costs no memory)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def copy_hashing(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` and return the SHA-256 of the bytes written."""
    h = hashlib.sha256()
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            h.update(chunk)
            dst.write(chunk)
    return h.hexdigest()


def reproducible_zip(path: Path, core_date: str | None = None) -> None:
    """Rewrite a zip package (.docx, .xlsx) with fixed entry times: same content, same bytes.

    ``core_date`` (ISO, e.g. ``2021-04-01T09:00:00Z``) also replaces the created/modified
    dates in docProps/core.xml, for writers that stamp the save time (openpyxl does).
    """
    import re
    import zipfile

    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    if core_date is not None:
        fixed_entries = []
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rf"\g<1>{core_date}\g<2>",
                    text,
                )
                data = text.encode("utf-8")
            fixed_entries.append((info, data))
        entries = fixed_entries
    tmp = path.with_name(path.name + ".zip-tmp")
    with zipfile.ZipFile(tmp, "w") as dst:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)
    os.replace(tmp, path)

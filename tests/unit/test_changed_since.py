"""Whether the drop tree changed since own pages were last rendered: the walk that decides to
start LibreOffice ahead. It must see a change deep in the tree, and must not follow a link
(a link back to a parent would loop forever, a link out of the tree is not the office's)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archiver.binding.run import _changed_since
from archiver.fsutil import is_link


def _age(root: Path, seconds: float) -> None:
    """Every folder and file under root (and root) dated ``seconds`` ago."""
    when = os.stat(root).st_mtime - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (when, when), follow_symlinks=False)


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "材料"
    (root / "一" / "二" / "三").mkdir(parents=True)
    (root / "一" / "二" / "三" / "说明.docx").write_bytes(b"x")
    (root / "四").mkdir()
    return root


def test_unchanged_tree_is_not_changed(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _age(root, 100)
    assert not _changed_since(root, os.stat(root).st_mtime + 10)


def test_change_deep_in_the_tree_is_seen(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _age(root, 100)
    last = os.stat(root).st_mtime + 10
    (root / "一" / "二" / "三" / "新增.pdf").write_bytes(b"y")
    assert _changed_since(root, last)


def test_missing_folder_is_not_changed(tmp_path: Path) -> None:
    assert not _changed_since(tmp_path / "没有", 0.0)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_links_are_not_followed(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    outside = tmp_path / "别处"
    outside.mkdir()
    try:
        (root / "一" / "回环").symlink_to(root, target_is_directory=True)
        (root / "四" / "外链").symlink_to(outside, target_is_directory=True)
    except OSError:
        pytest.skip("symbolic links not permitted here")
    _age(root, 100)
    last = os.stat(root).st_mtime + 10
    # A change behind the outward link is not a change of the drop tree, and the loop ends.
    (outside / "外面.docx").write_bytes(b"z")
    assert not _changed_since(root, last)
    with os.scandir(root / "一") as entries:
        kinds = {e.name: is_link(e) for e in entries}
    assert kinds == {"二": False, "回环": True}

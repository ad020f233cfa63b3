"""The workspace cache in ``.archiver/``: file facts keyed by path, size and mtime.

A JSON file, loaded once and written atomically at the end of a scan. A damaged or foreign
cache is ignored (everything is recomputed), a read-only workspace simply runs uncached.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from archiver.errors import OutputError
from archiver.fsutil import write_text_atomic


class JsonCache:
    def __init__(self, path: Path, version: int) -> None:
        self.path = path
        self.version = version
        self.entries: dict[str, Any] = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == self.version:
            entries = data.get("entries")
            if isinstance(entries, dict):
                self.entries = entries

    def get(self, key: str) -> Any:
        return self.entries.get(key)

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.dirty = True

    def prune(self, keep: set[str]) -> None:
        for key in list(self.entries):
            if key not in keep:
                del self.entries[key]
                self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        text = json.dumps(
            {"version": self.version, "entries": self.entries},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        with contextlib.suppress(OutputError):  # a read-only workspace runs uncached
            write_text_atomic(self.path, text)
        self.dirty = False

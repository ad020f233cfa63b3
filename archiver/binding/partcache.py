"""Reuse assembled parts (册) whose inputs did not change.

A part's key is a digest of everything that goes into it: each document's content identity
(source hash or conversion key) and page count, the rendered cover, contents and 备考表,
the bookmark titles, the stamp font and position, and archiver's version. An unchanged part
is copied from ``.archiver/volumes/`` instead of being assembled again; the copy is hashed on
the way, so SHA256SUMS always describes the bytes actually published.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from archiver import __version__
from archiver.binding.parts import Part
from archiver.binding.render import RenderJob
from archiver.fsutil import atomic_path, copy_hashing

ASSEMBLY_VERSION = 2  # bump when write_part changes what it writes


def part_key(part: Part, front: list[RenderJob], back: RenderJob, font: Path, position: str) -> str:
    spec = {
        "v": [__version__, ASSEMBLY_VERSION],
        "font": hashlib.sha256(font.read_bytes()).hexdigest(),
        "position": position,
        "front": [j.identity for j in front],
        "back": back.identity,
        "sections": [
            {
                "indicator": [s.indicator.id, s.indicator.text, list(s.indicator.category_names)],
                "material": [s.material.no, s.material.text],
                "docs": [[d.identity, d.pages, d.kind, d.title] for d in s.docs],
            }
            for s in part.sections
        ],
        "label": part.label,
        "page_labels": part.labels,
    }
    blob = json.dumps(spec, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:40]


class PartCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.used: set[str] = set()

    def fetch(self, key: str, target: Path) -> tuple[int, str] | None:
        """Copy a cached part to ``target``; return (pages, sha256), or None on a miss."""
        pdf, meta = self.folder / f"{key}.pdf", self.folder / f"{key}.json"
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            digest = copy_hashing(pdf, target)
        except (OSError, ValueError):
            return None
        if digest != info.get("sha256"):  # the cached copy was damaged: build it again
            target.unlink(missing_ok=True)
            return None
        self.used.add(key)
        return int(info["pages"]), digest

    def keep(self, key: str, source: Path, pages: int) -> str:
        """Store a freshly written part; return its sha256."""
        with atomic_path(self.folder / f"{key}.pdf") as tmp:
            digest = copy_hashing(source, tmp)
        (self.folder / f"{key}.json").write_text(
            json.dumps({"sha256": digest, "pages": pages}), encoding="utf-8"
        )
        self.used.add(key)
        return digest

    def prune(self) -> None:
        """Forget parts this build did not use (the cache holds one build's worth)."""
        for path in self.folder.iterdir():
            if path.suffix in (".pdf", ".json") and path.stem not in self.used:
                path.unlink(missing_ok=True)

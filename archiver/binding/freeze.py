"""The frozen (定稿) state of a workspace: the page numbering of a printed archive.

``archiver freeze OUTPUT`` records, per volume file, every printed document with its identity
(source sha256, or the content key of a page archiver wrote), its material and its printed
page labels, plus the manifest and level it was frozen with, in ``.archiver/frozen.json``.
While that file exists, builds keep those labels (``freezeplan``). The record is replaced
after every frozen build (so sub-pages printed once keep their numbers), and only ever
removed on purpose (``freeze --undo``, ``build --renumber``), leaving a dated copy behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.errors import ArchiverError
from archiver.fsutil import write_text_atomic

STATE_FILE = "frozen.json"
STATE_VERSION = 1


class FreezeError(ArchiverError):
    """Freezing or a frozen build cannot go on (exit code 2: fix the input first)."""


@dataclass
class PrintedDoc:
    """One document as printed: which material, what it was, which page labels it holds."""

    indicator: str
    material: int
    kind: str  # file / missing / failed / pointer / withdrawn / blank
    title: str
    labels: list[str]
    path: str = ""  # the source file (workspace-relative), if any
    sha256: str = ""  # the source file's hash, if any
    identity: str = ""  # names the bound PDF's content
    change: str = ""  # since the freeze: "" / added / replaced / withdrawn / blank
    since: str = ""  # ISO date of that change
    note: str = ""  # withdrawn / blank pages: what was there

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "material": self.material,
            "kind": self.kind,
            "title": self.title,
            "labels": self.labels,
            "path": self.path,
            "sha256": self.sha256,
            "identity": self.identity,
            "change": self.change,
            "since": self.since,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PrintedDoc:
        return cls(
            indicator=str(data["indicator"]),
            material=int(data["material"]),
            kind=str(data["kind"]),
            title=str(data.get("title", "")),
            labels=[str(x) for x in data.get("labels", [])],
            path=str(data.get("path", "")),
            sha256=str(data.get("sha256", "")),
            identity=str(data.get("identity", "")),
            change=str(data.get("change", "")),
            since=str(data.get("since", "")),
            note=str(data.get("note", "")),
        )


@dataclass
class PrintedPart:
    """One volume file (册) as printed: its front and back pages and its documents."""

    file: str
    label: str  # 第1卷 or 第2卷第1册
    volume: int
    part: int
    count: int
    docs: list[PrintedDoc] = field(default_factory=list)
    front: dict[str, str] = field(default_factory=dict)  # cover/contents/back → identity
    front_pages: dict[str, int] = field(default_factory=dict)  # cover/contents/back → pages

    def page_keys(self) -> list[tuple[str, str]]:
        """(label, content key) of every document page, in order."""
        out: list[tuple[str, str]] = []
        for d in self.docs:
            for i, label in enumerate(d.labels):
                out.append((label, f"{d.kind}:{d.identity}#{i}"))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "label": self.label,
            "volume": self.volume,
            "part": self.part,
            "count": self.count,
            "front": self.front,
            "front_pages": self.front_pages,
            "docs": [d.to_json() for d in self.docs],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PrintedPart:
        return cls(
            file=str(data["file"]),
            label=str(data.get("label", "")),
            volume=int(data["volume"]),
            part=int(data.get("part", 1)),
            count=int(data.get("count", 1)),
            docs=[PrintedDoc.from_json(d) for d in data.get("docs", [])],
            front={str(k): str(v) for k, v in dict(data.get("front", {})).items()},
            front_pages={str(k): int(v) for k, v in dict(data.get("front_pages", {})).items()},
        )


@dataclass
class FrozenState:
    """What ``.archiver/frozen.json`` holds."""

    frozen_on: str  # ISO date of ``archiver freeze``
    source: str  # the build folder that was frozen
    manifest: str  # the manifest path it was frozen with
    manifest_sha256: str
    level: str
    printed_pages: int  # document pages when frozen
    parts: list[PrintedPart]
    index_pages: list[str] = field(default_factory=list)  # text digest of each index page
    last_build: str = ""  # ISO date of the last frozen build
    builds: int = 0  # frozen builds since the freeze

    def document_pages(self) -> int:
        return sum(len(d.labels) for p in self.parts for d in p.docs)

    def added_pages(self) -> int:
        """Pages added since the freeze (sub-pages), withdrawn and blank pages not counted."""
        return sum(
            1
            for p in self.parts
            for d in p.docs
            if d.kind not in ("withdrawn", "blank")
            for label in d.labels
            if "-" in label
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "frozen_on": self.frozen_on,
            "source": self.source,
            "manifest": self.manifest,
            "manifest_sha256": self.manifest_sha256,
            "level": self.level,
            "printed_pages": self.printed_pages,
            "last_build": self.last_build,
            "builds": self.builds,
            "index_pages": self.index_pages,
            "parts": [p.to_json() for p in self.parts],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FrozenState:
        return cls(
            frozen_on=str(data["frozen_on"]),
            source=str(data.get("source", "")),
            manifest=str(data["manifest"]),
            manifest_sha256=str(data["manifest_sha256"]),
            level=str(data["level"]),
            printed_pages=int(data.get("printed_pages", 0)),
            parts=[PrintedPart.from_json(p) for p in data["parts"]],
            index_pages=[str(x) for x in data.get("index_pages", [])],
            last_build=str(data.get("last_build", "")),
            builds=int(data.get("builds", 0)),
        )


@dataclass
class FrozenInfo:
    """What a frozen build's report says of the freeze (build-report.json ``frozen``)."""

    frozen_on: str
    added_pages: int  # sub-pages added since the freeze
    supplement_pages: int  # pages this build asks to print (补页/)
    supplement_files: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "frozen_on": self.frozen_on,
            "added_pages": self.added_pages,
            "supplement_pages": self.supplement_pages,
            "supplement_files": self.supplement_files,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FrozenInfo:
        return cls(
            str(data.get("frozen_on", "")),
            int(data.get("added_pages", 0)),
            int(data.get("supplement_pages", 0)),
            [str(x) for x in data.get("supplement_files", [])],
        )

    def summary_lines(self) -> list[str]:
        todo = (
            f"本次需补印 {self.supplement_pages} 页,见 补页/ 和 补页清单.pdf"
            if self.supplement_pages
            else "本次没有需要补印的页"
        )
        return [
            f"本档案已于 {self.frozen_on} 定稿:已印页码保持不变,定稿后新增 {self.added_pages} 页。",
            todo,
        ]


def state_path(cache_root: Path) -> Path:
    return cache_root / STATE_FILE


def load_state(cache_root: Path) -> FrozenState | None:
    """The frozen state, or None when the workspace is not frozen; a damaged file stops."""
    path = state_path(cache_root)
    if not path.is_file():
        return None
    try:
        return FrozenState.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        from archiver.errors import technical

        technical(exc, path)
        raise FreezeError(
            f"定稿记录 {path} 无法读取(内容不完整或已被改动);为免丢失已印页码,组卷已停止。"
            "请从备份恢复该文件;确需放弃定稿页码时运行 archiver freeze --undo"
        ) from exc


def save_state(cache_root: Path, state: FrozenState) -> None:
    text = json.dumps(state.to_json(), ensure_ascii=False, indent=1)
    write_text_atomic(state_path(cache_root), text + "\n")


def drop_state(cache_root: Path, stamp: str) -> Path | None:
    """Set the frozen state aside (never deleted: renamed with a time stamp); return where."""
    path = state_path(cache_root)
    if not path.is_file():
        return None
    kept = cache_root / f"frozen-undone-{stamp}.json"
    path.replace(kept)
    return kept

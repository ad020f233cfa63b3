"""Entries of the build report about files: one submitted file and where it was bound, and
the 总体材料 volume (the office's own documents, bound first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from archiver.binding.parts import Part
from archiver.binding.plan import Doc

FileStatus = Literal["included", "failed"]


@dataclass
class FileEntry:
    """One submitted file of a material, and where it was bound."""

    path: str
    pages: int
    first_page: int
    last_page: int
    status: FileStatus
    message: str
    notes: list[str] = field(default_factory=list)  # what preparing it for print changed
    labels: list[str] = field(default_factory=list)  # printed page numbers ("15-1" when frozen)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "pages": self.pages,
            "first_page": self.first_page,
            "last_page": self.last_page,
            "status": self.status,
            "message": self.message,
            "notes": self.notes,
            "labels": self.labels,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileEntry:
        status: FileStatus = "failed" if data.get("status") == "failed" else "included"
        return cls(
            str(data.get("path", "")),
            int(data.get("pages", 0)),
            int(data.get("first_page", 0)),
            int(data.get("last_page", 0)),
            status,
            str(data.get("message", "")),
            [str(n) for n in data.get("notes", [])],
            [str(x) for x in data.get("labels", [])],
        )


@dataclass
class GeneralEntry:
    """The 总体材料 volume: the office's own documents (自评报告, 工作总结 …), bound first."""

    volume: str  # its file
    files: list[FileEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"volume": self.volume, "files": [f.to_json() for f in self.files]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GeneralEntry:
        return cls(
            str(data.get("volume", "")), [FileEntry.from_json(f) for f in data.get("files", [])]
        )


def general_entry(parts: list[Part]) -> GeneralEntry | None:
    """What the report says of the 总体材料 volume (None when 材料/总体材料/ holds nothing)."""
    for part in parts:
        if part.volume.general:
            files = [file_entry(part, d) for d in part.docs if d.kind in ("file", "failed")]
            return GeneralEntry(part.file_name, files)
    return None


def file_entry(part: Part, doc: Doc) -> FileEntry:
    assert doc.source is not None
    first, last = part.page_range(doc)
    included = doc.kind == "file"
    return FileEntry(
        doc.source.rel,
        doc.pages if included else 0,
        first,
        last,
        "included" if included else "failed",
        doc.message,
        list(doc.notes),
        [part.page_label(first + i) for i in range(max(doc.pages, 1))],
    )

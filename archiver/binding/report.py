"""The build report (``build-report.json``) as typed values, and its readable summary.

The JSON keys are a contract (docs/build.md): only ever add keys. :meth:`BuildReport.to_json`
writes them in a fixed order, so the same build gives the same bytes; :meth:`BuildReport.
from_json` reads a report back (the previous build's, for what changed since), tolerating the
keys an older archiver did not write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from archiver import __version__
from archiver.binding.entries import FileEntry, GeneralEntry, file_entry
from archiver.binding.freeze import FrozenInfo, PrintedPart
from archiver.binding.parts import Location, Part
from archiver.binding.plan import BuildPlan, Section, missing_shares
from archiver.manifest.model import MaterialRef
from archiver.manifest.terms import Terms
from archiver.score.model import Scores
from archiver.textutil import no_materials_text

MaterialStatus = Literal["included", "partial", "missing", "failed", "shared", "not_required"]
MATERIAL_STATUSES: tuple[MaterialStatus, ...] = (
    "included",
    "partial",
    "missing",
    "failed",
    "shared",
    "not_required",
)


@dataclass
class VolumeEntry:
    """One volume file (a part, 册) of the archive."""

    file: str
    title: str
    label: str  # 第1卷 or 第2卷第1册
    volume: int
    part: int
    pages: int  # all pages: cover, contents, documents, 备考表
    front_pages: int  # cover and contents (unnumbered)
    document_pages: int
    sha256: str = ""  # known once the file is written

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "title": self.title,
            "label": self.label,
            "volume": self.volume,
            "part": self.part,
            "pages": self.pages,
            "front_pages": self.front_pages,
            "document_pages": self.document_pages,
            "sha256": self.sha256,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VolumeEntry:
        return cls(
            file=str(data.get("file", "")),
            title=str(data.get("title", "")),
            label=str(data.get("label", "")),
            volume=int(data.get("volume", 0)),
            part=int(data.get("part", 1)),
            pages=int(data.get("pages", 0)),
            front_pages=int(data.get("front_pages", 0)),
            document_pages=int(data.get("document_pages", 0)),
            sha256=str(data.get("sha256", "")),
        )


@dataclass(frozen=True)
class PointerEntry:
    """Where the “本项材料见第X项” page of a shared material is."""

    volume: str
    page: int


@dataclass
class MaterialEntry:
    """One material of one indicator (or an indicator that needs none)."""

    indicator: str
    material: int | None
    text: str
    units: list[str]
    status: MaterialStatus
    volume: str | None
    first_page: int | None
    last_page: int | None
    files: list[FileEntry] = field(default_factory=list)
    same_as: MaterialRef | None = None  # shared: the material whose pages these are
    pointer: PointerEntry | None = None  # shared: the pointer page of this indicator
    first_label: str = ""  # the printed numbers of first_page / last_page ("15-1" when frozen)
    last_label: str = ""
    missing_units: list[str] = field(default_factory=list)  # partial: units whose share lacks

    def to_json(self) -> dict[str, Any]:
        head: dict[str, Any] = {
            "indicator": self.indicator,
            "material": self.material,
            "text": self.text,
            "units": self.units,
        }
        place = {
            "volume": self.volume,
            "first_page": self.first_page,
            "last_page": self.last_page,
            "first_label": self.first_label,
            "last_label": self.last_label,
        }
        files = [f.to_json() for f in self.files]
        if self.status == "not_required":
            return {**head, "status": self.status, **place, "files": files}
        head["files"] = files
        if self.status == "partial":
            return {**head, "status": self.status, "missing_units": self.missing_units, **place}
        if self.status != "shared":
            return {**head, "status": self.status, **place}
        same = self.same_as
        pointer = self.pointer
        return {
            **head,
            "status": self.status,
            "same_as": {"indicator": same.indicator, "material": same.material} if same else None,
            **place,
            "pointer": {"volume": pointer.volume, "page": pointer.page} if pointer else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MaterialEntry:
        status = data.get("status")
        same, pointer = data.get("same_as"), data.get("pointer")
        return cls(
            indicator=str(data.get("indicator", "")),
            material=data.get("material"),
            text=str(data.get("text", "")),
            units=list(data.get("units", [])),
            status=status if status in MATERIAL_STATUSES else "missing",
            volume=data.get("volume"),
            first_page=data.get("first_page"),
            last_page=data.get("last_page"),
            files=[FileEntry.from_json(f) for f in data.get("files", [])],
            same_as=MaterialRef(str(same["indicator"]), int(same["material"])) if same else None,
            pointer=PointerEntry(str(pointer["volume"]), int(pointer["page"])) if pointer else None,
            first_label=str(data.get("first_label") or ""),
            last_label=str(data.get("last_label") or ""),
            missing_units=list(data.get("missing_units", [])),
        )


@dataclass
class BuildReport:
    version: str
    date: str  # ISO date of the build
    org: str
    manifest: str  # the manifest's title
    level: str
    volumes: list[VolumeEntry]
    materials: list[MaterialEntry]
    errors: int = 0  # findings of the check that ran before the build
    warnings: int = 0
    changed_since_previous: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)  # 情况说明汇编 files
    index: dict[str, str] = field(default_factory=dict)  # {"pdf": …, "docx": …}
    has_previous: bool = False
    layout: list[PrintedPart] = field(default_factory=list)  # every page's printed number
    frozen: FrozenInfo | None = None  # set when built frozen (定稿)
    scores: Scores | None = None  # the self-assessment (自评表) when one was bound
    general: GeneralEntry | None = None  # the 总体材料 volume, when there is one

    def count(self, status: MaterialStatus) -> int:
        return sum(1 for m in self.materials if m.status == status)

    def material(self, indicator: str, no: int | None) -> MaterialEntry | None:
        for m in self.materials:
            if m.indicator == indicator and m.material == no:
                return m
        return None

    @property
    def pages(self) -> int:
        return sum(v.pages for v in self.volumes)

    def to_json(self) -> dict[str, Any]:
        return {
            "generator": "archiver",
            "version": self.version,
            "date": self.date,
            "org": self.org,
            "manifest": self.manifest,
            "level": self.level,
            "volumes": [v.to_json() for v in self.volumes],
            "materials": [m.to_json() for m in self.materials],
            "changed_since_previous": self.changed_since_previous,
            "findings": {"errors": self.errors, "warnings": self.warnings},
            "explanations": self.explanations,
            "index": self.index,
            "has_previous": self.has_previous,
            "frozen": self.frozen.to_json() if self.frozen else None,
            "layout": [p.to_json() for p in self.layout],
            "scores": self.scores.to_json() if self.scores is not None else None,
            "general": self.general.to_json() if self.general is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildReport:
        findings = data.get("findings") or {}
        return cls(
            version=str(data.get("version", "")),
            date=str(data.get("date", "")),
            org=str(data.get("org", "")),
            manifest=str(data.get("manifest", "")),
            level=str(data.get("level", "")),
            volumes=[VolumeEntry.from_json(v) for v in data.get("volumes", [])],
            materials=[MaterialEntry.from_json(m) for m in data.get("materials", [])],
            errors=int(findings.get("errors", 0)),
            warnings=int(findings.get("warnings", 0)),
            changed_since_previous=list(data.get("changed_since_previous", [])),
            explanations=list(data.get("explanations", [])),
            index=dict(data.get("index", {})),
            has_previous=bool(data.get("has_previous", False)),
            layout=[PrintedPart.from_json(p) for p in data.get("layout", [])],
            frozen=FrozenInfo.from_json(data["frozen"]) if data.get("frozen") else None,
            scores=Scores.from_json(data["scores"]) if data.get("scores") else None,
            general=GeneralEntry.from_json(data["general"]) if data.get("general") else None,
        )


def material_entries(
    plan: BuildPlan,
    parts: list[Part],
    locations: dict[MaterialRef, Location],
    terms: Terms | None = None,
) -> list[MaterialEntry]:
    """Every material of the plan, in volume order, then the indicators that need none."""
    out: list[MaterialEntry] = []
    for part in parts:
        if part.volume.general:  # the office's own documents: :func:`general_entry`
            continue
        for section in part.sections:
            files = [file_entry(part, d) for d in section.docs if d.kind in ("file", "failed")]
            where = locations.get(section.key)
            entry = MaterialEntry(
                indicator=section.indicator.id,
                material=section.material.no,
                text=section.material.text,
                units=list(section.material.lead_units),
                status="included",
                volume=part.file_name,
                first_page=where.first if where else None,
                last_page=where.last if where else None,
                files=files,
                first_label=where.part.page_label(where.first) if where else "",
                last_label=where.part.page_label(where.last) if where else "",
            )
            if section.status == "pointer":
                entry.status = "shared"
                entry.same_as = section.key
                entry.volume = where.part.file_name if where else None
                entry.pointer = PointerEntry(part.file_name, part.page_range(section.docs[0])[0])
            else:
                entry.status = section.status
                mark_partial(entry, section)
            out.append(entry)
    for volume in plan.volumes:
        for ind in volume.no_material:
            out.append(
                MaterialEntry(
                    indicator=ind.id,
                    material=None,
                    text=ind.no_materials or no_materials_text(ind, terms or Terms()),
                    units=list(ind.lead_units),
                    status="not_required",
                    volume=None,
                    first_page=None,
                    last_page=None,
                )
            )
    return out


def mark_partial(entry: MaterialEntry, section: Section) -> None:
    """A material several units provide is 部分提供 while a unit's share is missing."""
    lacking = missing_shares(section)
    if lacking and entry.status == "included":
        entry.status = "partial"
        entry.missing_units = lacking


def changed_volumes(volumes: list[VolumeEntry], previous: BuildReport | None) -> list[str]:
    """The volume files whose bytes differ from the previous build's (all of them if none)."""
    if previous is None:
        return [v.file for v in volumes]
    before = {v.file: v.sha256 for v in previous.volumes}
    return [v.file for v in volumes if before.get(v.file) != v.sha256]


def new_report(
    *,
    when: dt.date,
    org: str,
    manifest: str,
    level: str,
    volumes: list[VolumeEntry],
    materials: list[MaterialEntry],
    errors: int,
    warnings: int,
) -> BuildReport:
    return BuildReport(
        version=__version__,
        date=when.isoformat(),
        org=org,
        manifest=manifest,
        level=level,
        volumes=volumes,
        materials=materials,
        errors=errors,
        warnings=warnings,
    )

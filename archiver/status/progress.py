"""Progress per unit, per 一级指标 and per material (pure: from check results to numbers).

A material a unit leads is one *task* of that unit; a material several units lead is a task
of each. A task is ``provided`` when the unit's folder holds at least one usable file and no
error concerns it, ``error`` when it holds files but an error concerns it (a template not
filled in, over the word limit, a broken file …), ``missing`` when nothing usable is there.
Completion is provided / required.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from archiver.check import counted_files
from archiver.findings import ERROR, Finding
from archiver.manifest.model import MaterialRef
from archiver.manifest.terms import Terms
from archiver.pipeline import CheckResult
from archiver.scan.inventory import ScannedFile
from archiver.textutil import no_materials_text
from archiver.workspace.layout import required_materials


@dataclass
class Tally:
    name: str
    required: int = 0
    provided: int = 0
    errors: int = 0
    missing: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.provided / self.required if self.required else 100.0

    def add(self, status: str) -> None:
        self.required += 1
        if status == "provided":
            self.provided += 1
        elif status == "error":
            self.errors += 1
        else:
            self.missing += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "required": self.required,
            "provided": self.provided,
            "errors": self.errors,
            "missing": self.missing,
            "percent": round(self.percent, 1),
        }


@dataclass
class MaterialEntry:
    indicator: str
    material: int | None
    text: str
    category: str
    units: list[str]
    folders: list[str]
    status: str  # missing | partial | provided | error | not_required
    files: list[str] = field(default_factory=list)
    word_count: int | None = None
    problems: list[Finding] = field(default_factory=list)
    unit_status: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "material": self.material,
            "text": self.text,
            "category": self.category,
            "units": self.units,
            "folders": self.folders,
            "status": self.status,
            "unit_status": self.unit_status,
            "files": self.files,
            "word_count": self.word_count,
            "problems": [p.code for p in self.problems],
        }


@dataclass
class StatusReport:
    date: dt.date
    org: str
    title: str
    level_name: str
    report_day: int
    overall: Tally
    units: list[Tally]
    categories: list[Tally]
    materials: list[MaterialEntry]
    findings: list[Finding]
    terms: Terms = field(default_factory=Terms)
    general: list[str] = field(default_factory=list)  # the files of 材料/总体材料/

    @property
    def laggards(self) -> list[Tally]:
        """Units named in the circular: below the overall rate, least progress first."""
        behind = [u for u in self.units if u.required and u.percent < self.overall.percent]
        if not behind:  # everyone at the same rate: name those at the bottom, if not done
            lowest = min((u.percent for u in self.units if u.required), default=100.0)
            behind = [u for u in self.units if u.required and u.percent == lowest < 100.0]
        return sorted(behind, key=lambda u: (u.percent, -u.required))[:5]

    @property
    def next_deadline(self) -> dt.date:
        d = self.date
        if d.day <= self.report_day:
            return d.replace(day=self.report_day)
        year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        return dt.date(year, month, self.report_day)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "org": self.org,
            "title": self.title,
            "level": self.level_name,
            "next_deadline": self.next_deadline.isoformat(),
            "overall": self.overall.to_json(),
            "units": [u.to_json() for u in self.units],
            "laggards": [u.name for u in self.laggards],
            "categories": [c.to_json() for c in self.categories],
            "materials": [m.to_json() for m in self.materials],
            "general": self.general,
        }


def build_status(result: CheckResult, today: dt.date) -> StatusReport:
    ws = result.workspace
    manifest, level, layout = ws.manifest, ws.config.level, ws.layout
    files_by: dict[tuple[MaterialRef, str], list[ScannedFile]] = defaultdict(list)
    for f in result.inventory.files:
        if f.folder is not None and f.folder.collects is not None:
            files_by[(f.folder.collects, f.folder.unit)].append(f)
    problems_by: dict[tuple[str, int | None, str | None], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        problems_by[(finding.indicator or "", finding.material, finding.unit)].append(finding)

    units = {u: Tally(u) for u in layout.units}
    categories: dict[str, Tally] = {}
    overall = Tally("全部")
    entries: list[MaterialEntry] = []
    listed: set[str] = set()
    for ind, mat in required_materials(manifest, level):
        key = MaterialRef(ind.id, mat.no)
        titles = manifest.category_titles(ind)
        cat = titles[0] if titles else ""
        tally = categories.setdefault(cat, Tally(cat))
        entry = MaterialEntry(
            indicator=ind.id,
            material=mat.no,
            text=manifest.material_text(ind, mat),
            category=cat,
            units=list(mat.units),
            folders=[f"{ws.config.drop_folder}/{f.rel}" for f in layout.all_folders_for(key)],
            status="missing",
        )
        for unit in entry.units:
            files = files_by.get((key, unit), [])
            problems = problems_by.get((ind.id, mat.no, unit), [])
            entry.files += [f.rel for f in files]
            entry.problems += problems
            errors = [p for p in problems if p.severity == ERROR and p.code != "missing_material"]
            if any(p.code == "missing_material" for p in problems) or not files:
                status = "missing"
            elif errors:
                status = "error"
            else:
                status = "provided"
            entry.unit_status[unit] = status
            units[unit].add(status)
            tally.add(status)
            overall.add(status)
        entry.status = combined_status(entry.unit_status)
        counts = [
            f.facts.word_count.words
            for f in counted_files([f for f in _files(result, entry.files) if f.usable])
            if mat.kind == "explanation" and f.facts and f.facts.word_count
        ]
        entry.word_count = max(counts) if counts else None
        entries.append(entry)
        listed.add(ind.id)
    for ind in manifest.indicators_for(level):
        if not ind.materials:
            entries.append(
                MaterialEntry(
                    indicator=ind.id,
                    material=None,
                    text=ind.no_materials or no_materials_text(ind, manifest.terms),
                    category=(manifest.category_titles(ind) or ("",))[0],
                    units=list(ind.lead_units),
                    folders=[],
                    status="not_required",
                )
            )
    order = {ind.id: i for i, ind in enumerate(manifest.indicators)}
    entries.sort(key=lambda e: (order.get(e.indicator, 0), e.material or 0))
    lv = manifest.level(level)
    return StatusReport(
        date=today,
        org=ws.config.org,
        title=manifest.title,
        level_name=lv.name if lv else level,
        report_day=ws.config.report_day,
        overall=overall,
        units=[t for t in units.values() if t.required],
        categories=list(categories.values()),
        materials=entries,
        findings=result.findings,
        terms=manifest.terms,
        general=result.general_files,
    )


def combined_status(unit_status: dict[str, str]) -> str:
    """One status for a material several units provide: ``partial`` (部分提供) when some
    units' shares are there and others are missing; an error anywhere wins."""
    statuses = set(unit_status.values())
    if "error" in statuses:
        return "error"
    if "missing" in statuses:
        return "partial" if "provided" in statuses else "missing"
    return "provided"


def missing_units(unit_status: dict[str, str]) -> list[str]:
    return [u for u, s in unit_status.items() if s == "missing"]


def _files(result: CheckResult, rels: list[str]) -> list[ScannedFile]:
    wanted = set(rels)
    return [f for f in result.inventory.files if f.rel in wanted]

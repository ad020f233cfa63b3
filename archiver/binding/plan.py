"""Plan the archive (pure): which documents go into which volume, in which order.

One volume per 一级指标. Inside: indicators in manifest order; for each, its explanations
first, then evidence; a material's files in natural order (2 before 10); a material several
units lead holds every unit's files, unit by unit. A material shared by several indicators is
printed once, under its owner; the others get a one-page pointer. A material with no file
gets a “本项材料暂缺” page. Nothing submitted vanishes: a file that cannot be bound (damaged,
encrypted, empty, a video …) is planned as failed, with the check's words for why, and gets
a page of its own at its place. Splitting into parts (册) happens later, once page counts
are known (``parts.split_parts``).

The plan is filled in by later stages: conversion gives each file its PDF and page count
(:meth:`Doc.bind`) or marks it failed (:meth:`Doc.fail`); numbering gives each document its
first page. A section's status follows from its documents, so it cannot disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from archiver.findings import ERROR, UNBINDABLE, Finding
from archiver.manifest.model import Category, Indicator, Material, MaterialRef
from archiver.manifest.terms import Terms
from archiver.pipeline import CheckResult
from archiver.scan.inventory import ScannedFile
from archiver.textutil import leads_text, natural_key
from archiver.workspace.layout import GENERAL_FOLDER, material_key

# withdrawn / blank: frozen builds only (a removed file's pages; a shorter replacement's rest)
# lacking: the page after a several-unit material's shares naming the units whose share is missing
DocKind = Literal["file", "missing", "failed", "pointer", "withdrawn", "blank", "lacking"]
PLACEHOLDER_KINDS = ("missing", "failed", "lacking")  # pages archiver writes in their place
SectionStatus = Literal["included", "missing", "failed", "pointer"]


@dataclass
class Doc:
    """One document in a volume: a source file, or a page archiver writes."""

    kind: DocKind  # a file to bind; the 暂缺 page; a file that failed; a 见第X项 page
    title: str
    unit: str
    source: ScannedFile | None = None
    message: str = ""  # for placeholders: what is missing / why it failed
    date: str = ""  # YYYYMMDD when known
    pages: int = 0  # filled in after conversion
    pdf: str = ""  # path of the PDF to include (converted or rendered)
    identity: str = ""  # names that PDF's content (source hash or cache key)
    target: MaterialRef | None = None  # for pointers: the material pointed to
    first_page: int = 0  # its first page number in its part, once numbered
    notes: tuple[str, ...] = ()  # what preparing it for print changed (repaired, put on A4 …)
    change: str = ""  # frozen builds: added / replaced / withdrawn / blank since the freeze
    since: str = ""  # frozen builds: ISO date of that change

    marks: tuple[tuple[str, int], ...] = ()  # bookmarks inside it (a workbook's sheets)
    segment: tuple[int, int] | None = None  # its pages within a shared PDF (bundle.py)

    def bind(
        self,
        pdf: str,
        pages: int,
        identity: str,
        notes: tuple[str, ...] = (),
        marks: tuple[tuple[str, int], ...] = (),
        segment: tuple[int, int] | None = None,
    ) -> None:
        """The PDF that stands for this document in the volume (converted or rendered)."""
        self.pdf, self.pages, self.identity = pdf, pages, identity
        self.notes, self.marks, self.segment = notes, marks, segment

    def fail(self, message: str) -> None:
        """The file could not be converted: a page saying why takes its place."""
        self.kind, self.message = "failed", message

    @property
    def last_page(self) -> int:
        return self.first_page + max(self.pages, 1) - 1


@dataclass
class Section:
    """One material of one indicator, with its documents."""

    indicator: Indicator
    material: Material
    key: MaterialRef
    docs: list[Doc] = field(default_factory=list)

    @property
    def status(self) -> SectionStatus:
        # stand-in pages of a frozen build (withdrawn, blank) say nothing of the material, nor
        # does the page naming a missing share (部分提供 is told by :func:`missing_shares`)
        kinds = {d.kind for d in self.docs if d.kind not in ("withdrawn", "blank", "lacking")}
        if not kinds:
            return "missing"
        if "pointer" in kinds:
            return "pointer"
        if "missing" in kinds:
            return "missing"
        if kinds == {"failed"}:
            return "failed"
        return "included"

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.docs)


@dataclass
class VolumePlan:
    number: int  # 1-based, in category order; 0 for the 总体材料 volume
    category: Category
    sections: list[Section] = field(default_factory=list)
    no_material: list[Indicator] = field(default_factory=list)  # 不需提供材料 rows
    general: bool = False  # the office's own documents (材料/总体材料/), bound first

    @property
    def label(self) -> str:
        return GENERAL_LABEL if self.general else f"第{self.number}卷"


# the 总体材料 volume: one section of archiver's own, before the indicator volumes
GENERAL_LABEL = "综合卷"
GENERAL_FILE = "00_综合卷_总体材料"  # sorts after 00_索引卷 and before 01_…
GENERAL_CATEGORY = Category("", GENERAL_FOLDER, None)
GENERAL_MATERIAL = Material(
    no=0,
    text="本单位的自评报告、工作总结等总体材料",
    kind="evidence",
    lead_units=(),
    own_lead_units=False,
    word_limit=None,
    explicit_limit=False,
    same_as=None,
)
GENERAL_INDICATOR = Indicator(
    id=GENERAL_FOLDER,
    level="",
    category=("",),
    category_names=(GENERAL_FOLDER,),
    text=GENERAL_MATERIAL.text,
    lead_units=(),
    no_materials=None,
    materials=(GENERAL_MATERIAL,),
)
GENERAL_KEY = MaterialRef(GENERAL_FOLDER, 0)


@dataclass
class BuildPlan:
    volumes: list[VolumePlan]
    level: str

    def all_docs(self) -> list[Doc]:
        return [d for v in self.volumes for s in v.sections for d in s.docs]

    def all_sections(self) -> list[Section]:
        return [s for v in self.volumes for s in v.sections]

    def item_sections(self) -> list[Section]:
        """The sections of the manifest's materials (not the 总体材料 volume's)."""
        return [s for v in self.volumes if not v.general for s in v.sections]


def usable(f: ScannedFile) -> bool:
    return f.usable and f.facts is not None and not f.facts.placeholder


def submitted(f: ScannedFile) -> bool:
    """A file a unit sent for a material: everything in its folder but our own template.

    An unfilled 情况说明 template is archiver's, not the unit's: its material gets the “暂缺”
    page. Everything else is planned, bindable or not, so that nothing submitted vanishes.
    """
    return f.facts is None or not (f.usable and f.facts.placeholder)


def refusals(findings: list[Finding]) -> dict[str, str]:
    """Why each file that cannot be bound cannot be: the check's own words, by path."""
    out: dict[str, str] = {}
    for finding in findings:
        if finding.code in UNBINDABLE and finding.path and finding.path not in out:
            out[finding.path] = finding.message
    return out


def _file_date(f: ScannedFile) -> str:
    from archiver.scan.facts import dates_in_name

    named = dates_in_name(f.path.name)
    if named:
        return min(named).strftime("%Y%m%d")
    if f.facts and f.facts.dates:
        return min(f.facts.dates).replace("-", "")
    return ""


TEXT_KINDS = ("docx", "doc", "wps", "txt", "rtf", "odt")


def _file_order(mat: Material, f: ScannedFile) -> tuple[object, ...]:
    """Natural order; in a 情况说明 material the written account comes before attachments."""
    first = mat.kind == "explanation" and f.facts is not None and f.facts.kind in TEXT_KINDS
    return (0 if first else 1, natural_key(f.rel))


def _title(f: ScannedFile) -> str:
    name = f.rel.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def plan_build(result: CheckResult) -> BuildPlan:
    ws = result.workspace
    manifest, level = ws.manifest, ws.config.level
    files_by: dict[tuple[MaterialRef, str], list[ScannedFile]] = {}
    for f in result.inventory.files:
        if f.folder is not None and f.folder.collects is not None and submitted(f):
            files_by.setdefault((f.folder.collects, f.folder.unit), []).append(f)
    refused = refusals(result.findings)
    volumes: dict[str, VolumePlan] = {}
    for cat in manifest.categories:
        volumes[cat.no] = VolumePlan(len(volumes) + 1, cat)
    for ind in manifest.indicators_for(level):
        vol = volumes[ind.category[0]]
        if not ind.materials:
            vol.no_material.append(ind)
            continue
        ordered = sorted(ind.materials, key=lambda m: (m.kind != "explanation", m.no))
        for mat in ordered:
            vol.sections.append(_section(ind, mat, files_by, refused, manifest.terms))
    used = [v for v in volumes.values() if v.sections or v.no_material]
    for i, v in enumerate(used, start=1):
        v.number = i
    general = general_volume(result, refused)
    return BuildPlan([general, *used] if general else used, level)


def general_volume(result: CheckResult, refused: dict[str, str]) -> VolumePlan | None:
    """The 总体材料 volume: every file of 材料/总体材料/ by name; None when there is none."""
    org = result.workspace.config.org
    files = [f for f in result.inventory.files if f.general and submitted(f)]
    if not files:
        return None
    section = Section(GENERAL_INDICATOR, GENERAL_MATERIAL, GENERAL_KEY)
    for f in sorted(files, key=lambda f: natural_key(f.rel)):
        doc = Doc("file", _title(f), org, source=f, date=_file_date(f))
        if not usable(f):
            doc.fail(refused.get(f.rel, "文件无法读取;请重新复制或导出该文件"))
        section.docs.append(doc)
    return VolumePlan(0, GENERAL_CATEGORY, [section], general=True)


def _section(
    ind: Indicator,
    mat: Material,
    files_by: dict[tuple[MaterialRef, str], list[ScannedFile]],
    refused: dict[str, str],
    terms: Terms | None = None,
) -> Section:
    t = terms or Terms()
    key = material_key(ind, mat)
    section = Section(ind, mat, key)
    units = mat.units
    if mat.same_as is not None:
        section.docs.append(
            Doc(
                "pointer",
                f"材料见第{key.indicator}项",
                units[0],
                target=key,
                message=f"本项材料与第{key.indicator}项的材料({key.material})为同一份,只装订一次",
            )
        )
        return section
    for unit in units:
        files = sorted(files_by.get((key, unit), []), key=lambda f: _file_order(mat, f))
        for f in files:
            doc = Doc("file", _title(f), unit, source=f, date=_file_date(f))
            if not usable(f):
                doc.fail(refused.get(f.rel, "文件无法读取;请重新复制或导出该文件"))
            section.docs.append(doc)
    if not section.docs:
        who = leads_text(mat.lead_units, t)
        section.docs.append(
            Doc(
                "missing",
                "本项材料暂缺",
                units[0],
                message=f"第{ind.id}项 材料({mat.no}):{mat.text}。{t.unit}:{who}。",
            )
        )
    elif lacking := missing_shares(section):  # 部分提供: a page names the missing shares
        section.docs.append(
            Doc(
                "lacking",
                LACKING_HEADING,
                "、".join(lacking),
                message=f"第{ind.id}项 材料({mat.no})缺{'、'.join(lacking)}提供的部分。",
            )
        )
    return section


LACKING_HEADING = "本项材料部分暂缺"


def errors_blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == ERROR]


def missing_shares(section: Section) -> list[str]:
    """The units of a several-unit material whose share has no file here (部分提供)."""
    units = section.material.units
    if len(units) < 2 or section.status != "included":
        return []
    present = {d.unit for d in section.docs if d.kind in ("file", "failed")}
    return [u for u in units if u not in present]

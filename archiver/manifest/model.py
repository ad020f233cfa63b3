"""Typed values for a loaded, validated manifest.

A manifest lists the indicators of one source table (附1 or 附2): who leads each, which
materials it asks for, and the word limits that apply. Everything later in the pipeline
(workspace, check, status, build) reads these values and never the raw YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from archiver.manifest.terms import Terms

LEVEL_KINDS = ("national", "provincial", "municipal", "bonus", "penalty", "annual")
MATERIAL_KINDS = ("explanation", "evidence")
UNASSIGNED = "未分配"  # the folder and the name for materials whose source names no lead unit


@dataclass(frozen=True)
class WordLimit:
    """字数 limits of an explanation: soft (warning above) and hard (error above)."""

    soft: int | None
    hard: int

    def to_json(self) -> dict[str, int | None]:
        return {"soft": self.soft, "hard": self.hard}


@dataclass(frozen=True)
class Unit:
    name: str
    aliases: tuple[str, ...] = ()
    short: str | None = None  # a short name for folders; defaults to the name


@dataclass(frozen=True)
class Category:
    no: str
    name: str
    points: int | None
    children: tuple[Category, ...] = ()

    @property
    def label(self) -> str:
        """The category as printed: number and name (一、政府职能依法全面履行)."""
        no = self.no
        if not no:  # a volume of archiver's own (总体材料)
            return self.name
        if no[:1] in "一二三四五六七八九十":
            return f"{no}、{self.name}"
        if no.startswith("("):
            return f"{no}{self.name}"
        return f"{no}.{self.name}"

    @property
    def title(self) -> str:
        """The label with its points where it has them: 一、依法全面履行政府职能(17分)."""
        return f"{self.label}({self.points}分)" if self.points is not None else self.label


@dataclass(frozen=True)
class MaterialRef:
    """A material by its indicator id and number; for a shared material, its owner's."""

    indicator: str
    material: int

    def __str__(self) -> str:
        return f"{self.indicator}#{self.material}"


@dataclass(frozen=True)
class Material:
    no: int
    text: str
    kind: str
    lead_units: tuple[str, ...]  # resolved: the indicator's units when the material names none
    own_lead_units: bool  # True when the source names units for this material itself
    word_limit: WordLimit | None  # None for evidence
    explicit_limit: bool  # True when the source states the limit on the material
    same_as: MaterialRef | None  # this material is the one of another indicator
    shared_with: tuple[MaterialRef, ...] = ()  # every other place the same material serves
    note: str | None = None

    @property
    def units(self) -> tuple[str, ...]:
        """The units whose folders collect this material (未分配 when the source names none)."""
        return self.lead_units or (UNASSIGNED,)


@dataclass(frozen=True)
class Indicator:
    id: str
    level: str
    category: tuple[str, ...]  # category numbers from the top, e.g. ("一", "1")
    category_names: tuple[str, ...]  # the same path as printed labels
    text: str
    lead_units: tuple[str, ...]
    no_materials: str | None
    materials: tuple[Material, ...]
    requirement: str | None = None
    note: str | None = None
    shared_with: tuple[str, ...] = ()  # other indicators that share a material with this one

    def material(self, no: int) -> Material | None:
        for m in self.materials:
            if m.no == no:
                return m
        return None


@dataclass(frozen=True)
class Level:
    id: str
    name: str
    includes: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    issuer: str
    document: str
    number: str | None
    date: dt.date | None
    attachment: str | None


@dataclass(frozen=True)
class Manifest:
    path: str
    title: str
    source: Source
    period_start: dt.date | None
    period_end: dt.date | None
    word_limits: WordLimit
    levels: tuple[Level, ...]
    always_included: tuple[str, ...]
    units: tuple[Unit, ...]
    categories: tuple[Category, ...]
    indicators: tuple[Indicator, ...]
    default_material: tuple[str, str] | None = None  # (text, kind) for items listing none
    explanation: str | None = None
    notes: tuple[str, ...] = field(default=())
    terms: Terms = field(default_factory=Terms)

    @property
    def total_points(self) -> int | None:
        """The sum of the top categories' points (100 for 附2), None when none has points."""
        pts = [c.points for c in self.categories if c.points is not None]
        return sum(pts) if pts else None

    def category_titles(self, ind: Indicator) -> tuple[str, ...]:
        """An indicator's category path as printed, with points (一、…(17分) / 1.…)."""
        out: list[str] = []
        level = self.categories
        for no in ind.category:
            found = next((c for c in level if c.no == no), None)
            if found is None:
                break
            out.append(found.title)
            level = found.children
        return tuple(out) or ind.category_names

    def material_text(self, ind: Indicator, mat: Material) -> str:
        """What a material asks for as printed: the item's 工作要求 when the material is the
        manifest's generic default (附2 lists no materials), else the material's own text."""
        default = self.default_material
        if default is not None and mat.text == default[0] and ind.requirement:
            return ind.requirement
        return mat.text

    def level_name(self, level_id: str) -> str:
        lv = self.level(level_id)
        return lv.name if lv else level_id

    def level(self, level_id: str) -> Level | None:
        for lv in self.levels:
            if lv.id == level_id:
                return lv
        return None

    def indicators_for(self, level_id: str | None) -> tuple[Indicator, ...]:
        """The indicators a given level includes (all when ``level_id`` is None)."""
        if level_id is None:
            return self.indicators
        lv = self.level(level_id)
        if lv is None:
            raise KeyError(level_id)
        kinds = set(lv.includes) | set(self.always_included)
        return tuple(i for i in self.indicators if i.level in kinds)

    def indicator(self, ind_id: str) -> Indicator | None:
        for i in self.indicators:
            if i.id == ind_id:
                return i
        return None

    def unit_names(self) -> tuple[str, ...]:
        return tuple(u.name for u in self.units)

    def level_problem(self, level_id: str) -> str | None:
        """Why ``level_id`` is not a level of this manifest (a message), or None."""
        if self.level(level_id) is not None:
            return None
        choices = "、".join(lv.id for lv in self.levels)
        return f"清单中没有级别“{level_id}”;可选:{choices}"

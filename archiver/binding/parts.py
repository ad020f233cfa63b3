"""Split volumes into parts (册) and number their pages (pure, once page counts are known).

A part never splits a material; a material larger than the cap gets a part of its own.
Document pages are numbered from 1 in each part; the cover and contents are unnumbered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archiver.binding.plan import GENERAL_FILE, BuildPlan, Doc, Section, VolumePlan
from archiver.manifest.model import Indicator, MaterialRef
from archiver.workspace.naming import safe_name


@dataclass
class Part:
    volume: VolumePlan
    number: int  # 1-based part number within the volume
    count: int  # parts in the volume
    sections: list[Section] = field(default_factory=list)
    no_material: list[Indicator] = field(default_factory=list)
    # the printed label of each document page (frozen builds: "15-1"); empty means 1, 2, 3…
    labels: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # extra 备考表 lines (补充/移出)

    @property
    def file_name(self) -> str:
        base = f"{self.volume.number:02d}_{self.volume.category.name}"
        if self.volume.general:
            base = GENERAL_FILE
        if self.count > 1:
            base += f"_第{self.number}册"
        return safe_name(base, 80) + ".pdf"

    @property
    def label(self) -> str:
        """How people name it: 第1卷 or 第2卷第1册."""
        text = self.volume.label
        return text + (f"第{self.number}册" if self.count > 1 else "")

    @property
    def docs(self) -> list[Doc]:
        return [d for s in self.sections for d in s.docs]

    @property
    def pages(self) -> int:
        return sum(d.pages for d in self.docs)

    def page_range(self, doc: Doc) -> tuple[int, int]:
        """The printed page numbers of one of this part's documents (a placeholder has one)."""
        return doc.first_page, doc.last_page

    def page_label(self, page: int) -> str:
        """The printed number of document page ``page`` (1-based position in the part)."""
        if self.labels and 0 < page <= len(self.labels):
            return self.labels[page - 1]
        return str(page)

    def range_text(self, first: int, last: int, dash: str = "-") -> str:
        """“7”, “7-9”, or with sub-pages “15-1–15-2” (an en dash, so the range reads)."""
        a, b = self.page_label(first), self.page_label(last)
        if a == b:
            return a
        return f"{a}{'–' if '-' in a + b else dash}{b}"


def split_parts(plan: BuildPlan, cap: int) -> list[Part]:
    parts: list[Part] = []
    for vol in plan.volumes:
        chunks: list[list[Section]] = [[]]
        pages = 0
        for section in vol.sections:
            if chunks[-1] and pages + section.pages > cap:
                chunks.append([])
                pages = 0
            chunks[-1].append(section)
            pages += section.pages
        for i, chunk in enumerate(chunks, start=1):
            part = Part(vol, i, len(chunks), chunk)
            if i == 1:
                part.no_material = list(vol.no_material)
            parts.append(part)
    for part in parts:
        number(part)
    return parts


def number(part: Part) -> None:
    """Number the part's documents from page 1, in order."""
    page = 1
    for doc in part.docs:
        doc.first_page = page
        page += doc.pages


@dataclass(frozen=True)
class Location:
    part: Part
    first: int
    last: int


def locate(parts: list[Part]) -> dict[MaterialRef, Location]:
    """Where each collected material's pages are (pointers excluded)."""
    out: dict[MaterialRef, Location] = {}
    for part in parts:
        for section in part.sections:
            if section.status == "pointer" or not section.docs:
                continue
            out[section.key] = Location(
                part, section.docs[0].first_page, section.docs[-1].last_page
            )
    return out

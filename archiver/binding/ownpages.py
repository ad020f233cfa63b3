"""Archiver's own pages of a build: placeholders, pointers, covers, contents and 备考表.

Page numbers depend on the pages archiver writes itself, and those pages name page numbers;
every such page is one page long, so numbering assumes that, renders, and numbers again in
the rare case a page ran longer. What depends only on the numbering can start before the
pages are rendered (the 情况说明汇编), or be converted with them (the index, when its
printed text can be foretold: :mod:`archiver.binding.indexahead`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from archiver.binding.bundle import render_own_pages
from archiver.binding.freeze import FrozenState
from archiver.binding.freezeplan import frozen_parts
from archiver.binding.frozenrun import render_stand_ins
from archiver.binding.pages import (
    backnote_job,
    contents_job,
    cover_job,
    placeholder_job,
    pointer_job,
    volume_info,
    volume_title,
)
from archiver.binding.parts import Location, Part, locate, number, split_parts
from archiver.binding.plan import PLACEHOLDER_KINDS, BuildPlan, Doc
from archiver.binding.render import PageRenderer, RenderJob
from archiver.binding.report import VolumeEntry
from archiver.manifest.model import MaterialRef
from archiver.pipeline import CheckResult

Locations = dict[MaterialRef, Location]
Extra = Callable[[list[Part], Locations], list[tuple[Path, Path]]]


FrontJobs = dict[int, tuple[RenderJob, RenderJob, RenderJob]]  # id(part) → cover, contents, back


def render_pages(
    plan: BuildPlan,
    result: CheckResult,
    renderer: PageRenderer,
    when: dt.datetime,
    frozen: FrozenState | None = None,
    numbered: Callable[[list[Part]], None] | None = None,
    extra: Extra | None = None,
) -> tuple[list[Part], dict[MaterialRef, Location], FrontJobs]:
    """Render placeholders, pointers, covers, contents and 备考表 in one parallel pass.

    Page numbers depend on the pages archiver writes itself, and those pages name page
    numbers; every such page is one page long, so numbering assumes that, renders, and
    numbers again in the rare case a page ran longer. ``extra`` gives further documents to
    convert with the first pass, as (source, where its PDF goes).
    """
    ws = result.workspace
    drop = ws.config.drop_folder
    terms = ws.manifest.terms
    placeholders: dict[int, RenderJob] = {}  # id(doc) → its page
    for volume in plan.volumes:
        for section in volume.sections:
            for doc in section.docs:
                if doc.kind in PLACEHOLDER_KINDS:
                    asks = ws.manifest.material_text(section.indicator, section.material)
                    job = placeholder_job(doc, section, drop, ws.layout, terms, asks)
                    placeholders[id(doc)] = job
                if (doc.kind in PLACEHOLDER_KINDS or doc.kind == "pointer") and not doc.pages:
                    doc.pages = 1
    cap = ws.config.build.page_cap
    if frozen is None:
        parts = split_parts(plan, cap)
    else:  # 定稿: printed numbers kept, additions as sub-pages
        parts = frozen_parts(plan, frozen.parts, cap, when.date().isoformat())
        render_stand_ins(parts, renderer, ws.config.cache_root / "rendered")
    if numbered is not None:  # what depends only on the numbering may start now
        numbered(parts)
    for attempt in range(3):
        locations = locate(parts)
        more = extra(parts, locations) if extra is not None and attempt == 0 else []
        own: list[tuple[Doc, RenderJob]] = []
        sheaves: list[list[RenderJob]] = []  # each part's placeholders and pointers
        for part in parts:
            mine = []
            for section in part.sections:
                for doc in section.docs:
                    if id(doc) in placeholders:
                        mine.append((doc, placeholders[id(doc)]))
                    elif doc.kind == "pointer" and doc.target is not None:
                        mine.append((doc, pointer_job(doc, section, locations.get(doc.target))))
            own += mine
            sheaves.append([job for _, job in mine])
        front: FrontJobs = {}
        for part in parts:
            info = volume_info(result.workspace, part, when)
            front[id(part)] = (
                cover_job(info, part),
                contents_job(info, part),
                backnote_job(info, part),
            )
        render_own_pages(renderer, sheaves, [list(trio) for trio in front.values()], more)
        longer = False
        for doc, job in own:
            longer |= doc.pages != job.pages
            doc.bind(str(job.pdf), job.pages, job.identity, segment=job.segment)
        if not longer or frozen is not None:  # frozen labels were given per page already
            break
        for part in parts:
            number(part)
    return parts, locate(parts), front


def volume_entries(parts: list[Part], front: FrontJobs, result: CheckResult) -> list[VolumeEntry]:
    """What the report says of each volume file (its hash is added once it is written)."""

    def counts(part: Part) -> tuple[int, int]:
        cover, contents, back = front[id(part)]
        return cover.pages + contents.pages, back.pages

    return entries_with(parts, counts, result.workspace.manifest.title)


def entries_with(
    parts: list[Part], counts: Callable[[Part], tuple[int, int]], title: str
) -> list[VolumeEntry]:
    """The volume entries, given each part's (front, back) page counts."""
    entries = []
    for part in parts:
        front_pages, back_pages = counts(part)
        entries.append(
            VolumeEntry(
                file=part.file_name,
                title=volume_title(title, part),
                label=part.label,
                volume=part.volume.number,
                part=part.number,
                pages=front_pages + part.pages + back_pages,
                front_pages=front_pages,
                document_pages=part.pages,
            )
        )
    return entries


def front_of(trio: tuple[RenderJob, RenderJob, RenderJob]) -> dict[str, tuple[str, int]]:
    return {
        k: (j.identity, j.pages) for k, j in zip(("cover", "contents", "back"), trio, strict=True)
    }

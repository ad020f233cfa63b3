"""The index volume converted together with archiver's own pages.

What the index prints depends on the documents' page numbers, not on how many pages the
covers, contents and 备考表 take (it counts the documents' pages, as the 备考表 does; the
links, which do depend on them, are laid over the PDF afterwards). So it is rendered as
soon as the parts are numbered and converted in the own pages' batch, not in a LibreOffice
start of its own after them. Afterwards the build renders the index with the final report
(:func:`archiver.binding.index.write_index`): if the printed text is the same, which it is
unless an own page ran longer and the parts were numbered again, LibreOffice's PDF is taken
from the cache; else it is converted there. A changed numbering costs one conversion, never
a wrong page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from archiver.binding.index import index_context, raw_index_pdf
from archiver.binding.ownpages import Extra, Locations, entries_with
from archiver.binding.parts import Part
from archiver.binding.report import BuildReport, VolumeEntry
from archiver.docxrender import printed_only, render_docx
from archiver.workspace import Workspace

MakeReport = Callable[[list[Part], Locations, list[VolumeEntry]], BuildReport]


def index_ahead(ws: Workspace, make_report: MakeReport, when: dt.date, work: Path) -> Extra:
    """What gives the own pages' pass the index to convert."""

    def extra(parts: list[Part], locations: Locations) -> list[tuple[Path, Path]]:
        # cover and contents, 备考表: any counts do, the printed text does not depend on them
        volumes = entries_with(parts, lambda _part: (2, 1), ws.manifest.title)
        context = index_context(ws, make_report(parts, locations, volumes), when)
        raw = raw_index_pdf(ws, context)
        if raw.is_file():
            return []
        source = work / f"{raw.stem}.docx"
        # printed as the index is, without hyperlinks: the fast path renders it (LibreOffice
        # prints the same; the PDF's links are archiver's own, laid afterwards)
        render_docx("索引卷.docx", printed_only(context), source, ws.root)
        return [(source, raw)]

    return extra

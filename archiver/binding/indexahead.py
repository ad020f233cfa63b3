"""The index volume converted together with archiver's own pages, when its text is foretold.

The index prints every volume's page count, and those include the covers, contents and
备考表 that are rendered in the same pass, so it is normally converted after them: one more
LibreOffice start at the end of the build. When the workspace was built before, each part
that keeps its file name almost always keeps its number of own pages too; the index is then
rendered with those counts and converted in the own pages' batch. Afterwards the build
renders the index with the true counts (:func:`archiver.binding.index.write_index`): if the
printed text is the same, LibreOffice's PDF is taken from the cache, else it is converted
there as before. A wrong guess costs one conversion, never a wrong page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from archiver.binding.index import index_context, raw_index_pdf
from archiver.binding.ownpages import Extra, Locations, entries_with
from archiver.binding.parts import Part
from archiver.binding.report import BuildReport, VolumeEntry
from archiver.docxrender import render_docx
from archiver.workspace import Workspace

MakeReport = Callable[[list[Part], Locations, list[VolumeEntry]], BuildReport]


def index_ahead(
    ws: Workspace, previous: BuildReport | None, make_report: MakeReport, when: dt.date, work: Path
) -> Extra | None:
    """What gives the own pages' pass the index to convert (none without a previous build)."""
    if previous is None:
        return None
    before = {v.file: v for v in previous.volumes}

    def extra(parts: list[Part], locations: Locations) -> list[tuple[Path, Path]]:
        if not parts or any(p.file_name not in before for p in parts):
            return []

        def counts(part: Part) -> tuple[int, int]:
            old = before[part.file_name]
            return old.front_pages, old.pages - old.front_pages - old.document_pages

        volumes = entries_with(parts, counts, ws.manifest.title)
        context = index_context(ws, make_report(parts, locations, volumes), when)
        raw = raw_index_pdf(ws, context)
        if raw.is_file():
            return []
        source = work / f"{raw.stem}.docx"
        render_docx("索引卷.docx", context, source, ws.root)
        return [(source, raw)]

    return extra

"""Draw a whole OFD into a PDF, one PDF page per OFD page at the OFD page's own size.

Runs in the child process started by :func:`archiver.engines.ofd.convert.convert_ofd`; the
PDF is written next to ``out`` and renamed into place only when complete.
"""

from __future__ import annotations

import os
from pathlib import Path

from archiver.engines.ofd.context import MM, Context
from archiver.engines.ofd.document import load
from archiver.engines.ofd.fonts import SystemFonts
from archiver.engines.ofd.package import Package
from archiver.engines.ofd.pages import draw_page, page_box


def render(source: Path, out: Path) -> tuple[int, list[str]]:
    """Render ``source`` to ``out``; returns the page count and Chinese warnings."""
    from reportlab.pdfgen.canvas import Canvas

    package = Package(source, source.name)
    try:
        doc = load(package)
        warnings: list[str] = []
        part = out.with_name(out.name + ".part")
        # invariant: no timestamps or random ids, so the same OFD gives the same bytes
        c = Canvas(str(part), pageCompression=1, invariant=1)
        ctx = Context(c, doc, SystemFonts(), warnings)
        for ref in doc.pages:
            page = package.xml(ref.member)
            b = page_box(ctx, page)
            c.setPageSize((b.w * MM, b.h * MM))
            c.saveState()
            c.transform(MM, 0, 0, -MM, 0, b.h * MM)  # millimetres, y down, as OFD draws
            c.transform(1, 0, 0, 1, -b.x, -b.y)
            draw_page(ctx, ref.id, page, 0, ref.member)
            c.restoreState()
            c.showPage()
        c.save()
        os.replace(part, out)
        return len(doc.pages), warnings
    finally:
        package.close()

"""Small inspections and removals on an open pikepdf document, used by ``pdfprep``.

- ``attachments_of``: embedded files (document-level and file-attachment annotations);
- ``remove_scripts``: JavaScript and automatic actions, so that nothing runs in the archive;
- ``is_blank``: a page that paints nothing, judged from its content stream without rendering.
"""

from __future__ import annotations

import logging

import pikepdf

log = logging.getLogger(__name__)

# operators that put marks on the page; a content stream without any of them is blank
PAINTING = frozenset(
    [
        "S",
        "s",
        "f",
        "F",
        "f*",
        "B",
        "B*",
        "b",
        "b*",
        "sh",
        "Do",
        "BI",
        "INLINE_IMAGE",
        "Tj",
        "TJ",
        "'",
        '"',
    ]
)
BLANK_CHECK_BYTES = 4096  # a longer content stream is taken to paint something (no parsing)


def attachments_of(pdf: pikepdf.Pdf) -> list[tuple[str, int]]:
    """(file name, size in bytes) of every embedded file."""
    found: list[tuple[str, int]] = []
    try:
        for name, spec in pdf.attachments.items():
            found.append((spec.filename or name, _size(spec)))
    except (pikepdf.PdfError, KeyError, ValueError) as exc:
        log.info("attachments unreadable: %s", exc)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            if annot.get("/Subtype") != pikepdf.Name.FileAttachment or "/FS" not in annot:
                continue
            fs = annot.FS
            name = str(fs.get("/UF", fs.get("/F", "附件")))
            size = 0
            ef = fs.get("/EF")
            if isinstance(ef, pikepdf.Dictionary) and "/F" in ef:
                stream = ef.F
                params: pikepdf.Object | dict[str, int] = stream.get("/Params", {})
                size = int(params.get("/Size", 0)) or len(stream.read_bytes())
            found.append((name, size))
    return found


def _size(spec: pikepdf.AttachedFileSpec) -> int:
    try:
        f = spec.get_file()
        return int(f.size) or len(f.read_bytes())
    except (pikepdf.PdfError, ValueError, KeyError):
        return 0


def remove_scripts(pdf: pikepdf.Pdf) -> int:
    """Delete JavaScript and automatic actions; returns how many places held one."""
    removed = 0
    root = pdf.Root
    if "/AA" in root:
        del root["/AA"]
        removed += 1
    opening = root.get("/OpenAction")
    # an array or a GoTo only opens at a page; any other action (JavaScript, Launch …) goes
    if isinstance(opening, pikepdf.Dictionary) and opening.get("/S") != pikepdf.Name.GoTo:
        del root["/OpenAction"]
        removed += 1
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        del names["/JavaScript"]
        removed += 1
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
            removed += 1
    removed += _strip_outline_scripts(root.get("/Outlines"))
    return removed


def _strip_outline_scripts(outlines: object) -> int:
    """Bookmarks may run JavaScript when clicked: keep the bookmark, drop such an action."""
    if not isinstance(outlines, pikepdf.Dictionary):
        return 0
    removed, item, seen = 0, outlines.get("/First"), 0
    stack = [item] if item is not None else []
    while stack and seen < 100_000:  # a cyclic outline tree must not hang the build
        node = stack.pop()
        seen += 1
        if not isinstance(node, pikepdf.Dictionary):
            continue
        action = node.get("/A")
        if isinstance(action, pikepdf.Dictionary) and action.get("/S") in (
            pikepdf.Name.JavaScript,
            pikepdf.Name.Launch,
        ):
            del node["/A"]
            removed += 1
        for key in ("/First", "/Next"):
            if key in node:
                stack.append(node[key])
    return removed


def is_blank(page: pikepdf.Page) -> bool:
    """True when the page's content paints nothing (scanned white pages are not detected)."""
    contents = page.obj.get("/Contents")
    if contents is None:
        return True
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    total = 0
    for s in streams:
        if isinstance(s, pikepdf.Stream):
            total += int(s.get("/Length", 0))
    if total > BLANK_CHECK_BYTES:
        return False
    try:
        ops = pikepdf.parse_content_stream(page)
    except pikepdf.PdfError:
        return False  # unreadable content: do not claim it is blank
    return not any(str(item.operator) in PAINTING for item in ops)

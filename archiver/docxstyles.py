"""The styles a rendered page uses, and only those, in its ``word/styles.xml``.

archiver's templates come from python-docx's default template, which defines 164 styles; an
office's Word template defines as many. LibreOffice builds every defined style when it opens
a document: for one of archiver's pages that is about 50 ms of its ~0.1–0.35 s (measured with
``soffice --convert-to pdf`` on the demo's ten own-page documents, 2.7 s → 2.2 s of CPU). A
style no paragraph, run, table or numbering level names changes nothing on the page, so the
rendered copy keeps only the styles named in the package, what they are based on, link to or
are followed by, and each kind's default. The template files themselves are untouched (Word
users edit them); the latent-style list (Word's gallery of built-in styles) stays too.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

STYLES = "word/styles.xml"
_NAMED = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]*)"')
_PARTS = re.compile(r"word/[^/]+\.xml$")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_cache: dict[tuple[bytes, frozenset[str]], bytes] = {}
_lock = threading.Lock()


def named_styles(entries: Mapping[str, bytes]) -> frozenset[str]:
    """The style ids the package's parts (all but the styles) name."""
    named: set[str] = set()
    for name, blob in entries.items():
        if name != STYLES and _PARTS.match(name) and b"Style" in blob:
            named.update(v.decode("utf-8", "replace") for v in _NAMED.findall(blob))
    return frozenset(named)


def slim_styles(entries: Mapping[str, bytes]) -> bytes | None:
    """``word/styles.xml`` with only the styles the package uses; None: keep it as it is."""
    styles = entries.get(STYLES)
    if not styles:
        return None
    key = (styles, named_styles(entries))
    with _lock:
        if key in _cache:
            return _cache[key]
    slim = _slim(styles, key[1])
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = slim if slim is not None else styles
    return slim


def _slim(styles: bytes, named: frozenset[str]) -> bytes | None:
    from lxml import etree

    try:
        root = etree.fromstring(styles)
    except etree.XMLSyntaxError:
        return None
    w = f"{{{_W}}}"
    by_id = {str(el.get(w + "styleId")): el for el in root.iterchildren(w + "style")}
    keep: set[str] = set()
    todo = [*named, *(sid for sid, el in by_id.items() if el.get(w + "default") in ("1", "true"))]
    while todo:
        sid = todo.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        for tag in ("basedOn", "link", "next"):
            ref = by_id[sid].find(w + tag)
            if ref is not None and ref.get(w + "val"):
                todo.append(str(ref.get(w + "val")))
    if len(keep) == len(by_id):
        return None
    for sid, el in by_id.items():
        if sid not in keep:
            root.remove(el)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out

"""A docxtpl template parsed once and rendered many times.

``DocxTemplate.render`` opens the .docx with python-docx, cleans its XML for Jinja
(``patch_xml``), compiles the result, renders, and python-docx writes every part again; for
archiver's one-page templates that costs ~40 ms a page, most of it the same work each time.
:class:`CompiledTemplate` does the template's share once (reading the package, cleaning and
compiling the body, headers and footers) and per page only renders and writes the changed
parts into a copy of the package. The steps are docxtpl's own (``patch_xml``,
``resolve_listing``, ``fix_tables``, ``fix_docpr_ids``), called in docxtpl's order, so the
page is the one docxtpl would make; ``tests/test_docxcompiled.py`` compares the two.

What this path does not do, docxtpl does: :func:`compiled` returns None for a template with
Jinja tags in its footnotes or document properties, and callers use docxtpl for contexts that
add relationships (hyperlinks).
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.docxstyles import STYLES, slim_styles

HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_BODY = re.compile(rb"<w:body\b.*</w:body>", re.DOTALL)
_TAG = re.compile(r"\{[{%#]")


@dataclass(frozen=True)
class _Part:
    name: str  # the zip entry, e.g. word/header1.xml
    template: Any  # jinja2.Template
    encoding: str


class CompiledTemplate:
    def __init__(self, data: bytes, env: Any) -> None:
        from docxtpl import DocxTemplate

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.entries = [(info.filename, z.read(info)) for info in z.infolist()]
        names = dict(self.entries)
        self.tpl = DocxTemplate(io.BytesIO(data))
        self.tpl.render_init()
        docx = self.tpl.docx
        self.supported = _plain_properties(docx) and not any(
            "footnotes" in name and _TAG.search(blob.decode("utf-8", "replace"))
            for name, blob in self.entries
        )
        self.document = docx.part.partname.lstrip("/")
        if not _BODY.search(names.get(self.document, b"")):
            self.supported = False
        self.body = env.from_string(_for_jinja(self.tpl.patch_xml(self.tpl.get_xml())))
        self.parts: list[_Part] = []
        for uri in (HEADER, FOOTER):
            for _key, part in self.tpl.get_headers_footers(uri):
                xml = self.tpl.get_part_xml(part)
                encoding = self.tpl.get_headers_footers_encoding(xml)
                jinja = env.from_string(_for_jinja(self.tpl.patch_xml(xml)))
                self.parts.append(_Part(part.partname.lstrip("/"), jinja, encoding))

    def render(self, context: dict[str, Any]) -> dict[str, bytes]:
        """The changed zip entries for ``context`` (raises Jinja's errors like docxtpl)."""
        from docx.oxml.ns import nsmap
        from lxml import etree

        body = self.tpl.fix_tables(_from_jinja(self.tpl, self.body.render(context)))
        for n, elt in enumerate(body.xpath("//wp:docPr", namespaces=nsmap), start=1001):
            elt.attrib["id"] = str(n)  # as docxtpl's fix_docpr_ids, without its counter
        serialized = etree.tostring(body, encoding="utf-8")
        document = dict(self.entries)[self.document]
        changed = {self.document: _BODY.sub(lambda _m: serialized, document, count=1)}
        for part in self.parts:
            changed[part.name] = _from_jinja(self.tpl, part.template.render(context)).encode(
                part.encoding
            )
        return changed

    def write(self, changed: dict[str, bytes], out: Path) -> None:
        """The package with ``changed`` entries, with fixed entry times (reproducible)."""
        _write_package(self.entries, changed, out)


def _write_package(entries: list[tuple[str, bytes]], changed: dict[str, bytes], out: Path) -> None:
    slim = slim_styles({**dict(entries), **changed})  # only the styles used: LibreOffice is faster
    if slim is not None:
        changed = {**changed, STYLES: slim}
    with zipfile.ZipFile(out, "w", compresslevel=1) as dst:  # fast; sizes hardly differ
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, changed.get(name, data))


def _for_jinja(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)  # as docxtpl's render_xml_part


def _from_jinja(tpl: Any, xml: str) -> str:
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return str(tpl.resolve_listing(xml))


def _plain_properties(docx: Any) -> bool:
    props = docx.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        if _TAG.search(getattr(props, name) or ""):
            return False
    return True


_cache: dict[tuple[str, bytes], CompiledTemplate | None] = {}
_lock = threading.Lock()


def compiled(path: Path, data: bytes, env_factory: Any) -> CompiledTemplate | None:
    """The template at ``path`` (with these bytes) compiled once per process; None if the
    fast path cannot render it (see the module's docstring)."""
    import hashlib

    key = (str(path), hashlib.sha256(data).digest())
    with _lock:
        if key not in _cache:
            try:
                made = CompiledTemplate(data, env_factory())
                _cache[key] = made if made.supported else None
            except Exception:  # docxtpl's own path reports what is wrong with it
                _cache[key] = None
        return _cache[key]


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def render_sheaf(
    template: CompiledTemplate, contexts: list[dict[str, Any]], marks: list[str], out: Path
) -> bool:
    """Many page sets of one template in one .docx, each on a new page behind a bookmark.

    The bodies are joined as they are (one template: the same styles, numbering and
    relationships), the headers and footers are the first page set's. False, and nothing
    written, when a page set does not start with a paragraph (the page break and the
    bookmark go on it).
    """
    if not contexts:
        return False
    first = template.render(contexts[0])
    bodies = _sets(template, contexts, marks, 900, first_break=False, first=first)
    if bodies is None:
        return False
    joined, rest = bodies[0], bodies[1:]
    _append(joined, rest)
    serialized = etree_tostring(joined)
    first[template.document] = _BODY.sub(lambda _m: serialized, first[template.document], count=1)
    template.write(first, out)
    return True


def append_sets(
    package: Path,
    template: CompiledTemplate,
    contexts: list[dict[str, Any]],
    marks: list[str],
    out: Path,
) -> bool:
    """``package`` (a rendered .docx) with page sets of ``template`` added at its end, each
    on a new page behind a bookmark: one document where there were two. Only for a template
    made like the package (:func:`compatible`); False, and nothing written, if a set does not
    start with a paragraph."""
    from lxml import etree

    bodies = _sets(template, contexts, marks, 950, first_break=True)
    if bodies is None:
        return False
    with zipfile.ZipFile(package) as z:
        entries = [(info.filename, z.read(info)) for info in z.infolist()]
    document = dict(entries)[template.document]
    match = _BODY.search(document)
    if match is None:
        return False
    body = etree.fromstring(match.group(0))
    _append(body, bodies)
    serialized = etree_tostring(body)
    changed = {template.document: _BODY.sub(lambda _m: serialized, document, 1)}
    # the package's styles were cut to what it used; the sets may use others of the same ones
    full = dict(template.entries).get(STYLES)
    if full is not None:
        changed[STYLES] = full
    _write_package(entries, changed, out)
    return True


# what a template shares with the package its page sets are added to: they must be the same
SHARED = ("word/styles.xml", "word/numbering.xml", "word/_rels/document.xml.rels")


def compatible(package: CompiledTemplate, template: CompiledTemplate) -> bool:
    """``template``'s page sets can go into a document of ``package``: the same styles,
    numbering, relationships, headers and footers (without fields), and the same section."""
    ours, theirs = dict(package.entries), dict(template.entries)
    for name in SHARED:
        if ours.get(name) != theirs.get(name):
            return False
    for name, blob in theirs.items():
        if not re.match(r"word/(header|footer)\d*\.xml$", name) or ours.get(name) == blob:
            continue
        if not (_prints_nothing(blob) and _prints_nothing(ours.get(name, b""))):
            return False
    return (
        _SECT.findall(ours[package.document])[-1:] == _SECT.findall(theirs[template.document])[-1:]
    )


_SECT = re.compile(rb"<w:sectPr\b.*?</w:sectPr>", re.DOTALL)
_INK = re.compile(rb"<w:(t|instrText|fldSimple|drawing|pict|object|sym)\b")


def _prints_nothing(xml: bytes) -> bool:
    """A header or footer of empty paragraphs (how they are aligned shows on no page)."""
    return bool(xml) and _INK.search(xml) is None


def _sets(
    template: CompiledTemplate,
    contexts: list[dict[str, Any]],
    marks: list[str],
    ident: int,
    first_break: bool,
    first: dict[str, bytes] | None = None,
) -> list[Any] | None:
    """The rendered body of each page set, its first paragraph marked (None: one is not)."""
    from lxml import etree

    bodies = []
    for n, (context, mark) in enumerate(zip(contexts, marks, strict=True)):
        changed = first if n == 0 and first is not None else template.render(context)
        match = _BODY.search(changed[template.document])
        assert match is not None  # supported templates have one
        body = etree.fromstring(match.group(0))
        paragraph = body[0] if len(body) else None
        if paragraph is None or paragraph.tag != f"{{{W}}}p":
            return None
        mark_start(paragraph, mark, ident + n, page_break=n > 0 or first_break)
        bodies.append(body)
    return bodies


def _append(joined: Any, bodies: list[Any]) -> None:
    """The children of ``bodies`` added to ``joined``, before its section properties."""
    tail = joined[-1] if len(joined) and joined[-1].tag == f"{{{W}}}sectPr" else None
    for body in bodies:
        for child in list(body):
            if child.tag != f"{{{W}}}sectPr":
                if tail is not None:
                    tail.addprevious(child)
                else:
                    joined.append(child)


def etree_tostring(element: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(element, encoding="utf-8"))


def mark_start(paragraph: Any, name: str, ident: int, page_break: bool) -> None:
    """Put a bookmark ``name`` at the start of ``paragraph`` (a ``w:p`` element), and with
    ``page_break`` start it on a new page: how a page set in a joined document is found."""
    from lxml import etree

    def w(tag: str) -> str:
        return f"{{{W}}}{tag}"

    props = paragraph.find(w("pPr"))
    if page_break:
        if props is None:
            props = etree.Element(w("pPr"))
            paragraph.insert(0, props)
        if props.find(w("pageBreakBefore")) is None:
            # schema order: pStyle, keepNext, keepLines, pageBreakBefore, …
            at = sum(1 for c in props if c.tag in (w("pStyle"), w("keepNext"), w("keepLines")))
            props.insert(at, etree.Element(w("pageBreakBefore")))
    at = 1 if props is not None else 0
    end = etree.Element(w("bookmarkEnd"), {w("id"): str(ident)})
    start = etree.Element(w("bookmarkStart"), {w("id"): str(ident), w("name"): name})
    paragraph.insert(at, end)
    paragraph.insert(at, start)

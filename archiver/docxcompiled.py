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
        with zipfile.ZipFile(out, "w", compresslevel=1) as dst:  # fast; sizes hardly differ
            for name, data in self.entries:
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
    from lxml import etree

    bodies = []
    first: dict[str, bytes] = {}
    for n, (context, mark) in enumerate(zip(contexts, marks, strict=True)):
        changed = template.render(context)
        if n == 0:
            first = changed
        match = _BODY.search(changed[template.document])
        assert match is not None  # supported templates have one
        body = etree.fromstring(match.group(0))
        paragraph = body[0] if len(body) else None
        if paragraph is None or paragraph.tag != f"{{{W}}}p":
            return False
        mark_start(paragraph, mark, 900 + n, page_break=n > 0)
        bodies.append(body)
    joined = bodies[0]
    tail = joined[-1] if len(joined) and joined[-1].tag == f"{{{W}}}sectPr" else None
    for body in bodies[1:]:
        for child in list(body):
            if child.tag != f"{{{W}}}sectPr":
                if tail is not None:
                    tail.addprevious(child)
                else:
                    joined.append(child)
    serialized = etree.tostring(joined, encoding="utf-8")
    first[template.document] = _BODY.sub(lambda _m: serialized, first[template.document], count=1)
    template.write(first, out)
    return True


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

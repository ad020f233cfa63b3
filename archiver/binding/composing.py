"""docxcompose's Composer, with its style lookups read straight from the XML.

For every document it appends, and for every block of it, ``Composer`` lists the master's
styles through python-docx's style objects (``[s.style_id for s in self.doc.styles]``, and
id → name maps the same way), which builds a Python object with an enum lookup per style:
about half the time of a 情况说明汇编. :class:`Composer` computes the same lists and maps from
the ``w:style`` elements, and reads the master's again only when a style was added to it (a
compilation appends hundreds of documents to one master); everything else is docxcompose's
own code.
docxcompose gives each list it copies a random ``w:nsid`` (so that lists restart), which made
two builds of the same inputs write different 情况说明汇编: :class:`Composer` draws them from
a generator of its own with a fixed seed, so the same inputs give the same bytes.
``tests/unit/test_composing.py`` checks that both write the same package.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from docx.oxml.ns import qn
from docx.styles import BabelFish
from docxcompose.composer import Composer as _Composer


def _styles(doc: Any) -> list[tuple[str | None, str | None]]:
    """(style id, UI name) of every style of ``doc``, in document order."""
    out = []
    for el in doc.styles.element.iterchildren(qn("w:style")):
        name = el.find(qn("w:name"))
        val = name.get(qn("w:val")) if name is not None else None
        out.append(
            (el.get(qn("w:styleId")), BabelFish.internal2ui(val) if val is not None else None)
        )
    return out


class Composer(_Composer):  # type: ignore[misc]
    doc: Any

    def __init__(self, doc: Any, preserve_styles: bool = False) -> None:
        super().__init__(doc, preserve_styles=preserve_styles)
        # what is read of the master's styles, kept while their number stays: docxcompose
        # only appends styles to the master (a copy it renamed first), never changes one
        self._master_at = -1
        self._master_ids: list[_StyleId] = []
        self._master_name2id: dict[str | None, str | None] = {}
        self._nsids = random.Random(0)  # list identifiers, not secrets: the same every build

    def _master(self) -> list[_StyleId]:
        """The master's style ids, read again whenever a style was appended to it."""
        element = self.doc.styles.element
        if len(element) != self._master_at:
            styles = _styles(self.doc)
            self._master_ids = [_StyleId(sid) for sid, _name in styles]
            self._master_name2id = {name: sid for sid, name in styles}
            self._master_at = len(element)
        return self._master_ids

    def _create_style_id_mapping(self, doc: Any) -> None:
        self._master()
        self._style_id2name = {sid: name for sid, name in _styles(doc)}
        self._style_name2id = dict(self._master_name2id)

    def add_numberings(self, doc: Any, element: Any) -> None:
        known = len(self.anum_id_mapping)  # only grows while a document is appended
        super().add_numberings(doc, element)
        if len(self.anum_id_mapping) == known:
            return
        numbering = self.numbering_part().element
        for anum_id in list(self.anum_id_mapping.values())[known:]:
            for nsid in numbering.xpath(f'./w:abstractNum[@w:abstractNumId="{anum_id}"]/w:nsid'):
                nsid.set(qn("w:val"), f"{int(10**8 * self._nsids.random()):08X}")

    def add_styles(self, doc: Any, element: Any) -> None:
        real = self.doc
        self.doc = _FastStyles(real, self._master)  # what add_styles reads, from the XML
        try:
            super().add_styles(doc, element)
        finally:
            self.doc = real


class _StyleId:
    __slots__ = ("style_id",)

    def __init__(self, style_id: str | None) -> None:
        self.style_id = style_id


class _Styles:
    """Iterates like python-docx's ``Styles`` for ``style_id``; ``element`` is the real one."""

    def __init__(self, styles: Any, ids: Callable[[], list[_StyleId]]) -> None:
        self.element = styles.element
        self._ids = ids

    def __iter__(self) -> Any:
        # add_styles appends styles while it runs and lists them again after each
        return iter(self._ids())


class _FastStyles:
    """A document whose ``styles`` is :class:`_Styles`; everything else is the document's."""

    def __init__(self, doc: Any, ids: Callable[[], list[_StyleId]]) -> None:
        self._doc = doc
        self.styles = _Styles(doc.styles, ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._doc, name)

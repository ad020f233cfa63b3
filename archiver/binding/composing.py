"""docxcompose's Composer, with its style lookups read straight from the XML.

For every document it appends, and for every block of it, ``Composer`` lists the master's
styles through python-docx's style objects (``[s.style_id for s in self.doc.styles]``, and
id → name maps the same way), which builds a Python object with an enum lookup per style:
about half the time of a 情况说明汇编. :class:`Composer` computes the same lists and maps from
the ``w:style`` elements; everything else is docxcompose's own code.
``tests/unit/test_composing.py`` checks that both write the same package.
"""

from __future__ import annotations

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

    def _create_style_id_mapping(self, doc: Any) -> None:
        self._style_id2name = {sid: name for sid, name in _styles(doc)}
        self._style_name2id = {name: sid for sid, name in _styles(self.doc)}

    def add_styles(self, doc: Any, element: Any) -> None:
        real = self.doc
        self.doc = _FastStyles(real)  # what add_styles reads of it, from the XML
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

    def __init__(self, styles: Any) -> None:
        self.element = styles.element

    def __iter__(self) -> Any:
        return (
            _StyleId(el.get(qn("w:styleId"))) for el in self.element.iterchildren(qn("w:style"))
        )


class _FastStyles:
    """A document whose ``styles`` is :class:`_Styles`; everything else is the document's."""

    def __init__(self, doc: Any) -> None:
        self._doc = doc
        self.styles = _Styles(doc.styles)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._doc, name)

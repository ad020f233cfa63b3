"""docxcompose's Composer, with its style-name lookup read straight from the XML.

For every document it appends, ``Composer`` maps style ids to names through python-docx's
style objects (``{s.style_id: s.name for s in doc.styles}``, and the same for the growing
master), which builds a Python object with an enum lookup per style: about a third of the
time of a 情况说明汇编. :class:`Composer` computes the same two mappings from the
``w:style`` elements; everything else is docxcompose's. ``tests/unit/test_composing.py``
checks that both write the same package.
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
    def _create_style_id_mapping(self, doc: Any) -> None:
        self._style_id2name = {sid: name for sid, name in _styles(doc)}
        self._style_name2id = {name: sid for sid, name in _styles(self.doc)}

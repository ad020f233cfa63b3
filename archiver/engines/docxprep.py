"""Word documents printed as final: a .docx copy with every tracked change accepted.

LibreOffice 7.4 prints a .docx with tracked changes as markup (deleted text struck through in
colour, inserted text underlined, change bars), whatever ``w:trackRevisions`` says; it hides
deletions only when ``settings.xml`` carries ``w:revisionView w:insDel="0"``, a view setting
other versions may ignore. So the copy's XML is rewritten as Word's "Accept all changes" would
leave it, and the view setting is added as well, in case a change kind is missed here:

- ``w:ins``/``w:moveTo`` are unwrapped (their runs stay), ``w:del``/``w:moveFrom`` removed;
- a deleted paragraph mark joins the paragraph to the next one; deleted rows and cells go;
- ``w:*PrChange`` (the old formatting) is removed, so the new formatting stays;
- comment anchors and reference runs are removed (LibreOffice does not print comments by
  default; removing the anchors makes sure no balloon or mark is left).

Hidden text (``w:vanish``) is untouched, so it stays hidden.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from archiver import wordcount
from archiver.errors import InputFileError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200

# Parts that may hold revisions (the body, headers, footers, notes).
_PART_PREFIXES = ("word/document", "word/header", "word/footer", "word/footnotes", "word/endnotes")

REVISION_TAGS = frozenset(
    W + t
    for t in (
        "ins",
        "del",
        "moveFrom",
        "moveTo",
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblPrExChange",
        "trPrChange",
        "tcPrChange",
        "tblGridChange",
        "numberingChange",
        "cellIns",
        "cellDel",
        "cellMerge",
    )
)
_UNWRAP = (W + "ins", W + "moveTo")
_DROP = (W + "del", W + "moveFrom")
_DROP_MARKERS = (
    W + "moveFromRangeStart",
    W + "moveFromRangeEnd",
    W + "moveToRangeStart",
    W + "moveToRangeEnd",
    W + "customXmlInsRangeStart",
    W + "customXmlInsRangeEnd",
    W + "customXmlDelRangeStart",
    W + "customXmlDelRangeEnd",
    W + "customXmlMoveFromRangeStart",
    W + "customXmlMoveFromRangeEnd",
    W + "customXmlMoveToRangeStart",
    W + "customXmlMoveToRangeEnd",
    W + "commentRangeStart",
    W + "commentRangeEnd",
    W + "cellIns",
    W + "cellMerge",
)
_PROP_PARENTS = (W + "rPr", W + "trPr", W + "tcPr")


def revision_parts(names: Iterable[str]) -> list[str]:
    """The parts of a .docx that may carry tracked changes."""
    return [n for n in names if n.startswith(_PART_PREFIXES) and n.endswith(".xml")]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def check_member(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse encrypted members and zip bombs before reading a part (wordcount's rule)."""
    wordcount.check_member(path, info, MAX_PART_BYTES)


def accept_xml(data: bytes) -> bytes:
    """One part's XML with every tracked change accepted and comment anchors removed."""
    root = etree.fromstring(data, _parser())
    _accept(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _accept(root: etree._Element) -> None:
    # deleted paragraph marks first: they need the paragraph's content still in place
    for mark in list(root.iter(W + "del")):
        rpr = mark.getparent()
        ppr = rpr.getparent() if rpr is not None else None
        para = ppr.getparent() if ppr is not None else None
        if rpr is None or rpr.tag != W + "rPr" or ppr is None or ppr.tag != W + "pPr":
            continue
        rpr.remove(mark)
        if para is None:
            continue
        following = para.getnext()
        if following is None or following.tag != W + "p":
            continue  # the last paragraph of a cell or the body cannot be joined
        anchor = following.find(W + "pPr")
        index = 0 if anchor is None else following.index(anchor) + 1
        for child in [c for c in para if c.tag != W + "pPr"]:
            following.insert(index, child)
            index += 1
        _remove(para)
    for el in list(root.iter(*_DROP)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag == W + "trPr":  # a deleted table row
            row = parent.getparent()
            if row is not None:
                _remove(row)
            continue
        _remove(el)
    for el in list(root.iter(W + "cellDel")):
        tcpr = el.getparent()
        cell = tcpr.getparent() if tcpr is not None else None
        if cell is not None and cell.tag == W + "tc":
            _remove(cell)
    for el in list(root.iter(*_UNWRAP)):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag in _PROP_PARENTS:
            _remove(el)  # an insertion marker on a paragraph mark or row
            continue
        index = parent.index(el)
        for child in list(el):
            parent.insert(index, child)
            index += 1
        _remove(el)
    for el in list(root.iter(*(t for t in REVISION_TAGS if t.endswith("Change")), *_DROP_MARKERS)):
        _remove(el)
    for ref in list(root.iter(W + "commentReference")):
        run = ref.getparent()
        if run is not None and run.tag == W + "r":
            _remove(run)
        else:
            _remove(ref)


def _remove(el: etree._Element) -> None:
    """Remove ``el`` but keep the text that follows it (lxml stores it on the element)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def final_view_settings(data: bytes) -> bytes:
    """settings.xml without change tracking and with the "final, no markup" view."""
    root = etree.fromstring(data, _parser())
    for el in list(root.iter(W + "trackRevisions", W + "revisionView")):
        _remove(el)
    view = etree.Element(W + "revisionView")
    for attr in ("markup", "comments", "insDel", "formatting", "inkAnnotations"):
        view.set(W + attr, "0")
    root.insert(0, view)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def accept_docx(source: Path, out: Path) -> None:
    """Write ``out``: a copy of ``source`` with all tracked changes accepted.

    The output is written to a temporary name next to ``out`` and renamed when complete.
    """
    tmp = out.with_name(f".{out.name}.part")
    try:
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(tmp, "w") as zout:
            parts = set(revision_parts(zin.namelist()))
            for info in zin.infolist():
                if info.filename in parts or info.filename == "word/settings.xml":
                    check_member(source, info)
                    data = zin.read(info)
                    data = (
                        final_view_settings(data)
                        if info.filename == "word/settings.xml"
                        else accept_xml(data)
                    )
                    zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                else:
                    with zin.open(info) as src, zout.open(info, "w") as dst:
                        shutil.copyfileobj(src, dst)
        tmp.replace(out)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, EOFError) as exc:
        tmp.unlink(missing_ok=True)
        raise InputFileError(
            f"{source}:无法读取 Word 文档内容({exc});请用 Word 打开后另存为 .docx 再试"
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

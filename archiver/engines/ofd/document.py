"""The document model of an OFD: pages, their boxes, templates, resources, annotations, seals.

Only what drawing needs is read, and everything a page refers to is checked here, before any
drawing: a page, template or font file that is named but absent makes the file ``failed``
(never a blank page in the archive).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from archiver.engines.ofd.errors import MAX_PAGES, fail
from archiver.engines.ofd.geometry import Box, box
from archiver.engines.ofd.package import Package, dirname, join, text_of


@dataclass
class Media:
    member: str
    format: str


@dataclass
class FontRes:
    name: str
    family: str
    file: str | None  # member of an embedded font program
    bold: bool = False
    italic: bool = False


@dataclass
class PageRef:
    id: str
    member: str


@dataclass
class Stamp:
    page_id: str
    boundary: Box
    clip: Box | None
    seal_members: list[str]  # Seal.esl first, then SignedValue.dat: where a picture may be


@dataclass
class Document:
    package: Package
    doc_dir: str
    physical_box: Box
    pages: list[PageRef]
    templates: dict[str, str] = field(default_factory=dict)
    fonts: dict[str, FontRes] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)
    draw_params: dict[str, etree._Element] = field(default_factory=dict)
    color_spaces: dict[str, str] = field(default_factory=dict)
    composites: dict[str, etree._Element] = field(default_factory=dict)
    annotations: dict[str, list[str]] = field(default_factory=dict)  # page id -> members
    stamps: list[Stamp] = field(default_factory=list)


def document_member(package: Package) -> tuple[str, etree._Element]:
    """The first document's Document.xml member, from OFD.xml's DocRoot."""
    entry = package.find(["OFD.xml"])
    if entry is None:
        raise fail("文件中没有 OFD.xml,不是有效的 OFD")
    ofd = package.xml(entry)
    if ofd.tag != "OFD":
        raise fail("OFD.xml 的根元素不是 ofd:OFD,不是有效的 OFD")
    body = ofd.find("DocBody")
    root = text_of(body, "DocRoot") if body is not None else None
    if not root:
        raise fail("OFD.xml 中没有 DocRoot,不知道文档在哪里")
    return join("", root), ofd


def page_refs(doc: etree._Element, doc_dir: str) -> list[PageRef]:
    pages = doc.find("Pages")
    refs = [
        PageRef(p.get("ID", ""), join(doc_dir, p.get("BaseLoc", "")))
        for p in (pages.findall("Page") if pages is not None else [])
    ]
    if not refs:
        raise fail("OFD 文档中没有页面")
    if len(refs) > MAX_PAGES:
        raise fail(f"OFD 有 {len(refs)} 页,超过可处理的上限 {MAX_PAGES} 页")
    return refs


def load(package: Package) -> Document:
    member, ofd = document_member(package)
    if not package.exists(member):
        raise fail(f"OFD.xml 指向的文档 {member} 不存在")
    doc = package.xml(member)
    if doc.tag != "Document":
        raise fail(f"{member} 的根元素不是 ofd:Document")
    doc_dir = dirname(member)
    common = doc.find("CommonData")
    area = common.find("PageArea") if common is not None else None
    physical = box(text_of(area, "PhysicalBox")) if area is not None else None
    result = Document(package, doc_dir, physical or Box(0, 0, 210, 297), page_refs(doc, doc_dir))
    for ref in result.pages:
        found = package.find([ref.member], by_name=False)
        if found is None:
            raise fail(f"Document.xml 列出的页面 {ref.member} 不存在")
        ref.member = found
    if common is not None:
        for tpl in common.findall("TemplatePage"):
            result.templates[tpl.get("ID", "")] = join(doc_dir, tpl.get("BaseLoc", ""))
        for tag in ("PublicRes", "DocumentRes"):
            for res in common.findall(tag):
                if res.text:
                    load_res(result, join(doc_dir, res.text))
    annots = text_of(doc, "Annotations")
    if annots:
        _load_annotations(result, join(doc_dir, annots))
    body = ofd.find("DocBody")
    sigs = text_of(body, "Signatures") if body is not None else None
    if sigs:
        _load_signatures(result, [join("", sigs), join(doc_dir, sigs)])
    return result


def load_res(doc: Document, member: str) -> None:
    found = doc.package.find([member])
    if found is None:
        # ofdrw names a PublicRes it never writes when nothing needs it; an object that
        # does refer to a missing resource fails when it is drawn
        return
    res = doc.package.xml(found)
    res_dir = dirname(found)
    base = join(res_dir, res.get("BaseLoc", "")) if res.get("BaseLoc") else res_dir

    def locate(ref: str) -> str | None:
        return doc.package.find(
            [join(base, ref), join(res_dir, ref), join(doc.doc_dir, ref), join("", ref)]
        )

    for cs in res.iter("ColorSpace"):
        doc.color_spaces[cs.get("ID", "")] = cs.get("Type", "RGB").upper()
    for dp in res.iter("DrawParam"):
        doc.draw_params[dp.get("ID", "")] = dp
    for unit in res.iter("CompositeGraphicUnit"):
        doc.composites[unit.get("ID", "")] = unit
    for font in res.iter("Font"):
        ref = text_of(font, "FontFile")
        file = None
        if ref:
            file = locate(ref)
            if file is None:
                raise fail(f"OFD 嵌入的字体文件 {ref} 不存在")
        doc.fonts[font.get("ID", "")] = FontRes(
            font.get("FontName", ""), font.get("FamilyName", ""), file,
            font.get("Bold") == "true", font.get("Italic") == "true",
        )  # fmt: skip
    for mm in res.iter("MultiMedia"):
        ref = text_of(mm, "MediaFile")
        if not ref:
            continue
        file = locate(ref)
        if file is None:
            raise fail(f"OFD 中的图片 {ref} 不存在")
        doc.media[mm.get("ID", "")] = Media(file, (mm.get("Format") or "").upper())


def _load_annotations(doc: Document, member: str) -> None:
    found = doc.package.find([member])
    if found is None:
        return  # annotations are optional decoration; a missing index draws none
    root = doc.package.xml(found)
    for page in root.findall("Page"):
        loc = text_of(page, "FileLoc")
        if loc:
            target = doc.package.find([join(dirname(found), loc), join(doc.doc_dir, loc)])
            if target is None:
                raise fail(f"OFD 的注释文件 {loc} 不存在")
            doc.annotations.setdefault(page.get("PageID", ""), []).append(target)


def _load_signatures(doc: Document, candidates: list[str]) -> None:
    found = doc.package.find(candidates)
    if found is None:
        raise fail(f"OFD 的签名列表 {candidates[0]} 不存在")
    for sig in doc.package.xml(found).findall("Signature"):
        loc = sig.get("BaseLoc", "")
        target = doc.package.find([join(dirname(found), loc), join("", loc)])
        if target is None:
            raise fail(f"OFD 的签名文件 {loc} 不存在")
        root = doc.package.xml(target)
        info = root.find("SignedInfo")
        if info is None:
            continue
        seals: list[str] = []
        seal_loc = info.find("Seal")
        seal_ref = text_of(seal_loc, "BaseLoc") if seal_loc is not None else None
        value_ref = text_of(root, "SignedValue")
        for ref in (seal_ref, value_ref):
            if ref:
                hit = doc.package.find([join(dirname(target), ref), join("", ref)])
                if hit is not None:
                    seals.append(hit)
        for annot in info.iter("StampAnnot"):
            bound = box(annot.get("Boundary"))
            if bound is not None:
                doc.stamps.append(
                    Stamp(annot.get("PageRef", ""), bound, box(annot.get("Clip")), seals)
                )

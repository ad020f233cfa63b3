"""Reading an OFD container: a zip of XML parts and resources, with bounded reads.

Paths inside an OFD are relative to the part that names them, or absolute from the package
root when they start with "/". Producers get this wrong in known ways (a resource named
relative to the document instead of the resource folder), so lookups try the spec's location
first and then a few fallbacks, and finally a unique case-insensitive match of the file name.
XML parts are parsed with their namespace removed: real files use both
``http://www.ofdspec.org/2016`` and ``http://www.ofdspec.org`` (WPS, Foxit), and some declare
GB18030.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path
from typing import IO

from lxml import etree

from archiver.engines.ofd.errors import (
    MAX_ENTRY_BYTES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    fail,
)

KNOWN_NAMESPACES = ("http://www.ofdspec.org/2016", "http://www.ofdspec.org", "")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def join(base_dir: str, ref: str) -> str:
    """Resolve ``ref`` (as written in a part in ``base_dir``) to a normalised member name."""
    ref = ref.strip().replace("\\", "/")
    path = ref if ref.startswith("/") else posixpath.join("/", base_dir, ref)
    return posixpath.normpath(path).lstrip("/")


def dirname(member: str) -> str:
    return posixpath.dirname(member)


class Package:
    """An opened OFD zip. Reads are size-checked so a zip bomb stops early."""

    def __init__(self, source: Path | IO[bytes], label: str) -> None:
        self.label = label
        try:
            self._zip = zipfile.ZipFile(source)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise fail("文件不是完整的 OFD(zip 结构损坏或被截断)") from exc
        self._members = {i.filename.lstrip("/"): i for i in infos if not i.is_dir()}
        self._folded = {name.lower(): name for name in self._members}
        self._lower: dict[str, list[str]] = {}
        for name in self._members:
            self._lower.setdefault(posixpath.basename(name).lower(), []).append(name)
        self._read_total = 0

    def close(self) -> None:
        self._zip.close()

    def exists(self, member: str) -> bool:
        return member in self._members

    def find(self, candidates: list[str], *, by_name: bool = True) -> str | None:
        """The first candidate present, else (``by_name``) a unique member of that file name."""
        for name in candidates:
            if name in self._members:
                return name
        for name in candidates:  # Windows producers write "TPLS/" for a folder named "Tpls/"
            if name.lower() in self._folded:
                return self._folded[name.lower()]
        if not by_name:
            return None
        for name in candidates:
            hits = self._lower.get(posixpath.basename(name).lower(), [])
            if len(hits) == 1:
                return hits[0]
        return None

    def read(self, member: str) -> bytes:
        info = self._members.get(member)
        if info is None:
            raise fail(f"OFD 中缺少文件 {member}")
        if info.file_size > MAX_ENTRY_BYTES or (
            info.compress_size > 0 and info.file_size / info.compress_size > MAX_RATIO
        ):
            raise fail(f"OFD 中的 {member} 解压后过大(疑似压缩炸弹)")
        # the header's size can lie: read at most the limit plus one byte
        try:
            with self._zip.open(info) as fh:
                data = fh.read(MAX_ENTRY_BYTES + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
        ) as exc:
            raise fail(f"OFD 中的 {member} 已损坏,无法解压") from exc
        if len(data) > MAX_ENTRY_BYTES:
            raise fail(f"OFD 中的 {member} 解压后过大(疑似压缩炸弹)")
        self._read_total += len(data)
        if self._read_total > MAX_TOTAL_BYTES:
            raise fail("OFD 解压后的内容过大(疑似压缩炸弹)")
        return data

    def xml(self, member: str) -> etree._Element:
        """Parse a part; element tags lose their namespace (see the module docstring)."""
        return parse_xml(self.read(member), member)


def parse_xml(data: bytes, member: str) -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        root = _parse_declared_encoding(data, member)
    ns = etree.QName(root).namespace or ""
    if ns not in KNOWN_NAMESPACES:
        raise fail(f"OFD 中的 {member} 使用了未知的命名空间 {ns}")
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
    etree.cleanup_namespaces(root)
    return root


def _parse_declared_encoding(data: bytes, member: str) -> etree._Element:
    # libxml2 may lack GB18030; decode it ourselves and drop the declaration
    for encoding in ("gb18030", "utf-8"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = text.lstrip("\ufeff")
        if text.startswith("<?xml"):
            text = text[text.find("?>") + 2 :]
        try:
            return etree.fromstring(text, _PARSER)
        except etree.XMLSyntaxError:
            continue
    raise fail(f"OFD 中的 {member} 不是有效的 XML")


def child(el: etree._Element, name: str) -> etree._Element | None:
    return el.find(name)


def text_of(el: etree._Element, name: str) -> str | None:
    found = el.find(name)
    if found is None or found.text is None:
        return None
    return found.text.strip()

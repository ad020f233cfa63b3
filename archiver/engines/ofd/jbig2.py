"""JBIG2 images passed through to PDF's JBIG2Decode filter (Pillow cannot decode JBIG2).

An OFD holds a JBIG2 *file*; PDF wants the embedded stream form (ISO 32000-1 §7.4.7): no
file header, no end-of-page or end-of-file segment, segments in sequential order. This
module rewrites one into the other and reads the page size from the page information
segment, without decoding a pixel.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = b"\x97JB2\r\n\x1a\n"
_PAGE_INFO, _END_OF_PAGE, _END_OF_FILE = 48, 49, 51


@dataclass(frozen=True)
class Jbig2:
    width: int
    height: int
    stream: bytes


class Jbig2Error(ValueError):
    pass


def _header(data: bytes, pos: int) -> tuple[int, int, int]:
    """(segment type, data length, header end) of the segment header at ``pos``."""
    if pos + 6 > len(data):
        raise Jbig2Error("truncated segment header")
    number = struct.unpack_from(">I", data, pos)[0]
    flags = data[pos + 4]
    kind = flags & 0x3F
    p = pos + 5
    r = data[p]
    count = r >> 5
    if count == 7:
        count = struct.unpack_from(">I", data, p)[0] & 0x1FFFFFFF
        p += 4 + (count + 8) // 8
    else:
        p += 1
    ref_size = 1 if number <= 256 else (2 if number <= 65536 else 4)
    p += count * ref_size + (4 if flags & 0x40 else 1)
    if p + 4 > len(data):
        raise Jbig2Error("truncated segment header")
    length = struct.unpack_from(">I", data, p)[0]
    if length == 0xFFFFFFFF:
        raise Jbig2Error("segment of unknown length")
    return kind, length, p + 4


def to_pdf_stream(data: bytes) -> Jbig2:
    if not data.startswith(MAGIC) or len(data) < 9:
        raise Jbig2Error("not a JBIG2 file")
    flags = data[8]
    pos = 9 if flags & 0x02 else 13
    sequential = bool(flags & 0x01)
    segments: list[tuple[int, bytes, bytes]] = []  # (type, header, data)
    if sequential:
        while pos < len(data):
            kind, length, end = _header(data, pos)
            segments.append((kind, data[pos:end], data[end : end + length]))
            pos = end + length
            if kind == _END_OF_FILE:
                break
    else:  # random access: all headers first, then all data in the same order
        heads: list[tuple[int, int, bytes]] = []
        while pos < len(data):
            kind, length, end = _header(data, pos)
            heads.append((kind, length, data[pos:end]))
            pos = end
            if kind == _END_OF_FILE:
                break
        for kind, length, head in heads:
            segments.append((kind, head, data[pos : pos + length]))
            pos += length
    width = height = 0
    out = bytearray()
    for kind, head, body in segments:
        if kind == _PAGE_INFO and len(body) >= 8 and not width:
            width, height = struct.unpack_from(">II", body, 0)
        if kind in (_END_OF_PAGE, _END_OF_FILE):
            continue
        out += head + body
    if not (0 < width < 100_000 and 0 < height < 100_000):
        raise Jbig2Error("no usable page information segment")
    return Jbig2(width, height, bytes(out))

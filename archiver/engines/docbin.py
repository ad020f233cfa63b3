"""Tracked changes in binary Word files (.doc, and WPS's .wps, which uses the same format).

A revision in a Word 97-2003 file is a character property: the sprms ``sprmCFRMarkDel``
(0x0800), ``sprmCFRMarkIns`` (0x0801) or ``sprmCPropRMark`` (0xCA57/0xCA89, a formatting
change) in a CHPX of the character formatting pages ([MS-DOC] 2.6.1, 2.9.33). The author
table (SttbfRMark) is no evidence on its own: Word keeps it after all changes are accepted.

Reading is bounded: the FIB, the PlcfBteChpx and at most ``MAX_PAGES`` 512-byte pages.
"""

from __future__ import annotations

import struct
from pathlib import Path

import olefile

from archiver.errors import InputFileError

MAX_PAGES = 20_000  # 10 MB of character formatting: a 2,000-page report
_REVISION_SPRMS = frozenset({0x0800, 0x0801, 0xCA57, 0xCA89})
_PLCF_BTE_CHPX = 12  # index of fcPlcfBteChpx/lcbPlcfBteChpx in FibRgFcLcb97


def doc_has_tracked_changes(path: Path) -> bool:
    """True when a .doc/.wps carries an insertion, deletion or formatting revision."""
    try:
        if not olefile.isOleFile(str(path)):
            return False  # Word 2, or RTF/HTML saved as .doc: no revisions to find here
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("WordDocument"):
                raise InputFileError(f"{path}:缺少正文(WordDocument),不是 Word 文档")
            word = ole.openstream("WordDocument").read()
            ident, nfib = struct.unpack_from("<HH", word, 0)
            if ident == 0xA5DC:  # Word 6/95
                return False
            if ident != 0xA5EC:
                raise InputFileError(f"{path}:不是有效的 Word 文档(文件头不对)")
            if nfib < 0x00C1:
                return False  # Word 6/95: no table stream; LibreOffice prints these as they are
            fib_base = struct.unpack_from("<H", word, 10)[0]
            if fib_base & 0x0100:  # fEncrypted
                raise InputFileError(f"{path}:文档已加密,请去掉密码后重新保存")
            table_name = "1Table" if fib_base & 0x0200 else "0Table"  # fWhichTblStm
            if not ole.exists(table_name):
                raise InputFileError(f"{path}:缺少 {table_name} 数据,文件不完整")
            fc, lcb = _fc_lcb(word, _PLCF_BTE_CHPX)
            table = ole.openstream(table_name).read()
    except (OSError, struct.error, IndexError, ValueError) as exc:
        raise InputFileError(f"{path}:无法读取 Word 文档({exc})") from exc
    try:
        return _scan_chpx(word, table[fc : fc + lcb])
    except (struct.error, IndexError) as exc:
        raise InputFileError(f"{path}:Word 文档的格式信息已损坏({exc})") from exc


def _fc_lcb(word: bytes, index: int) -> tuple[int, int]:
    csw = struct.unpack_from("<H", word, 32)[0]
    offset = 34 + csw * 2
    cslw = struct.unpack_from("<H", word, offset)[0]
    offset += 2 + cslw * 4
    count = struct.unpack_from("<H", word, offset)[0]
    if index >= count:
        return 0, 0
    fc, lcb = struct.unpack_from("<II", word, offset + 2 + 8 * index)
    return int(fc), int(lcb)


def _scan_chpx(word: bytes, plcf: bytes) -> bool:
    # PlcBteChpx: (n + 1) file positions then n 4-byte page numbers
    if len(plcf) < 12:
        return False
    n = (len(plcf) - 4) // 8
    pages = struct.unpack_from(f"<{n}I", plcf, (n + 1) * 4)
    for pn in pages[:MAX_PAGES]:
        page = word[pn * 512 : pn * 512 + 512]
        if len(page) < 512:
            continue
        crun = page[511]
        for i in range(crun):
            at = page[(crun + 1) * 4 + i] * 2
            if at == 0 or at >= 511:
                continue  # no formatting for this run
            size = page[at]
            if _has_revision_sprm(page[at + 1 : at + 1 + size]):
                return True
    return False


def _has_revision_sprm(grpprl: bytes) -> bool:
    i = 0
    while i + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, i)[0]
        i += 2
        if sprm in _REVISION_SPRMS and (
            sprm not in (0x0800, 0x0801) or (i < len(grpprl) and grpprl[i] != 0)
        ):
            return True
        spra = sprm >> 13
        if spra in (0, 1):
            i += 1
        elif spra in (2, 4, 5):
            i += 2
        elif spra == 3:
            i += 4
        elif spra == 7:
            i += 3
        else:  # variable: the first byte is the operand's size
            if i >= len(grpprl):
                break
            i += 1 + grpprl[i]
    return False

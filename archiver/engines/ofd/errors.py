"""The one error an OFD that cannot be drawn faithfully raises, and the limits that bound work.

An OFD comes from outside (another department, a tax platform), so every limit here exists so
that a hostile or broken file ends in a clear Chinese message instead of a hang or a crash.
"""

from __future__ import annotations

from archiver.errors import InputFileError

ADVICE = "请用 OFD 阅读器(如数科、福昕、WPS)打开后另存为 PDF 再放入"

MAX_PAGES = 2000  # a 公文 or an invoice has a few; thousands means a broken or hostile file
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # one zip member, uncompressed
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all members read for one document
MAX_RATIO = 200  # uncompressed / compressed size above this is a zip bomb
MAX_DEPTH = 6  # templates, composite objects, page blocks and nested seals, counted together
MAX_OBJECTS = 1_000_000  # objects, path segments and glyphs drawn for one document
MAX_SEAL_NESTING = 2  # a seal picture that is itself an OFD, which may hold another


class OfdError(InputFileError):
    """The OFD cannot be drawn faithfully; the message says why and what the unit should do."""


def fail(reason: str) -> OfdError:
    """An :class:`OfdError` whose message ends with the advice every unit can follow."""
    return OfdError(f"{reason};{ADVICE}")

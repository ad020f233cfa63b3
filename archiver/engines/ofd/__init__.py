"""OFD (GB/T 33190-2016) to PDF: a renderer of our own on reportlab, fontTools and Pillow.

:func:`convert_ofd` renders in a child process (bounded in time, memory and work);
:func:`ofd_page_count` reads Document.xml only. Both raise :class:`OfdError`. What is drawn
and what is not is listed in ``docs/ofd.md``.
"""

from archiver.engines.ofd.convert import OfdResult, convert_ofd, ofd_page_count
from archiver.engines.ofd.errors import OfdError

__all__ = ["OfdError", "OfdResult", "convert_ofd", "ofd_page_count"]

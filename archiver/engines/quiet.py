"""Keep library chatter off the terminal: Pillow, img2pdf, pypdf and pikepdf speak through
``warnings`` and ``logging``; the CLI configures no log handler, so Python's last-resort
handler would print their WARNING records on stderr. Both kinds are re-logged here at INFO.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator

log = logging.getLogger("archiver.engines")
LIBRARIES = (
    "img2pdf", "PIL", "pypdf", "pikepdf", "openpyxl", "docx", "docxtpl", "docxcompose",
    "fontTools", "reportlab", "py.warnings",
)  # fmt: skip


class _ToLog(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log.info("%s: %s", record.name, record.getMessage())


def route_library_logs() -> None:
    """Send the libraries' log records to our logger at INFO (idempotent)."""
    for name in LIBRARIES:
        lib = logging.getLogger(name)
        if not any(isinstance(h, _ToLog) for h in lib.handlers):
            lib.addHandler(_ToLog())
        lib.propagate = False


def for_command(verbose: bool) -> None:
    """What a command does first: every library warning (``warnings`` included, which
    openpyxl uses for unsupported Excel extensions) goes to the log, never to the terminal;
    with ``-v`` the log itself is shown on stderr."""
    logging.captureWarnings(True)  # warnings become records of the "py.warnings" logger
    route_library_logs()
    if verbose and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logging.getLogger("archiver").addHandler(handler)
        logging.getLogger("archiver").setLevel(logging.DEBUG)


@contextlib.contextmanager
def captured_warnings() -> Iterator[None]:
    """Python ``warnings`` raised inside go to the log, not to stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for w in caught:
                log.info("%s: %s", w.category.__name__, w.message)

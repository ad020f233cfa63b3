"""The one clock: what “now” and “today” are for every generated document.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention), when set to a number of seconds,
fixes the date of every build, report and circular, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os


def _epoch() -> dt.datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return None


def now() -> dt.datetime:
    """The moment of this run (aware), or SOURCE_DATE_EPOCH when set."""
    return _epoch() or dt.datetime.now().astimezone()


def today() -> dt.date:
    """The day of this run, or SOURCE_DATE_EPOCH's day when set."""
    fixed = _epoch()
    return fixed.date() if fixed else dt.date.today()

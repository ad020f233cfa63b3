"""LibreOffice's outputs finished while its batch goes on.

A long batch writes its PDFs one after another; each then needs putting on A4, counting and
(for workbooks) its sheet bookmarks read. Done after the batch, that is a tail in which one
core works and the other waits; done here, in a thread, as each output is complete (written
to its ``%%EOF``), it fills the moments LibreOffice leaves the processor free. The build uses
a result only for the very file it was made from (same size and time), else it is made again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archiver.engines.libreoffice import complete_pdf


@dataclass(frozen=True)
class Finished:
    stamp: tuple[int, int]  # size and mtime of LibreOffice's output when it was finished
    value: object


class FinishAhead:
    """Apply ``finish`` to each output of ``outputs`` once it is complete, in a thread."""

    def __init__(self, outputs: list[Path], finish: Callable[[Path], object]) -> None:
        self.outputs, self.finish = outputs, finish
        self.done: dict[Path, Finished] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="finish-ahead", daemon=True)

    def __enter__(self) -> FinishAhead:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        waiting = list(self.outputs)
        while waiting and not self._stop.wait(0.1):
            for out in list(waiting):
                if self._stop.is_set():
                    return
                if not complete_pdf(out):
                    continue
                stamp = _stamp(out)
                try:
                    value = self.finish(out)
                except Exception:  # made again after the batch, where errors are handled
                    value = None
                else:
                    if stamp is not None and stamp == _stamp(out):
                        self.done[out] = Finished(stamp, value)
                waiting.remove(out)

    def get(self, out: Path) -> object | None:
        """What ``finish`` made of ``out``, if made from the file as it is now."""
        found = self.done.get(out)
        return found.value if found is not None and found.stamp == _stamp(out) else None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns

"""Progress on stderr: a bar on a terminal, nothing otherwise (logs and pipes stay clean)."""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class Progress(Protocol):
    def start(self, label: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def finish(self) -> None: ...


class NullProgress:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


class BarProgress:
    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.label = ""
        self.total = 0
        self.done = 0
        self.last = 0.0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, max(total, 0), 0
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        self._draw()

    def finish(self) -> None:
        self.done = self.total
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        frac = self.done / self.total if self.total else 1.0
        filled = int(frac * self.width)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{self.label} {bar} {self.done}/{self.total}")
        self.stream.flush()


def for_stream(stream: TextIO = sys.stderr) -> Progress:
    return BarProgress(stream) if stream.isatty() else NullProgress()

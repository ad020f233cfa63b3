"""The office copies of one LibreOffice batch, made ready to print as final.

:mod:`archiver.engines.officeprep` accepts tracked changes and lays sheets out like a 台账.
A .docx needs milliseconds; a workbook is read and written by openpyxl (~16 ms each, and
more for a big one), work that would hold LibreOffice back at the start of a long batch.
So when a batch has enough other files to begin with, its workbooks go last and are
prepared while LibreOffice converts those (:meth:`OfficeCopies.finish`, in a thread): each
appears at the path LibreOffice was given once it is complete (made aside, then renamed),
and one that cannot be prepared is the copy as it is. Should LibreOffice reach one before
it is there, the build converts it again afterwards (:meth:`OfficeCopies.missed`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from archiver.binding.batches import kind_of
from archiver.engines.officeprep import SHEET_XML, PreparedOffice, prepare_batch, prepare_sheet
from archiver.errors import InputFileError
from archiver.scan.inventory import ScannedFile

QUICK_FIRST = 8  # other files LibreOffice converts before it reaches a workbook made meanwhile


@dataclass
class OfficeCopies:
    ready: dict[Path, Path] = field(default_factory=dict)  # file to convert → the batch's copy
    notes: dict[Path, list[str]] = field(default_factory=dict)  # by the batch's copy
    later: list[tuple[Path, Path, str]] = field(default_factory=list)  # copy, target, name
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Prepare the workbooks left for later, in a thread (call once LibreOffice starts)."""
        if self.later and self._thread is None:
            self._thread = threading.Thread(target=self._finish, name="sheets", daemon=True)
            self._thread.start()

    def finish(self) -> None:
        """Wait until every workbook left for later is in place."""
        if self._thread is not None:
            self._thread.join()
        elif self.later:
            self._finish()

    def _finish(self) -> None:
        for src, target, name in self.later:
            if target.exists():
                continue
            making = target.with_name(f"{target.stem}-making{target.suffix}")
            try:
                made = prepare_sheet(src, making)
                self.notes[src] = [n.replace(src.name, name) for n in made.notes]
                os.replace(made.path, target)
            except (InputFileError, OSError):  # printed as it is, as prepare_batch does
                with contextlib.suppress(OSError):
                    shutil.copyfile(src, making)
                    os.replace(making, target)

    def missed(self, converted: set[Path]) -> list[Path]:
        """The workbooks made meanwhile that LibreOffice found no output for."""
        return [target for _, target, _ in self.later if target not in converted]


def prepare_copies(sources: dict[Path, ScannedFile], work: Path, timeout: float) -> OfficeCopies:
    """Prepare the batch's copies; workbooks are left for later when enough others go first."""
    pairs = [
        (src, "docx" if f.facts and f.facts.kind == "txt" else kind_of(f))
        for src, f in sources.items()
    ]
    sheets = [(src, kind) for src, kind in pairs if kind in SHEET_XML]
    now = [(src, kind) for src, kind in pairs if kind not in SHEET_XML]
    defer = bool(sheets) and len(now) >= QUICK_FIRST
    copies = OfficeCopies()
    for (src, _), result in zip(
        now if defer else pairs,
        prepare_batch(now if defer else pairs, work / "prep", timeout=timeout),
        strict=True,
    ):
        if isinstance(result, PreparedOffice):
            copies.ready[result.path] = src
            name = sources[src].path.name  # notes name the department's file, not our copy
            copies.notes[src] = [n.replace(src.name, name) for n in result.notes]
        else:  # LibreOffice may still print it: convert the copy as it is
            copies.ready[src] = src
    if defer:
        (work / "prep").mkdir(parents=True, exist_ok=True)
        for src, _ in sheets:
            target = work / "prep" / f"{src.stem}.xlsx"
            copies.ready[target] = src
            copies.later.append((src, target, sources[src].path.name))
    return copies

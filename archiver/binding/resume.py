"""Conversions an interrupted build finished: kept raw, prepared by the next build.

A long LibreOffice batch stopped by Ctrl+C leaves the PDFs it finished; they wait in the
conversion cache as ``<key>.lo.pdf`` with their preparation notes, and the next build puts
them on A4 and keeps them as usual instead of converting them again.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from archiver.engines import libreoffice
from archiver.errors import ArchiverError
from archiver.fsutil import copy_atomic
from archiver.scan.inventory import ScannedFile

if TYPE_CHECKING:
    from archiver.binding.convert import Converted, Converter


def keep_finished(
    conv: Converter,
    ready: dict[Path, Path],
    sources: dict[Path, ScannedFile],
    notes: dict[Path, list[str]],
    outdir: Path,
) -> None:
    """A long batch stopped by Ctrl+C: its finished PDFs wait in the cache (``.lo.pdf``),
    raw, for the next build to prepare and keep (nothing is lost but the file at work)."""
    for path, src in ready.items():
        pdf = outdir / f"{path.stem}.pdf"
        f = sources[src]
        if not libreoffice.complete_pdf(pdf) or f.facts is None:
            continue
        key = conv._key(f.facts.sha256, conv._engine_id(f.facts.kind))
        with contextlib.suppress(OSError, ArchiverError):
            copy_atomic(pdf, conv.cache / f"{key}.lo.pdf")
            text = json.dumps(notes.get(src, []), ensure_ascii=False)
            (conv.cache / f"{key}.lo.json").write_text(text, encoding="utf-8")


def resumed(conv: Converter, f: ScannedFile, work: Path) -> Converted | None:
    """The PDF an interrupted build kept for ``f``, now prepared and cached as usual."""
    assert f.facts is not None
    key = conv._key(f.facts.sha256, conv._engine_id(f.facts.kind))
    raw, meta = conv.cache / f"{key}.lo.pdf", conv.cache / f"{key}.lo.json"
    if not (raw.is_file() and meta.is_file()):
        return None
    try:
        notes = [str(n) for n in json.loads(meta.read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        return None
    pdf, paper = conv._paper(raw, work)
    done = conv._store(f, pdf, None, notes=[*notes, *paper])
    raw.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)
    return done

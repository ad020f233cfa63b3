"""Workbooks prepared while LibreOffice converts the rest of its batch (binding.officecopies):
the same PDFs as when they are prepared first, and nothing lost when LibreOffice gets there
first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from archiver.binding import officecopies
from archiver.engines import libreoffice as lo
from archiver.scan.facts import examine
from archiver.scan.inventory import ScannedFile
from archiver.workspace.requirements import PLACEHOLDER_MARK

OFFICE = Path(__file__).parent / "resources" / "office"
SHEET = OFFICE / "AverageTaxRates.xlsx"  # a wide table: the 台账 page setup changes its print


def _batch(tmp: Path, docx: int) -> dict[Path, ScannedFile]:
    inputs = tmp / "in"
    inputs.mkdir(parents=True)
    originals = [SHEET] + [OFFICE / "ComplexNumberedLists.docx"] * docx
    sources: dict[Path, ScannedFile] = {}
    for i, original in enumerate(originals):
        copy = inputs / f"f{i:03d}{original.suffix}"
        shutil.copyfile(original, copy)
        facts = examine(copy, PLACEHOLDER_MARK, want_text=False)
        sources[copy] = ScannedFile(f"材料/{i}{original.suffix}", original, None, None, None, facts)
    return sources


def _pages(pdf: Path) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(pdf).pages]


def test_a_workbook_made_meanwhile_prints_as_one_made_first(
    libreoffice: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = {}
    for mode in ("meanwhile", "first"):
        if mode == "first":
            monkeypatch.setattr(officecopies, "QUICK_FIRST", 10**6)
        work = tmp_path / mode
        sources = _batch(work, docx=officecopies.QUICK_FIRST if mode == "meanwhile" else 8)
        copies = officecopies.prepare_copies(sources, work, timeout=60)
        sheet_copy = next(p for p in sources if p.suffix == ".xlsx")
        target = next(t for t, s in copies.ready.items() if s == sheet_copy)
        assert bool(copies.later) == (mode == "meanwhile")
        if copies.later:
            assert list(copies.ready)[-1] == target and not target.exists()  # last, not yet made
        copies.start()
        converted = lo.convert_batch(list(copies.ready), work / "out", timeout=60)
        copies.finish()
        assert copies.missed({r.source for r in converted if r.pdf is not None}) == []
        pdf = next(r.pdf for r in converted if r.source == target)
        assert pdf is not None
        results[mode] = (_pages(pdf), copies.notes.get(sheet_copy))
    assert results["meanwhile"] == results["first"]  # the same pages, the same notes


def test_a_workbook_libreoffice_reached_too_early_is_missed_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice found no file at the workbook's path: ``missed`` names it for a retry."""
    sources = _batch(tmp_path, docx=officecopies.QUICK_FIRST)
    copies = officecopies.prepare_copies(sources, tmp_path, timeout=60)
    ((_, target, _),) = copies.later
    assert not target.exists()
    assert copies.missed(set()) == [target]
    monkeypatch.setattr(officecopies, "prepare_sheet", _fails)
    copies.finish()  # a workbook that cannot be prepared is printed as it is
    assert target.read_bytes() == SHEET.read_bytes()
    assert copies.missed({target}) == []


def _fails(src: Path, out: Path) -> None:
    from archiver.errors import InputFileError

    raise InputFileError("无法读取")

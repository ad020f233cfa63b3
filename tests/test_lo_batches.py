"""Long LibreOffice batches: every file of a batch is converted, however many there are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archiver.engines import libreoffice
from archiver.engines import run as run_module


def _texts(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"f{i:03d}.txt"
        path.write_text(f"第 {i} 份\n", encoding="utf-8")
        paths.append(path)
    return paths


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files each LibreOffice process is given."""
    seen: list[int] = []

    def counting(argv: list[Any], **kwargs: Any) -> Any:
        seen.append(sum(1 for a in argv if str(a).endswith(".txt")))
        return run_module.run(argv, **kwargs)

    monkeypatch.setattr(libreoffice, "run", counting)
    return seen


@pytest.mark.usefixtures("libreoffice")
@pytest.mark.parametrize(
    ("files", "per_run", "runs"),
    [
        # LibreOffice 7.4 converts only the first ~247 of 300 files named on one command
        # line and exits 0: all must still be converted, in long runs (not one by one)
        (260, None, [200, 60]),
        (7, 3, [3, 3, 1]),  # one process per three files, none alone
    ],
)
def test_a_batch_runs_in_processes_of_at_most_per_run_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: int,
    per_run: int | None,
    runs: list[int],
) -> None:
    sources = _texts(tmp_path / "in", files)
    seen = _counting(monkeypatch)
    if per_run is not None:
        monkeypatch.setattr(libreoffice, "PER_RUN", per_run)
    results = libreoffice.convert_batch(sources, tmp_path / "out", timeout=120)
    assert [r.source for r in results] == sources
    assert all(r.pdf is not None and r.pdf.is_file() for r in results)
    assert seen == runs

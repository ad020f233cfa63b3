"""The build's LibreOffice servers: one process per core for every conversion of a build.

What they convert must be what ``--convert-to`` makes (other people's files, compared page
by page as text); a file that crashes or hangs a server costs only itself; where the server
cannot start, the conversion goes on with ``--convert-to`` and that installation is not tried
again.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from archiver.engines import libreoffice, officeprofile, officeserver

RESOURCES = Path(__file__).parent / "resources" / "office"
# written by Word, Excel, LibreOffice, Apache POI (tests/resources/README.md)
REAL = [
    "ComplexNumberedLists.docx",
    "bug56075-changeTracking_on.docx",
    "Lists.doc",
    "TwoSheetsOneHidden.xlsx",
    "chinese-provinces.xls",
    "51626_contact.xlsx",
]


def _copies(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True)
    out = []
    for i, name in enumerate(names):
        target = folder / f"{i:02d}-{name}"
        shutil.copyfile(RESOURCES / name, target)
        out.append(target)
    return out


def _text(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(pdf)).pages]


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The LibreOffice processes started: "server" or the files of a --convert-to run."""
    seen: list[str] = []
    real_run, real_init = libreoffice._run_soffice, officeserver.Office.__init__

    def run_soffice(exe: Path, sources: list[Path], *a: Any, **k: Any) -> Any:
        seen.append(" ".join(s.name for s in sources))
        return real_run(exe, sources, *a, **k)

    def init(self: officeserver.Office, *a: Any) -> None:
        seen.append("server")
        real_init(self, *a)

    monkeypatch.setattr(libreoffice, "_run_soffice", run_soffice)
    monkeypatch.setattr(officeserver.Office, "__init__", init)
    return seen


def _serving(seconds: float = 60.0) -> Any:
    return officeserver.serving(libreoffice.soffice_command, seconds)


@pytest.mark.usefixtures("libreoffice")
def test_a_server_makes_the_pdfs_convert_to_makes(tmp_path: Path, starts: list[str]) -> None:
    sources = _copies(tmp_path / "材料 (一)", REAL)  # a Chinese name, a space, brackets
    with _serving():
        served = libreoffice.convert_batch(sources, tmp_path / "served")
        again = libreoffice.convert_batch(sources[:2], tmp_path / "again")
    assert starts == ["server"]  # both batches: one process, started once
    classic = libreoffice.convert_batch(sources, tmp_path / "classic")
    for a, b in zip(served + again, classic + classic[:2], strict=True):
        assert a.pdf is not None and b.pdf is not None, (a, b)
        assert _text(a.pdf) == _text(b.pdf), a.source.name


@pytest.mark.usefixtures("libreoffice")
def test_a_file_the_server_cannot_convert_is_tried_alone(tmp_path: Path, starts: list[str]) -> None:
    sources = _copies(tmp_path / "in", ["comment.docx", "delins.docx"])
    broken = tmp_path / "in" / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a document")
    with _serving():
        results = libreoffice.convert_batch([sources[0], broken, sources[1]], tmp_path / "out")
    assert [r.pdf is not None for r in results] == [True, False, True]
    assert results[1].error  # said why, from the try alone
    assert starts == ["server", "broken.docx"]


@pytest.mark.usefixtures("libreoffice")
def test_a_crash_costs_only_the_file_in_flight(
    tmp_path: Path, starts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = _copies(tmp_path / "in", ["comment.docx", "delins.docx", "Lists.doc"])
    real_submit = officeserver.Office.submit

    def crashing(office: officeserver.Office, source: Path, *a: Any) -> int:
        if source.name.startswith("01-") and starts.count("server") == 1:
            assert office.wait(1) == "ok"
            office.stop()  # the process dies on this file: it will never answer for it
            office.exited.wait(30)
        return real_submit(office, source, *a)

    monkeypatch.setattr(officeserver.Office, "submit", crashing)
    with _serving():
        results = libreoffice.convert_batch(sources, tmp_path / "out")
    assert all(r.pdf is not None for r in results), results  # it was the process, not the file
    # a new server for the files after it; the file in flight tried once alone
    assert starts.count("server") == 2 and "01-delins.docx" in starts, starts


@pytest.mark.usefixtures("libreoffice")
def test_a_hang_is_stopped_after_the_timeout(
    tmp_path: Path, starts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = _copies(tmp_path / "in", ["comment.docx", "delins.docx"])
    real_submit = officeserver.Office.submit

    def hanging(office: officeserver.Office, source: Path, *a: Any) -> int:
        if source.name.startswith("00-") and starts.count("server") == 1:
            office.jobs += 1  # never given to LibreOffice: it never answers for this file
            return office.jobs
        return real_submit(office, source, *a)

    monkeypatch.setattr(officeserver.Office, "submit", hanging)
    with _serving(seconds=3):
        results = libreoffice.convert_batch(sources, tmp_path / "out", timeout=30)
    assert all(r.pdf is not None for r in results), results
    assert starts == ["server", "server", "00-comment.docx"], starts


@pytest.mark.usefixtures("libreoffice")
def test_where_the_server_does_not_start_convert_to_goes_on(
    tmp_path: Path, starts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = _copies(tmp_path / "in", ["comment.docx", "delins.docx"])
    broken = tmp_path / "server.bas"  # a Basic error: LibreOffice waits on it, says nothing
    broken.write_text("Sub Serve()\n    Dim Base As String\nEnd Sub\n", encoding="utf-8")
    monkeypatch.setattr(officeprofile, "SERVER", broken)
    monkeypatch.setattr(officeserver, "READY_WITHIN", 4.0)
    key = officeprofile.installation_key(libreoffice.find_soffice())
    master = officeprofile.cache_home() / f"libreoffice-profile-{key}"
    for build in ("out", "out1"):  # one build where it did not start is not enough
        assert not (master / officeprofile.REFUSED).is_file()
        starts.clear()
        with _serving():
            results = libreoffice.convert_batch(sources, tmp_path / build)
            libreoffice.convert_batch(sources[:1], tmp_path / f"{build}-again")
        assert all(r.pdf is not None for r in results)
        # the rest of this build, and the next batch, with --convert-to
        assert starts == ["server", "00-comment.docx 01-delins.docx", "00-comment.docx"]
    assert (master / officeprofile.REFUSED).is_file()
    starts.clear()
    with _serving():  # not tried again with this installation
        libreoffice.convert_batch(sources[:1], tmp_path / "out2")
    assert starts == ["00-comment.docx"]


@pytest.mark.usefixtures("libreoffice")
def test_servers_end_with_their_build(tmp_path: Path) -> None:
    sources = _copies(tmp_path / "in", ["comment.docx"])
    with _serving() as pool:
        libreoffice.convert_batch(sources, tmp_path / "out")
        offices = list(pool._all)
    assert offices and all(o.exited.is_set() for o in offices)
    assert not any(o.profile.exists() for o in offices)  # its profile copy removed
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=False)
    assert not any(str(o.profile) in ps.stdout for o in offices)


@pytest.mark.usefixtures("libreoffice")
def test_a_file_alone_is_tried_again_after_its_server_died(
    tmp_path: Path, starts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Own pages go to the servers one at a time: a crash on one is still tried alone."""
    (source,) = _copies(tmp_path / "in", ["comment.docx"])
    real_submit = officeserver.Office.submit

    def crashing(office: officeserver.Office, src: Path, *a: Any) -> int:
        office.stop()
        office.exited.wait(30)
        return real_submit(office, src, *a)

    monkeypatch.setattr(officeserver.Office, "submit", crashing)
    with _serving():
        (result,) = libreoffice.convert_batch([source], tmp_path / "out")
    assert result.pdf is not None, result
    assert starts[-1] == "00-comment.docx", starts


@pytest.mark.usefixtures("libreoffice")
def test_servers_started_ahead_take_the_work(tmp_path: Path, starts: list[str]) -> None:
    """A build that will convert starts its servers while it checks; they convert, no more
    are started; one started ahead and never needed is ended with the build."""
    import time

    sources = _copies(tmp_path / "in", ["comment.docx", "Lists.doc"])
    exe = libreoffice.find_soffice()
    with _serving() as pool:
        pool.prestart(exe, 2)
        assert len(starts) <= 2  # in the background: the caller goes on meanwhile
        results = libreoffice.convert_batch(sources, tmp_path / "out")
        assert starts == ["server", "server"]
        offices = list(pool._all)
    assert all(r.pdf is not None for r in results), results
    assert all(o.exited.is_set() for o in offices)
    with _serving() as pool:  # started ahead, then not needed (a --strict build that stops)
        pool.prestart(exe, 1)
        began = time.monotonic()
    assert time.monotonic() - began < 15
    assert all(o.exited.is_set() and not o.profile.exists() for o in pool._all)

"""Convert every included file to PDF, with a cache keyed by content hash and converter.

- office files (docx, doc, wps, xlsx, xls, rtf, odt …) and txt: LibreOffice headless, in
  batches, one private profile per process, batches in parallel across ``jobs`` workers;
  a batch that fails or hangs is retried file by file, so one bad file costs only itself;
- OFD: archiver's own renderer (engines.ofd) in a child process with a timeout;
- images: img2pdf (engines.images), downsampled to 300 dpi, one A4 page per image or frame;
- PDFs: prepared by ``engines.pdfprep`` (repaired, decrypted when only an owner password is
  set, forms and annotations printed into the page, scripts removed, every page put on A4);
  a PDF that needs none of it is used as it is, byte for byte. LibreOffice's own output goes
  through the same preparation (a Letter-size Word file becomes A4 pages).

What a preparation did (Chinese notes for the report) is kept beside the cache
(``prepared.json``), so a cached conversion reports the same notes.

The cache lives in ``.archiver/conversions/<sha256>-<converter>.pdf``: an unchanged file is
never converted twice. Failures are remembered too (``.fail`` with the reason), except
timeouts, which may be passing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archiver.binding.batches import (
    balanced,
    copy_suffix,
    office_error,
    page_count,
    sheet_marks,
    text_to_docx,
)
from archiver.binding.finishahead import FinishAhead
from archiver.binding.officecopies import OfficeCopies, prepare_copies
from archiver.binding.resume import keep_finished, resumed
from archiver.engines import libreoffice
from archiver.errors import ArchiverError, technical
from archiver.fsutil import copy_atomic
from archiver.scan.inventory import ScannedFile

OFFICE = ("docx", "doc", "wps", "xlsx", "xls", "et", "rtf", "odt", "ods", "pptx", "ppt")
IMAGES = ("jpg", "png", "tif", "bmp", "gif", "webp", "heic")
CONVERSION_VERSION = 3  # bump when our own conversion steps change
OFD_RENDERER = 1  # bump when engines.ofd draws differently


@dataclass(frozen=True)
class Converted:
    pdf: Path | None
    pages: int
    error: str | None = None
    identity: str = ""  # names the PDF's content (for caching what is built from it)
    timed_out: bool = False
    notes: tuple[str, ...] = ()  # what the preparation changed (Chinese, for the report)
    marks: tuple[tuple[str, int], ...] = ()  # bookmarks inside it: (title, page index)


class Converter:
    def __init__(
        self,
        cache_dir: Path,
        *,
        jobs: int,
        timeout: float,
        progress: Callable[[int], None] | None = None,
        keep_a3: bool = False,
    ) -> None:
        self.cache = cache_dir
        self.cache.mkdir(parents=True, exist_ok=True)
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.progress = progress or (lambda n: None)
        self._lo_id: str | None = None
        from archiver.cache import JsonCache

        self.pages = JsonCache(cache_dir / "pages.json", 1)  # key → page count
        self.prepared = JsonCache(cache_dir / "prepared.json", 1)  # key → what was done
        self.keep_a3 = keep_a3
        self._started = threading.Semaphore(0)  # office batches whose LibreOffice is on
        self.fresh = 0  # distinct contents the last convert_all converted (not cached)

    # -- cache ---------------------------------------------------------------------------
    def _key(self, sha: str, engine: str) -> str:
        return f"{sha}-{engine}-v{CONVERSION_VERSION}"

    def _engine_id(self, kind: str) -> str:
        if kind in OFFICE or kind == "txt":
            return self.lo_id()
        if kind in IMAGES:
            import img2pdf

            return f"img2pdf{img2pdf.__version__}"
        if kind == "ofd":
            import reportlab

            return f"ofd{OFD_RENDERER}-rl{reportlab.Version}-" + self._pdf_engine()
        return self._pdf_engine()

    def _pdf_engine(self) -> str:
        import pikepdf

        return f"pdfprep{pikepdf.__version__}" + ("-a3" if self.keep_a3 else "")

    def lo_id(self) -> str:
        if self._lo_id is None:
            exe = libreoffice.find_soffice()
            program = exe.resolve().parent
            h = hashlib.sha1()
            for name in ("versionrc", "version.ini"):
                f = program / name
                if f.is_file():
                    h.update(f.read_bytes())
            h.update(str(exe.resolve().stat().st_size).encode())
            self._lo_id = "lo" + h.hexdigest()[:10]
        return self._lo_id

    def cached(self, f: ScannedFile) -> Converted | None:
        assert f.facts is not None
        key = self._key(f.facts.sha256, self._engine_id(f.facts.kind))
        done = self.prepared.get(key) or {}
        notes = tuple(done.get("notes", ()))
        marks = tuple((str(t), int(i)) for t, i in done.get("marks", ()))
        if done.get("unchanged") and isinstance(done.get("pages"), int):
            return Converted(f.path, done["pages"], identity=f"src-{f.facts.sha256}", notes=notes)
        pdf = self.cache / f"{key}.pdf"
        if pdf.is_file():
            pages = self.pages.get(key)
            if not isinstance(pages, int):
                pages = page_count(pdf)
                self.pages.put(key, pages)
            return Converted(pdf, pages, identity=key, notes=notes, marks=marks)
        fail = self.cache / f"{key}.fail"
        if fail.is_file():
            return Converted(None, 0, json.loads(fail.read_text(encoding="utf-8"))["error"])
        return None

    def _store(
        self,
        f: ScannedFile,
        produced: Path | None,
        error: str | None,
        remember_failure: bool = True,
        notes: list[str] | None = None,
        timed_out: bool = False,
        marks: list[tuple[str, int]] | None = None,
        pages: int | None = None,
    ) -> Converted:
        assert f.facts is not None
        key = self._key(f.facts.sha256, self._engine_id(f.facts.kind))
        if produced is not None:
            try:
                pages = pages if pages is not None else page_count(produced)
            except Exception as exc:
                technical(exc, f.rel)
                return self._store(f, None, "转换结果无法打开(生成的 PDF 已损坏)")
            if pages == 0:
                return self._store(f, None, "转换结果没有页面")
            target = self.cache / f"{key}.pdf"
            copy_atomic(produced, target)
            self.pages.put(key, pages)
            self.prepared.put(key, {"notes": notes or [], "marks": marks or []})
            return Converted(
                target, pages, identity=key, notes=tuple(notes or ()), marks=tuple(marks or ())
            )
        message = error or "转换失败"
        if remember_failure:
            (self.cache / f"{key}.fail").write_text(
                json.dumps({"error": message}, ensure_ascii=False), encoding="utf-8"
            )
        return Converted(None, 0, message, timed_out=timed_out)

    def _unchanged(self, f: ScannedFile, pages: int, notes: list[str]) -> Converted:
        """A PDF that needed no preparation: bound as it is, remembered as such."""
        assert f.facts is not None
        key = self._key(f.facts.sha256, self._engine_id(f.facts.kind))
        self.prepared.put(key, {"unchanged": True, "pages": pages, "notes": notes})
        return Converted(f.path, pages, identity=f"src-{f.facts.sha256}", notes=tuple(notes))

    # -- conversion ----------------------------------------------------------------------
    def convert_all(self, files: list[ScannedFile]) -> dict[str, Converted]:
        """Convert (or take from cache) every file; keyed by ``ScannedFile.rel``."""
        results: dict[str, Converted] = {}
        todo: dict[str, list[ScannedFile]] = {}  # sha → files with that content
        for f in files:
            hit = self.cached(f)
            if hit is not None:
                results[f.rel] = hit
                self.progress(1)
            else:
                assert f.facts is not None
                todo.setdefault(f.facts.sha256, []).append(f)
        unique = [group[0] for group in todo.values()]
        self.fresh = len(unique)  # contents converted by this build
        office = [
            f for f in unique if f.facts and (f.facts.kind in OFFICE or f.facts.kind == "txt")
        ]
        others = [f for f in unique if f not in office]
        done: dict[str, Converted] = {}
        # LibreOffice starts first; PDFs and images are prepared here once it works (before,
        # this thread would slow down the preparation of the office copies)
        self._started = threading.Semaphore(0)
        with ThreadPoolExecutor(max_workers=1) as lo:
            converting = lo.submit(self._convert_office, office, todo) if office else None
            for _ in range(min(self.jobs, len(office))):
                while converting is not None and not self._started.acquire(timeout=0.2):
                    if converting.done():  # it failed, or finished early
                        break
            for f in others:
                done[f.rel] = self._convert_simple(f)
                self.progress(len(todo[f.facts.sha256]) if f.facts else 1)
            if converting is not None:
                done.update(converting.result())
        for group in todo.values():
            first = done[group[0].rel]
            for f in group:
                results[f.rel] = first
        self.pages.save()
        self.prepared.save()
        return results

    def _convert_simple(self, f: ScannedFile) -> Converted:
        """An image or a PDF: no external program, no batch."""
        from archiver.engines.images import image_to_pdf
        from archiver.engines.pdfprep import prepare_pdf

        assert f.facts is not None
        with tempfile.TemporaryDirectory(prefix="archiver-img-") as tmp:
            out = Path(tmp) / "out.pdf"
            try:
                if f.facts.kind in IMAGES:
                    notes = image_to_pdf(f.path, out).notes
                elif f.facts.kind == "ofd":
                    return self._ofd(f, Path(tmp))
                else:
                    prepared = prepare_pdf(f.path, out, keep_a3=self.keep_a3)
                    if prepared.repaired and prepared.all_blank:  # the scan says so too
                        return self._store(f, None, "PDF 已损坏(不完整),能恢复的页面都是空白")
                    if not prepared.changed:
                        return self._unchanged(f, prepared.pages, prepared.notes)
                    notes = prepared.notes
            except ArchiverError as exc:
                return self._store(f, None, exc.message)
            except Exception as exc:  # a hostile file: report it, never crash the build
                technical(exc, f.rel)
                return self._store(
                    f, None, "文件无法处理,可能已损坏或使用了不支持的格式;请用原程序另存后再放入"
                )
            return self._store(f, out, None, notes=notes)

    def _ofd(self, f: ScannedFile, work: Path) -> Converted:
        """Draw an OFD (its own page size), then put its pages on A4 like any PDF."""
        from archiver.engines.ofd import convert_ofd

        drawn = convert_ofd(f.path, work / "ofd.pdf", timeout=self.timeout)
        pdf, paper = self._paper(work / "ofd.pdf", work)
        return self._store(f, pdf, None, notes=[*drawn.warnings, *paper])

    def _finish(
        self, produced: Path | None, work: Path
    ) -> tuple[Path | None, list[str], int | None]:
        """LibreOffice's output on A4, with its notes and its page count (None: unreadable)."""
        pdf, notes = self._paper(produced, work)
        try:
            pages = page_count(pdf) if pdf is not None else None
        except Exception:  # _store says why
            pages = None
        return pdf, notes, pages

    def _again(
        self, copies: OfficeCopies, converted: list[libreoffice.ConversionResult], work: Path
    ) -> list[libreoffice.ConversionResult]:
        """Convert again the workbooks LibreOffice reached before they were made (rare)."""
        missed = copies.missed({r.source for r in converted if r.pdf is not None})
        if not missed:
            return converted
        again = {
            r.source: r
            for r in libreoffice.convert_batch(missed, work / "out", timeout=self.timeout)
        }
        return [again.get(r.source, r) for r in converted]

    def _paper(self, produced: Path | None, work: Path) -> tuple[Path | None, list[str]]:
        """LibreOffice's PDF put on A4 (a Letter or A3 page setup): the same rule as any PDF."""
        from archiver.engines.pdfprep import prepare_pdf

        if produced is None:
            return None, []
        try:
            prepared = prepare_pdf(produced, work / f"{produced.stem}-a4.pdf", keep_a3=self.keep_a3)
        except ArchiverError:
            return produced, []  # _store reports a result that cannot be opened
        notes = [n for n in prepared.notes if "A4" in n]
        return prepared.path, notes

    def _convert_office(
        self, files: list[ScannedFile], todo: dict[str, list[ScannedFile]]
    ) -> dict[str, Converted]:
        # one long batch per core: LibreOffice starts once per core (a start costs ~1 s, a
        # light file ~0.1 s); largest files first, each to the least loaded batch, so the
        # cores finish together. A file that hangs or crashes costs only itself (convert_batch)
        batches = balanced(files, self.jobs)
        out: dict[str, Converted] = {}

        def work(batch: list[ScannedFile]) -> dict[str, Converted]:
            return self._office_batch(batch, todo)

        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            for part in pool.map(work, batches):
                out.update(part)
        return out

    def _office_batch(
        self, batch: list[ScannedFile], todo: dict[str, list[ScannedFile]]
    ) -> dict[str, Converted]:
        results: dict[str, Converted] = {}
        with tempfile.TemporaryDirectory(prefix="archiver-conv-") as tmp:
            work = Path(tmp)
            sources: dict[Path, ScannedFile] = {}
            for f in batch:
                kept = resumed(self, f, work)
                if kept is not None:  # converted by a build that was interrupted
                    results[f.rel] = kept
                    assert f.facts is not None
                    self.progress(len(todo[f.facts.sha256]))
                    continue
                assert f.facts is not None
                src = work / "in" / f"{f.facts.sha256[:32]}{copy_suffix(f)}"
                src.parent.mkdir(exist_ok=True)
                if f.facts.kind == "txt":
                    text_to_docx(f.path, src)
                else:
                    shutil.copyfile(f.path, src)
                sources[src] = f
            try:
                copies = prepare_copies(sources, work, self.timeout) if sources else None
            finally:
                self._started.release()  # LibreOffice's turn (see convert_all)
            if copies is None:
                return results
            ready, prep_notes = copies.ready, copies.notes
            outputs = [work / "out" / f"{src.stem}.pdf" for src in ready]
            try:
                copies.start()  # workbooks left for later are made while LibreOffice works
                with FinishAhead(outputs, lambda out: self._finish(out, work)) as ahead:
                    converted = libreoffice.convert_batch(
                        list(ready),
                        work / "out",
                        timeout=self.timeout,
                        batch_timeout=self.timeout + 5 * len(sources),
                    )
                    copies.finish()
                    converted = self._again(copies, converted, work)
            except ArchiverError as exc:
                converted = [libreoffice.ConversionResult(s, None, exc.message) for s in ready]
            except BaseException:  # interrupted: keep what LibreOffice finished for next time
                copies.finish()
                keep_finished(self, ready, sources, prep_notes, work / "out")
                raise
            for res in converted:
                src = ready[res.source]
                f = sources[src]
                early = ahead.get(res.pdf) if res.pdf is not None else None
                pdf, notes, pages = (
                    early if isinstance(early, tuple) else self._finish(res.pdf, work)
                )
                results[f.rel] = self._store(
                    f,
                    pdf,
                    office_error(res.error),
                    remember_failure=not res.timed_out,
                    notes=[*prep_notes.get(src, []), *notes],
                    timed_out=res.timed_out,
                    marks=sheet_marks(f, pdf),
                    pages=pages,
                )
                assert f.facts is not None
                self.progress(len(todo[f.facts.sha256]))
        return results

"""Office files made ready for printing, on copies, before LibreOffice converts them to PDF.

- Word (.docx): tracked changes accepted, comments not printed (:mod:`docxprep`); a file
  without tracked changes is only copied, so the common case costs a detection (~1 ms).
- Word 97-2003 and WPS (.doc, .wps) with tracked changes: LibreOffice saves them as .docx
  first (one extra LibreOffice pass for those files only), then the same acceptance.
- Spreadsheets (.xlsx; .xls and .et are saved as .xlsx by LibreOffice first): page setup of
  a 台账 (:mod:`sheetprep`).

:func:`prepare_batch` does a whole conversion batch with at most one extra LibreOffice
process; :func:`prepare_docx` and :func:`prepare_sheet` do one file that needs no
LibreOffice. The original file is never opened for writing.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from archiver.engines import docxprep, sheetprep
from archiver.errors import ArchiverError, InputFileError, technical

WORD_XML = ("docx",)
WORD_BINARY = ("doc", "wps")
SHEET_XML = ("xlsx",)
SHEET_BINARY = ("xls", "et")


@dataclass
class PreparedOffice:
    """The copy to hand to LibreOffice, and what was done to it."""

    path: Path
    notes: list[str] = field(default_factory=list)  # Chinese, for the build report
    sheets: list[str] = field(default_factory=list)  # printed sheet names, in order
    tracked_changes: bool = False


def has_tracked_changes(path: Path, kind: str) -> bool:
    """True when a Word/WPS file carries tracked changes (insertions, deletions, formatting).

    Streaming and bounded: only the parts that can hold revisions are read, and reading
    stops at the first revision. Other kinds return False. Raises :class:`InputFileError`
    for an encrypted or damaged file.
    """
    if kind in WORD_BINARY:
        from archiver.engines.docbin import doc_has_tracked_changes

        return doc_has_tracked_changes(path)
    if kind not in WORD_XML:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            for name in docxprep.revision_parts(zf.namelist()):
                info = zf.getinfo(name)
                docxprep.check_member(path, info)
                with zf.open(info) as fh:
                    for _event, _el in etree.iterparse(
                        fh,
                        events=("start",),
                        tag=list(docxprep.REVISION_TAGS),
                        resolve_entities=False,
                        no_network=True,
                        load_dtd=False,
                    ):
                        return True
    except (zipfile.BadZipFile, etree.XMLSyntaxError, EOFError) as exc:
        raise InputFileError(f"{path}:不是有效的 .docx 文件,无法检查修订({exc})") from exc
    except OSError as exc:
        raise InputFileError(f"{path}:无法读取({exc.strerror or exc})") from exc
    return False


def prepare_docx(source: Path, out: Path) -> PreparedOffice:
    """Copy ``source`` (.docx) to ``out``, with tracked changes accepted when it has any."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if not has_tracked_changes(source, "docx"):
        shutil.copyfile(source, out)
        return PreparedOffice(out)
    docxprep.accept_docx(source, out)
    return PreparedOffice(
        out,
        notes=[f"{source.name}:含有修订,已按“接受全部修订”后的定稿打印(原文件未改动)"],
        tracked_changes=True,
    )


def prepare_sheet(source: Path, out: Path) -> PreparedOffice:
    """Write ``out``: a copy of ``source`` (.xlsx) set up to print like a 台账."""
    import openpyxl

    out.parent.mkdir(parents=True, exist_ok=True)
    lossy = _openpyxl_would_lose(source)
    if lossy:  # printing it as it is beats printing it without its charts
        shutil.copyfile(source, out)
        return PreparedOffice(
            out, notes=[f"{source.name}:表格含有{lossy},为免丢失内容,未调整打印格式"]
        )
    tmp = out.with_name(f".{out.name}.part")
    try:
        wb = openpyxl.load_workbook(source, rich_text=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        technical(exc, source)
        raise InputFileError(
            f"{source}:无法读取表格(可能已损坏);请用 Excel 或 WPS 打开后另存为 .xlsx"
        ) from exc
    if sheetprep.too_much_text(wb):
        shutil.copyfile(source, out)
        return PreparedOffice(
            out, notes=[f"{source.name}:表格文字量异常(疑似损坏或恶意文件),未调整打印格式"]
        )
    plans = sheetprep.plan_workbook(wb)
    printed = [p.name for p in plans if p.printed]
    notes = [n for p in plans for n in p.notes]
    if not printed:  # nothing to print: leave the file as it is, LibreOffice will say so
        shutil.copyfile(source, out)
        return PreparedOffice(out, notes=notes)
    try:
        wb.save(tmp)
        tmp.replace(out)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # openpyxl cannot write it
        technical(exc, source)
        raise InputFileError(
            f"{source}:调整打印格式时无法保存副本(表格中有无法写回的内容);将按原样打印"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return PreparedOffice(out, notes=notes, sheets=printed)


# Parts openpyxl does not read back, so saving the copy would drop them from the print.
_LOSSY_PARTS = (
    ("xl/charts/", "图表"),
    ("xl/drawings/drawing", "图形或图片"),  # vmlDrawing alone is comments, which it keeps
    ("xl/pivotTables/", "数据透视表"),
    ("xl/vbaProject.bin", "宏"),
    ("xl/slicers/", "切片器"),
    ("xl/embeddings/", "嵌入对象"),
)


def _openpyxl_would_lose(path: Path) -> str:
    """What openpyxl would drop on saving ``path`` (Chinese), or "" when nothing."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(f"{path}:不是有效的 .xlsx 文件({exc})") from exc
    found = [label for prefix, label in _LOSSY_PARTS if any(n.startswith(prefix) for n in names)]
    return "、".join(dict.fromkeys(found))


def prepare_batch(
    sources: Sequence[tuple[Path, str]],
    workdir: Path,
    *,
    timeout: float = 120.0,
) -> list[PreparedOffice | InputFileError]:
    """Prepare ``(copy, kind)`` pairs of one conversion batch, in order.

    ``workdir`` receives the prepared copies (distinct stems in, distinct stems out). Binary
    files that need it (.doc/.wps with tracked changes, every .xls/.et) are saved as .docx or
    .xlsx by one LibreOffice process; the others need none. A file that cannot be prepared
    gets its :class:`InputFileError`; the caller converts the original copy instead.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[PreparedOffice | InputFileError | None] = [None] * len(sources)
    to_docx: list[int] = []
    to_xlsx: list[int] = []
    for i, (path, kind) in enumerate(sources):
        try:
            if kind in WORD_XML:
                results[i] = prepare_docx(path, workdir / f"{path.stem}.docx")
            elif kind in SHEET_XML:
                results[i] = prepare_sheet(path, workdir / f"{path.stem}.xlsx")
            elif kind in WORD_BINARY and has_tracked_changes(path, kind):
                to_docx.append(i)
            elif kind in SHEET_BINARY:
                to_xlsx.append(i)
            else:
                results[i] = PreparedOffice(path)
        except InputFileError as exc:
            results[i] = exc
    for target, indices in (("docx", to_docx), ("xlsx", to_xlsx)):
        if indices:
            saved = _save_as(
                [sources[i][0] for i in indices], workdir / f"lo-{target}", target, timeout
            )
            for i in indices:
                results[i] = _prepare_saved(sources[i], saved[sources[i][0]], workdir, target)
    return [r if r is not None else PreparedOffice(sources[i][0]) for i, r in enumerate(results)]


def _save_as(
    sources: list[Path], outdir: Path, target: str, timeout: float
) -> dict[Path, Path | str]:
    """Save ``sources`` as ``target`` with one LibreOffice process: path, or an error message."""
    from archiver.engines import libreoffice

    outdir.mkdir(parents=True, exist_ok=True)
    try:
        exe = libreoffice.find_soffice()
    except ArchiverError as exc:
        return dict.fromkeys(sources, exc.message)
    # convert_batch checks its output as a PDF; this checks a zip, with the same soffice call
    error, _ = libreoffice._run_soffice(exe, sources, outdir, timeout + 5 * len(sources), target)
    done: dict[Path, Path | str] = {}
    for src in sources:
        out = outdir / f"{src.stem}.{target}"
        if not (out.is_file() and zipfile.is_zipfile(out)):
            error, _ = libreoffice._run_soffice(exe, [src], outdir, timeout, target)
        ok = out.is_file() and zipfile.is_zipfile(out)
        done[src] = out if ok else (error or f"LibreOffice 未能另存为 .{target}")
    return done


def _prepare_saved(
    source: tuple[Path, str], saved: Path | str, workdir: Path, target: str
) -> PreparedOffice | InputFileError:
    path, kind = source
    if isinstance(saved, str):
        return InputFileError(f"{path}:无法另存为 .{target} 以便处理({saved})")
    try:
        if target == "docx":
            done = prepare_docx(saved, workdir / f"{path.stem}.docx")
        else:
            done = prepare_sheet(saved, workdir / f"{path.stem}.xlsx")
    except InputFileError as exc:
        return exc
    done.tracked_changes = done.tracked_changes or kind in WORD_BINARY
    done.notes = [n.replace(saved.name, path.name) for n in done.notes]
    return done

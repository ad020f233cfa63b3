"""Make a supplied PDF fit for the archive: readable, on A4, printed, inert.

One call, ``prepare_pdf``, does in order:

1. refuse what cannot be a PDF (too big, a zip or web page renamed .pdf) with a typed error;
2. open it with pikepdf (qpdf), which repairs broken xref tables, bad object numbers, junk
   before the header and truncated files; pypdf is tried when qpdf gives up; an open password
   is a typed error, an owner-only password is simply dropped;
3. print form field values and annotation appearances into the page content (appearance
   streams are generated first where a field has none), then drop every remaining annotation
   (links, popups) and the form itself: no live field or widget reaches the archive;
4. remove JavaScript and automatic actions (/OpenAction, /AA, /Names/JavaScript);
5. list embedded attachments (name, size) and leave them out: they cannot be printed;
6. put every page on A4 by a matrix on its content (``paper.place``): text stays text;
7. count blank pages (a cheap check of the content stream, see ``_is_blank``).

An A4 PDF with no form, annotation, script or damage is not rewritten at all: ``changed`` is
False and the caller uses the source file as it is (byte for byte). ``probe_pdf`` answers the
scan stage's questions (pages, which password, needs repair) with the same engine.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import pikepdf

from archiver.engines import badinput, paper, quiet
from archiver.engines.pdfparts import attachments_of, is_blank, remove_scripts

log = logging.getLogger(__name__)

quiet.route_library_logs()

MAX_PDF_BYTES = 1024 * badinput.MB  # a 300-page colour scan at 300 dpi is well below this


@dataclass
class PreparedPdf:
    """What ``prepare_pdf`` did; ``path`` is the PDF to use (the source when unchanged)."""

    path: Path
    pages: int
    changed: bool = False
    repaired: bool = False
    decrypted: bool = False
    resized: int = 0  # pages put on A4
    flattened: int = 0  # annotations and fields printed into the page content
    dropped: int = 0  # annotations left out (links, popups, those with no appearance)
    scripts_removed: int = 0
    attachments: list[tuple[str, int]] = field(default_factory=list)
    blank_pages: int = 0
    notes: list[str] = field(default_factory=list)  # Chinese, for the build report

    @property
    def all_blank(self) -> bool:
        return self.pages > 0 and self.blank_pages == self.pages

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["attachments"] = [list(a) for a in self.attachments]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PreparedPdf:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}  # keys are only ever added
        values["path"] = Path(data["path"])
        values["attachments"] = [(str(n), int(z)) for n, z in data.get("attachments", [])]
        return cls(**values)


@dataclass(frozen=True)
class PdfProbe:
    """What the scan stage needs to know before any conversion: cheap (no object is rewritten)."""

    pages: int
    encryption: Literal["none", "owner", "open"]
    needs_repair: bool
    empty_after_repair: bool = False  # what qpdf could recover paints nothing at all


def probe_pdf(source: Path, *, max_bytes: int = MAX_PDF_BYTES) -> PdfProbe:
    """Open ``source`` as ``prepare_pdf`` would; raises the same typed errors, except that an
    open password is reported (``encryption="open"``) rather than raised."""
    badinput.check_size(source, max_bytes, "PDF 文件")
    head = _checked_head(source)
    with tempfile.TemporaryDirectory(prefix="archiver-pdf-") as tmp:
        try:
            pdf, repaired = _open(source, Path(tmp))
        except badinput.PdfPasswordError:
            return PdfProbe(0, "open", False)
        with pdf:
            pages = len(pdf.pages)
            encryption: Literal["none", "owner"] = "owner" if pdf.is_encrypted else "none"
            repaired = repaired or bool(pdf.get_warnings()) or not head.startswith(b"%PDF-")
            empty = repaired and pages > 0 and all(is_blank(page) for page in pdf.pages)
    if pages == 0:
        raise badinput.EmptyPdfError(f"{source.name}:PDF 里没有任何页面。请原单位重新导出后提供")
    return PdfProbe(pages, encryption, repaired, empty)


def prepare_pdf(
    source: Path, out: Path, *, keep_a3: bool = False, max_bytes: int = MAX_PDF_BYTES
) -> PreparedPdf:
    """Prepare ``source``; write ``out`` only when something had to change."""
    badinput.check_size(source, max_bytes, "PDF 文件")
    head = _checked_head(source)
    with tempfile.TemporaryDirectory(prefix="archiver-pdf-") as tmp:
        pdf, repaired = _open(source, Path(tmp))
        with pdf:
            # qpdf reads past junk before the header silently; the copy we write starts clean
            repaired = repaired or not head.startswith(b"%PDF-")
            result = PreparedPdf(source, len(pdf.pages), repaired=repaired)
            result.decrypted = pdf.is_encrypted
            if result.pages == 0:
                raise badinput.EmptyPdfError(
                    f"{source.name}:PDF 里没有任何页面。请原单位重新导出后提供"
                )
            _fix(pdf, result, keep_a3)
            result.changed = bool(
                result.repaired
                or result.decrypted
                or result.resized
                or result.flattened
                or result.dropped
                or result.scripts_removed
                or result.attachments
                or result.changed
            )
            if result.changed:
                part = out.with_name(f".{out.name}.part")
                try:
                    pdf.save(part, deterministic_id=True)
                except pikepdf.PdfError as exc:
                    part.unlink(missing_ok=True)
                    raise badinput.damaged(source, "PDF", str(exc)[-200:]) from exc
                part.replace(out)
                result.path = out
    _write_notes(result)
    return result


def _checked_head(source: Path) -> bytes:
    """The first bytes; a typed error when they are plainly another format (zip, web page …).

    Judged by the signature at the start, not by a "%PDF-" somewhere: a zip may hold a PDF.
    """
    head = badinput.read_head(source)
    if not head.startswith(b"%PDF-"):
        found = badinput.describe_content(head)
        if found is not None:
            raise badinput.wrong_content(source, "PDF", found)
    return head


def _open(source: Path, tmp: Path) -> tuple[pikepdf.Pdf, bool]:
    """Open with qpdf (repairing), else pypdf; the PDF and whether it had to be repaired."""
    readable = source
    try:
        str(source).encode("utf-8")
    except UnicodeEncodeError:  # a name from an old zip, not UTF-8: qpdf cannot take it
        import shutil

        readable = tmp / "source.pdf"
        shutil.copyfile(source, readable)
    try:
        pdf = pikepdf.open(readable)
    except pikepdf.PasswordError as exc:
        raise badinput.PdfPasswordError(
            f"{source.name}:PDF 设有打开密码,无法读取页面。"
            "请原单位去掉密码(或提供未加密的版本)后重新提供"
        ) from exc
    except pikepdf.PdfError as exc:
        rebuilt = _pypdf_rebuild(readable, tmp / "rebuilt.pdf")
        if rebuilt is None:
            raise badinput.damaged(source, "PDF", _short(str(exc), source), repair=True) from exc
        return pikepdf.open(rebuilt), True
    warnings = pdf.get_warnings()
    if warnings:
        log.info("%s: repaired by qpdf: %s", source.name, "; ".join(warnings[:5]))
    return pdf, bool(warnings)


def _pypdf_rebuild(source: Path, target: Path) -> Path | None:
    """A copy written by pypdf, which reads some files qpdf refuses; None when it cannot."""
    from pypdf import PdfReader, PdfWriter

    try:
        with quiet.captured_warnings():
            reader = PdfReader(str(source), strict=False)
        if reader.is_encrypted:
            return None  # qpdf already answered for encrypted files
        with quiet.captured_warnings(), target.open("wb") as fh:
            PdfWriter(clone_from=reader).write(fh)
        with pikepdf.open(target) as check:
            if len(check.pages) == 0:
                return None
    except Exception as exc:  # pypdf raises many kinds on garbage; all mean "cannot"
        log.info("%s: pypdf cannot read it either: %s", source.name, exc)
        return None
    return target


def _fix(pdf: pikepdf.Pdf, result: PreparedPdf, keep_a3: bool) -> None:
    root = pdf.Root
    has_form = "/AcroForm" in root
    annotated = has_form or any("/Annots" in page.obj for page in pdf.pages)
    result.attachments = attachments_of(pdf)
    if "/Names" in root and "/EmbeddedFiles" in root.Names:
        del root.Names["/EmbeddedFiles"]
    damage = pdf.get_warnings()  # read before flattening, whose own warnings are dropped
    if annotated:
        _flatten(pdf, result)
    result.scripts_removed = remove_scripts(pdf)
    for page in pdf.pages:
        placement = paper.place(
            _visible_box(page),
            paper.normal_rotate(page.obj.get("/Rotate", 0)),
            keep_a3=keep_a3,
        )
        if placement is not None:
            _apply(pdf, page, placement)
            result.resized += 1
        if is_blank(page):
            result.blank_pages += 1
    damage += pdf.get_warnings()
    if damage:  # found only while reading the objects (qpdf reads them lazily)
        log.info("repaired while reading: %s", "; ".join(damage[:5]))
        result.repaired = True


def _flatten(pdf: pikepdf.Pdf, result: PreparedPdf) -> None:
    before = sum(len(page.obj.get("/Annots", [])) for page in pdf.pages)
    if "/AcroForm" in pdf.Root:
        try:
            pdf.generate_appearance_streams()  # qpdf: text and choice fields without /AP
        except pikepdf.PdfError as exc:
            log.info("appearance streams: %s", exc)
    pdf.flatten_annotations(mode="print")  # what a printer would print, nothing hidden
    for warning in pdf.get_warnings():  # fields qpdf cannot fill are no damage to the file
        log.info("flattening: %s", warning)
    left = 0
    for page in pdf.pages:
        if "/Annots" in page.obj:
            left += len(page.obj.Annots)
            del page.obj["/Annots"]
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
        result.changed = True
    result.flattened = max(0, before - left)
    result.dropped = left


def _visible_box(page: pikepdf.Page) -> paper.Box:
    """The CropBox clipped to the MediaBox: what a viewer shows (and a printer prints)."""
    m = [float(v) for v in page.mediabox]
    c = [float(v) for v in page.cropbox]
    mx0, my0, mx1, my1 = min(m[0], m[2]), min(m[1], m[3]), max(m[0], m[2]), max(m[1], m[3])
    cx0, cy0, cx1, cy1 = min(c[0], c[2]), min(c[1], c[3]), max(c[0], c[2]), max(c[1], c[3])
    box = (max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1))
    if box[2] <= box[0] or box[3] <= box[1]:
        return (mx0, my0, mx1, my1)  # a CropBox outside the page: viewers fall back too
    return box


def _apply(pdf: pikepdf.Pdf, page: pikepdf.Page, placement: paper.Placement) -> None:
    a, b, c, d, e, f = placement.matrix
    page.contents_add(
        pdf.make_stream(f"q {a:.6f} {b:g} {c:g} {d:.6f} {e:.4f} {f:.4f} cm\n".encode()),
        prepend=True,
    )
    page.contents_add(pdf.make_stream(b"\nQ\n"))
    page.obj.MediaBox = pikepdf.Array([0, 0, round(placement.width, 3), round(placement.height, 3)])
    for key in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
        if key in page.obj:
            del page.obj[key]


def _short(message: str, source: Path) -> str:
    return message.replace(str(source), "").strip(": ")[-200:] or "无法识别的结构"


def _write_notes(r: PreparedPdf) -> None:
    notes = r.notes
    if r.repaired:
        notes.append(
            "文件有损坏(交叉引用表或对象编号错误、文件被截断等),已自动修复;请核对页面是否完整"
        )
    if r.decrypted:
        notes.append("文件设有权限密码(限制编辑或复制),已解除以便装订;内容未改动")
    if r.resized:
        notes.append(f"{r.resized} 页不是 A4 大小,已按比例缩放到 A4(文字仍是文字,未重新渲染)")
    if r.flattened:
        notes.append(f"表单填写内容和批注共 {r.flattened} 处已印到页面上,不再可编辑")
    if r.dropped:
        notes.append(f"{r.dropped} 个链接或无外观的批注未装入档案(打印时也不会出现)")
    if r.scripts_removed:
        notes.append("文件中的 JavaScript 脚本和自动动作已删除")
    for name, size in r.attachments:
        notes.append(f"PDF 内嵌附件未装入档案:{name}({size:,} 字节);如需归档请单独提供")
    if r.all_blank:
        notes.append("全部页面都是空白页;请核对文件是否扫描或导出有误(仍已装订)")
    elif r.blank_pages:
        notes.append(f"有 {r.blank_pages} 页是空白页")

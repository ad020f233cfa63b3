"""The index volume (索引卷) for reviewers: .docx (editable) and .pdf (with links).

Cover, 编制说明, and the 总目录: every indicator of the level grouped by 一级/二级指标, each
material with its lead unit, status, volume and pages. In the PDF every page range is a link
that opens the volume file at that page. LibreOffice exports a Word hyperlink as a web link,
(here not at all), so archiver finds each page range in the rendered PDF and lays its own
link over it: a remote go-to (GoToR) with a relative file name, so the links keep working
when the output folder is copied. In the .docx the same cells link to the volume files.
The index gets one bookmark per 一级指标 from its Heading 1 paragraphs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

from archiver import __version__
from archiver.binding.indexlinks import add_links
from archiver.binding.plan import GENERAL_MATERIAL
from archiver.binding.report import MATERIAL_STATUSES, BuildReport
from archiver.binding.scorepage import heading, score_context
from archiver.docxrender import Link, render_docx
from archiver.engines import libreoffice
from archiver.errors import ExternalProgramError
from archiver.fsutil import copy_atomic
from archiver.manifest.model import UNASSIGNED, Manifest
from archiver.textutil import LEVEL_NAMES, cn_date, no_materials_text
from archiver.workspace import Workspace
from archiver.workspace.layout import GENERAL_FOLDER
from archiver.workspace.requirements import period_text

INDEX_DOCX = "00_索引卷.docx"
INDEX_PDF = "00_索引卷.pdf"
STATUS_NAMES = {
    "included": "已装订",
    "partial": "部分提供",
    "missing": "暂缺",
    "failed": "无法装订",
    "shared": "共用",
    "not_required": "不需提供",
}


def _pages(first: int | None, last: int | None) -> str:
    if first is None:
        return ""
    return f"{first}" if first == last or last is None else f"{first}–{last}"


def _labels(first: str, last: str) -> str:
    """A frozen range with sub-pages: “15-1” or “15-1–15-3”."""
    return first if first == last or not last else f"{first}–{last}"


def index_context(ws: Workspace, report: BuildReport, when: dt.date) -> dict[str, Any]:
    manifest: Manifest = ws.manifest
    level = ws.config.level
    volumes = {v.file: v for v in report.volumes}
    by_key = {(m.indicator, m.material): m for m in report.materials}
    categories: list[dict[str, Any]] = general_rows(ws, report)
    for cat in manifest.categories:
        rows: list[dict[str, Any]] = []
        current_sub = None
        for ind in manifest.indicators_for(level):
            if ind.category[0] != cat.no:
                continue
            sub = ind.category_names[1] if len(ind.category_names) > 1 else None
            if sub and sub != current_sub:
                current_sub = sub
                rows.append(
                    {
                        "id": "",
                        "indicator": sub,
                        "material": "",
                        "units": "",
                        "status": "",
                        "volume": "",
                        "pages": Link(""),
                    }
                )
            keys: list[int | None] = [m.no for m in ind.materials] or [None]
            for i, no in enumerate(keys):
                entry = by_key.get((ind.id, no))
                mat = ind.material(no) if no is not None else None
                status = entry.status if entry else "not_required"
                label = STATUS_NAMES.get(status, status)
                if entry is not None and entry.same_as is not None:
                    label = f"共用,见第{entry.same_as.indicator}项"
                elif entry is not None and entry.status == "partial":
                    label = f"部分提供(缺:{'、'.join(entry.missing_units)})"
                volume = volumes.get(entry.volume or "") if entry else None
                pages = Link("")
                target = None
                if volume is not None and entry is not None and entry.first_page is not None:
                    text = _pages(entry.first_page, entry.last_page)
                    if entry.first_label:  # the printed numbers (frozen: “15-1”)
                        text = _labels(entry.first_label, entry.last_label)
                    index = volume.front_pages + entry.first_page - 1
                    # in Word the cell opens the volume file; in the PDF, the page itself
                    pages = Link(text, quote(volume.file), size=9)
                    target = (volume.file, index)
                rows.append(
                    {
                        "id": ind.id if i == 0 else "",
                        "indicator": (ind.text or "(原文缺失)") if i == 0 else "",
                        "material": (
                            f"({mat.no}){manifest.material_text(ind, mat)}"
                            if mat
                            else ind.no_materials or no_materials_text(ind, manifest.terms)
                        ),
                        "units": "、".join(mat.units if mat else ind.lead_units) or UNASSIGNED,
                        "status": label,
                        "volume": volume.label if volume else "",
                        "pages": pages,
                        "target": target,
                    }
                )
        if rows:
            categories.append({"name": heading(cat.title, cat.no, report), "rows": rows})
    t = manifest.terms
    return {
        "org": ws.config.org,
        "title": manifest.title.removesuffix("责任分工表"),
        "level": f"{t.level}:{manifest.level_name(level)}",
        "date": cn_date(when),
        "explanation": explanation_lines(ws, report, when),
        "categories": categories,
        "h": {"item": t.item, "material": t.material, "unit": t.unit},
        "scores": score_context(ws, report),
    }


def general_rows(ws: Workspace, report: BuildReport) -> list[dict[str, Any]]:
    """The 总目录's first block: the 总体材料 volume, one row per file (none: no block)."""
    general = report.general
    volume = next((v for v in report.volumes if general and v.file == general.volume), None)
    if general is None or volume is None or not general.files:
        return []
    rows: list[dict[str, Any]] = []
    for i, f in enumerate(general.files):
        name = f.path.rsplit("/", 1)[-1]
        text = _labels(f.labels[0], f.labels[-1]) if f.labels else _pages(f.first_page, f.last_page)
        rows.append(
            {
                "id": "",
                "indicator": GENERAL_MATERIAL.text if i == 0 else "",
                "material": name.rsplit(".", 1)[0] if "." in name else name,
                "units": ws.config.org,
                "status": STATUS_NAMES["included" if f.status == "included" else "failed"],
                "volume": volume.label,
                "pages": Link(text, quote(volume.file), size=9),
                "target": (volume.file, volume.front_pages + f.first_page - 1),
            }
        )
    return [{"name": GENERAL_FOLDER, "rows": rows}]


def explanation_lines(ws: Workspace, report: BuildReport, when: dt.date) -> list[str]:
    m = ws.manifest
    level = ws.config.level
    inds = m.indicators_for(level)
    counts: dict[str, int] = {}
    for ind in inds:
        counts[ind.level] = counts.get(ind.level, 0) + 1
    parts = "、".join(f"{LEVEL_NAMES.get(k, k)} {v} 项" for k, v in counts.items())
    n = {k: report.count(k) for k in MATERIAL_STATUSES}
    vols = report.volumes
    src = m.source
    t = m.terms
    period = period_text(ws.config.period_start, ws.config.period_end)
    points = f",满分 {m.total_points} 分" if m.total_points is not None else ""
    return [
        f"本档案是{ws.config.org}按《{m.title}》整理的{t.exercise}材料"
        f"(依据:{src.document}{src.attachment or ''})。",
        f"{t.level}:{m.level_name(level)},共 {len(inds)} 项{t.item}({parts}){points}。",
        f"材料收集期间:{period}。",
        f"本档案共 {len({v.volume for v in vols})} 卷、{len(vols)} 册,文件 "
        f"{sum(v.document_pages for v in vols)} 页(不含各册的案卷封面、卷内目录和备考表)。"
        f"材料中已装订 {n['included']} 份,部分提供 {n.get('partial', 0)} 份,"
        f"暂缺 {n['missing']} 份,无法装订 {n['failed']} 份,与其他{t.item}共用 {n['shared']} 处;"
        f"不需提供材料的{t.item} {n['not_required']} 项。",
        f"阅读方法:总目录按{t.category}排列。“卷”是案卷序号,案卷文件名以该序号开头;"
        "“页码”是印在案卷页面右上角的页码,与 PDF 阅读器中显示的页码一致。在 PDF 中点击页码,"
        "即可打开对应案卷的该页(索引卷须与各卷放在同一文件夹中)。",
        "状态:已装订——材料在所列页码;部分提供——多个单位共同提供的材料只到了一部分,括号中是"
        "尚缺的单位;暂缺——该页为“本项材料暂缺”说明;共用——材料与另一项"
        f"{t.item}相同,只装订一次;不需提供——原表写明不需提供材料;"
        "无法装订——已提交的文件损坏、加密、为空或是音视频等,该页为说明页,写明文件、原因和整改办法。",
        *_general_line(report),
        f"编制日期:{cn_date(when)};由 archiver {__version__} 生成。",
    ]


def _general_line(report: BuildReport) -> list[str]:
    general = report.general
    if general is None or not general.files:
        return []
    volume = next((v for v in report.volumes if v.file == general.volume), None)
    where = f"装订为{volume.label}({volume.file}),排在各卷之前" if volume else "装订在各卷之前"
    return [
        f"{GENERAL_FOLDER}:{GENERAL_MATERIAL.text} {len(general.files)} 份,{where},"
        "在总目录中最先列出。"
    ]


def _index_key(ws: Workspace, context: dict[str, Any]) -> str:
    import hashlib
    import json

    from archiver.docxrender import template_path

    h = hashlib.sha256(template_path("索引卷.docx", ws.root).read_bytes())
    h.update(__version__.encode())
    h.update(json.dumps(context, ensure_ascii=False, sort_keys=True, default=repr).encode())
    return h.hexdigest()[:40]


def printed(context: dict[str, Any]) -> dict[str, Any]:
    """The context without the link targets: all the printed pages depend on."""
    return {
        **context,
        "categories": [
            {
                **cat,
                "rows": [{k: v for k, v in row.items() if k != "target"} for row in cat["rows"]],
            }
            for cat in context["categories"]
        ],
    }


def raw_index_pdf(ws: Workspace, context: dict[str, Any]) -> Path:
    """Where LibreOffice's PDF of the index (before links) is cached for this printed text."""
    key = _index_key(ws, printed(context))
    return ws.config.cache_root / "rendered" / f"index-raw-{key}.pdf"


def write_index(
    ws: Workspace, report: BuildReport, folder: Path, when: dt.date, timeout: float
) -> dict[str, str]:
    """Write the index volume into ``folder``; an unchanged index comes from the cache.

    LibreOffice's PDF depends only on the printed text; when the build converted it ahead
    (:mod:`archiver.binding.indexahead`) or only the links moved, it is not converted again.
    """
    import shutil

    from archiver.binding.bundle import PDF_OPTIONS

    docx = folder / INDEX_DOCX
    context = index_context(ws, report, when)
    cache = ws.config.cache_root / "rendered"
    key = _index_key(ws, context)
    cached_docx, cached_pdf = cache / f"index-{key}.docx", cache / f"index-{key}.pdf"
    raw = raw_index_pdf(ws, context)
    if cached_docx.is_file() and cached_pdf.is_file():
        shutil.copyfile(cached_docx, docx)
        shutil.copyfile(cached_pdf, folder / INDEX_PDF)
        return {"pdf": INDEX_PDF, "docx": INDEX_DOCX}
    render_docx("索引卷.docx", context, docx, ws.root)
    work = folder / ".index-work"
    if not raw.is_file():
        (res,) = libreoffice.convert_batch([docx], work, timeout=timeout, pdf_options=PDF_OPTIONS)
        if res.pdf is None:
            raise ExternalProgramError(f"无法生成索引卷 PDF:{res.error}")
        cache.mkdir(parents=True, exist_ok=True)
        copy_atomic(res.pdf, raw)
    targets = [
        (row["pages"].text, row["target"])
        for cat in context["categories"]
        for row in cat["rows"]
        if row.get("target")
    ]
    add_links(raw, folder / INDEX_PDF, targets)
    shutil.rmtree(work, ignore_errors=True)
    for old in cache.glob("index-*"):
        if old != raw:
            old.unlink(missing_ok=True)  # keep only the current index
    shutil.copyfile(docx, cached_docx)
    shutil.copyfile(folder / INDEX_PDF, cached_pdf)
    return {"pdf": INDEX_PDF, "docx": INDEX_DOCX}

"""archiver's own pages, as render jobs: 案卷封面, 卷内目录, 卷内备考表 (GB/T 9705-2008), the
“本项材料暂缺” and “文件无法转换” placeholders, and the “本项材料见第X项” pointer.

Each function is pure: from the plan (and, for pointers, where the shared material lies) to a
:class:`RenderJob`, the template name and the values to fill in. Rendering is ``render.py``'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from archiver.binding.parts import Location, Part
from archiver.binding.plan import GENERAL_KEY, LACKING_HEADING, Doc, Section
from archiver.binding.render import RenderJob
from archiver.manifest.terms import Terms
from archiver.textutil import cn_date, leads_text, no_materials_text
from archiver.workspace import Workspace
from archiver.workspace.layout import GENERAL_FOLDER, Layout
from archiver.workspace.requirements import period_text

PLACEHOLDER_TEMPLATE = "占位页.docx"

RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}
FROZEN_NOTES = {"added": ";{}补充", "replaced": ";{}更换", "withdrawn": ";{}撤出"}


@dataclass(frozen=True)
class VolumeInfo:
    org: str
    title: str  # 案卷题名
    retention: str
    fonds_no: str
    filer: str
    checker: str
    date: dt.date
    period: str = ""  # the assessed period (2021年1月1日至2021年12月31日); "": the files' dates
    terms: Terms = field(default_factory=Terms)  # the manifest's words


def volume_title(manifest_title: str, part: Part) -> str:
    base = manifest_title.removesuffix("责任分工表").removesuffix("指标体系")
    text = f"{base}材料——{part.volume.category.label}"  # 总体材料 for the general volume
    if part.count > 1:
        text += f"(第{part.number}册)"
    return text


def volume_info(ws: Workspace, part: Part, when: dt.datetime) -> VolumeInfo:
    """What a part's cover, contents and 备考表 say besides its documents."""
    s = ws.config.build
    start, end = ws.config.period_start, ws.config.period_end
    return VolumeInfo(
        org=ws.config.org,
        title=volume_title(ws.manifest.title, part),
        retention=s.retention,
        fonds_no=s.fonds_no,
        filer=s.filer,
        checker=s.checker,
        date=when.date(),
        period=period_text(start, end) if start and end else "",
        terms=ws.manifest.terms,
    )


def _period(docs: list[Doc]) -> str:
    dates = sorted(d.date for d in docs if d.date)
    if not dates:
        return "—"
    first, last = dates[0], dates[-1]
    return f"{first[:4]}.{first[4:6]}—{last[:4]}.{last[4:6]}"


def archive_no(info: VolumeInfo, part: Part) -> str:
    code = RETENTION_CODES.get(info.retention, info.retention)
    no = f"{info.date.year}-{code}-{part.volume.number:03d}"
    if part.count > 1:
        no += f"-{part.number}"
    return f"{info.fonds_no}-{no}" if info.fonds_no else no


def cover_job(info: VolumeInfo, part: Part) -> RenderJob:
    files = [d for d in part.docs if d.kind == "file"]
    return RenderJob(
        "案卷封面.docx",
        {
            "org": info.org,
            "category": part.volume.category.title,
            "title": info.title,
            "period": info.period or _period(files),
            "retention": info.retention,
            "items": str(len(files)),
            "pages": str(part.pages),
            "archive_no": archive_no(info, part),
        },
    )


def contents_job(info: VolumeInfo, part: Part) -> RenderJob:
    rows: list[dict[str, str]] = []
    t = info.terms
    for section in part.sections:
        for doc in section.docs:
            first, last = part.page_range(doc)
            note = item_note(section)
            title = doc.title
            if doc.kind != "file":
                title = f"[{doc.title}]"  # a title written by the filer goes in [ ]
            if doc.change:  # frozen builds: 补充 / 更换 / 撤出, with the date
                note += FROZEN_NOTES.get(doc.change, "").format(doc.since)
            rows.append(
                {
                    "no": str(len(rows) + 1),
                    "doc_no": "",
                    "author": doc.unit,
                    "title": title,
                    "date": doc.date,
                    "pages": part.range_text(first, last),
                    "note": note,
                }
            )
    for ind in part.no_material:
        rows.append(
            {
                "no": "",
                "doc_no": "",
                "author": "、".join(ind.lead_units),
                "title": f"[第{ind.id}项 {ind.no_materials or no_materials_text(ind, t, False)}]",
                "date": "",
                "pages": "",
                "note": "不需提供材料",
            }
        )
    if not rows:
        rows.append(
            {
                "no": "",
                "doc_no": "",
                "author": "",
                "title": "(本卷无文件)",
                "date": "",
                "pages": "",
                "note": "",
            }
        )
    return RenderJob("卷内目录.docx", {"title": info.title, "rows": rows})


def backnote_job(info: VolumeInfo, part: Part) -> RenderJob:
    files = [d for d in part.docs if d.kind == "file"]
    missing = [s for s in part.sections if s.status == "missing"]
    failed = [d for d in part.docs if d.kind == "failed"]
    notes = [f"本卷共 {len(files)} 件、{part.pages} 页(不含案卷封面、卷内目录和本表)。"]
    if missing:
        items = ";".join(
            f"第{s.indicator.id}项材料{s.material.no}({'、'.join(s.material.units)})"
            for s in missing
        )
        notes.append(f"缺损:暂缺材料 {len(missing)} 项,已以“本项材料暂缺”页标示:{items}。")
    else:
        notes.append("缺损:无。")
    notes += partial_notes(part)
    if failed:
        notes.append(
            f"无法装订的文件 {len(failed)} 个,已以说明页代替:"
            + ";".join(d.title for d in failed)
            + "。"
        )
    pointers = [s for s in part.sections if s.status == "pointer"]
    if pointers:
        notes.append(
            "共用材料:"
            + ";".join(
                f"第{s.indicator.id}项材料{s.material.no}见第{s.key.indicator}项" for s in pointers
            )
            + "。"
        )
    if part.no_material:
        notes.append(
            f"不需提供材料的{info.terms.item}:"
            + "、".join(f"第{i.id}项" for i in part.no_material)
            + "。"
        )
    notes += part.notes  # frozen builds: 补充 / 更换 / 移出 since the freeze
    return RenderJob(
        "备考表.docx",
        {
            "title": info.title,
            "notes": notes,
            "filer": info.filer or "",
            "checker": info.checker or "",
            "date": cn_date(info.date),
        },
    )


def partial_notes(part: Part) -> list[str]:
    """The 备考表 line naming the units whose share of a several-unit material is missing."""
    from archiver.binding.plan import missing_shares

    items = [
        f"第{s.indicator.id}项材料{s.material.no}缺{'、'.join(lacking)}提供的部分"
        for s in part.sections
        if (lacking := missing_shares(s))
    ]
    return (
        [
            f"部分提供:{len(items)} 项材料只到了部分单位的材料,"
            f"已以“{LACKING_HEADING}”页标示:" + ";".join(items) + "。"
        ]
        if items
        else []
    )


def item_note(section: Section) -> str:
    """The 卷内目录's 备注 of a document: which item and material it belongs to."""
    if section.key == GENERAL_KEY:
        return GENERAL_FOLDER
    return f"第{section.indicator.id}项材料{section.material.no}"


def placeholder_job(
    doc: Doc,
    section: Section,
    drop: str,
    layout: Layout,
    terms: Terms | None = None,
    asks: str | None = None,
) -> RenderJob:
    """The page standing for a missing material or for a file that could not be converted.

    ``asks`` is what the material asks for as the manifest prints it (附2: the item's 工作要求
    in place of the generic 佐证材料 wording)."""
    ind, mat = section.indicator, section.material
    t = terms or Terms()
    if doc.kind == "lacking":
        return lacking_job(doc, section, drop, layout, t, asks)
    if doc.kind == "missing":
        folders = layout.folders_for(section.key)
        lines = [
            f"{t.item}:第{ind.id}项 {ind.text or '(原文缺失)'}",
            _asks_line(section, t, asks),
            f"{t.unit}:{leads_text(mat.lead_units, t)}",
        ]
        if folders:
            lines.append(f"补交时请放入:{drop}/{folders[0].rel}")
        return RenderJob(PLACEHOLDER_TEMPLATE, {"heading": "本项材料暂缺", "lines": lines})
    assert doc.source is not None
    reason, _, advice = doc.message.partition(";")
    if not advice:
        advice = "请把该文件另存为 PDF 或重新导出后放回原文件夹,再次组卷。"
    lines = [
        f"{t.item}:第{ind.id}项 材料({mat.no})",
        f"文件:{doc.source.rel}",
        *_file_identity(doc),
        f"原因:{reason}",
        f"处理:{advice}",
    ]
    return RenderJob(PLACEHOLDER_TEMPLATE, {"heading": failure_heading(doc), "lines": lines})


def _asks_line(section: Section, t: Terms, asks: str | None) -> str:
    mat = section.material
    if asks and asks != mat.text:
        return f"{t.material}:{asks}"
    return f"材料({mat.no}):{mat.text}"


def lacking_job(
    doc: Doc, section: Section, drop: str, layout: Layout, t: Terms, asks: str | None = None
) -> RenderJob:
    """The page after the shares that came of a several-unit material, naming the missing."""
    from archiver.binding.plan import missing_shares

    ind, mat = section.indicator, section.material
    lacking = missing_shares(section)
    present = [u for u in mat.units if u not in lacking]
    lines = [
        f"{t.item}:第{ind.id}项 {ind.text or '(原文缺失)'}",
        _asks_line(section, t, asks),
        f"{t.unit}:{leads_text(mat.lead_units, t)}",
        f"已装订:{'、'.join(present)}提供的部分(见本页之前)",
        f"暂缺:{'、'.join(lacking)}提供的部分",
    ]
    folders = [f for f in layout.folders_for(section.key) if f.unit in lacking]
    for folder in folders:
        lines.append(f"补交时请{folder.unit}放入:{drop}/{folder.rel}")
    return RenderJob(PLACEHOLDER_TEMPLATE, {"heading": LACKING_HEADING, "lines": lines})


def failure_heading(doc: Doc) -> str:
    """What the page standing for a file that could not be bound is titled."""
    source = doc.source
    facts = source.facts if source else None
    if source is not None and source.usable:
        return "文件无法转换"  # a file of a kind we bind, whose conversion failed
    if facts is not None and facts.kind in ("unsupported:video", "unsupported:audio"):
        return "音视频材料(无法装订)"
    return "文件无法装订"


def _file_identity(doc: Doc) -> list[str]:
    """Size and SHA-256 of the file, so the office can find the very file meant."""
    facts = doc.source.facts if doc.source else None
    if facts is None or not facts.sha256:
        return ["大小:—(未读取该文件)"]
    return [f"大小:{_size(facts.size)}", f"SHA-256:{facts.sha256}"]


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB({n} 字节)"
    return f"{n / 1024 / 1024:.1f} MB({n} 字节)"


def pointer_job(doc: Doc, section: Section, where: Location | None) -> RenderJob:
    """The page of an indicator whose material is bound under another indicator."""
    assert doc.target is not None
    place = "(该材料暂缺)"
    if where is not None:
        pages = str(where.first) if where.first == where.last else f"{where.first}–{where.last}"
        pages = where.part.range_text(where.first, where.last, "–")
        place = f"{where.part.label}《{where.part.volume.category.label}》第 {pages} 页"
    lines = [
        f"第{section.indicator.id}项 材料({section.material.no}):{section.material.text}",
        f"与第{doc.target.indicator}项的材料({doc.target.material})为同一份,只装订一次。",
        f"位置:{place}",
    ]
    return RenderJob(
        PLACEHOLDER_TEMPLATE, {"heading": f"本项材料见第{doc.target.indicator}项", "lines": lines}
    )

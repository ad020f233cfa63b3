"""The text of ``材料要求.txt``: what a department must put in a folder (pure)."""

from __future__ import annotations

import datetime as dt

from archiver.manifest.model import Indicator, Manifest, Material, MaterialRef
from archiver.textutil import LEVEL_NAMES, cn_date, leads_text, limit_text
from archiver.workspace.layout import GENERAL_FOLDER, Folder, Layout, material_key

ACCEPTED_TYPES = (
    "Word 文档(.docx .doc .wps)、PDF、Excel 表格(.xlsx .xls)、图片和扫描件(.jpg .png .tif)、"
    "OFD、纯文本(.txt)"
)
PLACEHOLDER = "【请在此处填写情况说明正文,完成后删除本段。】"
PLACEHOLDER_MARK = "【请在此处填写情况说明正文"
REQUIREMENT_FILE = "材料要求.txt"
TEMPLATE_FILE = "情况说明.docx"


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        return f"{cn_date(start)}至{cn_date(end)}"
    if start:
        return f"{cn_date(start)}以来"
    if end:
        return f"{cn_date(end)}以前"
    return "不限"


def _material_lines(
    manifest: Manifest, layout: Layout, unit: str, ind: Indicator, mat: Material
) -> list[str]:
    lines = [f"材料({mat.no}):{mat.text}"]
    kind = "情况说明(由本单位撰写,统计字数)" if mat.kind == "explanation" else "证明材料"
    lines.append(f"  材料类型:{kind}")
    if mat.word_limit:
        lines.append(f"  字数要求:{limit_text(mat)}(按 Word“字数统计”中的“字数”计算)")
    others = [u for u in mat.lead_units if u != unit]
    lines.append(f"  {manifest.terms.unit}:{leads_text(mat.lead_units, manifest.terms)}")
    if others:
        lines.append(f"  共同提供:{'、'.join(others)}(各自放在本单位文件夹中,组卷时合并)")
    key = material_key(ind, mat)
    if mat.same_as is not None:
        owner = manifest.indicator(key.indicator)
        where = _where(layout, key)
        owner_text = f"第{key.indicator}项" + (f"的材料({key.material})" if owner else "")
        lines.append(f"  本材料与{owner_text}是同一份,只需提供一次,请放在:{where}")
    elif mat.shared_with:
        users = "、".join(f"第{r.indicator}项" for r in mat.shared_with)
        lines.append(f"  本材料同时用于{users},只需在这里提供一次")
    # transcription notes (``note``) are for the office (manifest dump/export), not printed here
    return lines


def _where(layout: Layout, key: MaterialRef) -> str:
    folders = layout.folders_for(key)
    return ";".join(str(f.rel) for f in folders) or "(该材料未列入本级别)"


def general_requirement_text(
    manifest: Manifest, period_start: dt.date | None, period_end: dt.date | None
) -> str:
    """材料要求.txt of 材料/总体材料/: the office's own documents, bound before every volume."""
    t = manifest.terms
    lines = [
        f"【材料要求】{GENERAL_FOLDER}",
        "",
        f"本文件夹收集本单位整体的{t.exercise}材料,不属于某一项{t.item}:自评报告、年度工作总结等。",
        f"组卷时这些文件装订为“综合卷”,排在各{t.category}的案卷之前,"
        "并在索引卷的总目录中最先列出;文件按文件名排序。",
        "",
        f"收集期间:{period_text(period_start, period_end)}(自评报告、工作总结可在期间结束后撰写)",
        f"接受的文件类型:{ACCEPTED_TYPES}",
        "",
        "放置说明:",
        "1. 把文件直接放进本文件夹;可以建子文件夹分类存放。",
        "2. 文件名决定装订顺序,可在开头加序号,例如“1 自评报告.docx”“2 工作总结.pdf”。",
        "3. 本文件夹没有文件时,组卷不生成综合卷。",
        "4. 本文件由 archiver 生成,修改它不影响检查。",
    ]
    return "\r\n".join(lines) + "\r\n"


def requirement_text(
    manifest: Manifest,
    layout: Layout,
    folder: Folder,
    period_start: dt.date | None,
    period_end: dt.date | None,
) -> str:
    """What this folder must receive, for the unit that owns it."""
    ind = folder.indicator
    t = manifest.terms
    level = LEVEL_NAMES.get(ind.level, ind.level)
    lines = [
        f"【材料要求】第{ind.id}项{t.item}({level})",
        "",
        f"分类:{' / '.join(manifest.category_titles(ind))}",
        f"{t.item}:{ind.text or '(原文缺失)'}",
    ]
    if ind.requirement:
        lines.append(f"工作要求:{ind.requirement}")
    lines.append("")
    if folder.material is not None:
        lines.append("本文件夹收集:")
        lines += _material_lines(manifest, layout, folder.unit, ind, folder.material)
    else:
        lines.append(f"本{t.item}需要的材料(每份材料放在对应的子文件夹中):")
        for mat in ind.materials:
            if folder.unit in mat.units:
                lines += _material_lines(manifest, layout, folder.unit, ind, mat)
        others = [m for m in ind.materials if folder.unit not in m.units]
        for mat in others:
            lines.append(f"材料({mat.no})由{'、'.join(mat.units)}提供:{mat.text}")
    lines += [
        "",
        f"收集期间:{period_text(period_start, period_end)}的材料",
        f"接受的文件类型:{ACCEPTED_TYPES}",
        "",
        "放置说明:",
        "1. 把文件直接放进本文件夹;文件较多时可以建子文件夹分类存放。",
        "2. 文件名请写明日期和内容,例如“2021-03-15 行政审批事项清单.pdf”;组卷时按文件名排序。",
        f"3. 文件夹名称开头的“{ind.id}_”是识别标记,请不要修改。",
        "4. 本文件由 archiver 生成,修改它不影响检查;需要调整要求请联系局法规调研科。",
    ]
    return "\r\n".join(lines) + "\r\n"

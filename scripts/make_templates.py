"""Generate the Word templates in templates/docx/ (run after changing this script).

The templates are committed so offices can open and adapt them in Word; this script is their
source, written with python-docx so the Jinja tags each sit in one run (docxtpl needs that).
Usage: .venv/bin/python scripts/make_templates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from archiver.export import gbstyle as g

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx"

# Latin font of the text being written: Times New Roman for documents people edit; for the
# pages bound into every volume, the Chinese font itself (one embedded subset, not two)
LATIN: str | None = g.LATIN


def new_doc(landscape: bool = False) -> object:
    doc = Document()
    g.set_style_font(doc.styles["Normal"], g.FANGSONG, g.SIZE_3)
    g.set_document_language(doc)
    g.page_setup(doc.sections[0], landscape=landscape)
    g.add_page_number_footer(doc.sections[0])
    # python-docx stamps the current time into core.xml; fix it so the file is reproducible
    import datetime as dt

    fixed = dt.datetime(2021, 1, 6, tzinfo=dt.timezone.utc)
    doc.core_properties.created = fixed
    doc.core_properties.modified = fixed
    doc.core_properties.author = "archiver"
    doc.core_properties.last_modified_by = "archiver"
    return doc


def para(
    doc, text, font=g.FANGSONG, size=g.SIZE_3, bold=False, align=None, indent=False, space_after=0
):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    pf = p.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(space_after)
    pf.line_spacing = Pt(28.95)  # 22 lines in the 225 mm text block
    if indent:
        pf.first_line_indent = Pt(32)  # two 3号 characters
    g.set_run_font(p.add_run(text), font, size, bold, LATIN)
    return p


def table(doc, headers, row_tags, widths_mm, loop, size=g.SIZE_5):
    """A table with a header row and one templated row repeated by docxtpl (``{%tr for %}``)."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    g.center_table(t)
    g.repeat_header_row(t.rows[0])
    for cell, text in zip(t.rows[0].cells, headers, strict=True):
        g.write_cell(cell, text, g.HEITI, size, align=1, latin=LATIN)
        g.shade_cell(cell, "D9D9D9")
    g.write_cell(t.rows[1].cells[0], "{%tr " + loop + " %}", size=size, latin=LATIN)
    for cell, text in zip(t.rows[2].cells, row_tags, strict=True):
        g.write_cell(cell, text, size=size, latin=LATIN)
    g.write_cell(t.rows[3].cells[0], "{%tr endfor %}", size=size, latin=LATIN)
    g.set_column_widths(t, widths_mm)
    return t


def explanation() -> None:
    doc = new_doc()
    para(
        doc,
        "{{ title }}",
        g.XIAOBIAOSONG,
        g.SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=16,
    )
    para(doc, "{{ unit }}", g.KAITI, g.SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=16)
    para(doc, "{{ placeholder }}", indent=True)
    doc.save(str(OUT / "情况说明.docx"))


def progress() -> None:
    doc = new_doc()
    para(
        doc, "{{ title }}", g.XIAOBIAOSONG, g.SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8
    )
    para(doc, "{{ subtitle }}", g.KAITI, g.SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=16)
    para(doc, "一、总体进度", g.HEITI)
    para(doc, "{{ overall }}", indent=True)
    para(doc, "二、各单位进度", g.HEITI)
    table(
        doc,
        ("单位", "应报", "已报", "有问题", "未报", "完成率"),
        (
            "{{ u.name }}",
            "{{ u.required }}",
            "{{ u.provided }}",
            "{{ u.errors }}",
            "{{ u.missing }}",
            "{{ u.percent }}",
        ),
        (50, 20, 20, 20, 20, 26),
        "for u in units",
    )
    para(doc, "三、进度滞后的单位", g.HEITI)
    para(doc, "{{ laggards }}", indent=True)
    para(doc, "四、各{{ h.category }}进度", g.HEITI)
    table(
        doc,
        ("{{ h.category }}", "应报", "已报", "有问题", "完成率"),
        (
            "{{ c.name }}",
            "{{ c.required }}",
            "{{ c.provided }}",
            "{{ c.errors }}",
            "{{ c.percent }}",
        ),
        (76, 20, 20, 20, 20),
        "for c in categories",
    )
    para(doc, "五、需要整改的问题", g.HEITI)
    table(
        doc,
        ("单位", "{{ h.item }}", "问题"),
        ("{{ p.unit }}", "{{ p.where }}", "{{ p.message }}"),
        (36, 30, 90),
        "for p in problems",
    )
    para(doc, "{{ closing }}", indent=True)
    doc.save(str(OUT / "进度通报.docx"))


def rectification() -> None:
    doc = new_doc()
    para(
        doc, "{{ title }}", g.XIAOBIAOSONG, g.SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8
    )
    para(doc, "{{ subtitle }}", g.KAITI, g.SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=16)
    para(doc, "{{ summary }}", indent=True)
    para(doc, "一、尚未报送的材料", g.HEITI)
    table(
        doc,
        ("序号", "{{ h.item }}", "材料", "放置位置"),
        ("{{ m.no }}", "{{ m.indicator }}", "{{ m.material }}", "{{ m.folder }}"),
        (12, 20, 70, 54),
        "for m in missing",
    )
    para(doc, "二、需要整改的问题", g.HEITI)
    table(
        doc,
        ("序号", "{{ h.item }}", "文件", "问题及整改要求"),
        ("{{ p.no }}", "{{ p.indicator }}", "{{ p.path }}", "{{ p.message }}"),
        (12, 20, 54, 70),
        "for p in problems",
    )
    para(doc, "{{ closing }}", indent=True)
    doc.save(str(OUT / "整改清单.docx"))


def fields_table(doc, rows, widths_mm=(40, 110)):
    t = doc.add_table(rows=len(rows), cols=2)
    t.style = "Table Grid"
    g.center_table(t)
    for row, (label, tag) in zip(t.rows, rows, strict=True):
        g.write_cell(row.cells[0], label, g.HEITI, g.SIZE_3, align=1, latin=LATIN)
        g.write_cell(row.cells[1], tag, g.FANGSONG, g.SIZE_3, latin=LATIN)
        row.height = Pt(40)
    g.set_column_widths(t, widths_mm)
    return t


def cover() -> None:
    doc = new_doc()
    doc.sections[0].footer.is_linked_to_previous = True
    for p in doc.sections[0].footer.paragraphs:
        p.clear()
    for _ in range(2):
        para(doc, "")
    para(doc, "{{ org }}", g.XIAOBIAOSONG, Pt(26), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    para(doc, "案 卷", g.XIAOBIAOSONG, Pt(36), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=24)
    fields_table(
        doc,
        [
            ("全宗名称", "{{ org }}"),
            ("类目名称", "{{ category }}"),
            ("案卷题名", "{{ title }}"),
            ("起止时间", "{{ period }}"),
            ("保管期限", "{{ retention }}"),
            ("件    数", "{{ items }}"),
            ("页    数", "{{ pages }}"),
            ("档    号", "{{ archive_no }}"),
        ],
    )
    doc.save(str(OUT / "案卷封面.docx"))


def contents() -> None:
    doc = new_doc()
    for p in doc.sections[0].footer.paragraphs:
        p.clear()
    para(
        doc, "卷 内 目 录", g.XIAOBIAOSONG, g.SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6
    )
    para(doc, "{{ title }}", g.FANGSONG, g.SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    table(
        doc,
        ("顺序号", "文号", "责任者", "题名", "日期", "页号", "备注"),
        (
            "{{ r.no }}",
            "{{ r.doc_no }}",
            "{{ r.author }}",
            "{{ r.title }}",
            "{{ r.date }}",
            "{{ r.pages }}",
            "{{ r.note }}",
        ),
        (14, 10, 22, 46, 20, 16, 28),
        "for r in rows",
        size=Pt(9),
    )
    doc.save(str(OUT / "卷内目录.docx"))


def backnote() -> None:
    doc = new_doc()
    for p in doc.sections[0].footer.paragraphs:
        p.clear()
    para(
        doc,
        "卷 内 备 考 表",
        g.XIAOBIAOSONG,
        g.SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    para(doc, "{{ title }}", g.FANGSONG, g.SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    para(doc, "本卷情况说明:", g.HEITI)
    para(doc, "{%p for line in notes %}")
    para(doc, "{{ line }}", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "")
    para(doc, "立卷人:{{ filer }}")
    para(doc, "检查人:{{ checker }}")
    para(doc, "立卷时间:{{ date }}")
    doc.save(str(OUT / "备考表.docx"))


def placeholder() -> None:
    doc = new_doc()
    for p in doc.sections[0].footer.paragraphs:
        p.clear()
    for _ in range(3):
        para(doc, "")
    para(
        doc,
        "{{ heading }}",
        g.XIAOBIAOSONG,
        Pt(30),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=24,
    )
    para(doc, "{%p for line in lines %}")
    para(doc, "{{ line }}", indent=True)
    para(doc, "{%p endfor %}")
    doc.save(str(OUT / "占位页.docx"))


def build_templates() -> None:
    global LATIN
    LATIN = None
    cover()
    contents()
    backnote()
    placeholder()


def index_volume() -> None:
    global LATIN
    LATIN = None
    doc = new_doc()
    styles = doc.styles
    for name, font, size in (("Heading 1", g.HEITI, g.SIZE_3), ("Title", g.XIAOBIAOSONG, g.SIZE_2)):
        style = styles[name]
        g.set_style_font(style, font, size)
        style.font.bold = False
        style.font.color.rgb = None
    for _ in range(4):
        para(doc, "")
    para(doc, "{{ org }}", g.XIAOBIAOSONG, Pt(26), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=24)
    para(
        doc, "{{ title }}", g.XIAOBIAOSONG, Pt(30), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=24
    )
    para(doc, "索 引 卷", g.XIAOBIAOSONG, Pt(30), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=48)
    para(doc, "{{ level }}", g.KAITI, g.SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    para(doc, "{{ date }}", g.KAITI, g.SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    # the 自评表 of a scored assessment (附2), first after the cover; absent without scores
    para(doc, "{%p if scores %}")
    h = doc.add_paragraph("{{ scores.heading }}", style="Heading 1")
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    h.paragraph_format.page_break_before = True
    para(doc, "{{ scores.intro }}", indent=True)
    table(
        doc,
        ("序号", "{{ scores.category }}", "分值", "扣分", "自评得分"),
        ("{{ s.no }}", "{{ s.name }}", "{{ s.points }}", "{{ s.deducted }}", "{{ s.score }}"),
        (14, 82, 20, 20, 20),
        "for s in scores.rows",
        size=g.SIZE_4,
    )
    para(doc, "{%p for line in scores.reasons %}")
    para(doc, "{{ line }}", indent=True)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    # page_break_before rather than a break paragraph: a full page never leaves a blank one
    h = doc.add_paragraph("编制说明", style="Heading 1")
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    h.paragraph_format.page_break_before = True
    para(doc, "{%p for line in explanation %}")
    para(doc, "{{ line }}", indent=True)
    para(doc, "{%p endfor %}")
    title = doc.add_paragraph("总 目 录", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.page_break_before = True
    para(doc, "{%p for cat in categories %}")
    doc.add_paragraph("{{ cat.name }}", style="Heading 1")
    table(
        doc,
        ("编号", "{{ h.item }}", "{{ h.material }}", "{{ h.unit }}", "状态", "卷", "页码"),
        (
            "{{ r.id }}",
            "{{ r.indicator }}",
            "{{ r.material }}",
            "{{ r.units }}",
            "{{ r.status }}",
            "{{ r.volume }}",
            "{{r r.pages }}",
        ),
        (12, 40, 38, 20, 14, 14, 18),
        "for r in cat.rows",
        size=Pt(9),
    )
    para(doc, "{%p endfor %}")
    doc.save(str(OUT / "索引卷.docx"))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    explanation()
    progress()
    rectification()
    build_templates()
    index_volume()
    print("templates written to", OUT)

"""情况说明汇编: per volume, one .docx joining every explanation in order, for editing and
printing. Each explanation keeps its own formatting (docxcompose); it is preceded by a
heading naming its indicator and material. An explanation that is not a .docx (a scan, a
PDF, a .doc) is named with a pointer to its pages in the volume.
"""

from __future__ import annotations

from pathlib import Path

from archiver.build.plan import Section
from archiver.build.volumes import Part
from archiver.workspace.naming import safe_name


def _key(org: str, sections: list[tuple[Part, Section]]) -> str:
    import hashlib
    import json

    from archiver import __version__

    spec = [__version__, org] + [
        [
            s.indicator.id,
            s.material.no,
            s.material.text,
            [[d.identity, d.kind, d.title, list(p.page_range(d)), p.label] for d in s.docs],
        ]
        for p, s in sections
    ]
    blob = json.dumps(spec, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:40]


def compile_explanations(
    parts: list[Part], folder: Path, org: str, cache: Path | None = None
) -> list[str]:
    """Write one compilation per volume that has explanations; return the file names.

    With ``cache``, a volume whose explanations did not change is copied from there.
    """
    import shutil

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docxcompose.composer import Composer

    from archiver.export import gbstyle as g
    from archiver.fsutil import atomic_path, reproducible_zip

    written = []
    by_volume: dict[int, list[Part]] = {}
    for part in parts:
        by_volume.setdefault(part.volume.number, []).append(part)
    for number, vparts in by_volume.items():
        sections = [
            (p, s)
            for p in vparts
            for s in p.sections
            if s.material.kind == "explanation" and s.status != "pointer"
        ]
        if not sections:
            continue
        category = vparts[0].volume.category
        name = safe_name(f"情况说明汇编_{number:02d}_{category.name}", 80) + ".docx"
        cached = cache / f"compile-{_key(org, sections)}.docx" if cache else None
        if cached is not None and cached.is_file():
            shutil.copyfile(cached, folder / name)
            written.append(name)
            continue
        master = Document()
        g.set_style_font(master.styles["Normal"], g.FANGSONG, g.SIZE_3)
        g.set_style_font(master.styles["Heading 1"], g.HEITI, g.SIZE_3)
        master.styles["Heading 1"].font.color.rgb = None
        g.set_document_language(master)
        g.page_setup(master.sections[0])
        g.add_page_number_footer(master.sections[0])
        title = master.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        g.set_run_font(title.add_run(f"情况说明汇编——{category.label}"), g.XIAOBIAOSONG, g.SIZE_2)
        sub = master.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        g.set_run_font(sub.add_run(org), g.KAITI, g.SIZE_3)
        composer = Composer(master)
        for part, section in sections:
            ind, mat = section.indicator, section.material
            heading = Document()
            heading.add_paragraph(f"第{ind.id}项 材料({mat.no}):{mat.text}", style="Heading 1")
            composer.append(heading)
            for doc in section.docs:
                first, last = part.page_range(doc)
                where = f"{part.label}第 {first}" + (f"–{last}" if last != first else "") + " 页"
                source = doc.source
                if (
                    doc.kind == "file"
                    and source is not None
                    and source.facts
                    and source.facts.kind == "docx"
                ):
                    try:
                        composer.append(Document(str(source.path)))
                        continue
                    except Exception:  # a document docxcompose cannot merge: point to it
                        pass
                note = Document()
                text = (
                    f"(本项材料暂缺,见{where})"
                    if doc.kind == "missing"
                    else f"({doc.title}:不是 Word 文档,无法汇编,原件见{where})"
                )
                note.add_paragraph(text)
                composer.append(note)
            brk = Document()
            brk.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            composer.append(brk)
        with atomic_path(folder / name) as tmp:
            composer.save(str(tmp))
            reproducible_zip(tmp)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, cached)
        written.append(name)
    return written

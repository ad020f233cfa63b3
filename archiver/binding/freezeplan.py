"""Frozen numbering (pure): which page gets which printed number while the archive is frozen.

Every printed page keeps its label. Within a material, the printed documents stay where they
were: one with the same source hash keeps its pages; one with the same path but new content
(a replacement) takes its old labels, continues in sub-pages when longer (“6-1”, “6-2”) and
leaves “本页空白” pages when shorter; one that is gone leaves “本页材料已撤出” pages. New
documents follow the material's last page as sub-pages, a new material its predecessor. Sub-
pages hang off the whole number before them and never nest: after “15-2” comes “15-3”.
Volumes are split into parts as they were printed.
"""

from __future__ import annotations

from dataclasses import dataclass

from archiver.binding.freeze import PrintedDoc, PrintedPart
from archiver.binding.parts import Part, number, split_parts
from archiver.binding.plan import BuildPlan, Doc, Section

SectionId = tuple[str, int]


def base_of(label: str) -> int:
    """The whole page number a label belongs to: 15 for “15” and for “15-2”."""
    head = label.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def sub_of(label: str) -> int:
    """The sub-page index: 0 for “15”, 2 for “15-2”."""
    _, _, tail = label.partition("-")
    return int(tail) if tail.isdigit() else 0


def section_id(section: Section) -> SectionId:
    return (section.indicator.id, section.material.no)


@dataclass
class _Subs:
    """Hands out the next free sub-page after a label (one level only)."""

    used: dict[int, int]

    @classmethod
    def of(cls, printed: PrintedPart | None) -> _Subs:
        used: dict[int, int] = {}
        for d in printed.docs if printed else []:
            for label in d.labels:
                b = base_of(label)
                used[b] = max(used.get(b, 0), sub_of(label))
        return cls(used)

    def after(self, label: str | None) -> str:
        b = base_of(label) if label else 0
        self.used[b] = self.used.get(b, 0) + 1
        return f"{b}-{self.used[b]}"


def frozen_parts(plan: BuildPlan, printed: list[PrintedPart], cap: int, today: str) -> list[Part]:
    """Split the plan's volumes as printed and give every page its frozen label."""
    home: dict[SectionId, tuple[int, int, int]] = {}
    for pp in printed:
        for d in pp.docs:
            home.setdefault((d.indicator, d.material), (pp.volume, pp.part, pp.count))
    by_file = {p.file: p for p in printed}
    parts: list[Part] = []
    for vol in plan.volumes:
        counts = [c for v, _, c in home.values() if v == vol.number]
        if not counts:  # a volume never printed is numbered as usual
            parts += split_parts(BuildPlan([vol], plan.level), cap)
            continue
        count = max(counts)
        chunks: list[list[Section]] = [[] for _ in range(count)]
        current = 0
        for section in vol.sections:
            where = home.get(section_id(section))
            if where is not None and where[0] == vol.number:
                current = where[1] - 1
            chunks[current].append(section)
        for i, chunk in enumerate(chunks, start=1):
            part = Part(vol, i, count, chunk)
            if i == 1:
                part.no_material = list(vol.no_material)
            parts.append(part)
    for part in parts:
        lay_out(part, by_file.get(part.file_name), today)
    return parts


def lay_out(part: Part, printed: PrintedPart | None, today: str) -> None:
    """Merge the part's documents with what was printed and label every page."""
    old: dict[SectionId, list[PrintedDoc]] = {}
    for d in printed.docs if printed else []:
        old.setdefault((d.indicator, d.material), []).append(d)
    subs = _Subs.of(printed)
    labels: list[str] = []
    for section in part.sections:
        placed = _merge(section, old.get(section_id(section), []), today)
        section.docs = [doc for doc, _ in placed]
        for doc, fixed in placed:
            own = fixed[: doc.pages]
            while len(own) < doc.pages:
                own.append(subs.after(own[-1] if own else labels[-1] if labels else None))
            if doc.change == "" and fixed and own != fixed:
                doc.change, doc.since = "replaced", today
            labels += own
    part.labels = labels
    number(part)
    part.notes = change_notes(part)


def _merge(section: Section, old: list[PrintedDoc], today: str) -> list[tuple[Doc, list[str]]]:
    """The section's documents in printed order, each with the labels it keeps (if any)."""
    remaining = list(section.docs)
    placed: list[tuple[Doc, list[str]]] = []
    unit = section.docs[0].unit if section.docs else ""
    for od in old:
        if od.kind in ("withdrawn", "blank"):  # printed as such: stays
            placed.append((_stand_in(od, od.kind, unit, od.since), od.labels))
            continue
        match = _find(remaining, od)
        if match is None:
            placed.append((_stand_in(od, "withdrawn", unit, today), od.labels))
            continue
        remaining.remove(match)
        same = _same(match, od)
        match.change, match.since = (od.change, od.since) if same else ("replaced", today)
        placed.append((match, od.labels))
        if match.pages < len(od.labels):  # a shorter replacement: the rest stay blank
            rest = od.labels[match.pages :]
            blank = Doc("blank", "本页空白", match.unit, pages=len(rest))
            blank.message = f"原《{od.title}》第 {len(od.labels) - len(rest) + 1} 页起已不再使用"
            blank.change, blank.since = "blank", today
            placed.append((blank, rest))
    for doc in remaining:
        doc.change, doc.since = "added", today
        placed.append((doc, []))
    return placed


def _same(doc: Doc, od: PrintedDoc) -> bool:
    if od.sha256:
        src = doc.source
        return src is not None and src.facts is not None and src.facts.sha256 == od.sha256
    return doc.kind == od.kind and doc.title == od.title


def _find(docs: list[Doc], od: PrintedDoc) -> Doc | None:
    """The document standing where ``od`` was printed: same content, else same path."""
    for doc in docs:
        if _same(doc, od):
            return doc
    for doc in docs:
        if od.path and doc.source is not None and doc.source.rel == od.path:
            return doc
    if od.kind == "missing":  # the material came in: it takes the 暂缺 page's number
        return docs[0] if docs else None
    if od.kind == "lacking":  # the missing share came in: its first file takes that number
        return next((d for d in docs if d.kind in ("file", "failed")), None)
    return None


def _stand_in(od: PrintedDoc, kind: str, unit: str, since: str) -> Doc:
    doc = Doc("withdrawn" if kind == "withdrawn" else "blank", od.title, unit, pages=len(od.labels))
    if od.kind in ("withdrawn", "blank"):  # printed so before: the same page again
        doc.message = od.note
    else:
        doc.title = f"{od.title}(已撤出)"
        doc.message = f"《{od.title}》" + (f"({od.path})" if od.path else "")
    doc.change, doc.since = kind, since
    return doc


def change_notes(part: Part) -> list[str]:
    """The 备考表 lines on what changed since the freeze (补充, 更换, 移出), with dates."""
    notes: list[str] = []
    for doc in part.docs:
        if not doc.change or doc.change == "blank":
            continue
        pages = part.range_text(*part.page_range(doc))
        if doc.change == "added":
            notes.append(f"补充:{doc.since} 补入《{doc.title}》,第 {pages} 页。")
        elif doc.change == "replaced":
            notes.append(f"更换:{doc.since} 更换《{doc.title}》,第 {pages} 页。")
        elif doc.change == "withdrawn":
            notes.append(f"移出:{doc.since} 移出{doc.message},原第 {pages} 页已改为撤出说明页。")
    return notes


def printed_part(part: Part, front: dict[str, tuple[str, int]]) -> PrintedPart:
    """What this part looks like on paper, to freeze or to compare the next build with."""
    docs: list[PrintedDoc] = []
    for section in part.sections:
        for doc in section.docs:
            first, _ = part.page_range(doc)
            labels = [part.page_label(first + i) for i in range(doc.pages)]
            src = doc.source
            docs.append(
                PrintedDoc(
                    indicator=section.indicator.id,
                    material=section.material.no,
                    kind=doc.kind,
                    title=doc.title,
                    labels=labels,
                    path=src.rel if src is not None else "",
                    sha256=src.facts.sha256 if src is not None and src.facts else "",
                    identity=doc.identity,
                    change=doc.change,
                    since=doc.since,
                    note=doc.message if doc.kind in ("withdrawn", "blank") else "",
                )
            )
    return PrintedPart(
        file=part.file_name,
        label=part.label,
        volume=part.volume.number,
        part=part.number,
        count=part.count,
        docs=docs,
        front={k: v[0] for k, v in front.items()},
        front_pages={k: v[1] for k, v in front.items()},
    )


def label_ranges(labels: list[str]) -> list[tuple[int, int, str, int]]:
    """/PageLabels ranges for labels: (first index, last index, prefix, start number).

    “1 2 3” is one decimal range from 1; “15-1 15-2” a range with prefix “15-” from 1.
    """
    out: list[tuple[int, int, str, int]] = []
    for i, label in enumerate(labels):
        prefix = f"{base_of(label)}-" if "-" in label else ""
        n = sub_of(label) if prefix else base_of(label)
        if out:
            first, last, p, start = out[-1]
            if p == prefix and start + (last - first) + 1 == n and last == i - 1:
                out[-1] = (first, i, p, start)
                continue
        out.append((i, i, prefix, n))
    return out

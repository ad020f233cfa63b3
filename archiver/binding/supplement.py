"""What a frozen build asks the office to print (pure): the 补页 of each volume file.

A page is to print when its label is new or its content differs from the copy bound last
time (the previous frozen build, or the freeze itself). Consecutive such pages form one
insertion: “insert after page 15, take out the old 15-1”. A changed 案卷封面, 卷内目录 or
卷内备考表 is printed whole and replaces the old one. Page indices are 0-based positions in
the full volume PDF, so ``supplement_write`` can copy them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archiver.binding.freeze import PrintedPart

FRONT_NAMES = {"cover": "案卷封面", "contents": "卷内目录", "back": "卷内备考表"}


@dataclass
class Insertion:
    """One run of pages to print and where it goes in the bound copy."""

    what: str  # 卷内目录 / 第 15-1–15-2 页 …
    pages: list[int]  # 0-based indices in the volume PDF
    labels: list[str]  # their printed numbers ("" for front and back pages)
    after: str  # where it goes: after this page of the bound copy (a Chinese phrase)
    remove: list[str] = field(default_factory=list)  # labels (or names) of pages to take out


@dataclass
class PartSupplement:
    file: str
    label: str  # 第1卷
    insertions: list[Insertion] = field(default_factory=list)

    @property
    def pages(self) -> list[int]:
        return [i for ins in self.insertions for i in ins.pages]


def plan_supplement(now: PrintedPart, before: PrintedPart | None) -> PartSupplement:
    """The pages of ``now`` to print for a bound copy that looks like ``before``."""
    sup = PartSupplement(now.file, now.label)
    cover = now.front_pages.get("cover", 1)
    contents = now.front_pages.get("contents", 1)
    doc_pages = sum(len(d.labels) for d in now.docs)
    back = cover + contents + doc_pages
    spans = {
        "cover": list(range(cover)),
        "contents": list(range(cover, cover + contents)),
        "back": list(range(back, back + now.front_pages.get("back", 1))),
    }
    if before is None:  # a volume file that was never printed: all of it
        total = spans["back"][-1] + 1 if spans["back"] else cover + contents + doc_pages
        sup.insertions.append(
            Insertion("整卷(新增案卷)", list(range(total)), [], "作为新的一卷装订")
        )
        return sup
    for key in ("cover", "contents"):
        if now.front.get(key) != before.front.get(key):
            sup.insertions.append(_front(key, spans[key], before))
    old = dict(before.page_keys())
    run: list[tuple[int, str, bool]] = []  # (index, label, replaces an old page)
    previous = ""
    offset = cover + contents
    for i, (label, key) in enumerate(now.page_keys()):
        if old.get(label) == key:
            if run:
                sup.insertions.append(_run(run, previous))
                run = []
            previous = label
            continue
        run.append((offset + i, label, label in old))
    if run:
        sup.insertions.append(_run(run, previous))
    if now.front.get("back") != before.front.get("back"):
        sup.insertions.append(_front("back", spans["back"], before))
    return sup


def _front(key: str, pages: list[int], before: PrintedPart) -> Insertion:
    name = FRONT_NAMES[key]
    n = before.front_pages.get(key, 1)
    return Insertion(name, pages, [""] * len(pages), f"替换原{name}", [f"原{name}(共 {n} 页)"])


def _run(run: list[tuple[int, str, bool]], previous: str) -> Insertion:
    labels = [label for _, label, _ in run]
    first, last = labels[0], labels[-1]
    what = f"第 {first} 页" if first == last else f"第 {first}–{last} 页"
    after = f"第 {previous} 页之后" if previous else "卷内目录之后(第一页之前)"
    removed = [label for _, label, replaces in run if replaces]
    return Insertion(what, [i for i, _, _ in run], labels, after, removed)


def index_changes(now: list[str], before: list[str]) -> list[int]:
    """0-based pages of the index whose text differs from the bound copy's (or are new)."""
    return [i for i, digest in enumerate(now) if i >= len(before) or before[i] != digest]


def removed_index_pages(now: list[str], before: list[str]) -> int:
    """How many pages at the end of the bound index are no longer there."""
    return max(0, len(before) - len(now))

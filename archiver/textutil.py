"""Chinese wording shared by every report: level names, dates, word-limit and sharing phrases."""

from __future__ import annotations

import datetime as dt
import re

from archiver.manifest.model import UNASSIGNED, Indicator, Material
from archiver.manifest.terms import Terms

LEVEL_NAMES = {
    "national": "国家级",
    "provincial": "省级增加",
    "municipal": "市级特色",
    "bonus": "加分项",
    "penalty": "减分项",
    "annual": "年度考核",
}


def level_label(level_id: str) -> str:
    """A level as a person reads it: “级别:年度考核”, never the id alone."""
    return f"级别:{LEVEL_NAMES.get(level_id, level_id)}"


def cn_date(d: dt.date) -> str:
    """2021-04-01 → “2021年4月1日”, as dates are written in 公文."""
    return f"{d.year}年{d.month}月{d.day}日"


def leads_text(units: tuple[str, ...], terms: Terms | None = None) -> str:
    """The lead units of a material as printed, or why there are none."""
    return "、".join(units) or f"{UNASSIGNED}(原表未写{(terms or Terms()).unit})"


def no_materials_text(ind: Indicator, terms: Terms, wrap: bool = True) -> str:
    """What an item that names no material (and no 不需提供 wording) shows: its 工作要求
    where it has one (附2), else “(原表未列上报资料)” in the manifest's words."""
    if ind.requirement:
        return ind.requirement
    text = f"原表未列{terms.material}"
    return f"({text})" if wrap else text


def limit_text(material: Material | None) -> str:
    """“一般不超过500字,最多不超过1000字”, “不超过2000字” or “—” (no limit)."""
    if material is None or material.word_limit is None:
        return "—"
    lim = material.word_limit
    if lim.soft is None:
        return f"不超过{lim.hard}字"
    return f"一般不超过{lim.soft}字,最多不超过{lim.hard}字"


def shared_text(indicator: Indicator, material: Material) -> str:
    """How a material is shared: “材料见第87项” or “与第88、89项共用”."""
    if material.same_as is not None:
        ref = material.same_as
        owner = f"第{ref.indicator}项"
        return f"与{owner}共用(材料见{owner}第{ref.material}份)"
    others = [r.indicator for r in material.shared_with if r.indicator != indicator.id]
    if others:
        return "与" + "、".join(f"第{i}项" for i in others) + "共用"
    return ""


_RUNS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[object, ...]:
    """“2” before “10”: digit runs compare as numbers."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in _RUNS.split(text))


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for headings up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill

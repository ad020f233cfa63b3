"""The labels Word generates for numbered paragraphs ("一、", "(二)", "第一章", "1.2", "•").

Word's 字数 counts them (docs/wordcount.md), so :mod:`archiver.wordcount` prepends each
numbered paragraph's label to its text. Labels come from ``word/numbering.xml`` (abstractNum,
num, lvlOverride/startOverride, numStyleLink) and ``word/styles.xml`` (numbering given by a
paragraph style, as 标题 1 "第一章" usually is), in document order, with counters restarted
as w:lvlRestart says.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
_HAN = "〇一二三四五六七八九"
_HAN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CYCLES = {
    "ideographTraditional": "甲乙丙丁戊己庚辛壬癸",
    "ideographZodiac": "子丑寅卯辰巳午未申酉戌亥",
}


def _han_number(n: int, digits: str = _HAN, units: str = "十百千万") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (as Word writes them)."""
    if n <= 0 or n >= 100_000:
        return str(n)
    out, zero = "", False
    for power in range(4, -1, -1):
        d = n // 10**power % 10
        if d:
            out += ("零" if zero and out else "") + digits[d] + (units[power - 1] if power else "")
            zero = False
        elif out:
            zero = True
    if digits is _HAN and n < 20 and out.startswith("一十"):
        return out[1:]  # 十一, but 壹拾壹
    return out


def format_number(n: int, fmt: str) -> str:
    """Counter ``n`` in ST_NumberFormat ``fmt`` (ECMA-376 17.18.59); unknown ones as decimal."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "koreanCounting"):  # fmt: skip
        return _han_number(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return _han_number(n, _HAN_LEGAL, "拾佰仟万")
    if fmt in _CYCLES:
        cycle = _CYCLES[fmt]
        return cycle[(n - 1) % len(cycle)] if n > 0 else str(n)
    if fmt in ("ideographDigital", "japaneseDigitalTenThousand", "taiwaneseDigital"):
        return "".join(_HAN[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n)) if n >= 0 else str(n)
    if fmt in ("upperRoman", "lowerRoman") and n > 0:
        left = n
        roman = ""
        for value, letters in _ROMAN:
            roman += letters * (left // value)
            left %= value
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word: Z, AA, BB …
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "decimalZero" and 0 <= n < 10:
        return f"0{n}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    restart: int | None  # w:lvlRestart: None = after any higher level, 0 = never
    legal: bool  # w:isLgl: higher levels shown as decimal
    suffix: str  # what follows the label: tab, space or nothing
    style: str | None  # w:pStyle: the paragraph style this level belongs to


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    return default if el is None else el.get(W + "val", default)


def _level(lvl: etree._Element) -> _Level:
    start = _val(lvl.find(W + "start"), "0") or "0"
    restart = _val(lvl.find(W + "lvlRestart"))
    vanish = lvl.find(f"{W}rPr/{W}vanish")
    hidden = vanish is not None and _val(vanish, "1") not in ("0", "false")
    return _Level(
        int(start) if start.lstrip("-").isdigit() else 0,
        _val(lvl.find(W + "numFmt"), "decimal") or "decimal",
        "" if hidden else (_val(lvl.find(W + "lvlText"), "") or ""),
        int(restart) if restart is not None and restart.isdigit() else None,
        lvl.find(W + "isLgl") is not None,
        {"space": " ", "nothing": ""}.get(_val(lvl.find(W + "suff"), "tab") or "tab", "\t"),
        _val(lvl.find(W + "pStyle")),
    )


class Numbering:
    """The labels of numbered paragraphs, generated in document order from numbering.xml.

    Counters belong to the abstract numbering (a list continues across w:num instances);
    a w:lvlOverride/w:startOverride restarts its level the first time its w:num is used.
    """

    def __init__(self, numbering: etree._Element, styles: etree._Element | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        links: dict[str, str] = {}  # abstractNum → numbering style it takes its levels from
        for absn in numbering.iter(W + "abstractNum"):
            aid = absn.get(W + "abstractNumId", "")
            self.abstract[aid] = {
                int(lv.get(W + "ilvl", "0")): _level(lv) for lv in absn.iter(W + "lvl")
            }
            link = _val(absn.find(W + "numStyleLink"))
            if link:
                links[aid] = link
        self.nums: dict[str, tuple[str, dict[int, int | None], dict[int, _Level]]] = {}
        for num in numbering.iter(W + "num"):
            starts: dict[int, int | None] = {}
            levels: dict[int, _Level] = {}
            for ov in num.iter(W + "lvlOverride"):
                ilvl = int(ov.get(W + "ilvl", "0"))
                start = _val(ov.find(W + "startOverride"))
                starts[ilvl] = int(start) if start and start.isdigit() else None
                sub = ov.find(W + "lvl")
                if sub is not None:
                    levels[ilvl] = _level(sub)
            aid = _val(num.find(W + "abstractNumId"), "") or ""
            self.nums[num.get(W + "numId", "")] = (aid, starts, levels)
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.default_style: str | None = None
        for st in styles.iter(W + "style") if styles is not None else ():
            sid = st.get(W + "styleId", "")
            npr = st.find(f"{W}pPr/{W}numPr")
            num_id = _val(npr.find(W + "numId")) if npr is not None else None
            level = _val(npr.find(W + "ilvl")) if npr is not None else None
            self.styles[sid] = (_val(st.find(W + "basedOn")), num_id, level)
            if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true"):
                self.default_style = sid
        for aid, style in links.items():  # w:numStyleLink: the levels of another list
            num_id = self._style_num(style)[0]
            if num_id in self.nums and self.nums[num_id][0] in self.abstract:
                self.abstract[aid] = self.abstract[self.nums[num_id][0]]
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()

    def _style_num(self, style: str | None) -> tuple[str | None, str | None]:
        seen: set[str] = set()
        while style and style not in seen and style in self.styles:
            seen.add(style)
            based, num_id, ilvl = self.styles[style]
            if num_id is not None:
                return num_id, ilvl
            style = based
        return None, None

    def label(self, para: etree._Element) -> str:
        """The label (with its separator) of paragraph ``para``; "" when not numbered."""
        ppr = para.find(W + "pPr")
        npr = ppr.find(W + "numPr") if ppr is not None else None
        style = _val(ppr.find(W + "pStyle")) if ppr is not None else None
        style = style or self.default_style
        num_id = _val(npr.find(W + "numId")) if npr is not None else None
        ilvl_s = _val(npr.find(W + "ilvl")) if npr is not None else None
        if num_id is None:
            num_id, ilvl_s = self._style_num(style)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        aid, starts, overrides = self.nums[num_id]
        levels = {**self.abstract.get(aid, {}), **overrides}
        if ilvl_s is None:  # a style's list: the level that names the style
            ilvl_s = next((str(i) for i, lv in levels.items() if lv.style == style), "0")
        ilvl = int(ilvl_s) if ilvl_s.isdigit() else 0
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lv, start in starts.items():
                if start is not None:  # a level override alone continues the list
                    counters[lv] = start - 1
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart > 0 and ilvl <= restart - 1):
                del counters[deeper]
        level = levels[ilvl]
        if level.fmt == "bullet":
            text = level.text
        else:
            text = level.text
            for k in range(9):
                if f"%{k + 1}" in text:
                    other = levels.get(k)
                    value = counters.get(k, other.start if other else 1)
                    fmt = other.fmt if other else "decimal"
                    if level.legal and k < ilvl:
                        fmt = "decimal"
                    text = text.replace(f"%{k + 1}", format_number(value, fmt))
        return text + level.suffix if text else ""

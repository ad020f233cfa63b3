"""Folder and file names that are safe on Windows and that a person recognises.

Windows forbids ``\\ / : * ? " < > |`` and control characters, trims trailing dots and
spaces, reserves names like ``CON`` and limits paths to about 260 characters, so every name
archiver makes is cleaned here and kept short.
"""

from __future__ import annotations

import re
import unicodedata

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_CLAUSE_END = re.compile(r"[,。;;,.!?!?::\n]")

INDICATOR_TITLE_CHARS = 20
MATERIAL_TITLE_CHARS = 18


def safe_name(name: str, max_chars: int = 60) -> str:
    """Clean ``name`` for use as one path component on any system."""
    name = unicodedata.normalize("NFC", name)
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip()
    name = name[:max_chars].rstrip(" .")
    if not name:
        name = "_"
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def short_title(text: str, max_chars: int) -> str:
    """The first clause of ``text``, at most ``max_chars`` characters."""
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^[((]\d+[))]", "", text)  # a leading (1) numbering
    first = _CLAUSE_END.split(text, maxsplit=1)[0]
    return first[:max_chars]


def indicator_folder_name(indicator_id: str, text: str) -> str:
    title = short_title(text, INDICATOR_TITLE_CHARS) or "原文缺失"
    return safe_name(f"{indicator_id}_{title}")


def material_folder_name(no: int, text: str) -> str:
    title = short_title(text, MATERIAL_TITLE_CHARS)
    return safe_name(f"材料{no}_{title}" if title else f"材料{no}")


_INDICATOR_PREFIX = re.compile(r"^(.+?)(?:_|\s)")
_MATERIAL_PREFIX = re.compile(r"^材料\s*(\d+)(?:_|\s|$)")
# hyphens people type instead of "-": full-width, en/em dash, minus sign, Chinese dash
_DASHES = str.maketrans({c: "-" for c in "－‐‑‒–—―−﹣"})


def folder_key(folder_name: str) -> str:
    """A folder name as compared: full-width digits and letters made half-width (NFKC),
    every kind of hyphen made ``-``, a leading space trimmed."""
    return unicodedata.normalize("NFKC", folder_name).translate(_DASHES).strip()


def indicator_id_of(folder_name: str) -> str | None:
    """``36_制定重大行政决策事项目录`` → ``36``: the id survives a renamed title, as does
    ``５-８ 依法处理`` (full-width digits, a space instead of ``_``) or ``8－3_``."""
    m = _INDICATOR_PREFIX.match(folder_key(folder_name))
    return m.group(1) if m else None


def material_no_of(folder_name: str) -> int | None:
    m = _MATERIAL_PREFIX.match(folder_key(folder_name))
    return int(m.group(1)) if m else None

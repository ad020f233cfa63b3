"""The words a manifest uses for its own parts (``terms:``), with 附1's words as defaults.

附1 is a 创建 exercise of 指标 with 上报资料 and 牵头单位; 附2 is a 考核 of 工作任务 with
工作要求 and 责任单位. Every generated document, message and column takes its words from here
so that an annual workspace never speaks 附1's language.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from archiver.manifest.schema import Reader


@dataclass(frozen=True)
class Terms:
    exercise: str = "创建"  # the whole exercise: 创建工作进度通报, 创建材料整改清单
    item: str = "指标"  # one row of the table: 第12项指标
    category: str = "一级指标"  # the top grouping
    material: str = "上报资料"  # what a row asks for
    unit: str = "牵头单位"  # who provides it
    level: str = "创建级别"  # the level's label on covers and in settings

    def to_json(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


TERM_KEYS = tuple(f.name for f in fields(Terms))


def read_terms(r: Reader, value: Any) -> Terms:
    """The ``terms`` mapping of a manifest; every key optional, unknown keys warned about."""
    if value is None:
        return Terms()
    at = ("terms",)
    m = r.mapping(value, at)
    r.keys(m, at, TERM_KEYS)
    given = {}
    for key in TERM_KEYS:
        if key in m:
            text = r.text(m[key], (*at, key))
            if text:
                given[key] = text
    return Terms(**given)

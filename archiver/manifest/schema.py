"""Small typed readers used by the manifest and workspace validators.

Each reader takes the raw value and its key path, records a problem when the value is not of
the expected shape, and returns a usable default so validation can go on and find the rest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from archiver.problems import KeyPath, ProblemList


class Reader:
    def __init__(self, problems: ProblemList, strict: bool = False) -> None:
        self.p = problems
        self.strict = strict

    def mapping(self, value: Any, path: KeyPath, what: str = "键值表") -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.p.expected(path, what, value)
            return {}
        return value

    def keys(self, value: dict[str, Any], path: KeyPath, allowed: tuple[str, ...]) -> None:
        """Unknown keys are usually typos: a warning, or an error under ``--strict``."""
        for key in value:
            if key not in allowed:
                msg = f"未知的键“{key}”(是否拼写错误?可用的键:{'、'.join(allowed)})"
                if self.strict:
                    self.p.error((*path, key), msg)
                else:
                    self.p.warning((*path, key), msg)

    def required(self, value: dict[str, Any], key: str, path: KeyPath) -> Any:
        if key not in value:
            self.p.error(path, f"缺少必填的键“{key}”")
            return None
        return value[key]

    def text(
        self, value: Any, path: KeyPath, *, allow_empty: bool = False, optional: bool = False
    ) -> str | None:
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.p.expected(path, "文字", value)
            return None
        text = str(value).strip() if not isinstance(value, str) else value.strip()
        if not text and not allow_empty:
            self.p.expected(path, "非空文字", value)
            return None
        return text

    def ident(self, value: Any, path: KeyPath) -> str | None:
        """An id or number as text: YAML may read ``1`` as an integer, which is fine."""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.p.expected(path, "编号(文字或整数)", value)
            return None
        text = str(value).strip()
        if not text:
            self.p.expected(path, "非空编号", value)
            return None
        return text

    def positive_int(self, value: Any, path: KeyPath, what: str = "正整数") -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.p.expected(path, what, value)
            return None
        return value

    def optional_int(self, value: Any, path: KeyPath) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.p.expected(path, "非负整数或空值", value)
            return None
        return value

    def flag(self, value: Any, path: KeyPath) -> bool | None:
        if not isinstance(value, bool):
            self.p.expected(path, "true 或 false", value)
            return None
        return value

    def date(self, value: Any, path: KeyPath) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.p.expected(path, "日期(如 2016-01-01)", value)
        return None

    def list_of(self, value: Any, path: KeyPath, what: str = "列表") -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.p.expected(path, what, value)
            return []
        return value

    def text_list(self, value: Any, path: KeyPath) -> list[str]:
        out = []
        for i, item in enumerate(self.list_of(value, path, "文字列表")):
            t = self.text(item, (*path, i))
            if t is not None:
                out.append(t)
        return out

    def choice(self, value: Any, path: KeyPath, choices: tuple[str, ...], what: str) -> str | None:
        if not isinstance(value, str) or value not in choices:
            self.p.expected(path, f"{what}之一({'、'.join(choices)})", value)
            return None
        return value

"""Problems found while reading a configuration file (manifest, workspace settings).

Each problem says where (file, line, key path), what was expected and what was found, in
Chinese. Readers collect every problem and fail once at the end, so a user fixes them all in
one pass instead of one per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

KeyPath = tuple[str | int, ...]


def format_keypath(path: KeyPath) -> str:
    """``("indicators", 3, "materials", 0, "text")`` → ``indicators[3].materials[0].text``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(文件)"


def describe(value: Any) -> str:
    """A short Chinese description of a found value for messages."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, int):
        return f"整数 {value}"
    if isinstance(value, float):
        return f"小数 {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:30] + "…"
        return f"文字 “{shown}”" if value else "空文字"
    if isinstance(value, list):
        return f"列表({len(value)} 项)"
    if isinstance(value, dict):
        return "键值表"
    return type(value).__name__


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    keypath: KeyPath
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        label = "警告" if self.severity == "warning" else "错误"
        return f"{where}: {format_keypath(self.keypath)}: {label}: {self.message}"


class ProblemList:
    """Collects problems for one file, finding line numbers from a key-path map."""

    def __init__(self, file: str | Path, lines: dict[KeyPath, int] | None = None) -> None:
        self.file = str(file)
        self.lines = lines or {}
        self.items: list[Problem] = []

    def line_of(self, path: KeyPath) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def error(self, path: KeyPath, message: str) -> None:
        self.items.append(Problem(self.file, self.line_of(path), path, message, "error"))

    def warning(self, path: KeyPath, message: str) -> None:
        self.items.append(Problem(self.file, self.line_of(path), path, message, "warning"))

    def expected(self, path: KeyPath, expected: str, found: Any) -> None:
        self.error(path, f"应为{expected},实际为{describe(found)}")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

"""Findings: what a check says about a file or a material, with its fixed, documented code.

``UNBINDABLE`` are the codes of a file that cannot go into the archive: the build binds a
page in its place that gives the finding's own words, so check and build say the same.

The codes and their severities are a contract (docs/check.md): ``check --json``, status and
build read them. Every finding names the unit, indicator, material and path it concerns and
says, in Chinese, what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"

CODES: dict[str, str] = {
    "missing_material": ERROR,
    "unbindable_material": ERROR,
    "template_unchanged": ERROR,
    "over_word_limit": ERROR,
    "over_soft_word_limit": WARNING,
    "uncountable_explanation": WARNING,
    "empty_file": ERROR,
    "unreadable_file": ERROR,
    "repaired_file": WARNING,
    "tracked_changes": WARNING,
    "encrypted_file": ERROR,
    "unsupported_type": WARNING,
    "misplaced_file": WARNING,
    "duplicate_file": INFO,
    "unsafe_path": ERROR,
    "unassigned_material": WARNING,
    "out_of_period": WARNING,
    "garbled_name": WARNING,
    "score_sheet_invalid": ERROR,
}

UNBINDABLE = ("empty_file", "unreadable_file", "encrypted_file", "unsupported_type", "unsafe_path")


@dataclass(frozen=True)
class Finding:
    code: str
    unit: str | None
    indicator: str | None
    material: int | None
    path: str | None
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return CODES[self.code]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "unit": self.unit,
            "indicator": self.indicator,
            "material": self.material,
            "path": self.path,
            "message": self.message,
            **self.extra,
        }


def summarize(findings: list[Finding]) -> dict[str, int]:
    return {
        "errors": sum(1 for f in findings if f.severity == ERROR),
        "warnings": sum(1 for f in findings if f.severity == WARNING),
        "infos": sum(1 for f in findings if f.severity == INFO),
    }

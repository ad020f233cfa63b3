"""``archiver verify``: re-hash a published build and list every difference (bagit-style)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archiver.binding.publish import SUMS
from archiver.errors import ArchiverError
from archiver.fsutil import sha256_file


@dataclass
class VerifyReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.unexpected)


def verify(folder: Path) -> VerifyReport:
    sums = folder / SUMS
    if not sums.is_file():
        raise ArchiverError(f"{folder} 中没有 {SUMS},不是 archiver 的组卷结果")
    expected: dict[str, str] = {}
    for i, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise ArchiverError(f"{sums} 第 {i} 行格式不对:{line[:80]}")
        expected[name] = digest
    report = VerifyReport()
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            report.missing.append(name)
            continue
        report.checked += 1
        if sha256_file(path) != digest:
            report.changed.append(name)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            rel = path.relative_to(folder).as_posix()
            if rel != SUMS and rel not in expected:
                report.unexpected.append(rel)
    return report

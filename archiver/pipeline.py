"""The stages wired together for the commands: open → scan → check (→ status, build)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.check import CheckContext, run_checks
from archiver.findings import Finding
from archiver.manifest.units import resolve_unit
from archiver.scan.inventory import Inventory, scan
from archiver.textutil import natural_key
from archiver.workspace import Workspace, open_workspace


@dataclass(frozen=True)
class CheckResult:
    workspace: Workspace
    inventory: Inventory
    findings: list[Finding]

    @property
    def file_count(self) -> int:
        return len(self.inventory.files)

    @property
    def general_files(self) -> list[str]:
        """The files of 材料/总体材料/ (自评报告, 工作总结 …), by name as they are bound."""
        return sorted((f.rel for f in self.inventory.files if f.general), key=natural_key)

    def resolve_unit(self, name: str) -> str:
        ws = self.workspace
        return resolve_unit(ws.manifest, name, choices=ws.layout.units)


def check_workspace(start: Path | None) -> CheckResult:
    return check_opened(open_workspace(start))


def check_opened(ws: Workspace) -> CheckResult:
    inventory = scan(ws.config, ws.manifest, ws.layout)
    ctx = CheckContext(
        ws.manifest,
        ws.config.level,
        ws.layout,
        ws.config.period_start,
        ws.config.drop_folder,
        period_end=ws.config.period_end,
    )
    return CheckResult(ws, inventory, run_checks(ctx, inventory) + score_findings(ws))


def score_findings(ws: Workspace) -> list[Finding]:
    """Every problem of a filled 自评表.xlsx, with its sheet and cell (none without one)."""
    from archiver.score.model import SCORE_FILE
    from archiver.score.validate import read_scores

    path = ws.root / SCORE_FILE
    if ws.manifest.total_points is None or not path.is_file():
        return []
    scores = read_scores(path, ws.manifest, ws.config.level)
    return [
        Finding("score_sheet_invalid", None, None, None, SCORE_FILE, str(p))
        for p in scores.problems
    ]

"""The stages wired together for the commands: open → scan → check (→ status, build)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.check import CheckContext, run_checks
from archiver.findings import Finding
from archiver.manifest.units import resolve_unit
from archiver.scan.inventory import Inventory, scan
from archiver.workspace import Workspace, open_workspace


@dataclass(frozen=True)
class CheckResult:
    workspace: Workspace
    inventory: Inventory
    findings: list[Finding]

    @property
    def file_count(self) -> int:
        return len(self.inventory.files)

    def resolve_unit(self, name: str) -> str:
        ws = self.workspace
        return resolve_unit(ws.manifest, name, choices=ws.layout.units)


def check_workspace(start: Path | None) -> CheckResult:
    ws = open_workspace(start)
    inventory = scan(ws.config, ws.manifest, ws.layout)
    ctx = CheckContext(
        ws.manifest, ws.config.level, ws.layout, ws.config.period_start, ws.config.drop_folder
    )
    return CheckResult(ws, inventory, run_checks(ctx, inventory))

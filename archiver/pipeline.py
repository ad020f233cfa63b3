"""The stages wired together for the commands: open → scan → check (→ status, build)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.check import CheckContext, Finding, run_checks
from archiver.errors import ArchiverError
from archiver.manifest.loader import unit_key
from archiver.scan.inventory import Inventory, scan
from archiver.workspace import Workspace, open_workspace
from archiver.workspace.layout import UNASSIGNED


@dataclass(frozen=True)
class CheckResult:
    workspace: Workspace
    inventory: Inventory
    findings: list[Finding]

    @property
    def file_count(self) -> int:
        return len(self.inventory.files)

    def resolve_unit(self, name: str) -> str:
        names = {unit_key(UNASSIGNED): UNASSIGNED}
        for u in self.workspace.manifest.units:
            for spelling in (u.name, *u.aliases):
                names[unit_key(spelling)] = u.name
        found = names.get(unit_key(name))
        if found is None:
            raise ArchiverError(
                f"清单中没有单位“{name}”;可选:{'、'.join(self.workspace.layout.units)}"
            )
        return found


def check_workspace(start: Path | None) -> CheckResult:
    ws = open_workspace(start)
    inventory = scan(ws.config, ws.manifest, ws.layout)
    ctx = CheckContext(
        ws.manifest, ws.config.level, ws.layout, ws.config.period_start, ws.config.drop_folder
    )
    return CheckResult(ws, inventory, run_checks(ctx, inventory))

"""A workspace: settings, the manifest they name, and the planned drop folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archiver.manifest.loader import load_manifest
from archiver.manifest.model import Manifest
from archiver.problems import Problem
from archiver.workspace.config import WorkspaceConfig, WorkspaceError, find_workspace, load_config
from archiver.workspace.layout import Layout, plan_layout


@dataclass(frozen=True)
class Workspace:
    config: WorkspaceConfig
    manifest: Manifest
    layout: Layout
    warnings: tuple[Problem, ...] = ()

    @property
    def root(self) -> Path:
        return self.config.root


def open_workspace(start: Path | None, *, strict: bool = False) -> Workspace:
    """Find the workspace at or above ``start``, load its settings and manifest."""
    root = find_workspace(start)
    config, warnings = load_config(root, strict=strict)
    result = load_manifest(config.manifest_path, strict=strict)
    manifest = result.manifest
    if manifest.level_problem(config.level):
        choices = "、".join(lv.id for lv in manifest.levels)
        raise WorkspaceError(
            f"工作区设置中的级别“{config.level}”不在清单中;可选:{choices}"
            "(修改 archiver.yaml 的 level)"
        )
    if not config.drop_root.is_dir():
        raise WorkspaceError(
            f"找不到材料文件夹 {config.drop_root};请运行 archiver init {root} 重新创建"
        )
    layout = plan_layout(manifest, config.level)
    return Workspace(config, manifest, layout, tuple(warnings) + tuple(result.warnings))

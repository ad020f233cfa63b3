"""``archiver init``: write the workspace settings and create the drop folders.

Re-running init (for example after the manifest changed) adds what is missing and never
overwrites, moves or deletes anything: a folder or file that exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from archiver.docxrender import render_docx
from archiver.errors import OutputError
from archiver.fsutil import write_text_atomic
from archiver.manifest.loader import load_manifest
from archiver.manifest.model import Manifest
from archiver.textutil import limit_text
from archiver.workspace.config import (
    CONFIG_NAME,
    WorkspaceConfig,
    WorkspaceError,
    load_config,
    render_config,
    resolve_manifest,
)
from archiver.workspace.layout import Folder, Layout, plan_layout
from archiver.workspace.requirements import (
    PLACEHOLDER,
    REQUIREMENT_FILE,
    TEMPLATE_FILE,
    requirement_text,
)


@dataclass
class InitReport:
    config: WorkspaceConfig
    config_created: bool
    folders_created: int = 0
    files_created: int = 0
    folders_existing: int = 0
    stale_requirements: list[Path] = field(default_factory=list)


def init_workspace(
    root: Path,
    *,
    manifest: str | None,
    level: str | None,
    org: str | None,
    since: dt.date | None = None,
) -> InitReport:
    root = root.resolve()
    config_path = root / CONFIG_NAME
    created = False
    if config_path.exists():
        config, _ = load_config(root)
    else:
        missing = [
            n for n, v in (("--manifest", manifest), ("--level", level), ("--org", org)) if not v
        ]
        if missing:
            raise WorkspaceError(f"新建工作区需要指定 {'、'.join(missing)}")
        assert manifest and level and org
        m = load_manifest(resolve_manifest(manifest, Path.cwd())).manifest
        manifest_value = _manifest_reference(manifest, root)
        _check_level(m, level)
        config = WorkspaceConfig(
            root=root,
            manifest=manifest_value,
            level=level,
            org=org,
            period_start=since or m.period_start,
            period_end=m.period_end,
        )
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"无法创建文件夹 {root}:{exc.strerror or exc}") from exc
        write_text_atomic(config_path, render_config(config))
        created = True
    m = load_manifest(config.manifest_path).manifest
    _check_level(m, config.level)
    report = InitReport(config, created)
    layout = plan_layout(m, config.level)
    _create_folders(m, layout, config, report)
    return report


def _manifest_reference(value: str, root: Path) -> str:
    """Keep shipped names as they are; store paths relative to the workspace when inside it."""
    from archiver.workspace.config import SHIPPED_MANIFESTS

    path = resolve_manifest(value, Path.cwd())
    if path.parent == SHIPPED_MANIFESTS:
        return path.stem
    path = path.resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _check_level(m: Manifest, level: str) -> None:
    problem = m.level_problem(level)
    if problem:
        raise WorkspaceError(problem)


def _create_folders(
    m: Manifest, layout: Layout, config: WorkspaceConfig, report: InitReport
) -> None:
    drop = config.drop_root
    for unit in layout.units:
        _mkdir(drop / unit, report)
    for folder in layout.folders:
        path = drop / folder.rel
        new = _mkdir(path, report)
        text = requirement_text(m, layout, folder, config.period_start, config.period_end)
        req = path / REQUIREMENT_FILE
        if not req.exists():
            write_text_atomic_bom(req, text)
            report.files_created += 1
        elif req.read_text(encoding="utf-8-sig", errors="replace") != text.replace("\r\n", "\n"):
            report.stale_requirements.append(req)
        if _wants_template(folder) and (new or _only_ours(path)):
            tpl = path / TEMPLATE_FILE
            if not tpl.exists():
                _write_template(folder, tpl, config.root)
                report.files_created += 1


def _wants_template(folder: Folder) -> bool:
    mat = folder.material
    return mat is not None and mat.kind == "explanation" and not folder.pointer


def _only_ours(path: Path) -> bool:
    return all(p.name == REQUIREMENT_FILE for p in path.iterdir())


def _mkdir(path: Path, report: InitReport) -> bool:
    if path.is_dir():
        report.folders_existing += 1
        return False
    try:
        path.mkdir(parents=True)
    except OSError as exc:
        raise OutputError(f"无法创建文件夹 {path}:{exc.strerror or exc}") from exc
    report.folders_created += 1
    return True


def write_text_atomic_bom(path: Path, text: str) -> None:
    """UTF-8 with BOM and CRLF: opens correctly in every Windows Notepad."""
    from archiver.fsutil import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def _write_template(folder: Folder, out: Path, workspace: Path) -> None:
    ind, mat = folder.indicator, folder.material
    assert mat is not None
    title = f"关于第{ind.id}项指标的情况说明"
    placeholder = (
        f"{PLACEHOLDER[:-1]}本项材料:{mat.text} 字数要求:{limit_text(mat)},"
        "按 Word“字数统计”中的“字数”计算。】"
    )
    render_docx(
        TEMPLATE_FILE,
        {
            "title": title,
            "unit": folder.unit,
            "placeholder": placeholder,
            "indicator": ind.id,
            "indicator_text": ind.text,
            "material": mat.text,
        },
        out,
        workspace,
    )


__all__ = ["InitReport", "init_workspace", "write_text_atomic"]

"""``archiver init``: write the workspace settings and create the drop folders.

Re-running init (for example after the manifest changed) adds what is missing and never
overwrites, moves or deletes anything: a folder or file that exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from archiver.docxrender import render_docx
from archiver.errors import OutputError
from archiver.fsutil import write_text_atomic
from archiver.manifest.loader import load_manifest
from archiver.manifest.model import Manifest
from archiver.manifest.terms import Terms
from archiver.textutil import limit_text
from archiver.workspace.config import (
    CONFIG_NAME,
    WorkspaceConfig,
    WorkspaceError,
    load_config,
    render_config,
    resolve_manifest,
)
from archiver.workspace.layout import GENERAL_FOLDER, Folder, Layout, plan_layout
from archiver.workspace.requirements import (
    PLACEHOLDER,
    REQUIREMENT_FILE,
    TEMPLATE_FILE,
    general_requirement_text,
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
    until: dt.date | None = None,
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
        start, end = assessed_period(since, until, m.period_start, m.period_end)
        config = WorkspaceConfig(
            root=root,
            manifest=manifest_value,
            level=level,
            org=org,
            period_start=start,
            period_end=end,
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


def year_period(year: int) -> tuple[dt.date, dt.date]:
    """``--year 2021``: 1 January to 31 December, the period of an annual assessment."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def assessed_period(
    since: dt.date | None,
    until: dt.date | None,
    default_start: dt.date | None,
    default_end: dt.date | None,
) -> tuple[dt.date | None, dt.date | None]:
    """The period a new workspace collects: what was given, else the manifest's.

    A start given alone drops a manifest end that lies before it (the manifest's year is
    not the one being prepared); an inverted or empty period is an error, never written.
    """
    start = since or default_start
    end = until if until is not None else default_end
    if since is not None and until is None and end is not None and end < since:
        end = None
    if start is not None and end is not None and end < start:
        raise WorkspaceError(
            f"收集期间的结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()};"
            "请检查 --since/--until(或用 --year 2021 指定整年)"
        )
    return start, end


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
    general = drop / GENERAL_FOLDER
    _mkdir(general, report)
    _write_requirement(
        general / REQUIREMENT_FILE,
        general_requirement_text(m, config.period_start, config.period_end),
        report,
    )
    for folder in layout.folders:
        path = existing_folder(drop, folder.rel)
        new = _mkdir(path, report)
        text = requirement_text(m, layout, folder, config.period_start, config.period_end)
        _write_requirement(path / REQUIREMENT_FILE, text, report)
        if _wants_template(folder) and (new or _only_ours(path)):
            tpl = path / TEMPLATE_FILE
            if not tpl.exists():
                _write_template(folder, tpl, config.root, m.terms)
                report.files_created += 1


def _write_requirement(req: Path, text: str, report: InitReport) -> None:
    """Write 材料要求.txt where there is none; one that differs is reported, not replaced."""
    if not req.exists():
        write_text_atomic_bom(req, text)
        report.files_created += 1
    elif req.read_text(encoding="utf-8-sig", errors="replace") != text.replace("\r\n", "\n"):
        report.stale_requirements.append(req)


def existing_folder(drop: Path, rel: PurePosixPath) -> Path:
    """Where a planned folder is on disk: a folder a department retitled (same id prefix,
    tolerant of full-width digits, other hyphens and a space) is used rather than a second one
    being created beside it."""
    from archiver.workspace.naming import indicator_id_of, material_no_of

    path = drop / rel.parts[0]
    for depth, part in enumerate(rel.parts[1:], start=1):
        wanted = path / part
        if not wanted.is_dir() and path.is_dir():
            key = indicator_id_of if depth == 1 else material_no_of
            target = key(part)
            found = sorted(p for p in path.iterdir() if p.is_dir() and key(p.name) == target)
            if found:
                wanted = found[0]
        path = wanted
    return path


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


def _write_template(folder: Folder, out: Path, workspace: Path, terms: Terms) -> None:
    ind, mat = folder.indicator, folder.material
    assert mat is not None
    title = f"关于第{ind.id}项{terms.item}的情况说明"
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

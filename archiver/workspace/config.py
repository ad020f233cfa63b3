"""Workspace settings (``archiver.yaml``): read, validate, write.

A workspace is one folder holding ``archiver.yaml``, the units' drop folders (``材料/`` by
default), a hidden cache (``.archiver/``) and the builds (``output/``). The settings are
validated like manifests: every problem with file:line and key path, unknown keys as warnings.
The format is documented in ``docs/workspace.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from archiver.errors import ArchiverError, ExitCode
from archiver.manifest.schema import Reader
from archiver.problems import Problem, ProblemList
from archiver.yamlsource import YamlReadError, read_yaml

CONFIG_NAME = "archiver.yaml"
CACHE_DIR = ".archiver"
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED_MANIFESTS = REPO_ROOT / "manifests"
STAMP_POSITIONS = ("top-right", "top-center", "top-left", "bottom-right", "bottom-center")


class WorkspaceError(ArchiverError):
    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class BuildSettings:
    page_cap: int = 300  # pages per volume part (册)
    stamp_position: str = "top-right"
    retention: str = "永久"  # 保管期限
    fonds_no: str = ""  # 全宗号
    filer: str = ""  # 立卷人
    checker: str = ""  # 检查人
    jobs: int = 0  # conversion workers; 0 = number of cores
    timeout: int = 120  # seconds per converted file
    keep_a3: bool = False  # A3 pages (drawings to fold out) stay A3 instead of going on A4


@dataclass(frozen=True)
class WorkspaceConfig:
    root: Path
    manifest: str  # as written: a shipped manifest name or a path
    level: str
    org: str  # 全宗名称
    period_start: dt.date | None
    period_end: dt.date | None
    drop_folder: str = "材料"
    output_folder: str = "output"
    report_day: int = 5
    build: BuildSettings = field(default_factory=BuildSettings)

    @property
    def manifest_path(self) -> Path:
        return resolve_manifest(self.manifest, self.root)

    @property
    def drop_root(self) -> Path:
        return self.root / self.drop_folder

    @property
    def output_root(self) -> Path:
        return self.root / self.output_folder

    @property
    def cache_root(self) -> Path:
        return self.root / CACHE_DIR


def resolve_manifest(value: str, base: Path) -> Path:
    """A shipped manifest name (``demonstration``) or a path relative to ``base``."""
    shipped = SHIPPED_MANIFESTS / f"{value}.yaml"
    if "/" not in value and "\\" not in value and not value.endswith(".yaml") and shipped.exists():
        return shipped
    path = Path(value)
    return path if path.is_absolute() else base / path


def shipped_manifest_names() -> list[str]:
    return sorted(p.stem for p in SHIPPED_MANIFESTS.glob("*.yaml"))


def find_workspace(start: Path | None) -> Path:
    """The workspace folder: ``start`` itself, or the nearest parent holding archiver.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    where = start or Path.cwd()
    raise WorkspaceError(
        f"{where} 不是 archiver 工作区(找不到 {CONFIG_NAME});"
        "请先运行 archiver init 创建工作区,或指定工作区文件夹"
    )


def load_config(root: Path, *, strict: bool = False) -> tuple[WorkspaceConfig, list[Problem]]:
    path = root / CONFIG_NAME
    try:
        doc = read_yaml(path)
    except YamlReadError as exc:
        raise WorkspaceError(
            f"工作区设置 {path} 无法读取", details=[str(p) for p in exc.problems]
        ) from exc
    problems = ProblemList(doc.file, doc.lines)
    r = Reader(problems, strict)
    top = r.mapping(doc.data, ())
    r.keys(top, (), tuple(f for f in _TOP_KEYS))
    manifest = r.text(r.required(top, "manifest", ()), ("manifest",)) or ""
    level = r.text(r.required(top, "level", ()), ("level",)) or ""
    org = r.text(r.required(top, "org", ()), ("org",)) or ""
    period = r.mapping(top.get("period"), ("period",))
    r.keys(period, ("period",), ("start", "end"))
    start = r.date(period.get("start"), ("period", "start"))
    end = r.date(period.get("end"), ("period", "end"))
    drop = r.text(top.get("drop_folder", "材料"), ("drop_folder",)) or "材料"
    out = r.text(top.get("output_folder", "output"), ("output_folder",)) or "output"
    day = r.positive_int(top.get("report_day", 5), ("report_day",), "1–28 之间的整数") or 5
    if day > 28:
        problems.expected(("report_day",), "1–28 之间的整数", day)
    build = _build_settings(r, top.get("build"))
    if start and end and end < start:
        problems.error(("period", "end"), "收集期间的结束日期早于开始日期")
    if manifest and not resolve_manifest(manifest, root).is_file():
        names = "、".join(shipped_manifest_names())
        problems.error(
            ("manifest",), f"找不到指标清单“{manifest}”;可写随附清单的名称({names})或文件路径"
        )
    if problems.errors:
        raise WorkspaceError(
            f"工作区设置 {path} 有 {len(problems.errors)} 处错误",
            details=[str(p) for p in problems.items],
        )
    config = WorkspaceConfig(
        root=root,
        manifest=manifest,
        level=level,
        org=org,
        period_start=start,
        period_end=end,
        drop_folder=drop,
        output_folder=out,
        report_day=day,
        build=build,
    )
    return config, problems.warnings


_TOP_KEYS = (
    "schema_version",
    "manifest",
    "level",
    "org",
    "period",
    "drop_folder",
    "output_folder",
    "report_day",
    "build",
)


def _build_settings(r: Reader, value: Any) -> BuildSettings:
    at = ("build",)
    m = r.mapping(value, at)
    r.keys(m, at, tuple(BuildSettings.__dataclass_fields__))
    s = BuildSettings()
    cap = r.positive_int(m.get("page_cap", s.page_cap), (*at, "page_cap"), "正整数(每册页数)")
    pos = r.choice(
        m.get("stamp_position", s.stamp_position),
        (*at, "stamp_position"),
        STAMP_POSITIONS,
        "页码位置",
    )
    jobs = r.optional_int(m.get("jobs", s.jobs), (*at, "jobs"))
    timeout = r.positive_int(m.get("timeout", s.timeout), (*at, "timeout"), "正整数(秒)")
    keep_a3 = r.flag(m.get("keep_a3", s.keep_a3), (*at, "keep_a3"))
    texts = {
        k: r.text(m.get(k, getattr(s, k)), (*at, k), allow_empty=True) or ""
        for k in ("retention", "fonds_no", "filer", "checker")
    }
    return replace(
        s,
        page_cap=cap or s.page_cap,
        stamp_position=pos or s.stamp_position,
        jobs=jobs if jobs is not None else s.jobs,
        timeout=timeout or s.timeout,
        keep_a3=bool(keep_a3),
        **texts,
    )


def render_config(config: WorkspaceConfig) -> str:
    """The archiver.yaml text, with a Chinese comment on every setting."""

    def q(s: str) -> str:
        import json

        return json.dumps(s, ensure_ascii=False)

    b = config.build
    start = config.period_start.isoformat() if config.period_start else "null"
    end = config.period_end.isoformat() if config.period_end else "null"
    return f"""\
# archiver 工作区设置。修改后运行 archiver check 即可生效;说明见 docs/workspace.md。
schema_version: 1
manifest: {q(config.manifest)}   # 指标清单:随附清单的名称或 YAML 文件路径
level: {config.level}   # 级别:national 国家级 / provincial 省级 / municipal 市级 / annual 年度考核
org: {q(config.org)}   # 全宗名称(机关全称,用于案卷封面)
period:   # 材料收集期间
  start: {start}
  end: {end}
drop_folder: {q(config.drop_folder)}   # 各单位报送材料的文件夹
output_folder: {q(config.output_folder)}   # 组卷结果的文件夹
report_day: {config.report_day}   # 每月报送进度的截止日
build:   # 组卷设置
  page_cap: {b.page_cap}   # 每册最多页数,超过则分册
  stamp_position: {b.stamp_position}   # 页码位置:top-right 右上 / top-center / bottom-center 等
  retention: {q(b.retention)}   # 保管期限:永久 / 30年 / 10年
  fonds_no: {q(b.fonds_no)}   # 全宗号(用于档号)
  filer: {q(b.filer)}   # 立卷人
  checker: {q(b.checker)}   # 检查人
  jobs: {b.jobs}   # 同时转换的进程数,0 表示按 CPU 核数
  timeout: {b.timeout}   # 单个文件转换的最长秒数
  keep_a3: {str(b.keep_a3).lower()}   # true:A3 页面(需折叠的图纸)保持 A3;false:缩放到 A4
"""

"""Hand-made workspaces for the fast tests: a manifest, its layout, and file facts written
by hand instead of read from disk, so the pure stages (check, plan, parts, progress) run in
milliseconds and every case says exactly what it feeds them."""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

from archiver.check import CheckContext, run_checks
from archiver.manifest.loader import load_manifest
from archiver.manifest.model import Manifest, MaterialRef
from archiver.pipeline import CheckResult
from archiver.scan.facts import FileFacts
from archiver.scan.inventory import Inventory, ScannedFile
from archiver.wordcount import count_text
from archiver.workspace import Workspace
from archiver.workspace.config import WorkspaceConfig
from archiver.workspace.layout import Folder, Layout, plan_layout

LAW, OFFICE = "局法规调研科", "局办公室"
ROOT = Path("/nonexistent/ws")  # never read: every fact is given

MANIFEST = textwrap.dedent(
    """\
    schema_version: 1
    title: 测试指标体系责任分工表
    source: {issuer: 测试局, document: 关于印发测试方案的通知, attachment: 附1}
    period: {start: 2016-01-01}
    levels:
      - {id: national, name: 国家级, includes: [national]}
      - {id: provincial, name: 省级, includes: [national, provincial]}
    units:
      - name: 局法规调研科
        aliases: [市法规调研科]
      - name: 局办公室
    categories:
      - no: 一
        name: 政府职能依法全面履行
        children:
          - {no: "1", name: 行政审批制度改革}
          - {no: "2", name: 权责清单}
      - no: 二
        name: 制度体系完善
        children:
          - {no: "1", name: 规范性文件}
      - no: 三
        name: 空的一级指标
    indicators:
      - id: "1"
        level: national
        category: [一, "1"]
        text: 公布行政审批事项清单。
        lead_units: [局法规调研科]
        materials:
          - {no: 1, text: 审批事项清单。, kind: evidence}
          - {no: 2, text: 压缩办理时限的情况说明。, kind: explanation}
      - id: "2"
        level: national
        category: [一, "1"]
        text: 取消非行政许可审批。
        lead_units: [局办公室]
        materials:
          - {no: 1, text: 取消和承接的情况说明。, kind: explanation}
      - id: "3"
        level: national
        category: [一, "2"]
        text: 共用第1项的情况说明。
        lead_units: [局法规调研科]
        materials:
          - {no: 1, same_as: {indicator: "1", material: 2}}
      - id: "4"
        level: national
        category: [一, "2"]
        text: 推行证照分离。
        lead_units: [局法规调研科]
        no_materials: 不需提供申报材料
      - id: "5"
        level: national
        category: [二, "1"]
        text: 规范性文件目录。
        lead_units: [局法规调研科, 局办公室]
        materials:
          - {no: 1, text: 规范性文件目录。, kind: evidence}
      - id: "6"
        level: national
        category: [二, "1"]
        text: 原表没有写牵头单位。
        materials:
          - {no: 1, text: 清理结果。, kind: evidence}
      - id: "(1)"
        level: provincial
        category: [二, "1"]
        text: 严格落实预算法。
        lead_units: [局办公室]
        materials:
          - no: 1
            text: 预算执行情况的说明,字数不超过2000字。
            kind: explanation
            word_limit: 2000
    """
)


@cache
def manifest() -> Manifest:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.yaml"
        path.write_text(MANIFEST, encoding="utf-8")
        return load_manifest(path).manifest


def layout(level: str = "provincial") -> Layout:
    return plan_layout(manifest(), level)


def folder_for(lay: Layout, unit: str, indicator: str, material: int = 1) -> Folder:
    key = MaterialRef(indicator, material)
    return next(f for f in lay.folders if f.unit == unit and f.collects == key and not f.pointer)


def facts(kind: str = "pdf", *, text: str | None = None, **extra: Any) -> FileFacts:
    """Facts of one file; ``text`` gives it a body whose 字数 Word would count."""
    seed = repr((kind, text, sorted(extra.items()))).encode()
    f = FileFacts(sha256=hashlib.sha256(seed).hexdigest(), size=1000, kind=kind, pages=1)
    if text is not None:
        f.words = count_text(text).to_json()
    for key, value in extra.items():
        setattr(f, key, value)
    return f


def placed(
    lay: Layout,
    unit: str,
    indicator: str,
    name: str,
    fact: FileFacts | None = None,
    material: int = 1,
    **kw: Any,
) -> ScannedFile:
    """A file a unit put into the folder of (indicator, material)."""
    fold = folder_for(lay, unit, indicator, material)
    rel = f"材料/{fold.rel}/{name}"
    return ScannedFile(
        rel, ROOT / rel, unit, indicator, fold, fact if fact is not None else facts(), **kw
    )


def stray(rel: str, unit: str | None, indicator: str | None, fact: FileFacts) -> ScannedFile:
    """A file outside any collecting folder."""
    return ScannedFile(f"材料/{rel}", ROOT / "材料" / rel, unit, indicator, None, fact)


def config(level: str = "provincial", start: dt.date | None = dt.date(2016, 1, 1)) -> Any:
    return WorkspaceConfig(
        root=ROOT,
        manifest="m.yaml",
        level=level,
        org="测试局",
        period_start=start,
        period_end=None,
    )


def context(level: str = "provincial") -> CheckContext:
    return CheckContext(manifest(), level, layout(level), dt.date(2016, 1, 1))


def check_result(files: list[ScannedFile], level: str = "provincial") -> CheckResult:
    lay = layout(level)
    ws = Workspace(config(level), manifest(), lay)
    inventory = Inventory(files, ROOT / "材料")
    return CheckResult(ws, inventory, run_checks(context(level), inventory))

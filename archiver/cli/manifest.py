"""``archiver manifest validate|dump|export``: the indicator manifest on its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archiver.cli.base import Group, echo_err
from archiver.errors import ArchiverError

if TYPE_CHECKING:
    from archiver.manifest.model import Manifest


@click.group(cls=Group)
def manifest() -> None:
    """指标清单(YAML)的检查、导出和查看。"""


def _load(path: Path, strict: bool) -> Manifest:
    from archiver.manifest.loader import load_manifest

    result = load_manifest(path, strict=strict)
    for warning in result.warnings:
        echo_err(str(warning))
    return result.manifest


def _check_level(m: Manifest, level: str | None) -> None:
    problem = m.level_problem(level) if level is not None else None
    if problem:
        raise ArchiverError(problem)


@manifest.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="把警告(如未知的键)也当作错误。")
def manifest_validate(path: Path, strict: bool) -> None:
    """检查清单文件 PATH:格式、编号、单位、分类、字数上限和共用材料。

    没有错误时退出码为 0,并按级别列出指标数;有错误时逐条列出(文件:行号: 键路径: 说明),
    退出码为 3。
    """
    from archiver.textutil import LEVEL_NAMES

    m = _load(path, strict)
    counts: dict[str, int] = {}
    materials = 0
    for ind in m.indicators:
        counts[ind.level] = counts.get(ind.level, 0) + 1
        materials += sum(1 for mat in ind.materials if mat.same_as is None)
    click.echo(f"清单有效:{m.title}")
    t = m.terms
    for level, n in counts.items():
        click.echo(f"  {LEVEL_NAMES.get(level, level)}({level}):{n} 项")
    for lv in m.levels:
        click.echo(f"  按“{lv.name}”({lv.id}){t.exercise}:{len(m.indicators_for(lv.id))} 项")
    click.echo(f"  {t.material}:{materials} 份(共用的只计一次);单位 {len(m.units)} 个")


@manifest.command("dump")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--level", help="只列出该级别及以下的指标(如 national、provincial、municipal)。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON(格式见 docs/manifest.md)。")
@click.option("--strict", is_flag=True, help="把警告也当作错误。")
def manifest_dump(path: Path, level: str | None, as_json: bool, strict: bool) -> None:
    """列出清单中的指标;--json 输出供其他程序使用的稳定格式。"""
    from archiver.manifest.dump import manifest_json

    m = _load(path, strict)
    _check_level(m, level)
    data = manifest_json(m, level)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for ind in data["indicators"]:
        click.echo(f"{ind['id']:>6}  {' / '.join(ind['category'])}")
        click.echo(f"        {ind['text'] or '(原文缺失)'}")
        for mat in ind["materials"]:
            click.echo(f"        - ({mat['no']}) {mat['text']}  [{'、'.join(mat['lead_units'])}]")
        if ind["no_materials"]:
            click.echo(f"        - {ind['no_materials']}")
    click.echo(f"共 {len(data['indicators'])} 项{m.terms.item}")


@manifest.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--docx", "docx_out", type=click.Path(path_type=Path), help="导出 Word 责任分工表。")
@click.option("--xlsx", "xlsx_out", type=click.Path(path_type=Path), help="导出 Excel 责任分工表。")
@click.option("--level", help="只导出该级别及以下的指标。")
@click.option("--unit", help="只导出该单位的任务(可写单位全称或别名)。")
def manifest_export(
    path: Path, docx_out: Path | None, xlsx_out: Path | None, level: str | None, unit: str | None
) -> None:
    """导出责任分工表:每个单位需要上报哪些资料、字数要求、与谁共用。"""
    from archiver import clock
    from archiver.export.responsibility import responsibility_rows, write_docx, write_xlsx
    from archiver.manifest.units import resolve_unit

    if not docx_out and not xlsx_out:
        raise ArchiverError("请用 --docx 文件名 或 --xlsx 文件名 指定要导出的文件")
    m = _load(path, False)
    _check_level(m, level)
    if unit is not None:
        unit = resolve_unit(m, unit)
    rows = responsibility_rows(m, level, unit)
    if docx_out:
        write_docx(m, rows, docx_out, level, clock.today())
        click.echo(f"已导出:{docx_out}")
    if xlsx_out:
        write_xlsx(m, rows, xlsx_out, level)
        click.echo(f"已导出:{xlsx_out}")

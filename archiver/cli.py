"""The command line: parse, call one core function, render, set the exit code.

Data goes to stdout, messages to stderr, so ``--json`` output stays clean. Every expected
failure is an :class:`ArchiverError` carrying its exit code; it is printed as one Chinese
message (plus its details) without a traceback, unless ``-v`` is given.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from archiver import __version__
from archiver.errors import ArchiverError, ExitCode

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


def handle_errors(func: F) -> F:
    """Turn ArchiverError into a message and exit code; other errors into a short report."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        verbose = bool(ctx.find_root().params.get("verbose"))
        from archiver import interrupt

        try:
            with interrupt.guard():  # Ctrl+C, SIGTERM, SIGHUP stop every child at once
                return func(*args, **kwargs)
        except ArchiverError as exc:
            if verbose:
                import traceback

                traceback.print_exc()
            _echo_err(f"错误:{exc.message}")
            for line in exc.details:
                _echo_err(f"  {line}")
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt as exc:
            ctx.exit(interrupt.notify(ctx.info_name, exc))

    return wrapper  # type: ignore[return-value]


class _ChineseHelp:
    """Commands whose -h/--help option is described in Chinese, like everything else."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本说明并退出。"
        return option  # type: ignore[no-any-return]


class Command(_ChineseHelp, click.Command):
    pass


class Group(_ChineseHelp, click.Group):
    command_class = Command
    group_class = type  # sub-groups are of this class too


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(
    __version__, "-V", "--version", message="archiver %(version)s", help="显示版本号并退出。"
)
@click.option("-v", "--verbose", is_flag=True, help="出错时显示详细的技术信息(调用栈)。")
def cli(verbose: bool) -> None:
    """archiver:把法治政府建设示范创建材料整理成经过检查、带索引和页码的档案。

    \b
    常用命令:
      archiver manifest validate 清单.yaml     检查指标清单
      archiver manifest export 清单.yaml --docx 责任分工表.docx
      archiver wordcount 情况说明.docx          按 Word 规则统计字数
    """


@cli.group(context_settings=CONTEXT)
def manifest() -> None:
    """指标清单(YAML)的检查、导出和查看。"""


def _load(path: Path, strict: bool) -> Any:
    from archiver.manifest.loader import load_manifest

    result = load_manifest(path, strict=strict)
    for warning in result.warnings:
        _echo_err(str(warning))
    return result.manifest


def _check_level(m: Any, level: str | None) -> None:
    if level is not None and m.level(level) is None:
        choices = "、".join(lv.id for lv in m.levels)
        raise ArchiverError(f"清单中没有级别“{level}”;可选:{choices}")


@manifest.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="把警告(如未知的键)也当作错误。")
@handle_errors
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
    for level, n in counts.items():
        click.echo(f"  {LEVEL_NAMES.get(level, level)}({level}):{n} 项")
    for lv in m.levels:
        click.echo(f"  按“{lv.name}”({lv.id})创建:{len(m.indicators_for(lv.id))} 项")
    click.echo(f"  上报资料:{materials} 份(共用的只计一次);单位 {len(m.units)} 个")


@manifest.command("dump")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--level", help="只列出该级别及以下的指标(如 national、provincial、municipal)。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON(格式见 docs/manifest.md)。")
@click.option("--strict", is_flag=True, help="把警告也当作错误。")
@handle_errors
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
    click.echo(f"共 {len(data['indicators'])} 项指标")


@manifest.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--docx", "docx_out", type=click.Path(path_type=Path), help="导出 Word 责任分工表。")
@click.option("--xlsx", "xlsx_out", type=click.Path(path_type=Path), help="导出 Excel 责任分工表。")
@click.option("--level", help="只导出该级别及以下的指标。")
@click.option("--unit", help="只导出该单位的任务(可写单位全称或别名)。")
@handle_errors
def manifest_export(
    path: Path, docx_out: Path | None, xlsx_out: Path | None, level: str | None, unit: str | None
) -> None:
    """导出责任分工表:每个单位需要上报哪些资料、字数要求、与谁共用。"""
    from archiver.export.responsibility import (
        UNASSIGNED,
        responsibility_rows,
        write_docx,
        write_xlsx,
    )
    from archiver.manifest.loader import unit_key

    if not docx_out and not xlsx_out:
        raise ArchiverError("请用 --docx 文件名 或 --xlsx 文件名 指定要导出的文件")
    m = _load(path, False)
    _check_level(m, level)
    if unit is not None:
        names = {unit_key(a): u.name for u in m.units for a in (u.name, *u.aliases)}
        names[unit_key(UNASSIGNED)] = UNASSIGNED
        if unit_key(unit) not in names:
            raise ArchiverError(f"清单中没有单位“{unit}”;可选:{'、'.join(m.unit_names())}")
        unit = names[unit_key(unit)]
    rows = responsibility_rows(m, level, unit)
    today = _today()
    if docx_out:
        write_docx(m, rows, docx_out, level, today)
        click.echo(f"已导出:{docx_out}")
    if xlsx_out:
        write_xlsx(m, rows, xlsx_out, level)
        click.echo(f"已导出:{xlsx_out}")


def _today() -> dt.date:
    """The build day, or SOURCE_DATE_EPOCH when set (reproducible output)."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


@cli.command("wordcount")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@handle_errors
def wordcount(files: tuple[Path, ...], as_json: bool) -> None:
    """按 Microsoft Word 的规则统计 .docx、.txt、.md 文件的字数。

    字数 = 中文字符(含中文标点、全角字符)+ 非中文单词(连续的英文字母、数字、半角符号
    计为 1 个)。只统计正文,不含页眉、页脚、脚注和文本框,与 Word 的默认统计一致。
    无法读取的文件会单独报告,其余文件照常统计;有无法读取的文件时退出码为 4。
    """
    from archiver.errors import InputFileError
    from archiver.wordcount import count_file

    results: list[dict[str, Any]] = []
    failed = 0
    for f in files:
        try:
            wc = count_file(f)
        except InputFileError as exc:
            failed += 1
            results.append({"file": str(f), "error": exc.message})
            if not as_json:
                _echo_err(f"错误:{exc.message}")
            continue
        results.append({"file": str(f), **wc.to_json()})
        if not as_json:
            click.echo(
                f"{f}:字数 {wc.words}(中文字符和朝鲜语单词 {wc.east_asian},"
                f"非中文单词 {wc.non_east_asian_words});"
                f"字符数(不计空格){wc.chars_no_spaces};字符数(计空格){wc.chars_with_spaces};"
                f"段落 {wc.paragraphs}"
            )
    if as_json:
        click.echo(json.dumps({"files": results}, ensure_ascii=False, indent=2))
    if failed:
        click.get_current_context().exit(int(ExitCode.INPUT_ERROR))


def main() -> None:
    cli(prog_name="archiver")


# The workspace commands live in their own module; importing it registers them on ``cli``.
from archiver import cli_workspace  # noqa: E402,F401

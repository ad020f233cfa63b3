"""``archiver wordcount`` and ``archiver demo``: tools that need no workspace of their own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from archiver.cli.base import Command, echo_err
from archiver.errors import ExitCode


@click.command("wordcount", cls=Command)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
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
                echo_err(f"错误:{exc.message}")
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


@click.command("demo", cls=Command)
@click.argument("directory", type=click.Path(path_type=Path))
def demo(directory: Path) -> None:
    """生成一个完整的演示工作区 DIRECTORY(附1,市级),用来试用全部功能。

    内容是按固定规则生成的:有长短不一的情况说明(个别超过字数、一份仍是模板)、多页 PDF、
    照片、Excel 台账、横向页面、几个损坏的文件,约四分之一的材料尚未提供。
    生成后可以运行 archiver check、archiver status、archiver build 查看效果。
    """
    from archiver.demo import create_demo

    root = create_demo(directory)
    click.echo(f"已生成演示工作区:{root}")
    click.echo(f"下一步:archiver check {root}  或  archiver build {root}")

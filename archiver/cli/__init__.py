"""The command line: a thin click layer over the library (parse, call one core function,
render, set the exit code). The core never prints and never exits.

``base`` holds what every command shares (the command class that reports errors); each other
module is one group of commands, importing only ``base`` and the core: ``workspace`` (init,
check, status), ``binding`` (build, verify, freeze), ``manifest`` (validate, dump, export),
``tools`` (wordcount, demo). Imports inside commands are lazy, so ``--help`` stays instant.
"""

from __future__ import annotations

import click

from archiver import __version__
from archiver.cli import binding, manifest, score, tools, workspace
from archiver.cli.base import Group


@click.group(cls=Group)
@click.version_option(
    __version__, "-V", "--version", message="archiver %(version)s", help="显示版本号并退出。"
)
@click.option(
    "-v", "--verbose", is_flag=True, help="显示运行日志;出错时显示详细的技术信息(调用栈)。"
)
def cli(verbose: bool) -> None:
    """archiver:把法治政府建设示范创建材料整理成经过检查、带索引和页码的档案。

    \b
    日常流程:
      archiver init 工作区 --manifest demonstration --level municipal --org 机关全称
      archiver check 工作区          检查收集到的材料
      archiver status 工作区 --docx 进度通报.docx   统计进度、生成通报和整改清单
      archiver score 工作区          生成自评表(年度考核等有分值的清单)
      archiver build 工作区          组卷:案卷、索引卷、情况说明汇编
      archiver verify 组卷结果文件夹   核对组卷结果是否完整
      archiver freeze 组卷结果文件夹   定稿:打印后锁定页码,以后补充材料只出补页
    \b
    其他:
      archiver manifest validate 清单.yaml   检查指标清单
      archiver wordcount 情况说明.docx        按 Word 规则统计字数
      archiver demo 演示工作区                生成演示工作区
    """


for command in (
    workspace.init,
    workspace.check,
    workspace.status,
    score.score,
    binding.build,
    binding.verify_cmd,
    binding.freeze,
    manifest.manifest,
    tools.wordcount,
    tools.demo,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="archiver")

"""``archiver build`` and ``archiver verify``: binding the archive and checking a published one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from archiver.cli.base import Command
from archiver.errors import ExitCode

if TYPE_CHECKING:
    from archiver.binding.plan import BuildPlan


@click.command("build", cls=Command)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="输出到这个文件夹(以前的组卷结果在新结果完成后才被替换)。"
    "默认:工作区的 output/日期-时间/。",
)
@click.option("--strict", is_flag=True, help="检查有错误时不组卷,并列出错误。")
@click.option("--jobs", type=click.IntRange(1, 64), help="同时转换的进程数(默认按 CPU 核数)。")
@click.option(
    "--dry-run", is_flag=True, help="只列出组卷计划(各卷包含哪些材料和文件),不转换、不输出。"
)
@click.option(
    "--renumber",
    is_flag=True,
    help="已定稿时:放弃定稿页码,重新连续编页(全部案卷须重新打印)。",
)
def build(
    directory: Path | None,
    out: Path | None,
    strict: bool,
    jobs: int | None,
    dry_run: bool,
    renumber: bool,
) -> None:
    """组卷:把收集到的材料转换为 PDF,按一级指标装订成案卷(封面、卷内目录、页码、书签、备考表)。

    缺少的材料以“本项材料暂缺”页标示,无法装订的文件(损坏、加密、音视频等)以说明页代替,
    组卷照常进行。
    结果先写在临时文件夹,完成后才出现在输出位置;同一工作区同时只能有一个组卷任务。
    """
    from archiver.binding.run import run_build
    from archiver.progress import for_stream

    result = run_build(
        directory,
        out=out,
        strict=strict,
        jobs=jobs,
        dry_run=dry_run,
        progress=for_stream(),
        renumber=renumber,
    )
    if dry_run:
        assert result.plan is not None
        _print_plan(result.plan)
        return
    assert result.folder is not None
    for notice in result.notices:
        click.echo(f"注意:{notice}", err=True)
    click.echo(f"组卷完成:{result.folder}")
    for v in result.volumes:
        click.echo(f"  {v.file}  {v.pages} 页")
    if result.renumbered is not None:
        click.echo(
            f"已取消定稿,页码重新连续编排,请打印全部案卷(原定稿记录保存在 {result.renumbered})"
        )
    if result.frozen is not None:
        for line in result.frozen.summary_lines():
            click.echo(line)
    elif result.first:
        click.echo("这是首次组卷(没有可比较的上次结果),请打印全部案卷")
    elif result.changed:
        click.echo(f"与上次相比有变化、需要重新打印:{'、'.join(result.changed)}")
    else:
        click.echo("与上次相比没有变化,无需重新打印")
    click.echo(
        f"案卷 {len(result.volumes)} 个,共 {result.pages} 页;已装订材料 {result.included} 份,"
        f"暂缺 {result.missing} 份,无法装订的文件 {result.failed} 个;用时 {result.seconds:.1f} 秒",
        err=True,
    )


def _print_plan(plan: BuildPlan) -> None:
    for vol in plan.volumes:
        click.echo(click.style(f"{vol.label} {vol.category.title}", bold=True))
        for s in vol.sections:
            if vol.general:  # 总体材料: its files only
                for d in s.docs:
                    click.echo(f"      {d.source.rel if d.source else d.title}")
                continue
            status = {"included": "", "missing": "【暂缺】", "pointer": "【共用】"}.get(
                s.status, ""
            )
            click.echo(f"  第{s.indicator.id}项 材料{s.material.no} {status}")
            for d in s.docs:
                if d.kind == "file" and d.source is not None:
                    click.echo(f"      {d.source.rel}")
        for ind in vol.no_material:
            click.echo(f"  第{ind.id}项 不需提供材料")


@click.command("verify", cls=Command)
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
def verify_cmd(folder: Path) -> None:
    """核对组卷结果 FOLDER 是否完整、未被改动(按 SHA256SUMS 重新计算每个文件的哈希)。

    列出缺少的、被改动的和多出来的文件;有任何一项时退出码为 1。
    """
    from archiver.binding.verify import verify

    report = verify(folder)
    for name in report.missing:
        click.echo(f"缺少:{name}")
    for name in report.changed:
        click.echo(f"已改动:{name}")
    for name in report.unexpected:
        click.echo(f"多出:{name}")
    if report.ok:
        click.echo(f"核对通过:{report.checked} 个文件完整无改动")
        return
    n = len(report.missing) + len(report.changed) + len(report.unexpected)
    click.echo(f"核对未通过:{n} 处不一致(共核对 {report.checked} 个文件)")
    click.get_current_context().exit(int(ExitCode.FINDINGS))


@click.command("freeze", cls=Command)
@click.argument("output", required=False, type=click.Path(path_type=Path))
@click.option("--undo", is_flag=True, help="取消定稿:以后组卷重新连续编页。")
@click.option(
    "--workspace",
    "workspace_dir",
    type=click.Path(path_type=Path),
    help="工作区文件夹(默认:OUTPUT 所在的工作区)。",
)
def freeze(output: Path | None, undo: bool, workspace_dir: Path | None) -> None:
    """定稿:组卷结果 OUTPUT 已打印装订,记住它的页码。

    定稿后再组卷,已印的页码都不变:补充的文件编为分页号(如 15-1、15-2,接在第 15 页之后),
    更换的文件沿用原页码(较短时余页为“本页空白”,较长时续编分页号),撤出的文件原页改为
    “本页材料已撤出”;每次组卷另出 补页/(只含需补印的页)和 补页清单(插在哪里、取出哪些页)。
    """
    from archiver.binding.frozenrun import freeze_build, unfreeze

    if undo:
        state, kept = unfreeze(workspace_dir or output)
        if kept is None:
            click.echo("本工作区没有定稿,无需取消")
            return
        since = f"({state.frozen_on} 定稿)" if state else ""
        click.echo(f"已取消定稿{since}:以后组卷将重新连续编页,全部案卷须重新打印。")
        click.echo(f"原定稿记录已保存为 {kept}")
        return
    if output is None:
        raise click.UsageError("请指定已打印的组卷结果文件夹:archiver freeze 组卷结果文件夹")
    state = freeze_build(output, workspace_dir)
    click.echo(
        f"已定稿:{state.source}({len(state.parts)} 册,{state.printed_pages} 页)。"
        "以后组卷保持这些页码,新增材料编为分页号(如 15-1),并另出 补页/ 和 补页清单。"
    )
    click.echo("取消定稿:archiver freeze --undo;或组卷时加 --renumber")

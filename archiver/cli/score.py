"""``archiver score``: write the 自评表.xlsx of a scored assessment, or check a filled one."""

from __future__ import annotations

from pathlib import Path

import click

from archiver.cli.base import Command
from archiver.errors import ExitCode


@click.command("score", cls=Command)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def score(directory: Path | None) -> None:
    """在工作区 DIRECTORY 中生成《自评表.xlsx》(年度考核等有分值的清单)。

    每项工作任务一行,按类别分组;填写“扣分”和“扣分原因”即可,自评得分和总分由公式计算。
    已有的自评表不会被覆盖:再次运行只检查其中的填写是否有误。
    """
    from archiver.score.model import SCORE_FILE
    from archiver.score.sheet import write_score_workbook
    from archiver.score.validate import read_scores
    from archiver.workspace import open_workspace
    from archiver.workspace.config import WorkspaceError

    ws = open_workspace(directory)
    m = ws.manifest
    if m.total_points is None:
        raise WorkspaceError(f"《{m.title}》没有分值,不需要自评表")
    path = ws.root / SCORE_FILE
    if not path.exists():
        write_score_workbook(m, ws.config.level, path)
        click.echo(f"已生成自评表:{path}")
        click.echo("请在“扣分”列填写扣分、在“扣分原因”列写明原因,然后运行 archiver check 检查。")
        return
    scores = read_scores(path, m, ws.config.level)
    click.echo(f"自评表已存在,未覆盖:{path}")
    for p in scores.problems:
        click.echo(f"  {p}", err=True)
    if scores.problems:
        click.echo(f"自评表有 {len(scores.problems)} 处问题,请修改后重试", err=True)
        click.get_current_context().exit(int(ExitCode.FINDINGS))
    click.echo(f"满分 {scores.total_points} 分,自评得分 {scores.total_score:g} 分")

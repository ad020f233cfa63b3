"""``archiver init``, ``check`` and ``status``: set up a workspace, follow the collection."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archiver.cli.base import Command
from archiver.errors import ExitCode

if TYPE_CHECKING:
    from archiver.findings import Finding

SEVERITY_LABELS = {
    "error": ("错误", "red"),
    "warning": ("警告", "yellow"),
    "info": ("提示", "cyan"),
}


@click.command("init", cls=Command)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--manifest", help="指标清单:随附清单的名称(demonstration、annual-assessment)或文件路径。"
)
@click.option(
    "--level", help="级别:national 国家级、provincial 省级、municipal 市级;年度考核为 annual。"
)
@click.option("--org", help="机关全称(全宗名称),如“濮阳市人力资源和社会保障局”。")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="材料收集期间的开始日期(默认取清单中的日期,如 2016-01-01)。",
)
@click.option(
    "--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="材料收集期间的结束日期(含)。"
)
@click.option("--year", type=click.IntRange(1990, 2100), help="考核年度:该年1月1日至12月31日。")
def init(
    directory: Path,
    manifest: str | None,
    level: str | None,
    org: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    year: int | None,
) -> None:
    """创建工作区 DIRECTORY:写入 archiver.yaml,为每个单位建立收集文件夹。

    每个单位一个文件夹,其中每项指标一个文件夹(有多份材料时再分子文件夹),
    每个文件夹里有《材料要求.txt》,情况说明类材料还有《情况说明.docx》模板。
    再次运行只补充缺少的文件夹和文件,不会覆盖、移动或删除任何已有内容。
    """
    from archiver.workspace.config import WorkspaceError
    from archiver.workspace.init import init_workspace, year_period

    start, end = (since.date() if since else None), (until.date() if until else None)
    if year is not None:
        if start or end:
            raise WorkspaceError("--year 不能与 --since/--until 同时使用")
        start, end = year_period(year)
    report = init_workspace(
        directory, manifest=manifest, level=level, org=org, since=start, until=end
    )
    cfg = report.config
    if report.config_created:
        click.echo(f"已创建工作区:{cfg.root}")
    else:
        click.echo(f"工作区已存在,按现有设置补充:{cfg.root}")
    click.echo(f"  材料文件夹:{cfg.drop_root}")
    click.echo(
        f"  新建文件夹 {report.folders_created} 个,新建文件 {report.files_created} 个;"
        f"已有文件夹 {report.folders_existing} 个(未改动)"
    )
    if report.stale_requirements:
        click.echo(
            f"  注意:{len(report.stale_requirements)} 个《材料要求.txt》与当前清单不一致,"
            "为避免覆盖未作修改;删除这些文件后再次运行 init 即可更新",
            err=True,
        )
    click.echo("下一步:请各单位把材料放进自己的文件夹,然后运行 archiver check 检查。")


@click.command("check", cls=Command)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="只在标准输出中输出 JSON(格式见 docs/check.md)。"
)
@click.option("--unit", help="只显示该单位的问题。")
@click.option("--strict", is_flag=True, help="有警告也视为不通过(退出码 1)。")
def check(directory: Path | None, as_json: bool, unit: str | None, strict: bool) -> None:
    """检查工作区中收集到的材料:缺少的、打不开的、放错位置的、超过字数的……

    退出码:0 没有错误;1 有错误(加 --strict 时有警告也算);2 用法或设置有误。
    只读取,不会改动各单位文件夹中的任何文件。
    """
    from archiver.findings import summarize
    from archiver.pipeline import check_workspace

    result = check_workspace(directory)
    findings = result.findings
    if unit is not None:
        canonical = result.resolve_unit(unit)
        findings = [f for f in findings if f.unit == canonical]
    summary = summarize(findings)
    if as_json:
        data = {
            "summary": summary,
            "findings": [f.to_json() for f in findings],
            "general": result.general_files,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_findings(findings)
        if unit is None:
            _print_general(result.general_files)
        click.echo(
            f"共 {summary['errors']} 处错误、{summary['warnings']} 处警告、"
            f"{summary['infos']} 条提示(检查了 {result.file_count} 个文件)"
        )
    failed = summary["errors"] > 0 or (strict and summary["warnings"] > 0)
    if failed:
        click.get_current_context().exit(int(ExitCode.FINDINGS))


def _print_findings(findings: list[Finding]) -> None:
    current: object = object()
    for f in findings:
        if f.unit != current:
            current = f.unit
            click.echo(click.style(f.unit or "(不在任何单位文件夹中)", bold=True))
        label, colour = SEVERITY_LABELS[f.severity]
        where = []
        if f.indicator:
            where.append(f"第{f.indicator}项")
        if f.material:
            where.append(f"材料{f.material}")
        head = click.style(f"  {label}", fg=colour, bold=True)
        click.echo(f"{head} {' '.join(where)} [{f.code}]" + (f"  {f.path}" if f.path else ""))
        click.echo(f"        {f.message}")


def _print_general(files: list[str]) -> None:
    """The office's own documents (材料/总体材料/): bound first, as the 综合卷."""
    if not files:
        return
    click.echo(
        click.style(f"总体材料(组卷时装订为综合卷,排在各卷之前):{len(files)} 个文件", bold=True)
    )
    for rel in files:
        click.echo(f"  {rel}")


@click.command("status", cls=Command)
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="只在标准输出中输出 JSON。")
@click.option(
    "--docx", "docx_out", type=click.Path(path_type=Path), help="生成《工作进度通报》(Word)。"
)
@click.option("--xlsx", "xlsx_out", type=click.Path(path_type=Path), help="生成材料台账(Excel)。")
@click.option(
    "--html", "html_out", type=click.Path(path_type=Path), help="生成可直接打开的进度网页。"
)
@click.option(
    "--per-unit",
    "per_unit",
    type=click.Path(path_type=Path),
    help="在该文件夹中为每个单位生成《整改清单》(Word)。",
)
def status(
    directory: Path | None,
    as_json: bool,
    docx_out: Path | None,
    xlsx_out: Path | None,
    html_out: Path | None,
    per_unit: Path | None,
) -> None:
    """统计各单位、各类别的材料报送进度,并生成月度通报、台账和整改清单。

    完成率 = 已报送且无问题的材料 ÷ 应报送的材料。只读取,不改动各单位的文件。
    """
    from archiver import clock
    from archiver.pipeline import check_workspace
    from archiver.status import render
    from archiver.status.progress import build_status
    from archiver.textutil import pad

    result = check_workspace(directory)
    report = build_status(result, clock.today())
    ws_root = result.workspace.root
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        o = report.overall
        click.echo(f"{report.org} · {report.level_name} · 截至 {report.date.isoformat()}")

        cols = ("应报", "已报", "有问题", "未报", "完成率")
        click.echo(pad("单位", 24) + "".join(pad(c, 8, right=True) for c in cols))
        for u in report.units:
            nums = (u.required, u.provided, u.errors, u.missing)
            click.echo(
                pad(u.name, 24)
                + "".join(pad(str(n), 8, right=True) for n in nums)
                + pad(f"{u.percent:.1f}%", 8, right=True)
            )
        click.echo(
            f"总体:应报 {o.required},已报 {o.provided},有问题 {o.errors},未报 {o.missing},"
            f"完成率 {o.percent:.1f}%"
        )
        lag = "、".join(u.name for u in report.laggards)
        if lag:
            click.echo(f"进度滞后:{lag}")
        from archiver.binding.frozenrun import status_line

        frozen = status_line(result.workspace)
        if frozen:
            click.echo(frozen)
        _print_general(report.general)
    written = []
    if docx_out:
        render.write_progress_docx(report, docx_out, ws_root)
        written.append(docx_out)
    if xlsx_out:
        render.write_ledger_xlsx(report, xlsx_out)
        written.append(xlsx_out)
    if html_out:
        render.write_html(report, html_out)
        written.append(html_out)
    if per_unit:
        written += render.write_rectification_docs(report, per_unit, ws_root)
    for path in written:
        click.echo(f"已生成:{path}", err=as_json)

"""What every command shares: the command class that turns errors into messages and exit codes.

Data goes to stdout, messages to stderr, so ``--json`` output stays clean. Every expected
failure is an :class:`ArchiverError` carrying its exit code; :class:`Command` prints it as one
Chinese message (plus its details) without a traceback, unless ``-v`` is given. Because the
handling lives in the command class, no command can forget it.
"""

from __future__ import annotations

import traceback
from typing import Any

import click

from archiver.errors import ArchiverError

CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def echo_err(text: str) -> None:
    click.echo(text, err=True)


class _ChineseHelp:
    """Commands whose -h/--help option is described in Chinese, like everything else."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本说明并退出。"
        return option  # type: ignore[no-any-return]


class Command(_ChineseHelp, click.Command):
    """A command whose expected failures become one Chinese message and an exit code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        from archiver import interrupt
        from archiver.engines import quiet

        verbose = bool(ctx.find_root().params.get("verbose"))
        quiet.for_command(verbose)
        try:
            with interrupt.guard():  # Ctrl+C, SIGTERM, SIGHUP stop every child at once
                return super().invoke(ctx)
        except ArchiverError as exc:
            if verbose:
                traceback.print_exc()
            echo_err(f"错误:{exc.message}")
            for line in exc.details:
                echo_err(f"  {line}")
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt as exc:
            ctx.exit(interrupt.notify(ctx.info_name, exc))


class Group(_ChineseHelp, click.Group):
    command_class = Command
    group_class = type  # sub-groups are of this class too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)

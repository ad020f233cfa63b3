"""Docs that cannot go stale: every command has Chinese help and is in the README."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from archiver.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        if isinstance(cmd, click.Group):
            names += all_commands(cmd, full + " ")
        else:
            names.append(full)
    return names


@pytest.mark.parametrize("command", all_commands(cli))
def test_command_has_chinese_help_and_is_documented(command: str) -> None:
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert re.search(r"[\u4e00-\u9fff]", result.output), "help must be in Chinese"
    assert "显示本说明并退出" in result.output and "Show this message" not in result.output
    assert f"archiver {command}" in README, f"README lacks `archiver {command}`"


def test_readme_gives_the_two_commands() -> None:
    assert "bash scripts/demo.sh" in README
    assert "bash scripts/test.sh" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci

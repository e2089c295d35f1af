"""``--help`` of every command names arguments as users type them: no ``{NAME}``, no ``<bool>``."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from summitry.cli import _register, app

_register()
runner = CliRunner()


def _commands(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path] if path else []
    subcommands = getattr(command, "commands", None)  # a group (typer vendors its own click)
    if isinstance(subcommands, dict):
        for name, sub in sorted(subcommands.items()):
            found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_every_command_is_listed() -> None:
    """The walk finds the commands the README documents (so the test below covers them)."""
    assert {("negotiate",), ("analyze",), ("roadmap", "status"), ("agenda",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_no_braces_or_bool_types(command: tuple[str, ...]) -> None:
    """Usage lines say SCENARIO (or [NAME] when optional), and flags carry no ``<bool>`` type."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    assert not re.search(r"\{[A-Z_.]+\}", usage), usage
    assert "--help" in result.output


def test_negotiate_usage_line() -> None:
    """The usage line is what a user types."""
    result = runner.invoke(app, ["negotiate", "--help"], env={"COLUMNS": "120"})
    assert "Usage: summitry negotiate [OPTIONS] SCENARIO" in result.output

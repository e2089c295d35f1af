"""The ``summitry`` command: one typer app; each command lives in its own module, loaded on use.

``summitry --help`` lists every command from the table in ``summitry.cli._commands`` without
importing a single command module; running a command (or asking for its own ``--help``)
imports just that module, which registers the command on :data:`app`. So a command pays only
for the libraries it uses: ``analyze --json`` never imports matplotlib, jinja2, OR-Tools,
pydantic or icalendar.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from summitry import __version__
from summitry.cli._coercion import quick_coercion
from summitry.cli._commands import COMMANDS
from summitry.cli._help import plain_help

__all__ = ["app", "main"]


class _Listed(TyperCommand):
    """A command not loaded yet: just its name and one-line help, for the list in ``--help``."""


class _LazyGroup(TyperGroup):
    """The root group: lists every command of ``COMMANDS``, imports a command's module on first use."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        registered = dict(self.commands)
        ordered: dict[str, Any] = {}
        for name, (_, text) in COMMANDS.items():
            ordered[name] = registered.pop(name, None) or _Listed(name=name, help=text, callback=None)
        ordered.update(registered)  # commands registered by modules that are not in the table
        self.commands = ordered
        self._listing = 0

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Print the help, listing commands by their one-line help without loading them."""
        self._listing += 1
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing -= 1

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """Return the command called ``cmd_name``, importing its module when it is first used."""
        command = self.commands.get(cmd_name)
        if isinstance(command, _Listed) and not self._listing:
            command = self.commands[cmd_name] = _load(cmd_name)
        return command


def _load(name: str) -> Any:
    """Import the module of command ``name`` (it registers itself on ``app``) and return the click command."""
    module = COMMANDS[name][0]
    importlib.import_module(module)
    loaded = typer.main.get_group(app).commands.get(name)
    if loaded is None or isinstance(loaded, _Listed):
        raise RuntimeError(f"{module} was imported for command {name!r} but registered no such command")
    return loaded


app = typer.Typer(
    name="summitry",
    cls=_LazyGroup,
    help="Model, run, analyse and carry out multi-issue negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summitry {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Model, run, analyse and carry out multi-issue negotiations."""


def _register() -> None:
    """Import every command module now (tests and documentation checks want them all registered)."""
    for module, _ in COMMANDS.values():
        importlib.import_module(module)
    plain_help()
    quick_coercion()


def main() -> None:
    """Run the ``summitry`` command.

    On the way out the objects made so far are frozen (:func:`gc.freeze`): the interpreter's
    exit would otherwise walk all of them (numpy's, pydantic's schemas, typer's) in its last
    garbage collections, 20 to 130 ms of a quick command. Exit handlers still run, and every
    file summitry writes is closed before the command returns.
    """
    plain_help()
    quick_coercion()
    try:
        app()
    finally:
        gc.freeze()

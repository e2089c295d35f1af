"""The ``summitry`` command: one typer app; each command lives in its own module."""

from __future__ import annotations

import typer

from summitry import __version__

__all__ = ["app", "main"]

app = typer.Typer(
    name="summitry",
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
    # Each command module adds itself to ``app`` when imported; the list is the CLI's table
    # of contents. Add a line here when adding a command module.
    from summitry.cli import _commands  # noqa: F401
    from summitry.cli._help import plain_help

    plain_help()


def main() -> None:
    """Run the ``summitry`` command."""
    _register()
    app()

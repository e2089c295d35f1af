"""Usage errors (a bad option value, an unknown option, a missing argument) as one ``error:`` line.

typer draws click's usage errors in a boxed panel of several lines; every other error of
summitry is one ``error: ...`` line on stderr with exit code 2. :func:`plain_usage_errors`
makes usage errors the same: ``error: --rounds: 0 is not in the range x>=1 (see 'summitry
negotiate --help')``, exit code 2.
"""

from __future__ import annotations

import re
import sys
from typing import Any

__all__ = ["plain_usage_errors", "usage_line"]

_installed = False


_INVALID = re.compile(r"^Invalid value for (['\"])(?P<name>.+?)\1(?: / '[^']*')*: (?P<rest>.*)$")


def usage_line(error: Any) -> str:
    """Return click's ``error`` as one line: what was wrong, and where to read the command's help."""
    message = " ".join(str(error.format_message()).split())
    match = _INVALID.match(message)
    if match:
        rest = match["rest"].removeprefix("Value error, ")
        message = f"{match['name']}: {rest[:1].lower() + rest[1:]}"
    context = getattr(error, "ctx", None)
    hint = f" (see '{context.command_path} --help')" if context is not None and context.command_path else ""
    return f"error: {message.rstrip('.')}{hint}"


def _print_usage_error(error: Any) -> None:
    sys.stderr.write(usage_line(error) + "\n")
    sys.stderr.flush()


def plain_usage_errors() -> None:
    """Print click/typer usage errors as one ``error:`` line (exit code 2 is click's); idempotent."""
    global _installed  # reason: install once per process
    if _installed:
        return
    import click
    from typer import rich_utils

    rich_utils.rich_format_error = _print_usage_error  # type: ignore[assignment]  # typer's boxed panel
    click.exceptions.UsageError.show = lambda self, file=None: _print_usage_error(self)  # type: ignore[method-assign]
    _installed = True

"""Console output for the CLI: the only place summitry prints, and how errors are reported."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from summitry.errors import SummitryError

__all__ = ["console", "err_console", "fail", "handles_errors", "print_json"]

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_BAD_INPUT = 2


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr and return the Exit(2) to raise."""
    err_console.print(f"error: {message}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn summitry's own errors (and a missing file) into one line on stderr and exit code 2.

    A command that declares a ``debug`` option (``--debug``) re-raises instead, traceback and all.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (SummitryError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            if kwargs.get("debug") or "--debug" in sys.argv:
                raise
            raise fail(_one_line(exc)) from None

    return wrapper


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    return " ".join(str(exc).split()) if "\n" not in str(exc) else str(exc).strip()


def print_json(payload: Any) -> None:
    """Print exactly one JSON object on stdout."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, allow_nan=False) + "\n")
    sys.stdout.flush()

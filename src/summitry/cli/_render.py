"""Console output for the CLI: the only place summitry prints, and how errors are reported."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import typer

from summitry.errors import SummitryError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["console", "err_console", "fail", "handles_errors", "print_json"]


def _terminal_size() -> tuple[int | None, int | None]:
    """Return the terminal's (columns, lines) where rich would otherwise assume 80 columns.

    rich reads the size of whichever standard stream is a terminal, but gives a "dumb"
    terminal (``TERM=dumb``, as in Emacs shells and some CI consoles) 80 columns whatever its
    real width; tables were then cut at 80 columns in wider windows. ``COLUMNS`` still wins.
    """
    if os.environ.get("COLUMNS", "").isdigit() or os.environ.get("TERM", "").lower() not in ("dumb", "unknown"):
        return None, None
    for descriptor in (1, 2, 0):
        try:
            size = os.get_terminal_size(descriptor)
        except (OSError, ValueError):
            continue
        if size.columns > 0:
            return size.columns, size.lines or 25
    return None, None


class _LazyConsole:
    """A rich ``Console`` built on first use, so that commands printing only JSON never import rich."""

    __slots__ = ("_console", "_options")

    def __init__(self, **options: Any) -> None:
        object.__setattr__(self, "_options", options)
        object.__setattr__(self, "_console", None)

    def _real(self) -> Console:
        if self._console is None:
            from rich.console import Console

            object.__setattr__(self, "_console", Console(**self._options))
        return cast("Console", self._console)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._real(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._real(), name)

    # Special methods are looked up on the type, not through __getattr__: rich's Live and
    # Progress enter the console as a context manager.
    def __enter__(self) -> Console:
        return self._real().__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        self._real().__exit__(*exc_info)


_COLUMNS, _LINES = _terminal_size()
console = cast("Console", _LazyConsole(highlight=False, soft_wrap=True, width=_COLUMNS, height=_LINES))
err_console = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))

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

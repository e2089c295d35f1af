"""Usage errors (a bad option value, an unknown option, a missing argument) as one ``error:`` line.

typer draws click's usage errors in a boxed panel of several lines; every other error of
summitry is one ``error: ...`` line on stderr with exit code 2. :func:`plain_usage_errors`
makes usage errors the same: ``error: --rounds: 0 is not in the range x>=1 (see 'summitry
negotiate --help')``, exit code 2.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from types import ModuleType
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
    """Print click/typer usage errors as one ``error:`` line (exit code 2 is click's); idempotent.

    typer's ``rich_utils`` (and so rich) is patched when something imports it, not imported
    here: a command that prints only JSON never loads rich.
    """
    global _installed  # reason: install once per process
    if _installed:
        return
    _after_import("typer.rich_utils", _patch_typer)
    _after_import("click.exceptions", _patch_click)  # typers before 0.24 raise click's errors
    _installed = True


def _patch_typer(rich_utils: Any) -> None:
    rich_utils.rich_format_error = _print_usage_error  # typer's boxed panel


def _patch_click(exceptions: Any) -> None:
    exceptions.UsageError.show = lambda self, file=None: _print_usage_error(self)


def _after_import(name: str, patch: Callable[[Any], None]) -> None:
    """Call ``patch(module)`` on module ``name`` now if it is loaded, else as soon as it is."""
    module = sys.modules.get(name)
    if module is not None:
        patch(module)
    else:
        sys.meta_path.insert(0, _PatchOnImport(name, patch))


class _PatchOnImport:
    """A finder that lets the other finders find module ``name``, and patches it once it is executed."""

    def __init__(self, name: str, patch: Callable[[Any], None]) -> None:
        self.name = name
        self.patch = patch

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        """Return the spec the other finders give for ``name``, its loader patching the module after running it."""
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec: ModuleSpec | None = find(fullname, path, target) if find is not None else None
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            self.patch(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]  # this loader serves this spec only
        return spec

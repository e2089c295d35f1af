"""How ``--help`` names arguments and flags: ``SCENARIO`` and ``--json``, not ``{SCENARIO}`` and ``<bool>``.

Recent typer versions write a required argument as ``{NAME}`` on the usage line and give every
flag a ``<bool>`` type in the options table, neither of which a user types. :func:`plain_help`
makes typer write usage lines the way click and every man page do (``NAME``, optional ones
``[NAME]``) and show no type for a flag that takes no value. Only the help text changes, never
parsing; ``tests/cli/test_help.py`` pins the result.
"""

from __future__ import annotations

from typing import Any

from typer import core

__all__ = ["plain_help"]

_installed = False


def _usage_display_name(self: Any) -> str:
    name = str(self.display_name_raw)
    if not self.required:
        name = f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


def plain_help() -> None:
    """Make typer's help show ``NAME``/``[NAME]`` in usage lines and no ``<bool>`` beside flags (idempotent)."""
    global _installed  # reason: install once per process
    if _installed:
        return
    from summitry.cli._usage import plain_usage_errors

    plain_usage_errors()  # and usage errors are one `error:` line, like every other error
    argument = getattr(core, "TyperArgument", None)
    if argument is not None and hasattr(argument, "_usage_display_name"):
        argument._usage_display_name = _usage_display_name
    option = getattr(core, "TyperOption", None)
    if option is not None and hasattr(option, "display_type_rich"):
        typed = option.display_type_rich

        def display_type_rich(self: Any, ctx: Any) -> str | None:
            if getattr(self, "is_flag", False) and self.metavar is None:
                return None
            result: str | None = typed(self, ctx)
            return result

        option.display_type_rich = display_type_rich
    _installed = True

"""The ``--profiles`` option of the commands that take a scenario (choose parties of a GENIUS folder)."""

from __future__ import annotations

from typing import Any

import typer

__all__ = ["PROFILES_OPTION", "profile_list"]

PROFILES_OPTION: Any = typer.Option(
    None,
    "--profiles",
    metavar="A.xml,B.xml",
    help="Which profiles of the scenario take part, in this order (file or party names, comma-separated).",
)


def profile_list(text: str | None) -> list[str] | None:
    """Return the profiles named in ``--profiles`` text (None when the option was not given)."""
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]

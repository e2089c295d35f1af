"""``summitry convert``: convert a scenario between the native, GENIUS and GeniusWeb formats."""

from __future__ import annotations

from enum import StrEnum

import typer

from summitry.cli import app
from summitry.cli._paths import check_output_file, check_output_folder
from summitry.cli._profiles import PROFILES_OPTION, profile_list
from summitry.cli._render import console, err_console, handles_errors
from summitry.formats import conversion_notes, load_scenario, save_scenario
from summitry.formats.loading import Format

__all__ = ["convert"]


class _Format(StrEnum):
    native = "native"
    genius = "genius"
    geniusweb = "geniusweb"


_FORMAT_OPTION = typer.Option(None, "--format", "-f", help="Output format; by default native for .yaml/.yml/.json.")


@app.command("convert")
@handles_errors
def convert(
    source: str = typer.Argument(
        ..., metavar="IN", help="A .yaml/.json scenario, a GENIUS or GeniusWeb folder, or a shipped name."
    ),
    target: str = typer.Argument(
        ..., metavar="OUT", help="A .yaml/.json file (native), or a folder for genius/geniusweb."
    ),
    output_format: _Format | None = _FORMAT_OPTION,
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
    profiles: str | None = PROFILES_OPTION,
) -> None:
    """Convert a scenario between the native, GENIUS XML and GeniusWeb JSON formats."""
    kind: Format | None = output_format.value if output_format is not None else None
    if kind in ("genius", "geniusweb"):
        check_output_folder(target, "OUT")
    else:
        check_output_file(target, "OUT")
    scenario = load_scenario(source, profiles=profile_list(profiles))
    written = save_scenario(scenario, target, format=kind)
    for note in conversion_notes(scenario, kind or "native"):
        err_console.print(f"note: {note}", markup=False)
    console.print(
        f"Converted {scenario.name!r} ({len(scenario.parties)} parties, {len(scenario.space.issues)} issues, "
        f"{scenario.space.cardinality:,} outcomes); wrote {len(written)} file(s):",
        markup=False,
    )
    for path in written:
        console.print(f"  {path}", markup=False)

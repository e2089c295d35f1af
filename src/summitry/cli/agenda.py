"""``summitry agenda``: show a summit's agenda in local time and GMT, its clashes, and export it as iCalendar."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

import typer

from summitry.cli import app
from summitry.cli._paths import check_output_file
from summitry.cli._render import console, handles_errors
from summitry.errors import UnknownTimeZoneError
from summitry.summit import (
    format_duration,
    format_gmt,
    format_in_zone,
    format_local,
    time_zone,
    to_ics,
    zone_name,
)

if TYPE_CHECKING:  # the summit file schema (pydantic, PyYAML) and rich are imported when the command runs
    from rich.table import Table
    from rich.text import Text

    from summitry.summit import Agenda, Meeting

__all__ = ["agenda", "show_agenda"]


@app.command("agenda")
@handles_errors
def agenda(
    summit: str = typer.Argument(..., metavar="FILE_OR_NAME", help="A summit file (.yaml) or a shipped summit: hanoi."),
    tz: str | None = typer.Option(None, "--tz", metavar="ZONE", help="Also show times in this IANA zone."),
    ics: str | None = typer.Option(None, "--ics", metavar="OUT.ics", help="Write the agenda as an iCalendar file."),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors."),
) -> None:
    """Show a summit's agenda in local time and GMT, list clashes, and export it as iCalendar."""
    from summitry.formats.summit_files import load_summit, write_ics

    if ics is not None:
        check_output_file(ics, "--ics")
    extra_zone = _option_zone(tz) if tz is not None else None
    loaded = load_summit(summit)
    data = to_ics(loaded, stamp=datetime.now(UTC)) if ics is not None else None

    show_agenda(loaded, extra_zone)
    if data is not None and ics is not None:
        written = write_ics(ics, data)
        console.print(f"Wrote {len(loaded.meetings)} events to {written}", markup=False)


def show_agenda(loaded: Agenda, extra_zone: tzinfo | None = None) -> None:
    """Print an agenda: a table per day in local time and GMT (and ``extra_zone``), then its conflicts."""
    console.print(f"[bold]{loaded.title or loaded.name}[/bold]  (home zone {zone_name(loaded.home_zone)})")
    if loaded.description:
        console.print(loaded.description, markup=False)
    for number, day, meetings in loaded.days():
        console.print(_day_table(number, day.strftime("%a %d %b %Y"), meetings, extra_zone))
    _print_conflicts(loaded)


def _option_zone(name: str) -> tzinfo:
    try:
        return time_zone(name)
    except UnknownTimeZoneError as exc:
        raise UnknownTimeZoneError(f"--tz: {exc}") from exc


def _day_table(number: int, day: str, meetings: tuple[Meeting, ...], extra_zone: tzinfo | None) -> Table:
    from rich.table import Table

    table = Table(title=f"Day {number} — {day}", title_justify="left", title_style="bold")
    table.add_column("Local", no_wrap=True)
    table.add_column("GMT", no_wrap=True)
    if extra_zone is not None:
        table.add_column(zone_name(extra_zone), no_wrap=True)
    table.add_column("Length", no_wrap=True)
    table.add_column("Meeting", ratio=3)
    table.add_column("Participants", ratio=2)
    for meeting in meetings:
        times = [format_local(meeting.start), format_gmt(meeting.start)]
        if extra_zone is not None:
            times.append(format_in_zone(meeting.start, extra_zone))
        table.add_row(
            *times, format_duration(meeting.duration), _meeting_cell(meeting), ", ".join(meeting.participants)
        )
    return table


def _meeting_cell(meeting: Meeting) -> Text:
    from rich.text import Text

    # Text objects, not markup strings: titles and names are user text and may contain "[".
    cell = Text(meeting.title, style="bold")
    cell.append(f"\n{meeting.kind.value}" + (f" · {meeting.venue}" if meeting.venue else ""), style="dim")
    if meeting.negotiation is not None:
        cell.append(f"\nnegotiation: {meeting.negotiation.describe()}", style="cyan")
    return cell


def _print_conflicts(loaded: Agenda) -> None:
    conflicts = loaded.conflicts()
    if not conflicts:
        console.print("No conflicts: nobody is in two meetings at once.")
        return
    console.print(f"[bold]Conflicts ({len(conflicts)}):[/bold]")
    for conflict in conflicts:
        console.print(f"  - {conflict.describe()}", markup=False)

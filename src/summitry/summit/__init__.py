"""summitry.summit: a summit's agenda of time-zone aware meetings, and its iCalendar export (DESIGN §2, §4)."""

from __future__ import annotations

from .agenda import Agenda, Conflict, LinkedNegotiation, Meeting, MeetingKind, format_duration
from .calendar import to_ics
from .zones import (
    format_gmt,
    format_in_zone,
    format_local,
    format_local_and_gmt,
    time_zone,
    zone_abbreviation,
    zone_name,
)

__all__ = [
    "Agenda",
    "Conflict",
    "LinkedNegotiation",
    "Meeting",
    "MeetingKind",
    "format_duration",
    "format_gmt",
    "format_in_zone",
    "format_local",
    "format_local_and_gmt",
    "time_zone",
    "to_ics",
    "zone_abbreviation",
    "zone_name",
]

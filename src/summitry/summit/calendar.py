"""iCalendar (RFC 5545) export of an agenda, for calendar programs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from .agenda import Agenda, Meeting

if TYPE_CHECKING:
    import icalendar

__all__ = ["to_ics"]

PRODID = "-//summitry//summitry agenda//EN"


def to_ics(agenda: Agenda, *, stamp: datetime | None = None) -> bytes:
    """Return the agenda as an iCalendar file: one VEVENT per meeting, with the VTIMEZONEs they use.

    Each event's DTSTART/DTEND carry the meeting's IANA zone as TZID (so calendar programs show
    the right local time and convert it), and the calendar holds a VTIMEZONE for each zone
    covering the agenda's years (programs that do not know IANA names read that instead). UIDs
    are stable (meeting id @ agenda name), so importing an updated file updates the events.

    Args:
        agenda: the agenda to export.
        stamp: the DTSTAMP (when the file was made), an aware datetime; default: the start of the
            earliest meeting, so that the same agenda always gives the same bytes.
    """
    import icalendar  # lazily: only this export needs it (STYLE §2)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", agenda.title or agenda.name)
    meetings = agenda.in_order()
    if stamp is None:
        stamp = meetings[0].start_utc if meetings else datetime(1970, 1, 1, tzinfo=UTC)
    elif stamp.utcoffset() is None:
        raise ValueError(f"stamp must be an aware datetime, got the naive {stamp.isoformat()}")
    for meeting in meetings:
        calendar.add_component(_event(agenda, meeting, stamp.astimezone(UTC)))
    if meetings:
        first = min(m.start_utc for m in meetings).year
        last = max(m.end_utc for m in meetings).year
        calendar.add_missing_timezones(first_date=date(first, 1, 1), last_date=date(last + 1, 1, 1))
    return bytes(calendar.to_ical())


def _event(agenda: Agenda, meeting: Meeting, stamp: datetime) -> icalendar.Event:
    import icalendar

    event = icalendar.Event()
    event.add("uid", f"{meeting.id}@{_slug(agenda.name)}.summitry")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    event.add("summary", meeting.title)
    if meeting.venue:
        event.add("location", meeting.venue)
    event.add("categories", [meeting.kind.value])
    event.add("description", _description(meeting))
    return event


def _description(meeting: Meeting) -> str:
    lines = [
        f"Kind: {meeting.kind.value}",
        f"Participants: {', '.join(meeting.participants)}",
    ]
    if meeting.negotiation is not None:
        lines.append(f"Negotiation: {meeting.negotiation.describe()}")
    if meeting.description:
        lines += ["", meeting.description]
    return "\n".join(lines)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "agenda"

"""The iCalendar export reads back, with icalendar, as the same meetings at the same instants."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from summitry.formats.summit_files import load_summit
from summitry.summit import Agenda, LinkedNegotiation, Meeting, to_ics

ZONES = ["Asia/Ho_Chi_Minh", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_hanoi_exports_one_event_per_meeting_at_the_same_instants() -> None:
    agenda = load_summit("hanoi")
    parsed = {str(e["UID"]): e for e in events(to_ics(agenda))}
    assert len(parsed) == len(agenda.meetings) == 7
    for meeting in agenda.meetings:
        event = parsed[f"{meeting.id}@hanoi.summitry"]
        assert event.decoded("DTSTART") == meeting.start
        assert event.decoded("DTEND") == meeting.end
        assert event.decoded("DTSTART").tzinfo.key == "Asia/Ho_Chi_Minh"
        assert str(event["SUMMARY"]) == meeting.title
        assert str(event["LOCATION"]) == meeting.venue
        assert all(p in str(event["DESCRIPTION"]) for p in meeting.participants)


def test_hanoi_one_on_one_is_11_30_gmt() -> None:
    (event,) = [e for e in events(to_ics(load_summit("hanoi"))) if str(e["UID"]).startswith("day1-one-on-one@")]
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2019, 2, 27, 11, 30, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=20)


def test_calendar_carries_a_vtimezone_per_zone_used() -> None:
    calendar = icalendar.Calendar.from_ical(to_ics(load_summit("hanoi")))
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"])


def test_description_names_the_linked_negotiation_and_kind() -> None:
    (event,) = [e for e in events(to_ics(load_summit("hanoi"))) if str(e["UID"]).startswith("day2-expanded")]
    description = str(event["DESCRIPTION"])
    assert "Kind: plenary" in description
    assert "Negotiation: hanoi-deal (sao; dprk=hardheaded, usa=bayesian" in description


def test_same_agenda_same_bytes_unless_stamped() -> None:
    agenda = load_summit("hanoi")
    assert to_ics(agenda) == to_ics(agenda)
    stamped = to_ics(agenda, stamp=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert b"DTSTAMP:20260102T030405Z" in stamped


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2035, 12, 31)).map(
                lambda d: d.replace(microsecond=0)
            ),
            st.sampled_from(ZONES),
            st.integers(1, 24 * 60),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_agenda_round_trips_through_icalendar(specs: list[tuple[datetime, str, int]]) -> None:
    """Aware datetimes read back compare equal to the meetings' start and end, in any zone."""
    meetings = []
    for k, (local, zone, minutes) in enumerate(specs):
        start = local.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        if start.astimezone(UTC).astimezone(start.tzinfo).replace(tzinfo=None) != local:
            continue  # a local time inside a DST gap: not a valid meeting start
        meetings.append(
            Meeting(
                id=f"m{k}",
                title=f"Meeting {k}; with, commas",
                start=start,
                duration=timedelta(minutes=minutes),
                participants=("A", "B"),
                negotiation=LinkedNegotiation(scenario="s", protocol="sao") if k % 2 else None,
            )
        )
    agenda = Agenda(name="random summit", home_zone=zoneinfo.ZoneInfo("UTC"), meetings=tuple(meetings))
    parsed = {str(e["UID"]): e for e in events(to_ics(agenda))}
    assert len(parsed) == len(meetings)
    for meeting in meetings:
        event = parsed[f"{meeting.id}@random-summit.summitry"]
        assert event.decoded("DTSTART") == meeting.start
        assert event.decoded("DTEND") == meeting.end
        assert str(event["SUMMARY"]) == meeting.title

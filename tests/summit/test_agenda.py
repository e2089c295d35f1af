"""Meetings keep their invariants; agendas group days and report clashes of one participant."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summitry.errors import AgendaError, InvalidMeetingError
from summitry.summit import Agenda, LinkedNegotiation, Meeting, MeetingKind, format_duration

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def meeting(
    id: str, hour: int, minute: int = 0, minutes: int = 30, who: tuple[str, ...] = ("A", "B"), day: int = 27
) -> Meeting:
    return Meeting(
        id=id,
        title=f"Meeting {id}",
        start=datetime(2019, 2, day, hour, minute, tzinfo=HANOI),
        duration=timedelta(minutes=minutes),
        participants=who,
    )


def test_end_is_start_plus_duration() -> None:
    m = meeting("a", 18, 30, minutes=20)
    assert m.end == datetime(2019, 2, 27, 18, 50, tzinfo=HANOI)
    assert m.start_utc == datetime(2019, 2, 27, 11, 30, tzinfo=UTC)
    assert m.when() == "18:30 ICT (11:30 GMT)"


def test_duration_is_elapsed_time_across_a_dst_change() -> None:
    """01:30 EST + 1 hour on the March change is 03:30 EDT, not 02:30 (which does not exist)."""
    m = Meeting(
        id="x",
        title="Night call",
        start=datetime(2019, 3, 10, 1, 30, tzinfo=NEW_YORK),
        duration=timedelta(hours=1),
        participants=("A",),
    )
    assert m.end.replace(tzinfo=None) == datetime(2019, 3, 10, 3, 30)
    assert m.end_utc - m.start_utc == timedelta(hours=1)


@pytest.mark.parametrize("minutes", [0, -20])
def test_zero_or_negative_duration_is_refused(minutes: int) -> None:
    with pytest.raises(InvalidMeetingError, match="meeting 'a'"):
        meeting("a", 18, minutes=minutes)


def test_negative_duration_says_it_ends_before_it_starts() -> None:
    with pytest.raises(
        InvalidMeetingError, match=r"ends before it starts \(start 2019-02-27 18:30, end 2019-02-27 18:10\)"
    ):
        meeting("a", 18, 30, minutes=-20)


def test_start_must_be_in_a_named_zone() -> None:
    for start in (datetime(2019, 2, 27, 18, 30), datetime(2019, 2, 27, 18, 30, tzinfo=timezone(timedelta(hours=7)))):
        with pytest.raises(InvalidMeetingError, match="zone"):
            Meeting(id="a", title="A", start=start, duration=timedelta(minutes=5), participants=("A",))


def test_local_time_in_a_dst_gap_is_refused() -> None:
    with pytest.raises(InvalidMeetingError, match=r"02:30 does not exist in America/New_York.*did you mean 03:30"):
        Meeting(
            id="a",
            title="A",
            start=datetime(2019, 3, 10, 2, 30, tzinfo=NEW_YORK),
            duration=timedelta(minutes=5),
            participants=("A",),
        )


def test_participants_are_required_and_unique() -> None:
    with pytest.raises(InvalidMeetingError, match="at least one participant"):
        meeting("a", 9, who=())
    with pytest.raises(InvalidMeetingError, match="listed twice: A"):
        meeting("a", 9, who=("A", "B", "A"))
    with pytest.raises(InvalidMeetingError, match="non-empty names, got ' '"):
        meeting("a", 9, who=("A", " "))


def test_kind_accepts_its_text_and_refuses_others() -> None:
    m = Meeting(
        id="a",
        title="A",
        start=datetime(2019, 2, 27, tzinfo=HANOI),
        duration=timedelta(hours=1),
        participants=("A",),
        kind="dinner",  # type: ignore[arg-type]
    )
    assert m.kind is MeetingKind.DINNER
    with pytest.raises(InvalidMeetingError, match="kind must be one of one-on-one, dinner, plenary, working-session"):
        Meeting(
            id="a",
            title="A",
            start=datetime(2019, 2, 27, tzinfo=HANOI),
            duration=timedelta(hours=1),
            participants=("A",),
            kind="banquet",  # type: ignore[arg-type]
        )


def test_overlapping_meetings_of_a_participant_conflict() -> None:
    agenda = Agenda(
        name="t",
        home_zone=HANOI,
        meetings=(meeting("a", 9, minutes=60, who=("A", "B")), meeting("b", 9, 30, who=("B", "C"))),
    )
    (conflict,) = agenda.conflicts()
    assert conflict.participant == "B"
    assert (conflict.first.id, conflict.second.id) == ("a", "b")
    assert "B: 'Meeting a'" in conflict.describe()


def test_back_to_back_meetings_do_not_conflict() -> None:
    agenda = Agenda(name="t", home_zone=HANOI, meetings=(meeting("a", 9, minutes=60), meeting("b", 10, minutes=30)))
    assert agenda.conflicts() == ()


def test_overlap_without_a_shared_participant_is_no_conflict() -> None:
    agenda = Agenda(name="t", home_zone=HANOI, meetings=(meeting("a", 9, who=("A",)), meeting("b", 9, who=("B",))))
    assert agenda.conflicts() == ()


def test_overlap_across_zones_is_found() -> None:
    """09:00 in Hanoi is 21:00 the day before in New York: the same instant clashes."""
    call = Meeting(
        id="call",
        title="Call",
        start=datetime(2019, 2, 27, 21, 0, tzinfo=NEW_YORK),
        duration=timedelta(minutes=30),
        participants=("A",),
    )
    agenda = Agenda(name="t", home_zone=HANOI, meetings=(meeting("a", 9, day=28, who=("A",)), call))
    assert [(c.first.id, c.second.id) for c in agenda.conflicts()] == [("a", "call")]


@given(
    st.lists(
        st.tuples(st.integers(0, 20 * 60), st.integers(1, 180), st.sets(st.sampled_from("ABC"), min_size=1)),
        max_size=8,
    )
)
def test_conflicts_are_exactly_the_overlapping_pairs(specs: list[tuple[int, int, set[str]]]) -> None:
    """Every reported pair overlaps and shares its participant; every such pair is reported."""
    meetings = tuple(
        Meeting(
            id=f"m{k}",
            title=f"M{k}",
            start=datetime(2019, 2, 28, tzinfo=HANOI) + timedelta(minutes=offset),
            duration=timedelta(minutes=length),
            participants=tuple(sorted(who)),
        )
        for k, (offset, length, who) in enumerate(specs)
    )
    found = {
        (c.participant, frozenset((c.first.id, c.second.id)))
        for c in Agenda(name="t", home_zone=HANOI, meetings=meetings).conflicts()
    }
    expected = {
        (p, frozenset((a.id, b.id)))
        for i, a in enumerate(meetings)
        for b in meetings[i + 1 :]
        if a.start_utc < b.end_utc and b.start_utc < a.end_utc
        for p in set(a.participants) & set(b.participants)
    }
    assert found == expected


def test_days_are_counted_in_the_home_zone() -> None:
    agenda = Agenda(
        name="t",
        home_zone="Asia/Ho_Chi_Minh",  # type: ignore[arg-type]
        meetings=(meeting("late", 23, day=27), meeting("next", 9, day=28), meeting("first", 18, day=27)),
    )
    assert [(n, d.isoformat(), [m.id for m in ms]) for n, d, ms in agenda.days()] == [
        (1, "2019-02-27", ["first", "late"]),
        (2, "2019-02-28", ["next"]),
    ]


def test_duplicate_meeting_ids_are_refused() -> None:
    with pytest.raises(AgendaError, match="two meetings have the id 'a'"):
        Agenda(name="t", home_zone=HANOI, meetings=(meeting("a", 9), meeting("a", 11)))


def test_linked_negotiation_describes_itself() -> None:
    deal = LinkedNegotiation(
        scenario="hanoi-deal",
        protocol="sao",
        agents=("boulware", "conceder"),
        parties=("dprk", "usa"),
        rounds=40,
        seed=7,
    )
    assert deal.describe() == "hanoi-deal (sao; dprk=boulware, usa=conceder; 40 rounds; seed 7)"
    with pytest.raises(AgendaError, match="one party per agent"):
        LinkedNegotiation(scenario="s", protocol="sao", agents=("a",), parties=("x", "y"))
    with pytest.raises(AgendaError, match="rounds: expected a positive integer"):
        LinkedNegotiation(scenario="s", protocol="sao", rounds=0)


@pytest.mark.parametrize(
    ("minutes", "text"), [(20, "20 min"), (60, "1h"), (90, "1h30"), (65, "1h05"), (-20, "-20 min")]
)
def test_format_duration(minutes: int, text: str) -> None:
    assert format_duration(timedelta(minutes=minutes)) == text


def test_fractions_of_a_second_are_refused() -> None:
    """iCalendar keeps whole seconds; a meeting that could not round-trip is refused."""
    with pytest.raises(InvalidMeetingError, match="whole seconds"):
        Meeting(
            id="a",
            title="A",
            start=datetime(2019, 2, 27, 18, 30, 0, 1, tzinfo=HANOI),
            duration=timedelta(minutes=5),
            participants=("A",),
        )

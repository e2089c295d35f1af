"""Summit files: the shipped Hanoi summit loads; bad items are named with file, item and line."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from summitry.errors import (
    AgendaError,
    InvalidMeetingError,
    SummitFileError,
    UnknownSummitError,
    UnknownTimeZoneError,
)
from summitry.formats.summit_files import load_summit, parse_summit, shipped_summits
from summitry.summit import MeetingKind

GOOD = """\
name: test
timezone: Asia/Ho_Chi_Minh
meetings:
  - id: a
    title: A
    date: 2019-02-27
    start: 18:30
    duration: 20 min
    participants: [X, Y]
  - id: b
    title: B
    date: 2019-02-27
    start: "19:00"
    end: "20:30"
    timezone: Asia/Bangkok
    participants: [X]
    negotiation: {scenario: s, protocol: sao, agents: "boulware,conceder", rounds: 40, seed: 7}
  - id: c
    title: C
    date: 2019-02-28
    start: "09:00"
    duration: 1h30
    participants: [Y]
"""


def write(tmp_path: Path, text: str, name: str = "summit.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_hanoi_summit() -> None:
    assert "hanoi" in shipped_summits()
    agenda = load_summit("hanoi")
    assert agenda.home_zone.key == "Asia/Ho_Chi_Minh"
    assert "illustrative" in agenda.description.lower()
    first, dinner = agenda.in_order()[:2]
    assert first.when() == "18:30 ICT (11:30 GMT)"
    assert first.duration == timedelta(minutes=20)
    assert first.venue.startswith("Sofitel Legend Metropole")
    assert first.kind is MeetingKind.ONE_ON_ONE
    assert dinner.kind is MeetingKind.DINNER
    assert dinner.start.strftime("%H:%M") == "19:00"
    assert dinner.negotiation is not None
    assert (dinner.negotiation.scenario, dinner.negotiation.protocol) == ("hanoi-dinner", "mediation")
    assert dinner.negotiation.amendments, "the delegations redraft the chefs' menu"
    deals = [m.negotiation for m in agenda.meetings if m.negotiation and m.negotiation.scenario == "hanoi-deal"]
    assert len(deals) == 1
    assert deals[0].protocol == "sao"
    assert dict(zip(deals[0].parties, deals[0].agents, strict=True)) == {"dprk": "hardheaded", "usa": "bayesian"}
    assert [n for n, _, _ in agenda.days()] == [1, 2]
    assert {m.kind for m in agenda.meetings} == set(MeetingKind)
    assert agenda.conflicts() == ()


def test_reads_times_durations_zones_and_negotiations(tmp_path: Path) -> None:
    agenda = load_summit(write(tmp_path, GOOD))
    a, b, c = agenda.in_order()
    assert a.start_utc == datetime(2019, 2, 27, 11, 30, tzinfo=UTC)  # unquoted 18:30 is a time, not 1110
    assert b.zone == zoneinfo.ZoneInfo("Asia/Bangkok")
    assert b.duration == timedelta(minutes=90)
    assert b.negotiation is not None and b.negotiation.agents == ("boulware", "conceder")
    assert (b.negotiation.rounds, b.negotiation.seed) == (40, 7)
    assert c.duration == timedelta(hours=1, minutes=30)


@pytest.mark.parametrize(
    ("old", "new", "error", "message"),
    [
        (
            "    timezone: Asia/Bangkok",
            "    timezone: Asia/Hanoy",
            UnknownTimeZoneError,
            r"^summit\.yaml: meetings\[1\]\.timezone: unknown time zone 'Asia/Hanoy'; "
            r"did you mean 'Asia/Ho_Chi_Minh' \(the zone for Hanoi\)\? \(line 15\)$",
        ),
        (
            'end: "20:30"',
            'end: "18:10"',
            InvalidMeetingError,
            r"^summit\.yaml: meetings\[1\]\.end: meeting 'b': ends before it starts .* \(line 14\)$",
        ),
        ("duration: 20 min", "duration: -5", InvalidMeetingError, r"meetings\[0\]\.duration: .*ends before it starts"),
        ("duration: 20 min", "duration: soon", SummitFileError, r"meetings\[0\]\.duration: expected minutes"),
        ("duration: 20 min", "duration: 0", InvalidMeetingError, r"meetings\[0\]\.duration: .*must be positive"),
        ("duration: 1h30", 'end: "10:00"\n    duration: 1h30', SummitFileError, r"meetings\[2\]: .*exactly one"),
        ("    title: A\n", "", SummitFileError, r"meetings\[0\]\.title: required field is missing \(line 4\)"),
        (
            "    title: A\n",
            "    titel: A\n",
            SummitFileError,
            r"meetings\[0\]\.titel: unknown field; did you mean 'title'",
        ),
        ("start: 18:30", "start: 25:00", SummitFileError, r"meetings\[0\]\.start: expected a local time HH:MM"),
        ("start: 18:30", "start: 1830", SummitFileError, r"meetings\[0\]\.start: expected a local time as text"),
        ("date: 2019-02-27", "date: 2019-02-30", SummitFileError, r"meetings\[0\]\.date: "),
        ("participants: [X, Y]", "participants: []", InvalidMeetingError, r"meetings\[0\]: .*at least one"),
        ("id: b", "id: a", AgendaError, r"meetings\[1\]\.id: id 'a' is already used by meetings\[0\]"),
        ("timezone: Asia/Ho_Chi_Minh", "timezone: Hanoi", UnknownTimeZoneError, r"^summit\.yaml: timezone: "),
        ("rounds: 40", "rounds: 0", SummitFileError, r"meetings\[1\]\.negotiation\.rounds: "),
        ("seed: 7}", "seed: 7, amendments: true}", AgendaError, r"only mediation takes amendments, but .* 'sao'"),
        ("[X, Y]", "[X, Y", SummitFileError, r"^summit\.yaml:\d+:\d+: malformed YAML"),
        ("    title: C\n", "    title: C\n    title: D\n", SummitFileError, r"duplicate key 'title' \(first on line"),
    ],
)
def test_bad_items_are_named(tmp_path: Path, old: str, new: str, error: type[Exception], message: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(error, match=message):
        parse_summit(path.read_text(), source=path.name)


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "name: x\n", "name: x\ntimezone: UTC\nmeetings: []\n"])
def test_not_a_summit(text: str) -> None:
    with pytest.raises(SummitFileError, match=r"^s\.yaml: "):
        parse_summit(text, source="s.yaml")


def test_unknown_names_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(
        UnknownSummitError, match=r"'hanio': no such summit file or shipped summit; did you mean 'hanoi'"
    ):
        load_summit("hanio")
    with pytest.raises(UnknownSummitError, match=r"missing\.yaml: no such file"):
        load_summit(tmp_path / "missing.yaml")
    with pytest.raises(SummitFileError, match="is a folder"):
        load_summit(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SummitFileError, match="expected UTF-8"):
        load_summit(path)

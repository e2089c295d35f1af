"""Time zones: lookup with suggestions, and local/GMT display ("18:30 ICT (11:30 GMT)")."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summitry.errors import UnknownTimeZoneError
from summitry.summit import (
    format_gmt,
    format_in_zone,
    format_local,
    format_local_and_gmt,
    time_zone,
    zone_abbreviation,
)

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
ZONES = sorted(zoneinfo.available_timezones())


def test_hanoi_one_on_one_shows_ict_and_gmt() -> None:
    assert format_local_and_gmt(datetime(2019, 2, 27, 18, 30, tzinfo=HANOI)) == "18:30 ICT (11:30 GMT)"


def test_numeric_zone_names_fall_back_to_utc_offsets() -> None:
    assert zone_abbreviation(datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty"))) in {"UTC+5", "UTC+6"}
    assert zone_abbreviation(datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Kathmandu"))) == "NPT"
    assert zone_abbreviation(datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("Etc/GMT-14"))) == "UTC+14"
    assert zone_abbreviation(datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Colombo"))) == "UTC+5:30"


def test_usual_abbreviation_only_at_its_own_offset() -> None:
    """Saigon was UTC+8 in 1970: not "ICT", which means UTC+7."""
    assert zone_abbreviation(datetime(1970, 6, 1, 12, tzinfo=HANOI)) == "UTC+8"


def test_new_york_across_the_march_dst_change() -> None:
    before = datetime(2019, 3, 9, 9, 0, tzinfo=NEW_YORK)
    after = datetime(2019, 3, 11, 9, 0, tzinfo=NEW_YORK)
    assert format_local_and_gmt(before) == "09:00 EST (14:00 GMT)"
    assert format_local_and_gmt(after) == "09:00 EDT (13:00 GMT)"


def test_other_zone_marks_a_different_date() -> None:
    morning = datetime(2019, 2, 28, 9, 0, tzinfo=HANOI)
    assert format_in_zone(morning, NEW_YORK) == "21:00 EST -1d"
    assert format_in_zone(morning, HANOI) == "09:00 ICT"
    assert format_gmt(datetime(2019, 2, 28, 1, 0, tzinfo=HANOI)) == "18:00 GMT -1d"


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Asia/Hanoy", "Asia/Ho_Chi_Minh"),
        ("Asia/Hanoi", "Asia/Ho_Chi_Minh"),
        ("Europe/Londn", "Europe/London"),
        ("america/new_york", "America/New_York"),
        ("America/New York", "America/New_York"),
    ],
)
def test_unknown_zone_suggests_a_real_one(typed: str, suggested: str) -> None:
    with pytest.raises(UnknownTimeZoneError, match=rf"unknown time zone '{typed}'; did you mean '{suggested}'"):
        time_zone(typed)


def test_unknown_zone_is_a_lookup_and_value_error() -> None:
    with pytest.raises(LookupError):
        time_zone("Nowhere/Atall")
    with pytest.raises(ValueError, match="expected an IANA name"):
        time_zone("Nowhere/Atall")


@pytest.mark.parametrize("bad", ["", "Asia", "../etc/passwd", "/etc/localtime", "posixrules"])
def test_paths_and_folders_are_not_zones(bad: str) -> None:
    with pytest.raises(UnknownTimeZoneError):
        time_zone(bad)


_DISPLAY = re.compile(r"^(\d\d):(\d\d) (\S+) \((\d\d):(\d\d) GMT(?: ([+-]\d+)d)?\)$")


@given(
    start=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
    zone=st.sampled_from(ZONES),
    duration=st.integers(1, 48 * 60).map(lambda m: timedelta(minutes=m)),
)
def test_gmt_display_is_local_time_converted_to_utc(start: datetime, zone: str, duration: timedelta) -> None:
    """For any start, zone and duration, the GMT shown is the local instant converted to UTC."""
    moment = start.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    end = (moment.astimezone(UTC) + duration).astimezone(moment.tzinfo)
    for shown in (moment, end):
        match = _DISPLAY.match(format_local_and_gmt(shown))
        assert match is not None, format_local_and_gmt(shown)
        utc = shown.astimezone(UTC)
        assert (int(match[1]), int(match[2])) == (shown.hour, shown.minute)
        assert (int(match[4]), int(match[5])) == (utc.hour, utc.minute)
        assert int(match[6] or 0) == (utc.date() - shown.date()).days
        assert match[3] == zone_abbreviation(shown)
        assert format_local(shown).startswith(f"{shown:%H:%M} ")

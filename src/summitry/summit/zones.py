"""Time zones for agendas: look a zone up by IANA name, and show a time as "18:30 ICT (11:30 GMT)"."""

from __future__ import annotations

import difflib
import functools
import zoneinfo
from datetime import UTC, datetime, timedelta, tzinfo

from summitry.errors import UnknownTimeZoneError

__all__ = [
    "format_gmt",
    "format_in_zone",
    "format_local",
    "format_local_and_gmt",
    "time_zone",
    "zone_abbreviation",
    "zone_name",
]

# Zones for which the IANA database gives only a numeric name ("+07"): the abbreviation people
# use, and the UTC offset (minutes) it stands for. An abbreviation is shown only while the zone
# is at that offset, so historical offsets (Saigon was UTC+8 until 1975) fall back to "UTC+8".
_USUAL_ABBREVIATIONS: dict[str, tuple[str, int]] = {
    "Asia/Ho_Chi_Minh": ("ICT", 7 * 60),
    "Asia/Saigon": ("ICT", 7 * 60),
    "Asia/Bangkok": ("ICT", 7 * 60),
    "Asia/Phnom_Penh": ("ICT", 7 * 60),
    "Asia/Vientiane": ("ICT", 7 * 60),
    "Asia/Singapore": ("SGT", 8 * 60),
    "Singapore": ("SGT", 8 * 60),
    "Asia/Kuala_Lumpur": ("MYT", 8 * 60),
    "Asia/Dubai": ("GST", 4 * 60),
    "Asia/Muscat": ("GST", 4 * 60),
    "Asia/Riyadh": ("AST", 3 * 60),
    "Asia/Qatar": ("AST", 3 * 60),
    "Asia/Kuwait": ("AST", 3 * 60),
    "Asia/Baghdad": ("AST", 3 * 60),
    "Asia/Tehran": ("IRST", 3 * 60 + 30),
    "Asia/Tashkent": ("UZT", 5 * 60),
    "Asia/Baku": ("AZT", 4 * 60),
    "Asia/Kathmandu": ("NPT", 5 * 60 + 45),
    "Asia/Yangon": ("MMT", 6 * 60 + 30),
    "Europe/Istanbul": ("TRT", 3 * 60),
    "America/Sao_Paulo": ("BRT", -3 * 60),
    "America/Argentina/Buenos_Aires": ("ART", -3 * 60),
    "America/Buenos_Aires": ("ART", -3 * 60),
}

# Places people type that are not zone names of their own: the zone that holds them.
_PLACES: dict[str, str] = {
    "Asia/Hanoi": "Asia/Ho_Chi_Minh",
    "Asia/Beijing": "Asia/Shanghai",
    "Asia/New_Delhi": "Asia/Kolkata",
    "America/Washington": "America/New_York",
    "America/Ottawa": "America/Toronto",
    "America/Brasilia": "America/Sao_Paulo",
    "Australia/Canberra": "Australia/Sydney",
    "Europe/Geneva": "Europe/Zurich",
}


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone(name: str) -> zoneinfo.ZoneInfo:
    """Return the IANA time zone called ``name`` (e.g. ``"Asia/Ho_Chi_Minh"``).

    Raises:
        UnknownTimeZoneError: ``name`` is not in the IANA database; the message suggests the
            closest names ("did you mean ...?").
    """
    if not isinstance(name, str) or name not in _known_zones():
        raise UnknownTimeZoneError(f"unknown time zone {name!r}{_suggestion(name)}")
    return zoneinfo.ZoneInfo(name)


def _suggestion(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        return "; expected an IANA name such as 'Asia/Ho_Chi_Minh' or 'Europe/London'"
    by_folded = {zone.casefold(): zone for zone in _known_zones()}
    by_folded.update({place.casefold(): place for place in _PLACES})
    folded = name.strip().replace(" ", "_").casefold()
    if folded in by_folded:
        matches = [by_folded[folded]]
    else:
        matches = [by_folded[m] for m in difflib.get_close_matches(folded, by_folded, n=1, cutoff=0.75)]
        if not matches:  # a bare city: "hanoi", "Saigon", "new york"
            matches = [by_folded[key] for key in by_folded if key.rsplit("/", 1)[-1] == folded][:1]
    if not matches:
        return "; expected an IANA name such as 'Asia/Ho_Chi_Minh' or 'Europe/London'"
    match = matches[0]
    if match in _PLACES:
        city = match.rsplit("/", 1)[-1].replace("_", " ")
        return f"; did you mean {_PLACES[match]!r} (the zone for {city})?"
    return f"; did you mean {match!r}?"


def zone_name(zone: tzinfo) -> str:
    """Return the IANA key of ``zone`` ("Asia/Ho_Chi_Minh"), or its ``str`` for other tzinfos."""
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) else str(zone)


def _offset_text(offset: timedelta) -> str:
    minutes = round(offset.total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_abbreviation(moment: datetime) -> str:
    """Return the usual abbreviation of the zone at ``moment`` ("ICT", "EDT"), else "UTC+7".

    Python's IANA data names some zones only by their offset ("+07"); common ones are mapped to
    the abbreviation people use, the others are shown as "UTC+7" / "UTC+5:45".
    """
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"expected an aware datetime, got the naive {moment.isoformat()}")
    name = moment.tzname() or ""
    if name and name[0] not in "+-" and not name[0].isdigit():
        return name
    usual = _USUAL_ABBREVIATIONS.get(zone_name(moment.tzinfo)) if moment.tzinfo is not None else None
    if usual is not None and usual[1] * 60 == round(offset.total_seconds()):
        return usual[0]
    return _offset_text(offset)


def _day_shift(local: datetime, other: datetime) -> str:
    days = (other.date() - local.date()).days
    return "" if days == 0 else f" {days:+d}d"


def format_local(moment: datetime) -> str:
    """Return ``moment`` as local clock time with the zone's abbreviation: "18:30 ICT"."""
    return f"{moment:%H:%M} {zone_abbreviation(moment)}"


def format_gmt(moment: datetime, *, relative_to: datetime | None = None) -> str:
    """Return ``moment`` in GMT (UTC): "11:30 GMT", with " -1d" / " +1d" if the date differs.

    The date is compared with ``relative_to`` (default: ``moment`` itself, in its own zone).
    """
    gmt = moment.astimezone(UTC)
    return f"{gmt:%H:%M} GMT{_day_shift(relative_to or moment, gmt)}"


def format_in_zone(moment: datetime, zone: tzinfo) -> str:
    """Return ``moment`` as clock time in ``zone`` with its abbreviation, e.g. "06:30 EST".

    A " -1d" / " +1d" suffix says that the date there differs from the date in ``moment``'s zone.
    """
    there = moment.astimezone(zone)
    return f"{format_local(there)}{_day_shift(moment, there)}"


def format_local_and_gmt(moment: datetime) -> str:
    """Return local time and GMT side by side: "18:30 ICT (11:30 GMT)"."""
    return f"{format_local(moment)} ({format_gmt(moment)})"

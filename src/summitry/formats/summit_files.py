"""Summit files (YAML): an agenda of meetings bound to the negotiations they host.

The format is documented, with an example, in docs/agenda.md: a ``name``, a home ``timezone``
and ``meetings`` (id, title, local date and start, duration or end, optional zone, venue, kind,
participants and an optional ``negotiation: {scenario, protocol, agents, rounds, seed}``).

Errors name the file, the item and its line:
``hanoi.yaml: meetings[2].timezone: unknown time zone 'Asia/Hanoy'; did you mean ...? (line 23)``.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib.resources
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from summitry.errors import AgendaError, SummitFileError, UnknownSummitError
from summitry.formats.atomic import write_bytes
from summitry.formats.validation import StrictModel, validate
from summitry.formats.yaml_files import YamlDocument, parse_yaml, read_text_file
from summitry.summit import Agenda, LinkedNegotiation, Meeting, MeetingKind, time_zone

__all__ = ["load_summit", "parse_summit", "shipped_summits", "write_ics"]

_SHIPPED_PACKAGE = "summitry"
_SHIPPED_FOLDER = ("data", "summits")

Path_ = tuple[str | int, ...]


# ---------------------------------------------------------------- the schema (pydantic, at the edge)


class NegotiationEntry(StrictModel):
    """``negotiation:`` of a meeting: which scenario to negotiate, under which protocol, by whom."""

    scenario: str = Field(min_length=1)
    protocol: str = Field(min_length=1)
    agents: list[str] | dict[str, str] = Field(default_factory=list)
    rounds: int | None = Field(default=None, ge=1)
    seed: int | None = None
    amendments: bool = False
    profiles: list[str] = Field(default_factory=list)

    @field_validator("profiles", mode="before")
    @classmethod
    def _profiles_shape(cls, value: Any) -> Any:
        if isinstance(value, str):  # "a.xml,b.xml", as on the command line
            return [name.strip() for name in value.split(",") if name.strip()]
        return value

    @field_validator("agents", mode="before")
    @classmethod
    def _agents_shape(cls, value: Any) -> Any:
        if isinstance(value, str):  # "boulware,conceder", as on the command line
            return [name.strip() for name in value.split(",") if name.strip()]
        ok_list = isinstance(value, list) and all(isinstance(v, str) for v in value)
        ok_map = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        if not (ok_list or ok_map):
            raise ValueError(f"expected a list of agent names or a mapping party: agent, got {value!r}")
        return value


class MeetingEntry(StrictModel):
    """One item of ``meetings:``."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    day: date = Field(alias="date")
    start: str
    duration: str | int | None = None
    end: str | None = None
    timezone: str | None = None
    venue: str = ""
    kind: Literal["one-on-one", "dinner", "plenary", "working-session"] = "working-session"
    participants: list[str]
    description: str = ""
    negotiation: NegotiationEntry | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _quoted_time(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError(f'expected a local time as text, e.g. "18:30" (in quotes), got {value!r}')
        return value


class SummitFile(StrictModel):
    """The whole file."""

    name: str = Field(min_length=1)
    title: str = ""
    description: str = ""
    illustrative: bool = False
    timezone: str
    meetings: list[MeetingEntry] = Field(min_length=1)


# ---------------------------------------------------------------- located messages


@contextlib.contextmanager
def _at(document: YamlDocument, at: Path_) -> Iterator[None]:
    """Re-raise domain errors raised inside with the file, the item and its line in front, same class."""
    try:
        yield
    except AgendaError as exc:
        raise type(exc)(document.message(at, str(exc))) from exc


# ---------------------------------------------------------------- reading


def shipped_summits() -> tuple[str, ...]:
    """Return the names of the summits shipped with summitry (e.g. ``("hanoi",)``)."""
    folder = importlib.resources.files(_SHIPPED_PACKAGE).joinpath(*_SHIPPED_FOLDER)
    if not folder.is_dir():
        return ()
    return tuple(sorted(e.name.removesuffix(".yaml") for e in folder.iterdir() if e.name.endswith(".yaml")))


def load_summit(ref: str | os.PathLike[str]) -> Agenda:
    """Return the agenda in a summit file, or in the shipped summit of that name (``"hanoi"``).

    Raises:
        UnknownSummitError: ``ref`` is neither a file nor a shipped summit (with a suggestion).
        SummitFileError: the file is not UTF-8, not YAML, or does not follow the schema.
        UnknownTimeZoneError, InvalidMeetingError, AgendaError: an item breaks the agenda's
            rules; each message names the file, the item (``meetings[2].timezone``) and its line.
    """
    path = Path(ref)
    if path.is_file() or path.is_dir():
        return parse_summit(read_text_file(path, error=SummitFileError, what="summit file (.yaml)"), source=str(ref))
    shipped = shipped_summits()
    name = str(ref)
    if name in shipped:
        resource = importlib.resources.files(_SHIPPED_PACKAGE).joinpath(*_SHIPPED_FOLDER, f"{name}.yaml")
        return parse_summit(resource.read_text(encoding="utf-8"), source=f"{name}.yaml")
    close = difflib.get_close_matches(path.stem, shipped, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(shipped) or "none"
    if path.suffix or len(path.parts) > 1:
        raise UnknownSummitError(f"{name}: no such file{hint} (shipped summits: {listing})")
    raise UnknownSummitError(f"{name!r}: no such summit file or shipped summit{hint} (shipped summits: {listing})")


def parse_summit(text: str, *, source: str = "<summit>") -> Agenda:
    """Return the agenda described by the YAML ``text``; ``source`` names it in error messages.

    Raises:
        SummitFileError, UnknownTimeZoneError, InvalidMeetingError, AgendaError: as
            :func:`load_summit`.
    """
    document = parse_yaml(text, source, error=SummitFileError)
    model = validate(SummitFile, document, error=SummitFileError, what="summit file")
    return _agenda(model, document)


# ---------------------------------------------------------------- schema -> domain objects


def _agenda(model: SummitFile, document: YamlDocument) -> Agenda:
    with _at(document, ("timezone",)):
        home = time_zone(model.timezone)
    meetings: list[Meeting] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(model.meetings):
        if entry.id in first_index:
            raise AgendaError(
                document.message(
                    ("meetings", index, "id"), f"id {entry.id!r} is already used by meetings[{first_index[entry.id]}]"
                )
            )
        first_index[entry.id] = index
        meetings.append(_meeting(entry, ("meetings", index), home, document))
    with _at(document, ("meetings",)):
        return Agenda(
            name=model.name,
            title=model.title,
            description=model.description,
            illustrative=model.illustrative,
            meetings=tuple(meetings),
            home_zone=home,
        )


def _meeting(entry: MeetingEntry, at: Path_, home: Any, document: YamlDocument) -> Meeting:
    zone = home
    if entry.timezone is not None:
        with _at(document, (*at, "timezone")):
            zone = time_zone(entry.timezone)
    with _at(document, (*at, "start")):
        start = datetime.combine(entry.day, _clock(entry.start), tzinfo=zone)
    duration = _duration(entry, at, zone, start, document)
    negotiation = None
    if entry.negotiation is not None:
        with _at(document, (*at, "negotiation")):
            negotiation = _negotiation(entry.negotiation)
    field = ("end" if entry.end is not None else "duration") if duration <= timedelta(0) else None
    with _at(document, (*at, field) if field else at):
        return Meeting(
            id=entry.id,
            title=entry.title,
            start=start,
            duration=duration,
            venue=entry.venue,
            participants=tuple(entry.participants),
            kind=MeetingKind(entry.kind),
            description=entry.description,
            negotiation=negotiation,
        )


def _duration(entry: MeetingEntry, at: Path_, zone: Any, start: datetime, document: YamlDocument) -> timedelta:
    if (entry.duration is None) == (entry.end is None):
        given = "both" if entry.end is not None else "neither"
        raise SummitFileError(document.message(at, f"expected exactly one of duration or end, got {given}"))
    if entry.end is None:
        with _at(document, (*at, "duration")):
            return _parse_duration(entry.duration)
    with _at(document, (*at, "end")):
        end = _end_time(entry.end, entry.day, zone)
    return end.astimezone(UTC) - start.astimezone(UTC)


_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DURATION = re.compile(
    r"^\s*(-)?\s*(?:(\d{1,9})\s*h(?:ours?|rs?)?)?\s*(?:(\d{1,9})\s*(?:m(?:ins?|inutes?)?)?)?\s*$", re.IGNORECASE
)


def _clock(text: str) -> time:
    match = _CLOCK.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise SummitFileError(f'expected a local time HH:MM (e.g. "18:30"), got {text!r}')
    return time(int(match[1]), int(match[2]))


def _end_time(text: str, day: date, zone: Any) -> datetime:
    if _CLOCK.match(text):
        return datetime.combine(day, _clock(text), tzinfo=zone)
    try:
        naive = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SummitFileError(f'expected HH:MM or "YYYY-MM-DD HH:MM" (local time), got {text!r}') from None
    if naive.tzinfo is not None:
        raise SummitFileError(f"expected a local time without an offset (the zone is the meeting's), got {text!r}")
    return naive.replace(tzinfo=zone)


_MAX_MINUTES = 366 * 24 * 60


def _parse_duration(value: str | int | None) -> timedelta:
    if isinstance(value, int):
        if abs(value) > _MAX_MINUTES:
            raise SummitFileError(f"expected a duration of at most {_MAX_MINUTES:,} minutes (a year), got {value}")
        return timedelta(minutes=value)
    match = _DURATION.match(value or "")
    if not value or not match or (match[2] is None and match[3] is None):
        raise SummitFileError(f'expected minutes or a duration like "20 min", "2h", "1h30", got {value!r}')
    minutes = int(match[2] or 0) * 60 + int(match[3] or 0)
    if minutes > _MAX_MINUTES:
        raise SummitFileError(f"expected a duration of at most {_MAX_MINUTES:,} minutes (a year), got {value!r}")
    return timedelta(minutes=-minutes if match[1] else minutes)


def _negotiation(entry: NegotiationEntry) -> LinkedNegotiation:
    if isinstance(entry.agents, dict):
        parties, agents = tuple(entry.agents), tuple(entry.agents.values())
    else:
        parties, agents = (), tuple(entry.agents)
    return LinkedNegotiation(
        scenario=entry.scenario,
        protocol=entry.protocol,
        agents=agents,
        parties=parties,
        rounds=entry.rounds,
        seed=entry.seed,
        amendments=entry.amendments,
        profiles=tuple(entry.profiles),
    )


# ---------------------------------------------------------------- writing


def write_ics(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write iCalendar bytes to ``path`` atomically (a temporary file in the same folder, then a rename).

    Returns:
        The path written.

    Missing folders are created, as for every output file.
    """
    return write_bytes(path, data)

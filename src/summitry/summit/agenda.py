"""A summit's agenda: time-zone aware meetings, each possibly hosting a negotiation, and their clashes."""

from __future__ import annotations

import enum
import itertools
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from summitry.errors import AgendaError, InvalidMeetingError

from .zones import format_local_and_gmt, time_zone, zone_name

__all__ = ["Agenda", "Conflict", "LinkedNegotiation", "Meeting", "MeetingKind", "format_duration"]


def format_duration(duration: timedelta) -> str:
    """Return a duration as a summit file writes it: "20 min", "2h", "1h30", "-20 min"."""
    minutes = round(duration.total_seconds() / 60)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return f"{sign}{hours}h{rest:02d}"
    return f"{sign}{hours}h" if hours else f"{sign}{rest} min"


class MeetingKind(enum.Enum):
    """What sort of meeting it is."""

    ONE_ON_ONE = "one-on-one"
    DINNER = "dinner"
    PLENARY = "plenary"
    WORKING_SESSION = "working-session"


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedNegotiation:
    """The negotiation a meeting hosts: a scenario by name, the protocol and the agents to run it.

    ``agents`` are plain agent names (e.g. ``("boulware", "conceder")``), one per party; ``parties``
    optionally names the party each agent plays, in the same order (empty: the scenario's order).
    An empty ``agents`` means "the protocol's defaults". ``rounds`` / ``seed`` override the
    scenario's deadline and make the run reproducible. ``amendments`` (mediation only) lets the
    parties redraft the text, each proposing edits that the mediator merges. ``profiles`` chooses
    which profiles of the scenario take part and in which order (a GENIUS folder with more than
    two; empty: all of them).
    """

    scenario: str
    protocol: str
    agents: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    rounds: int | None = None
    seed: int | None = None
    amendments: bool = False
    profiles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "agents", tuple(self.agents))
        object.__setattr__(self, "profiles", tuple(self.profiles))
        if self.amendments and self.protocol != "mediation":
            raise AgendaError(
                f"negotiation.amendments: only mediation takes amendments, but the protocol is {self.protocol!r}"
            )
        object.__setattr__(self, "parties", tuple(self.parties))
        for field in ("scenario", "protocol"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value.strip():
                raise AgendaError(f"negotiation.{field}: expected a non-empty name, got {value!r}")
        for agent in self.agents:
            if not isinstance(agent, str) or not agent.strip():
                raise AgendaError(f"negotiation.agents: expected agent names, got {agent!r}")
        if self.parties and len(self.parties) != len(self.agents):
            raise AgendaError(
                f"negotiation.parties: expected one party per agent ({len(self.agents)}), got {len(self.parties)}"
            )
        if self.rounds is not None and (
            isinstance(self.rounds, bool) or not isinstance(self.rounds, int) or self.rounds < 1
        ):
            raise AgendaError(f"negotiation.rounds: expected a positive integer, got {self.rounds!r}")

    def describe(self) -> str:
        """Return a one-line summary: "hanoi-deal (sao; dprk=boulware, usa=conceder; 40 rounds; seed 7)"."""
        details = [f"{self.protocol} with amendments" if self.amendments else self.protocol]
        if self.agents:
            pairs = zip(self.parties, self.agents, strict=True) if self.parties else None
            details.append(", ".join(f"{p}={a}" for p, a in pairs) if pairs else " vs ".join(self.agents))
        if self.rounds is not None:
            details.append(f"{self.rounds} rounds")
        if self.seed is not None:
            details.append(f"seed {self.seed}")
        return f"{self.scenario} ({'; '.join(details)})"


@dataclass(frozen=True, slots=True, kw_only=True)
class Meeting:
    """One meeting: when (an aware start in a named IANA zone) and for how long, where, who, and why.

    ``duration`` is elapsed time, so a meeting across a daylight-saving change still lasts exactly
    ``duration``; ``end`` is computed through UTC. A local start time that does not exist (inside
    a daylight-saving gap) is refused; an ambiguous one (the repeated hour) means ``start.fold``.

    Raises:
        InvalidMeetingError: empty id/title, a naive start or one not in an IANA zone, a zero or
            negative duration (a meeting ending before it starts), a start or duration with a
            fraction of a second, no or repeated participants.
    """

    id: str
    title: str
    start: datetime
    duration: timedelta
    venue: str = ""
    participants: tuple[str, ...]
    kind: MeetingKind = MeetingKind.WORKING_SESSION
    description: str = ""
    negotiation: LinkedNegotiation | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "participants", tuple(self.participants))
        if isinstance(self.kind, str):
            object.__setattr__(self, "kind", _meeting_kind(self.kind, self.id))
        where = f"meeting {self.id!r}"
        if not isinstance(self.id, str) or not self.id.strip():
            raise InvalidMeetingError(f"a meeting needs a non-empty id, got {self.id!r}")
        if not isinstance(self.title, str) or not self.title.strip():
            raise InvalidMeetingError(f"{where}: needs a non-empty title, got {self.title!r}")
        _check_start(self.start, where)
        if not isinstance(self.duration, timedelta) or self.duration <= timedelta(0):
            raise InvalidMeetingError(_bad_duration(self.start, self.duration, where))
        if self.start.microsecond or self.duration.microseconds:
            raise InvalidMeetingError(
                f"{where}: start and duration must be whole seconds (calendars keep no less), "
                f"got start {self.start.isoformat()} and duration {self.duration}"
            )
        if not self.participants:
            raise InvalidMeetingError(f"{where}: needs at least one participant, got none")
        blank = [p for p in self.participants if not isinstance(p, str) or not p.strip()]
        if blank:
            raise InvalidMeetingError(f"{where}: participants must be non-empty names, got {blank[0]!r}")
        repeated = sorted({p for p in self.participants if self.participants.count(p) > 1})
        if repeated:
            raise InvalidMeetingError(f"{where}: participants listed twice: {', '.join(repeated)}")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """Return the meeting's IANA time zone."""
        assert isinstance(self.start.tzinfo, zoneinfo.ZoneInfo)
        return self.start.tzinfo

    @property
    def start_utc(self) -> datetime:
        """Return the start as a UTC datetime."""
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """Return the end (start + duration, in elapsed time) as a UTC datetime."""
        return self.start_utc + self.duration

    @property
    def end(self) -> datetime:
        """Return the end in the meeting's own zone."""
        return self.end_utc.astimezone(self.zone)

    def overlaps(self, other: Meeting) -> bool:
        """Return whether the two meetings share some time (meeting back to back is not overlapping)."""
        return self.start_utc < other.end_utc and other.start_utc < self.end_utc

    def when(self) -> str:
        """Return the start in local time and GMT: "18:30 ICT (11:30 GMT)"."""
        return format_local_and_gmt(self.start)


def _meeting_kind(value: str, meeting_id: object) -> MeetingKind:
    try:
        return MeetingKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in MeetingKind)
        raise InvalidMeetingError(f"meeting {meeting_id!r}: kind must be one of {kinds}; got {value!r}") from None


def _check_start(start: object, where: str) -> None:
    if not isinstance(start, datetime):
        raise InvalidMeetingError(f"{where}: start must be a datetime, got {start!r}")
    if start.tzinfo is None or start.utcoffset() is None:
        raise InvalidMeetingError(f"{where}: start {start.isoformat()} has no time zone; give an IANA zone")
    if not isinstance(start.tzinfo, zoneinfo.ZoneInfo) or start.tzinfo.key is None:
        raise InvalidMeetingError(
            f"{where}: start must be in a named IANA zone (zoneinfo.ZoneInfo), got {start.tzinfo!r}"
        )
    round_trip = start.astimezone(UTC).astimezone(start.tzinfo)
    if round_trip.replace(tzinfo=None, fold=0) != start.replace(tzinfo=None, fold=0):
        raise InvalidMeetingError(
            f"{where}: {start:%Y-%m-%d %H:%M} does not exist in {zone_name(start.tzinfo)} "
            f"(the clocks skip it for daylight saving time); did you mean {round_trip:%H:%M}?"
        )


def _bad_duration(start: datetime, duration: object, where: str) -> str:
    if not isinstance(duration, timedelta):
        return f"{where}: duration must be a timedelta, got {duration!r}"
    if duration == timedelta(0):
        return f"{where}: duration must be positive, got 0 (it ends when it starts)"
    end = (start.astimezone(UTC) + duration).astimezone(start.tzinfo)
    return (
        f"{where}: ends before it starts (start {start:%Y-%m-%d %H:%M}, end {end:%Y-%m-%d %H:%M}); "
        f"expected a positive duration, got {format_duration(duration)}"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflict:
    """Two meetings that overlap in time and share a participant."""

    participant: str
    first: Meeting
    second: Meeting

    def describe(self) -> str:
        """Return a one-line account of the clash."""
        return (
            f"{self.participant}: {self.first.title!r} ({self.first.when()}, until {self.first.end:%H:%M}) "
            f"overlaps {self.second.title!r} ({self.second.when()})"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Agenda:
    """A summit's schedule: its meetings and the home time zone its days are counted in.

    Raises:
        AgendaError: an empty name, an unknown home zone, or two meetings with the same id.
    """

    name: str
    meetings: tuple[Meeting, ...]
    home_zone: zoneinfo.ZoneInfo
    title: str = ""
    description: str = ""
    illustrative: bool = False
    """The summit file says its preferences and agents are invented; reports then say so."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "meetings", tuple(self.meetings))
        if isinstance(self.home_zone, str):
            object.__setattr__(self, "home_zone", time_zone(self.home_zone))
        if not isinstance(self.name, str) or not self.name.strip():
            raise AgendaError(f"an agenda needs a non-empty name, got {self.name!r}")
        if not isinstance(self.home_zone, zoneinfo.ZoneInfo):
            raise AgendaError(f"agenda {self.name!r}: home_zone must be an IANA zone, got {self.home_zone!r}")
        seen: set[str] = set()
        for meeting in self.meetings:
            if meeting.id in seen:
                raise AgendaError(f"agenda {self.name!r}: two meetings have the id {meeting.id!r}")
            seen.add(meeting.id)

    def in_order(self) -> tuple[Meeting, ...]:
        """Return the meetings sorted by start instant (then by end, then by id)."""
        return tuple(sorted(self.meetings, key=lambda m: (m.start_utc, m.end_utc, m.id)))

    def local_date(self, meeting: Meeting) -> date:
        """Return the date of ``meeting``'s start in the agenda's home zone."""
        return meeting.start.astimezone(self.home_zone).date()

    def days(self) -> tuple[tuple[int, date, tuple[Meeting, ...]], ...]:
        """Return (day number, home-zone date, meetings in order) per day; day 1 is the first meeting's."""
        ordered = self.in_order()
        if not ordered:
            return ()
        first = self.local_date(ordered[0])
        return tuple(
            ((day - first).days + 1, day, tuple(group))
            for day, group in itertools.groupby(ordered, key=self.local_date)
        )

    def participants(self) -> tuple[str, ...]:
        """Return everyone taking part in some meeting, in order of first appearance."""
        return tuple(dict.fromkeys(p for m in self.in_order() for p in m.participants))

    def conflicts(self) -> tuple[Conflict, ...]:
        """Return each pair of overlapping meetings that share a participant, once per participant.

        Meetings back to back (one ends when the next starts) do not conflict.
        """
        found: list[Conflict] = []
        ordered = self.in_order()
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                if second.start_utc >= first.end_utc:
                    break  # sorted by start: no later meeting overlaps ``first`` either
                shared = [p for p in first.participants if p in second.participants]
                found.extend(Conflict(participant=p, first=first, second=second) for p in shared)
        return tuple(sorted(found, key=lambda c: (c.participant, c.first.start_utc, c.second.start_utc)))

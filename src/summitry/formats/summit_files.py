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

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from summitry.errors import AgendaError, SummitFileError, UnknownSummitError
from summitry.formats.atomic import write_bytes
from summitry.summit import Agenda, LinkedNegotiation, Meeting, time_zone

__all__ = ["load_summit", "parse_summit", "shipped_summits", "write_ics"]

_SHIPPED_PACKAGE = "summitry"
_SHIPPED_FOLDER = ("data", "summits")

Path_ = tuple[str | int, ...]


# ---------------------------------------------------------------- the schema (pydantic, at the edge)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NegotiationEntry(_Strict):
    """``negotiation:`` of a meeting: which scenario to negotiate, under which protocol, by whom."""

    scenario: str = Field(min_length=1)
    protocol: str = Field(min_length=1)
    agents: list[str] | dict[str, str] = Field(default_factory=list)
    rounds: int | None = Field(default=None, ge=1)
    seed: int | None = None
    amendments: bool = False

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


class MeetingEntry(_Strict):
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


class SummitFile(_Strict):
    """The whole file."""

    name: str = Field(min_length=1)
    title: str = ""
    description: str = ""
    illustrative: bool = False
    timezone: str
    meetings: list[MeetingEntry] = Field(min_length=1)


# ---------------------------------------------------------------- YAML with line numbers


class _Loader(yaml.SafeLoader):
    """Safe YAML without YAML 1.1's surprises: ``18:30`` stays a string (not 1110), dates stay text."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first on line {seen[key]})", key_node.start_mark
                )
            if isinstance(key, str):
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":int", ":float", ":timestamp"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."),
)


def _read_yaml(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        context = ""
        if exc.context and exc.context_mark is not None and exc.problem:
            context = f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise SummitFileError(f"{where}: malformed YAML: {exc.problem or exc.context}{context}") from None
    except yaml.YAMLError as exc:
        raise SummitFileError(f"{source}: malformed YAML: {exc}") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
    lines: dict[Path_, int] = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return data, lines


def _collect_lines(node: yaml.Node, at: Path_, lines: dict[Path_, int]) -> None:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _collect_lines(value_node, (*at, str(key_node.value)), lines)
            lines[(*at, str(key_node.value))] = key_node.start_mark.line + 1  # the key's line, not the value's
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_lines(item, (*at, index), lines)


def _item(at: Path_) -> str:
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


class _Located:
    """Builds messages that name the file, the item and its line."""

    def __init__(self, source: str, lines: dict[Path_, int]) -> None:
        self.source = source
        self.lines = lines

    def message(self, at: Path_, text: str) -> str:
        probe = at
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = f" (line {self.lines[probe]})" if probe in self.lines and probe else ""
        return f"{self.source}: {_item(at)}: {text}{line}"

    @contextlib.contextmanager
    def at(self, at: Path_) -> Iterator[None]:
        """Re-raise domain errors raised inside with the file and item in front, same class."""
        try:
            yield
        except AgendaError as exc:
            raise type(exc)(self.message(at, str(exc))) from exc


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
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise SummitFileError(f"{path}: expected UTF-8 text, got a byte 0x{exc.object[exc.start]:02x}") from None
        return parse_summit(text, source=str(ref))
    if path.is_dir():
        raise SummitFileError(f"{path}: is a folder; expected a summit file (.yaml)")
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
    data, lines = _read_yaml(text, source)
    located = _Located(source, lines)
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        raise SummitFileError(f"{source}: expected a mapping with name, timezone and meetings, got {kind}")
    try:
        model = SummitFile.model_validate(data)
    except ValidationError as exc:
        raise SummitFileError(_first_error(exc, located)) from None
    return _agenda(model, located)


def _first_error(exc: ValidationError, located: _Located) -> str:
    # A misspelt key shows up as an unknown field *and* a missing one: name the cause first.
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    at: Path_ = tuple(p for p in first["loc"] if isinstance(p, int | str))
    kind = first["type"]
    if kind == "missing":
        text = "missing (required)"
    elif kind == "extra_forbidden":
        text = _unknown_field(at)
    else:
        text = _lower_first(first["msg"]).removeprefix("value error, ")
        if kind != "value_error":
            text += f", got {first['input']!r}"
    others = len(errors) - 1
    more = f" (and {others} more problem{'s' if others > 1 else ''})" if others else ""
    return located.message(at, text) + more


def _unknown_field(at: Path_) -> str:
    parent = at[:-1]
    if "negotiation" in parent:
        model: type[BaseModel] = NegotiationEntry
    elif parent[:1] == ("meetings",) and len(parent) == 2:
        model = MeetingEntry
    else:
        model = SummitFile
    known = [f.alias or name for name, f in model.model_fields.items()]
    close = difflib.get_close_matches(str(at[-1]), known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown field{hint} (expected one of: {', '.join(known)})"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------- schema -> domain objects


def _agenda(model: SummitFile, located: _Located) -> Agenda:
    with located.at(("timezone",)):
        home = time_zone(model.timezone)
    meetings: list[Meeting] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(model.meetings):
        if entry.id in first_index:
            raise AgendaError(
                located.message(
                    ("meetings", index, "id"), f"id {entry.id!r} is already used by meetings[{first_index[entry.id]}]"
                )
            )
        first_index[entry.id] = index
        meetings.append(_meeting(entry, ("meetings", index), home, located))
    with located.at(("meetings",)):
        return Agenda(
            name=model.name,
            title=model.title,
            description=model.description,
            illustrative=model.illustrative,
            meetings=tuple(meetings),
            home_zone=home,
        )


def _meeting(entry: MeetingEntry, at: Path_, home: Any, located: _Located) -> Meeting:
    zone = home
    if entry.timezone is not None:
        with located.at((*at, "timezone")):
            zone = time_zone(entry.timezone)
    with located.at((*at, "start")):
        start = datetime.combine(entry.day, _clock(entry.start), tzinfo=zone)
    duration = _duration(entry, at, zone, start, located)
    negotiation = None
    if entry.negotiation is not None:
        with located.at((*at, "negotiation")):
            negotiation = _negotiation(entry.negotiation)
    field = ("end" if entry.end is not None else "duration") if duration <= timedelta(0) else None
    with located.at((*at, field) if field else at):
        return Meeting(
            id=entry.id,
            title=entry.title,
            start=start,
            duration=duration,
            venue=entry.venue,
            participants=tuple(entry.participants),
            kind=entry.kind,
            description=entry.description,
            negotiation=negotiation,
        )


def _duration(entry: MeetingEntry, at: Path_, zone: Any, start: datetime, located: _Located) -> timedelta:
    if (entry.duration is None) == (entry.end is None):
        given = "both" if entry.end is not None else "neither"
        raise SummitFileError(located.message(at, f"expected exactly one of duration or end, got {given}"))
    if entry.end is None:
        with located.at((*at, "duration")):
            return _parse_duration(entry.duration)
    with located.at((*at, "end")):
        end = _end_time(entry.end, entry.day, zone)
    return end.astimezone(UTC) - start.astimezone(UTC)


_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DURATION = re.compile(
    r"^\s*(-)?\s*(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*(?:m(?:ins?|inutes?)?)?)?\s*$", re.IGNORECASE
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


def _parse_duration(value: str | int | None) -> timedelta:
    if isinstance(value, int):
        return timedelta(minutes=value)
    match = _DURATION.match(value or "")
    if not value or not match or (match[2] is None and match[3] is None):
        raise SummitFileError(f'expected minutes or a duration like "20 min", "2h", "1h30", got {value!r}')
    minutes = int(match[2] or 0) * 60 + int(match[3] or 0)
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
    )


# ---------------------------------------------------------------- writing


def write_ics(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write iCalendar bytes to ``path`` atomically (a temporary file in the same folder, then a rename).

    Returns:
        The path written.

    Raises:
        FileNotFoundError: the folder does not exist (nothing is written).
    """
    return write_bytes(path, data, make_parents=False)

"""Trace files: a negotiation's trace as JSON Lines (and back), or as CSV (one row per event).

JSON Lines layout (format 2), one JSON object per line, each sealed into a hash chain by
:mod:`summitry.formats.trace_digest` (``prev`` = the digest of the line before, ``digest`` =
the SHA-256 of the line's own canonical JSON; the header's ``prev`` is the scenario's
content digest)::

    {"type": "header", "format": 2, "scenario": ..., "protocol": ..., "parties": [...],
     "agents": [...], "seed": ..., "settings": {...}, "scenario_source": "path" | null,
     "scenario_digest": "sha256:..." | null, ["scenario_document": {...},]
     "prev": "sha256:...", "digest": "sha256:..."}
    {"type": "event", "index": 0, "step": 0, "round": 0, "time": 0.0, "party": null,
     "kind": "start", "outcome": null, "data": {...}, "prev": ..., "digest": ...}
    ...
    {"type": "result", "agreement": [...] | null, "utilities": [...], "status": ...,
     "rounds": ..., "steps": ..., "time": ..., "prev": ..., "digest": ...}

Outcomes are lists of values in the order of the scenario's issues. A file without a result
line is an unfinished trace. Reading a malformed or tampered file raises ``TraceError``
naming the line (and the first event edited, removed, inserted or reordered). Format 1
files (no digests, no provenance, a result ``reason`` word instead of its ``status``, a late
action in a ``timeout``/``deadline`` event instead of ``late``) still load; they are reported
as unchained.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, SupportsFloat, SupportsInt

from summitry.errors import TraceError, UnknownScenarioError
from summitry.formats.atomic import write_text
from summitry.formats.loading import load_scenario
from summitry.formats.native import scenario_from_document, scenario_to_document
from summitry.formats.trace_digest import GENESIS, check_seal, scenario_digest, seal
from summitry.model import Scenario
from summitry.protocols.events import Event, EventKind, Result, Trace, TraceHeader
from summitry.protocols.state import Status

__all__ = [
    "FORMAT_VERSION",
    "TraceFile",
    "event_count",
    "event_record",
    "header_record",
    "read_trace",
    "read_trace_file",
    "result_record",
    "trace_file_from_lines",
    "trace_from_lines",
    "trace_scenario",
    "trace_to_csv",
    "trace_to_lines",
    "write_trace",
    "write_trace_csv",
]

FORMAT_VERSION = 2
_READABLE_FORMATS = (1, 2)
_CSV_COLUMNS = ("index", "step", "round", "time", "party", "kind", "outcome", "data")


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceFile:
    """A trace as read from a file, with where its scenario came from.

    ``chained`` is False for a format 1 file (written before digests): such a file loads, but
    edits to it cannot be detected. ``scenario_digest`` is the content digest of the scenario
    the trace was recorded on (None when unknown); ``scenario_source`` the path (or shipped
    name) it was loaded from; ``scenario_document`` the embedded native scenario, if any.
    """

    trace: Trace
    chained: bool
    scenario_digest: str | None = None
    scenario_source: str | None = None
    scenario_document: Mapping[str, Any] | None = None


def header_record(
    header: TraceHeader,
    *,
    scenario_source: str | None = None,
    scenario_digest: str | None = None,
    scenario_document: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the JSON object of a header line (not yet sealed)."""
    record: dict[str, Any] = {
        "type": "header",
        "format": FORMAT_VERSION,
        "scenario": header.scenario,
        "protocol": header.protocol,
        "parties": list(header.parties),
        "agents": list(header.agents),
        "seed": header.seed,
        "settings": dict(header.settings),
        "scenario_source": scenario_source,
        "scenario_digest": scenario_digest,
    }
    if scenario_document is not None:
        record["scenario_document"] = dict(scenario_document)
    return _json_ready(record)


def event_record(event: Event) -> dict[str, Any]:
    """Return the JSON object of an event line (not yet sealed)."""
    return _json_ready(
        {
            "type": "event",
            "index": event.index,
            "step": event.step,
            "round": event.round,
            "time": event.time,
            "party": event.party,
            "kind": event.kind,
            "outcome": None if event.outcome is None else list(event.outcome),
            "data": dict(event.data),
        }
    )


def result_record(result: Result) -> dict[str, Any]:
    """Return the JSON object of the result line (not yet sealed)."""
    return _json_ready(
        {
            "type": "result",
            "agreement": None if result.agreement is None else list(result.agreement),
            "utilities": list(result.utilities),
            "status": result.status.value,
            "rounds": result.rounds,
            "steps": result.steps,
            "time": result.time,
        }
    )


def trace_to_lines(
    trace: Trace, *, scenario: Scenario | None = None, source: str | None = None, embed: bool = False
) -> list[str]:
    """Return the sealed JSON Lines of ``trace``: header, one line per event, result (if finished).

    Args:
        trace: the trace to write.
        scenario: the scenario it was run on; its content digest starts the chain (without
            it the chain starts from ``GENESIS`` and the scenario is not pinned).
        source: where the scenario came from (a path or a shipped name), recorded for replay.
        embed: also store the scenario itself in the header, so that the trace replays anywhere.

    Raises:
        TraceError: ``embed`` without a scenario, a scenario the native format cannot hold, or
            a trace whose run kept no events (``trace.omitted``).
    """
    _check_complete(trace)
    digest = None if scenario is None else scenario_digest(scenario)
    document = None
    if embed:
        if scenario is None or digest is None:
            raise TraceError("--trace-embed: the scenario cannot be embedded (the native format cannot hold it)")
        document = scenario_to_document(scenario)
    records = [header_record(trace.header, scenario_source=source, scenario_digest=digest, scenario_document=document)]
    records.extend(event_record(event) for event in trace.events)
    if trace.result is not None:
        records.append(result_record(trace.result))
    previous = digest or GENESIS
    lines = []
    for record in records:
        sealed = seal(record, previous)
        previous = sealed["digest"]
        lines.append(_dump(sealed))
    return lines


def _check_complete(trace: Trace) -> None:
    if trace.omitted:
        raise TraceError(
            f"the trace kept none of its {trace.omitted} events (it was run with keep_events=False): "
            "run it again keeping them to write it"
        )


def event_count(lines: Iterable[str]) -> int:
    """Return how many event records the JSON Lines of a trace hold (what an export reports)."""
    return sum(json.loads(line).get("type") == "event" for line in lines if line.strip())


def trace_from_lines(lines: Iterable[str], source: str = "<trace>") -> Trace:
    """Return the trace encoded by JSON Lines (as :func:`trace_to_lines` writes them).

    Raises:
        TraceError: a line is not JSON, lacks a field, comes out of order, or breaks the
            hash chain (``source:line``, naming the first event edited, removed, inserted or
            reordered).
    """
    return trace_file_from_lines(lines, source).trace


def trace_file_from_lines(lines: Iterable[str], source: str = "<trace>") -> TraceFile:
    """Return the trace and its scenario provenance encoded by JSON Lines.

    Raises:
        TraceError: as :func:`trace_from_lines`.
    """
    items: list[tuple[str, dict[str, Any]]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise TraceError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        except (ValueError, RecursionError) as exc:  # an integer of more digits than Python reads; deep nesting
            raise TraceError(f"{where}: not valid JSON ({' '.join(str(exc).split())[:120]})") from None
        if not isinstance(item, dict):
            raise TraceError(f"{where}: expected a JSON object, got {type(item).__name__}")
        items.append((where, item))
    trace: Trace | None = None
    header: Mapping[str, Any] = {}
    chained = False
    previous = GENESIS
    finished = False
    for position, (where, item) in enumerate(items):
        kind = item.get("type")
        if finished:
            raise TraceError(f"{where}: nothing may follow the result line, got {kind!r}")
        try:
            if kind == "header":
                if trace is not None:
                    raise TraceError("a second header line")
                trace = Trace(_header(item))
                header = item
                chained = item.get("format", 1) != 1
                if chained:
                    start = item.get("scenario_digest")
                    _check_link(item, start if isinstance(start, str) else GENESIS, "the header")
                    previous = item["digest"]
            elif trace is None:
                raise TraceError(f"the first line must be the header, got type {kind!r}")
            elif kind == "event":
                event = _event(item)
                if chained:
                    later = [other for _, other in items[position + 1 :]]
                    _check_event_link(item, event, previous, len(trace), later)
                    previous = item["digest"]
                trace.append(event)
            elif kind == "result":
                result = _result(item)
                if chained:
                    _check_link(item, previous, "the result line")
                trace.finish(result)
                finished = True
            else:
                raise TraceError(f"type: expected header, event or result, got {kind!r}")
        except TraceError as exc:
            raise TraceError(f"{where}: {exc}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise TraceError(f"{where}: {type(exc).__name__}: {exc}") from None
    if trace is None:
        raise TraceError(f"{source}: no header line; is this a summitry trace (JSON Lines)?")
    document = header.get("scenario_document")
    return TraceFile(
        trace=trace,
        chained=chained,
        scenario_digest=_optional_text(header, "scenario_digest"),
        scenario_source=_optional_text(header, "scenario_source"),
        scenario_document=document if isinstance(document, dict) else None,
    )


def _check_link(item: Mapping[str, Any], previous: str, what: str) -> None:
    problem = check_seal(item, previous)
    if problem == "unsealed":
        raise TraceError(f"{what} has no digest (prev/digest) although the trace is chained: it was added or edited")
    if problem == "edited":
        raise TraceError(f"{what} was edited: its digest does not match its content")
    if problem == "out of place":
        if what == "the header":
            raise TraceError("the header does not start from its scenario's digest: it was edited")
        raise TraceError(f"{what} does not follow the line before it: an event before it was removed")


def _check_event_link(
    item: Mapping[str, Any], event: Event, previous: str, expected: int, later: list[dict[str, Any]]
) -> None:
    """Raise TraceError naming what happened if the event line is not the sealed successor of ``previous``."""
    what = f"event {event.index} ({event.kind}{'' if event.party is None else ' by ' + event.party})"
    problem = check_seal(item, previous)
    if problem == "unsealed":
        raise TraceError(f"{what} has no digest (prev/digest) although the trace is chained: it was inserted or edited")
    if problem == "edited":
        raise TraceError(f"{what} was edited: its digest does not match its content")
    if problem is None:
        return
    if event.index < expected:
        raise TraceError(f"{what} does not belong after event {expected - 1}: an event was inserted")
    if any(other.get("prev") == previous for other in later):
        raise TraceError(f"{what} comes before event {expected}, which follows later: the lines were reordered")
    if event.index > expected:
        gap = event.index - expected
        missing = f"event {expected} was" if gap == 1 else f"events {expected}-{event.index - 1} were"
        raise TraceError(f"{what} follows event {expected - 1}: {missing} removed")
    raise TraceError(f"{what} does not belong after event {expected - 1}: an event was inserted")


def read_trace(path: str | os.PathLike[str]) -> Trace:
    """Return the trace stored in a JSON Lines file.

    Raises:
        FileNotFoundError: no such file.
        TraceError: the file is malformed (the message names the line).
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as stream:
            return trace_from_lines(stream, source=str(path))
    except UnicodeDecodeError as exc:
        raise TraceError(f"{path}: expected UTF-8 text, got a byte 0x{exc.object[exc.start]:02x}") from None


def read_trace_file(path: str | os.PathLike[str]) -> TraceFile:
    """Return the trace stored in a JSON Lines file, with its scenario's provenance.

    Raises:
        FileNotFoundError: no such file.
        TraceError: the file is malformed or tampered with (the message names the line).
    """
    path = Path(path)
    with path.open(encoding="utf-8") as stream:
        return trace_file_from_lines(stream, source=str(path))


def write_trace(
    trace: Trace,
    path: str | os.PathLike[str],
    *,
    scenario: Scenario | None = None,
    source: str | None = None,
    embed: bool = False,
) -> Path:
    """Write ``trace`` as sealed JSON Lines to ``path`` atomically; return the path.

    ``scenario``, ``source`` and ``embed`` are as in :func:`trace_to_lines`.
    """
    text = "\n".join(trace_to_lines(trace, scenario=scenario, source=source, embed=embed)) + "\n"
    return write_text(Path(path), text)


def trace_scenario(record: TraceFile, ref: str | None = None, *, trace_name: str = "FILE") -> Scenario:
    """Return the scenario a trace was recorded on, checked against the trace's scenario digest.

    The scenario is ``ref`` if given (a file, folder or shipped name), else the one embedded
    in the trace, else the recorded source path, else the shipped scenario of the recorded name.

    Raises:
        UnknownScenarioError: none of these can be found (the message suggests ``--scenario``).
        TraceError: the scenario found is not the one the trace was recorded on (its content
            digest differs).
        ScenarioFormatError: the scenario file (or the embedded document) cannot be read.
    """
    name = record.trace.header.scenario
    if ref is not None:
        scenario, where = load_scenario(ref), ref
    elif record.scenario_document is not None:
        where = "the scenario embedded in the trace"
        scenario = scenario_from_document(record.scenario_document, source=f"{trace_name}: embedded scenario")
    else:
        scenario, where = _find_recorded(record, name, trace_name)
    recorded = record.scenario_digest
    if recorded is not None:
        actual = scenario_digest(scenario)
        if actual != recorded:
            raise TraceError(
                f"{trace_name}: the scenario {where} is not the one the trace was recorded on "
                f"(content digest {_short_digest(actual)}, the trace's {_short_digest(recorded)}); "
                "was one of them edited?"
            )
    return scenario


def _find_recorded(record: TraceFile, name: str, trace_name: str) -> tuple[Scenario, str]:
    candidates = [c for c in (record.scenario_source, name) if c]
    for candidate in dict.fromkeys(candidates):
        try:
            return load_scenario(candidate), candidate
        except UnknownScenarioError:
            continue
    source = record.scenario_source
    recorded = f"from {source!r}, which is not here" if source and source != name else "by name only"
    raise UnknownScenarioError(
        f"{trace_name}: cannot find the scenario {name!r} of this trace (recorded {recorded}); "
        f"give it with: summitry replay {trace_name} --scenario PATH "
        "(or record traces with --trace-embed to replay them anywhere)"
    )


def _short_digest(digest: str | None) -> str:
    return "none" if digest is None else digest.removeprefix("sha256:")[:12]


def trace_to_csv(trace: Trace) -> str:
    """Return the trace as CSV text: one row per event (outcome and data as JSON).

    Raises:
        TraceError: the run kept no events (``trace.omitted``).
    """
    _check_complete(trace)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for e in trace.events:
        outcome = "" if e.outcome is None else _dump(list(e.outcome))
        writer.writerow([e.index, e.step, e.round, e.time, e.party or "", e.kind, outcome, _dump(dict(e.data))])
    return buffer.getvalue()


def write_trace_csv(trace: Trace, path: str | os.PathLike[str]) -> Path:
    """Write ``trace`` as CSV (one row per event) to ``path`` atomically; return the path."""
    return write_text(Path(path), trace_to_csv(trace))


# -- parsing ----------------------------------------------------------------------------------


def _header(item: Mapping[str, Any]) -> TraceHeader:
    version = item.get("format", 1)
    if version not in _READABLE_FORMATS:
        raise TraceError(f"format: expected one of {list(_READABLE_FORMATS)}, got {version!r}")
    settings = item.get("settings", {})
    if not isinstance(settings, dict):
        raise TraceError(f"settings: expected an object, got {settings!r}")
    return TraceHeader(
        scenario=_text(item, "scenario"),
        protocol=_text(item, "protocol"),
        parties=tuple(_strings(item, "parties")),
        agents=tuple(_strings(item, "agents")),
        seed=item.get("seed"),
        settings=settings,
    )


def _event(item: Mapping[str, Any]) -> Event:
    party = item.get("party")
    if party is not None and not isinstance(party, str):
        raise TraceError(f"party: expected a name or null, got {party!r}")
    data = item.get("data", {})
    if not isinstance(data, dict):
        raise TraceError(f"data: expected an object, got {data!r}")
    return Event(
        index=_integer(item, "index"),
        step=_integer(item, "step"),
        round=_integer(item, "round"),
        time=_number(item, "time"),
        party=party,
        kind=_kind(_text(item, "kind"), data),
        outcome=_outcome(item.get("outcome")),
        data=data,
    )


_LEGACY_LATE = ("timeout", "deadline")
"""Format 1 recorded a late action in a ``timeout`` (SAO) or ``deadline`` (mediation) event."""


def _kind(text: str, data: Mapping[str, Any]) -> EventKind:
    if text in _LEGACY_LATE and isinstance(data.get("late"), dict):
        return EventKind.LATE
    try:
        return EventKind(text)
    except ValueError:
        kinds = ", ".join(kind.value for kind in EventKind)
        raise TraceError(f"kind: expected one of {kinds}, got {text!r}") from None


def _result(item: Mapping[str, Any]) -> Result:
    utilities = item.get("utilities")
    if not isinstance(utilities, list) or not all(isinstance(u, int | float) for u in utilities):
        raise TraceError(f"utilities: expected a list of numbers, got {utilities!r}")
    return Result(
        agreement=_outcome(item.get("agreement")),
        utilities=tuple(utilities),
        status=_status(item),
        rounds=_integer(item, "rounds"),
        steps=_integer(item, "steps"),
        time=_number(item, "time") if "time" in item else 0.0,
    )


def _status(item: Mapping[str, Any]) -> Status:
    """Return the result's status: ``status`` (format 2), or format 1's ``reason`` word."""
    text = _text(item, "status" if "status" in item else "reason")
    try:
        return Status.parse(text)
    except ValueError as exc:
        raise TraceError(str(exc)) from None


def _outcome(value: object) -> tuple[Any, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise TraceError(f"outcome: expected a list of values or null, got {value!r}")
    return tuple(value)


def _optional_text(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise TraceError(f"{key}: expected a string or null, got {value!r}")
    return value


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise TraceError(f"{key}: expected a string, got {value!r}")
    return value


def _strings(item: Mapping[str, Any], key: str) -> list[str]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TraceError(f"{key}: expected a list of names, got {value!r}")
    return value


def _integer(item: Mapping[str, Any], key: str) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TraceError(f"{key}: expected an integer, got {value!r}")
    return value


def _number(item: Mapping[str, Any], key: str) -> float:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TraceError(f"{key}: expected a number, got {value!r}")
    return float(value)


# -- writing ----------------------------------------------------------------------------------


def _json_ready(record: dict[str, Any]) -> dict[str, Any]:
    """Return ``record`` with plain JSON values only (numpy scalars and the like converted)."""
    loaded: dict[str, Any] = json.loads(_dump(record))
    return loaded


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)


def _plain(value: object) -> object:
    # numpy scalars and other number-likes that slipped into event data
    if isinstance(value, SupportsInt):
        with contextlib.suppress(TypeError, ValueError):
            whole = int(value)
            if whole == value:
                return whole
    if isinstance(value, SupportsFloat):
        with contextlib.suppress(TypeError, ValueError):
            number = float(value)
            if number == value and not math.isnan(number):
                return number
    return str(value)

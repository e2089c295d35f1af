"""Trace files: a negotiation's trace as JSON Lines (and back), or as CSV (one row per event).

JSON Lines layout, one JSON object per line::

    {"type": "header", "format": 1, "scenario": ..., "protocol": ..., "parties": [...],
     "agents": [...], "seed": ..., "settings": {...}}
    {"type": "event", "index": 0, "step": 0, "round": 0, "time": 0.0, "party": null,
     "kind": "start", "outcome": null, "data": {...}}
    ...
    {"type": "result", "agreement": [...] | null, "utilities": [...], "reason": ...,
     "rounds": ..., "steps": ..., "time": ...}

Outcomes are lists of values in the order of the scenario's issues. A file without a result
line is an unfinished trace. Reading a malformed file raises ``TraceError`` naming the line.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from summitry.errors import TraceError
from summitry.formats.atomic import write_text
from summitry.protocols.events import Event, Result, Trace, TraceHeader

__all__ = ["read_trace", "trace_from_lines", "trace_to_csv", "trace_to_lines", "write_trace", "write_trace_csv"]

FORMAT_VERSION = 1
_CSV_COLUMNS = ("index", "step", "round", "time", "party", "kind", "outcome", "data")


def trace_to_lines(trace: Trace) -> list[str]:
    """Return the JSON Lines of ``trace``: header, one line per event, result (if finished)."""
    header = trace.header
    lines = [
        _dump(
            {
                "type": "header",
                "format": FORMAT_VERSION,
                "scenario": header.scenario,
                "protocol": header.protocol,
                "parties": list(header.parties),
                "agents": list(header.agents),
                "seed": header.seed,
                "settings": dict(header.settings),
            }
        )
    ]
    for event in trace.events:
        lines.append(
            _dump(
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
        )
    result = trace.result
    if result is not None:
        lines.append(
            _dump(
                {
                    "type": "result",
                    "agreement": None if result.agreement is None else list(result.agreement),
                    "utilities": list(result.utilities),
                    "reason": result.reason,
                    "rounds": result.rounds,
                    "steps": result.steps,
                    "time": result.time,
                }
            )
        )
    return lines


def trace_from_lines(lines: Iterable[str], source: str = "<trace>") -> Trace:
    """Return the trace encoded by JSON Lines (as :func:`trace_to_lines` writes them).

    Raises:
        TraceError: a line is not JSON, lacks a field, or comes out of order (``source:line``).
    """
    trace: Trace | None = None
    finished = False
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
        kind = item.get("type")
        if finished:
            raise TraceError(f"{where}: nothing may follow the result line, got {kind!r}")
        try:
            if kind == "header":
                if trace is not None:
                    raise TraceError("a second header line")
                trace = Trace(_header(item))
            elif trace is None:
                raise TraceError(f"the first line must be the header, got type {kind!r}")
            elif kind == "event":
                trace.append(_event(item))
            elif kind == "result":
                trace.finish(_result(item))
                finished = True
            else:
                raise TraceError(f"type: expected header, event or result, got {kind!r}")
        except TraceError as exc:
            raise TraceError(f"{where}: {exc}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise TraceError(f"{where}: {type(exc).__name__}: {exc}") from None
    if trace is None:
        raise TraceError(f"{source}: no header line; is this a summitry trace (JSON Lines)?")
    return trace


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


def write_trace(trace: Trace, path: str | os.PathLike[str]) -> Path:
    """Write ``trace`` as JSON Lines to ``path`` atomically; return the path."""
    return write_text(Path(path), "\n".join(trace_to_lines(trace)) + "\n")


def trace_to_csv(trace: Trace) -> str:
    """Return the trace as CSV text: one row per event (outcome and data as JSON)."""
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
    version = item.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise TraceError(f"format: expected {FORMAT_VERSION}, got {version!r}")
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
        kind=_text(item, "kind"),
        outcome=_outcome(item.get("outcome")),
        data=data,
    )


def _result(item: Mapping[str, Any]) -> Result:
    utilities = item.get("utilities")
    if not isinstance(utilities, list) or not all(isinstance(u, int | float) for u in utilities):
        raise TraceError(f"utilities: expected a list of numbers, got {utilities!r}")
    return Result(
        agreement=_outcome(item.get("agreement")),
        utilities=tuple(utilities),
        reason=_text(item, "reason"),
        rounds=_integer(item, "rounds"),
        steps=_integer(item, "steps"),
        time=_number(item, "time") if "time" in item else 0.0,
    )


def _outcome(value: object) -> tuple[Any, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise TraceError(f"outcome: expected a list of values or null, got {value!r}")
    return tuple(value)


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


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)


def _plain(value: object) -> object:
    # numpy scalars and other number-likes that slipped into event data
    for cast in (int, float):
        with contextlib.suppress(TypeError, ValueError):
            converted = cast(value)  # type: ignore[call-overload]
            if converted == value and (cast is int or not math.isnan(converted)):
                return converted
    return str(value)

"""Trace files: JSON Lines round trip (and replay of what was read), CSV rows, malformed lines named."""

from __future__ import annotations

import csv
import io
import json

import pytest

from summitry.errors import TraceError
from summitry.formats.trace_files import (
    event_count,
    read_trace,
    trace_from_lines,
    trace_to_csv,
    trace_to_lines,
    write_trace,
    write_trace_csv,
)
from summitry.protocols import FakeClock, negotiate, replay
from summitry.protocols.checks import RandomActor
from tests.protocols.conftest import make_scenario


@pytest.fixture(params=["sao", "mediation"])
def finished(request):
    scenario = make_scenario(3, constrained=True)
    options = {"amendments": True} if request.param == "mediation" else {}
    trace = negotiate(
        scenario,
        [RandomActor(0.01) for _ in range(3)],
        protocol=request.param,
        rounds=12,
        seed=5,
        clock=FakeClock(auto_step=0.003),
        **options,
    )
    return scenario, trace


def test_jsonl_round_trip_gives_the_same_trace_and_replays(finished, tmp_path) -> None:
    scenario, trace = finished
    path = write_trace(trace, tmp_path / "run.jsonl")
    again = read_trace(path)
    assert again == trace
    state = replay(again, scenario)
    assert state.reason == trace.result.reason and state.agreement == trace.result.agreement
    lines = path.read_text().splitlines()
    assert json.loads(lines[0])["type"] == "header" and json.loads(lines[-1])["type"] == "result"
    assert len(lines) == len(trace.events) + 2


def test_event_count_counts_the_event_lines_only(finished) -> None:
    _, trace = finished
    lines = trace_to_lines(trace)
    assert event_count(lines) == len(trace.events) > 0
    assert event_count([*lines, "", "  "]) == len(trace.events)  # a file's trailing newline
    assert event_count(lines[:1] + lines[-1:]) == 0


def test_unfinished_trace_has_no_result_line(finished) -> None:
    _, trace = finished
    lines = trace_to_lines(trace)[:-1]
    assert trace_from_lines(lines).result is None


def test_csv_has_one_row_per_event(finished, tmp_path) -> None:
    _, trace = finished
    rows = list(csv.DictReader(io.StringIO(trace_to_csv(trace))))
    assert len(rows) == len(trace.events)
    assert rows[0]["kind"] == "start" and rows[1]["party"] == "p0"
    path = write_trace_csv(trace, tmp_path / "run.csv")
    assert path.read_text() == trace_to_csv(trace)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda lines: [*lines[:2], "{not json", *lines[3:]], ":3: not valid JSON"),
        (lambda lines: lines[1:], ":1: the first line must be the header"),
        (lambda lines: [*lines, lines[1]], "nothing may follow the result"),
        (lambda lines: lines[:3] + lines[4:], r":4: event 3 \(\w+ by p\d\) follows event 1: event 2 was removed"),
        (lambda lines: [lines[0], lines[1].replace('"step":0', '"step":"zero"')], ":2: step: expected an integer"),
        (lambda lines: [lines[0], "[1, 2]"], ":2: expected a JSON object"),
        (lambda lines: [], "no header line"),
    ],
    ids=["json", "no-header", "after-result", "gap", "field", "array", "empty"],
)
def test_malformed_jsonl_names_the_line(finished, tmp_path, damage, message) -> None:
    _, trace = finished
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(damage(trace_to_lines(trace))) + "\n")
    with pytest.raises(TraceError, match=message) as info:
        read_trace(path)
    assert str(path) in str(info.value)


def test_missing_file_is_a_file_not_found_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        read_trace(tmp_path / "nope.jsonl")

"""Tamper-evident traces: every line is chained to the one before, the header to its scenario."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summitry.agents import negotiator_from_text
from summitry.errors import TraceError, UnknownScenarioError
from summitry.formats import load_scenario, shipped_scenarios
from summitry.formats.native import scenario_from_document, scenario_to_document
from summitry.formats.trace_digest import GENESIS, check_seal, record_digest, scenario_digest, seal
from summitry.formats.trace_files import (
    read_trace_file,
    trace_file_from_lines,
    trace_scenario,
    trace_to_lines,
    write_trace,
)
from summitry.protocols import EventKind, Status, negotiate, replay
from tests.formats.conftest import shared_folders

DATA = Path(__file__).parent / "data"


def _lines() -> list[str]:
    scenario = load_scenario("hanoi-deal")
    agents = [negotiator_from_text("boulware"), negotiator_from_text("conceder")]
    trace = negotiate(scenario, agents, rounds=12, seed=1)
    return trace_to_lines(trace, scenario=scenario, source="hanoi-deal")


LINES = _lines()


def _read(lines: list[str]) -> None:
    trace_file_from_lines(lines, source="t.jsonl")


def test_a_sealed_trace_reads_back_chained_and_pinned_to_its_scenario() -> None:
    record = trace_file_from_lines(LINES)
    scenario = load_scenario("hanoi-deal")
    assert record.chained and record.scenario_digest == scenario_digest(scenario)
    assert json.loads(LINES[0])["prev"] == scenario_digest(scenario)
    for before, after in itertools.pairwise(LINES):
        assert json.loads(after)["prev"] == json.loads(before)["digest"]
    assert trace_scenario(record) == scenario
    replay(record.trace, scenario)


def test_an_edited_offer_is_named() -> None:
    lines = list(LINES)
    position = next(i for i, line in enumerate(lines) if '"kind":"offer"' in line and '"party":"usa"' in line)
    item = json.loads(lines[position])
    item["outcome"][0] = "none" if item["outcome"][0] != "none" else "full"
    lines[position] = json.dumps(item)
    index = item["index"]
    with pytest.raises(TraceError, match=rf"^t\.jsonl:{position + 1}: event {index} \(offer by usa\) was edited"):
        _read(lines)


def test_a_removed_event_is_named() -> None:
    lines = LINES[:4] + LINES[5:]  # line 5 holds event 3
    with pytest.raises(TraceError, match=r"^t\.jsonl:5: event 4 \(\w+ by \w+\) follows event 2: event 3 was removed"):
        _read(lines)


def test_swapped_lines_are_named_as_reordered() -> None:
    lines = [*LINES[:4], LINES[5], LINES[4], *LINES[6:]]
    with pytest.raises(TraceError, match=r"^t\.jsonl:5: event 4 .* comes before event 3, .*reordered"):
        _read(lines)


def test_an_inserted_copy_and_an_inserted_new_line_are_named() -> None:
    copy = [*LINES[:6], LINES[3], *LINES[6:]]
    with pytest.raises(TraceError, match=r"^t\.jsonl:7: event 2 .* does not belong after event 4: .*inserted"):
        _read(copy)
    made_up = json.loads(LINES[3])
    del made_up["prev"], made_up["digest"]
    fresh = [*LINES[:6], json.dumps(made_up), *LINES[6:]]
    with pytest.raises(TraceError, match=r"^t\.jsonl:7: event 2 .* has no digest .*inserted or edited"):
        _read(fresh)


def test_edited_header_and_result_are_named() -> None:
    header = json.loads(LINES[0])
    header["seed"] = 2
    with pytest.raises(TraceError, match=r"^t\.jsonl:1: the header was edited"):
        _read([json.dumps(header), *LINES[1:]])
    result = json.loads(LINES[-1])
    result["utilities"][0] = 1.0
    with pytest.raises(TraceError, match=rf"^t\.jsonl:{len(LINES)}: the result line was edited"):
        _read([*LINES[:-1], json.dumps(result)])


@given(st.data())
def test_any_single_change_is_reported_at_the_first_changed_line(data: st.DataObject) -> None:
    """Edit, delete, insert or swap: the error names the first line that differs from the original."""
    lines = list(LINES)
    last_event = len(lines) - 2
    kind = data.draw(st.sampled_from(["edit", "delete", "insert", "swap"]))
    at = data.draw(st.integers(1, last_event - 1))
    if kind == "edit":
        item = json.loads(lines[at])
        item["time"] = item["time"] + 1.0
        lines[at] = json.dumps(item)
    elif kind == "delete":
        del lines[at]
    elif kind == "insert":
        lines.insert(at, LINES[data.draw(st.integers(1, last_event))])
    else:
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
    first = next(i for i, (a, b) in enumerate(zip(lines, LINES, strict=False)) if a != b)
    with pytest.raises(TraceError, match=rf"^t\.jsonl:{first + 1}: "):
        _read(lines)


def test_the_seal_api_the_server_reuses() -> None:
    record = {"type": "event", "index": 0, "kind": "start", "data": {"b": 1, "a": [1.5, None]}}
    sealed = seal(record, GENESIS)
    assert sealed["prev"] == GENESIS and sealed["digest"] == record_digest(sealed)
    assert sealed["digest"].startswith("sha256:") and len(sealed["digest"]) == 7 + 64
    assert check_seal(json.loads(json.dumps(sealed)), GENESIS) is None  # key order and JSON round trip are irrelevant
    assert check_seal(sealed, sealed["digest"]) == "out of place"
    assert check_seal({**sealed, "index": 1}, GENESIS) == "edited"
    assert check_seal(record, GENESIS) == "unsealed"


def test_scenario_digest_is_content_not_origin() -> None:
    hanoi = load_scenario("hanoi-deal")
    document = scenario_to_document(hanoi)
    assert scenario_digest(scenario_from_document(document)) == scenario_digest(hanoi)
    document["parties"][0]["reservation"] += 0.01
    assert scenario_digest(scenario_from_document(document)) != scenario_digest(hanoi)


@pytest.mark.parametrize("name", shipped_scenarios())
def test_embedded_shipped_scenarios_come_back_with_their_digest(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario_digest(scenario) is not None
    assert scenario_digest(scenario_from_document(json.loads(json.dumps(scenario_to_document(scenario))))) == (
        scenario_digest(scenario)
    )


def test_embedded_genius_scenario_comes_back_with_its_digest() -> None:
    folders = shared_folders("genius")
    if not folders:
        pytest.skip("the shared ANAC scenarios (../shared/scenarios/genius) are absent")
    scenario = load_scenario(folders[0])
    assert scenario_digest(scenario_from_document(json.loads(json.dumps(scenario_to_document(scenario))))) == (
        scenario_digest(scenario)
    )


def test_a_trace_on_another_scenario_is_refused(tmp_path) -> None:
    record = trace_file_from_lines(LINES)
    edited = scenario_to_document(load_scenario("hanoi-deal"))
    edited["parties"][1]["reservation"] = 0.1
    path = tmp_path / "hanoi-deal.yaml"
    path.write_text(json.dumps(edited))
    with pytest.raises(TraceError, match="is not the one the trace was recorded on"):
        trace_scenario(record, str(path))


def test_a_missing_scenario_suggests_replay_scenario(tmp_path) -> None:
    scenario = load_scenario("hanoi-deal")
    trace = negotiate(scenario, [negotiator_from_text("hardliner")] * 2, rounds=3, seed=1)
    lines = trace_to_lines(trace, scenario=scenario, source=str(tmp_path / "gone" / "deal.yaml"))
    header = json.loads(lines[0])
    header["scenario"] = "Energy"  # as if recorded on a scenario that is not shipped
    lines[0] = json.dumps(seal(header, header["prev"]))
    lines[1] = json.dumps(seal(json.loads(lines[1]), json.loads(lines[0])["digest"]))
    with pytest.raises(UnknownScenarioError, match=r"recorded from '.*deal\.yaml', which is not here.*--scenario PATH"):
        trace_scenario(trace_file_from_lines(lines[:2]), trace_name="t.jsonl")


def test_an_embedded_scenario_replays_anywhere(tmp_path) -> None:
    scenario = load_scenario("hanoi-deal")
    trace = negotiate(scenario, [negotiator_from_text("boulware")] * 2, rounds=8, seed=3)
    path = write_trace(trace, tmp_path / "t.jsonl", scenario=scenario, source="/nowhere/deal.yaml", embed=True)
    record = read_trace_file(path)
    assert record.scenario_document is not None and record.scenario_source == "/nowhere/deal.yaml"
    found = trace_scenario(record)
    assert scenario_digest(found) == scenario_digest(scenario)
    replay(record.trace, found)


@pytest.mark.parametrize("name", ["format1-sao-late.jsonl", "format1-mediation-late.jsonl"])
def test_format_1_traces_still_load_and_replay(name: str) -> None:
    """Traces written before digests (format 1): they load unchained and replay."""
    record = read_trace_file(DATA / name)
    assert not record.chained and record.scenario_digest is None
    assert record.trace.result is not None
    text = (DATA / name).read_text()
    assert '"reason":' in text and '"late":' in text and '"kind":"late"' not in text  # the old layout
    late = [e for e in record.trace.events if e.kind is EventKind.LATE]
    assert len(late) == 1 and late[0].party is not None  # format 1's timeout/deadline event
    assert isinstance(record.trace.result.status, Status)
    replay(record.trace, trace_scenario(record))

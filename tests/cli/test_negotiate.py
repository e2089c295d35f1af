"""``summitry negotiate`` and ``summitry replay``: live lines, exact JSON keys, errors, trace files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app
from summitry.formats import load_scenario
from summitry.formats.trace_files import read_trace

summitry.cli._register()
runner = CliRunner()

KEYS = {
    "scenario", "protocol", "agents", "seed", "agreement", "utilities", "discounted_utilities",
    "reason", "rounds", "distance_space", "pareto_distance", "nash_distance",
}  # fmt: skip


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_exactly_the_documented_keys() -> None:
    payload = _json(["negotiate", "hanoi-deal", "--agents", "boulware,conceder", "--seed", "1", "--json"])
    assert set(payload) == KEYS
    assert payload["protocol"] == "sao" and payload["agents"] == ["boulware", "conceder"]
    assert payload["reason"] in ("agreed", "deadline", "ended", "failed") and len(payload["utilities"]) == 2
    if payload["agreement"] is not None:
        assert set(payload["agreement"]) >= {"yongbyon", "sanctions_relief"}
        assert payload["pareto_distance"] >= 0


def test_same_seed_same_result() -> None:
    args = ["negotiate", "hanoi-deal", "--agents", "random,conceder", "--seed", "4", "--json", "--rounds", "20"]
    assert _json(args) == _json(args)


def test_hardliners_reach_the_deadline_with_reservation_values() -> None:
    payload = _json(["negotiate", "hanoi-deal", "--agents", "hardliner", "--rounds", "5", "--json"])
    assert payload["reason"] == "deadline" and payload["agreement"] is None and payload["rounds"] == 5
    assert payload["utilities"] == list(load_scenario("hanoi-deal").reserved_values)


def test_live_view_shows_offers_and_result() -> None:
    result = runner.invoke(app, ["negotiate", "hanoi-deal", "--agents", "boulware,conceder", "--rounds", "10"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("hanoi-deal: sao between dprk (boulware), usa (conceder)")
    assert any(line.startswith("round   1  dprk") and "u = (" in line for line in lines)
    assert "distance to the Pareto frontier" in lines[-1]


def test_unknown_agent_exits_2_with_did_you_mean() -> None:
    result = runner.invoke(app, ["negotiate", "hanoi-deal", "--agents", "boulwar,conceder"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Did you mean 'boulware'?" in result.stderr


def test_wrong_number_of_agents_exits_2() -> None:
    result = runner.invoke(app, ["negotiate", "hanoi-deal", "--agents", "boulware,conceder,linear"])
    assert result.exit_code == 2 and "one agent per party" in result.stderr


def test_unknown_scenario_exits_2(tmp_path) -> None:
    trace = tmp_path / "t.jsonl"
    result = runner.invoke(app, ["negotiate", "no-such-scenario", "--trace", str(trace)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")
    assert not trace.exists()


def test_trace_file_is_replayed_by_summitry_replay(tmp_path) -> None:
    path = tmp_path / "run.jsonl"
    live = _json(
        ["negotiate", "hanoi-deal", "--agents", "tit-for-tat,boulware", "--seed", "3", "--trace", str(path), "--json"]
    )
    assert read_trace(path).result.reason == live["reason"]
    assert _json(["replay", str(path), "--json"]) == live
    shown = runner.invoke(app, ["replay", str(path)])
    assert shown.exit_code == 0 and "events check out" in shown.stdout.splitlines()[0]
    assert "distance to the Pareto frontier" in shown.stdout


def test_replay_of_a_malformed_trace_names_the_line(tmp_path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"type": "header"}\n')
    result = runner.invoke(app, ["replay", str(path)])
    assert result.exit_code == 2 and f"{path}:1:" in result.stderr


def test_replay_of_a_tampered_trace_fails(tmp_path) -> None:
    path = tmp_path / "run.jsonl"
    _json(["negotiate", "hanoi-deal", "--agents", "boulware,conceder", "--trace", str(path), "--json"])
    lines = path.read_text().splitlines()
    event = json.loads(lines[3])
    event["round"] += 5
    lines[3] = json.dumps(event)
    path.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["replay", str(path)])
    assert result.exit_code == 2
    expected = f"error: {path}:4: event 2 (offer by usa) was edited: its digest does not match its content\n"
    assert result.stderr == expected


def test_replay_of_a_tampered_and_resealed_trace_still_fails(tmp_path) -> None:
    """Whoever recomputes the digests defeats the chain, but not the replay against the engine."""
    from summitry.formats.trace_digest import seal

    path = tmp_path / "run.jsonl"
    _json(["negotiate", "hanoi-deal", "--agents", "boulware,conceder", "--trace", str(path), "--json"])
    records = [json.loads(line) for line in path.read_text().splitlines()]
    records[3]["round"] += 5
    previous = records[0]["prev"]
    for number, record in enumerate(records):
        records[number] = seal(record, previous)
        previous = records[number]["digest"]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    result = runner.invoke(app, ["replay", str(path)])
    assert result.exit_code == 2 and "replay diverges at event 2" in result.stderr


@pytest.mark.parametrize("command", ["negotiate", "mediate"])
def test_plot_writes_a_png(tmp_path, command) -> None:
    path = tmp_path / "run.png"
    result = runner.invoke(app, [command, "hanoi-deal", "--rounds", "6", "--plot", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_trace_ending_in_csv_is_written_as_csv(tmp_path) -> None:
    path = tmp_path / "run.csv"
    _json(["negotiate", "hanoi-deal", "--rounds", "3", "--agents", "hardliner", "--trace", str(path), "--json"])
    lines = path.read_text().splitlines()
    assert lines[0] == "index,step,round,time,party,kind,outcome,data" and len(lines) == 1 + 1 + 6 + 1


@pytest.mark.parametrize("command", ["negotiate", "mediate"])
def test_a_run_keeps_its_events_only_for_a_trace_file_or_a_figure(tmp_path, monkeypatch, command) -> None:
    """Without --trace or --plot nothing reads the events afterwards, so the run keeps none (flat memory)."""
    import summitry.protocols as protocols_module  # negotiate imports `run` from there when a run starts

    kept: list[bool] = []
    real_run = protocols_module.run

    def spy(*args, **kwargs):
        kept.append(kwargs["keep_events"])
        return real_run(*args, **kwargs)

    monkeypatch.setattr(protocols_module, "run", spy)
    first = _json([command, "hanoi-deal", "--rounds", "30", "--seed", "2", "--json"])
    out = tmp_path / "t.jsonl"
    second = _json([command, "hanoi-deal", "--rounds", "30", "--seed", "2", "--json", "--trace", str(out)])
    assert kept == [False, True] and first == second
    assert read_trace(out).result is not None and len(read_trace(out)) > 0


def _round_lines(output: str) -> list[tuple[int, str]]:
    """The live view's event lines as (round shown, who or what)."""
    return [(int(line.split()[1]), line.split()[2]) for line in output.splitlines() if line.startswith("round ")]


def test_rounds_are_shown_from_1_as_on_the_pages_and_stored_from_0(tmp_path: Path) -> None:
    """negotiate and replay number rounds from 1 (the trace keeps 0..n-1); mediation's deadline is its last round."""
    out = tmp_path / "t.jsonl"
    result = runner.invoke(
        app, ["negotiate", "hanoi-deal", "--agents", "hardliner", "--rounds", "3", "--trace", str(out)]
    )
    assert result.exit_code == 0, result.output
    shown = _round_lines(result.stdout)
    assert shown == [(r, who) for r in (1, 2, 3) for who in ("dprk", "usa")]
    assert "no agreement (deadline) after 3 rounds" in result.stdout
    assert [e.round for e in read_trace(out).events if e.kind == "offer"] == [0, 0, 1, 1, 2, 2]
    replayed = runner.invoke(app, ["replay", str(out)])
    assert replayed.exit_code == 0, replayed.output
    assert _round_lines(replayed.stdout) == shown
    mediated = runner.invoke(app, ["mediate", "hanoi-dinner", "--rounds", "3", "--seed", "1"])
    assert mediated.exit_code == 0, mediated.output
    lines = _round_lines(mediated.stdout)
    assert lines[0] == (1, "first") and lines[-1] == (3, "deadline")
    assert {r for r, _ in lines} == {1, 2, 3}

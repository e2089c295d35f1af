"""``summitry replay``: tampering named by line and event, --rerun, scenario provenance and --trace-embed."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app
from summitry.formats import load_scenario, save_scenario
from summitry.formats.trace_digest import seal

summitry.cli._register()
runner = CliRunner()
DATA = Path(__file__).parents[1] / "formats" / "data"


def _record(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


def _reseal(path: Path, change) -> None:
    """Apply ``change`` to the records and recompute every digest (a forger who knows the format)."""
    records = [json.loads(line) for line in path.read_text().splitlines()]
    change(records)
    previous = records[0]["prev"]
    for number, record in enumerate(records):
        records[number] = seal(record, previous)
        previous = records[number]["digest"]
    path.write_text("".join(json.dumps(record) + "\n" for record in records))


@pytest.mark.parametrize("command", ["negotiate", "mediate"])
def test_rerun_checks_the_recorded_agents_with_their_parameters(tmp_path, command) -> None:
    path = tmp_path / "t.jsonl"
    agents = "boulware:exponent=0.3,conceder" if command == "negotiate" else "annealing-voter:temperature=0.2"
    _record([command, "hanoi-deal", "--agents", agents, "--seed", "3", "--trace", str(path), "--json"])
    result = runner.invoke(app, ["replay", str(path), "--rerun"])
    assert result.exit_code == 0, result.output
    assert "(replayed and rerun: " in result.stdout and "events check out)" in result.stdout


def test_rerun_names_the_first_action_an_agent_would_not_make(tmp_path) -> None:
    path = tmp_path / "t.jsonl"
    _record(["negotiate", "hanoi-deal", "--agents", "boulware,conceder", "--seed", "3", "--trace", str(path), "--json"])

    def swap_agent(records):
        records[0]["agents"] = ["hardliner", "conceder"]

    _reseal(path, swap_agent)
    assert runner.invoke(app, ["replay", str(path)]).exit_code == 0  # the actions are still a possible run
    result = runner.invoke(app, ["replay", str(path), "--rerun"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: rerun diverges at event ")
    assert "the trace records offer by " in result.stderr and result.stderr.count("\n") == 1


def test_a_moved_scenario_file_is_found_by_its_recorded_path_or_suggests_scenario(tmp_path) -> None:
    scenario_file = tmp_path / "deal.yaml"
    save_scenario(replace(load_scenario("hanoi-deal"), name="my-deal"), scenario_file)
    trace = tmp_path / "t.jsonl"
    _record(["negotiate", str(scenario_file), "--trace", str(trace), "--json"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert runner.invoke(app, ["replay", str(trace)]).exit_code == 0  # found where it was recorded
    moved = shutil.move(scenario_file, elsewhere / "deal.yaml")
    result = runner.invoke(app, ["replay", str(trace)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert f"recorded from '{scenario_file}', which is not here" in result.stderr
    assert f"summitry replay {trace} --scenario PATH" in result.stderr
    assert runner.invoke(app, ["replay", str(trace), "--scenario", str(moved)]).exit_code == 0


def test_trace_embed_replays_without_the_scenario_file(tmp_path) -> None:
    scenario_file = tmp_path / "deal.yaml"
    save_scenario(load_scenario("hanoi-deal"), scenario_file)
    trace = tmp_path / "t.jsonl"
    _record(["mediate", str(scenario_file), "--trace", str(trace), "--trace-embed", "--json"])
    scenario_file.unlink()
    result = runner.invoke(app, ["replay", str(trace), "--rerun", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scenario"] == "hanoi-deal"


def test_trace_embed_needs_a_jsonl_trace(tmp_path) -> None:
    for extra in ([], ["--trace", str(tmp_path / "t.csv")]):
        result = runner.invoke(app, ["negotiate", "hanoi-deal", "--trace-embed", *extra])
        assert result.exit_code == 2 and result.stderr.startswith("error: --trace-embed: expected a JSON Lines trace")
    assert not (tmp_path / "t.csv").exists()


def test_a_scenario_edited_after_recording_is_refused(tmp_path) -> None:
    scenario_file = tmp_path / "deal.yaml"
    save_scenario(load_scenario("hanoi-deal"), scenario_file)
    trace = tmp_path / "t.jsonl"
    _record(["negotiate", str(scenario_file), "--trace", str(trace), "--json"])
    scenario_file.write_text(scenario_file.read_text().replace("reservation: 0.45", "reservation: 0.2"))
    result = runner.invoke(app, ["replay", str(trace)])
    assert result.exit_code == 2 and "is not the one the trace was recorded on" in result.stderr


def test_an_old_unchained_trace_replays_and_says_it_is_unchained(tmp_path) -> None:
    result = runner.invoke(app, ["replay", str(DATA / "format1-sao-late.jsonl")])
    assert result.exit_code == 0, result.output
    assert "no digests: an old trace whose edits cannot be detected" in result.stdout

"""``summitry mediate``: default voters, amendments, JSON keys, trace replay."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app

summitry.cli._register()
runner = CliRunner()


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_mediation_with_default_voters_and_amendments(tmp_path) -> None:
    path = tmp_path / "dinner.jsonl"
    payload = _json(["mediate", "hanoi-dinner", "--amendments", "--seed", "2", "--json", "--trace", str(path)])
    assert payload["protocol"] == "mediation" and payload["agents"] == ["greedy-voter", "greedy-voter"]
    assert payload["reason"] in ("agreed", "deadline")
    kinds = {json.loads(line).get("kind") for line in path.read_text().splitlines()}
    assert {"start", "amend", "proposal", "vote", "approve"} <= kinds
    assert _json(["replay", str(path), "--json"]) == payload


def test_live_mediation_shows_proposals() -> None:
    result = runner.invoke(app, ["mediate", "hanoi-dinner", "--rounds", "5", "--agents", "annealing-voter"])
    assert result.exit_code == 0, result.output
    assert "mediator" in result.stdout and "first draft" in result.stdout


def test_unknown_voter_exits_2() -> None:
    result = runner.invoke(app, ["mediate", "hanoi-dinner", "--agents", "greedy-votr"])
    assert result.exit_code == 2 and "Did you mean 'greedy-voter'?" in result.stderr

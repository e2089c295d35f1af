"""Running tournaments: same results on every backend, failures scored, reruns complete what is missing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summitry.cli import _register, app
from summitry.errors import TournamentStoreError
from summitry.tournament import (
    InProcessBackend,
    LocalBackend,
    load_tournament_spec,
    open_results,
    plan_negotiations,
    run_tournament,
)

from .conftest import comparable, write_spec

_register()


def _records(folder: Path) -> list[dict[str, object]]:
    results = open_results(folder)
    try:
        return list(results.store.records(results.digest))
    finally:
        results.store.close()


def test_local_processes_give_the_same_results_as_one_process(spec_folder: Path, tmp_path: Path) -> None:
    spec = load_tournament_spec(write_spec(spec_folder, agents=["boulware", "conceder", "micro"], repetitions=2))
    summary = run_tournament(spec, tmp_path / "one", InProcessBackend())
    backend = LocalBackend(2)
    try:
        run_tournament(spec, tmp_path / "two", backend)
    finally:
        backend.close()
    one, two = _records(tmp_path / "one"), _records(tmp_path / "two")
    assert summary.total == summary.ran == len(one) == len(plan_negotiations(spec)) == 12
    assert comparable(one) == comparable(two)
    assert len({r["seed"] for r in one}) == 12


@pytest.mark.parametrize("agent", ["misbehaving.py:Raiser", "misbehaving.py:BrokenConstructor"])
def test_an_agent_that_raises_is_scored_as_failing(spec_folder: Path, tmp_path: Path, agent: str) -> None:
    spec = load_tournament_spec(write_spec(spec_folder, agents=["boulware", agent]))
    summary = run_tournament(spec, tmp_path / "out", InProcessBackend())
    records = _records(tmp_path / "out")
    assert summary.failed == 2 == len(records)
    for record in records:
        assert record["failed_party"] == agent and record["reason"] == "failed"
        assert "raised" in str(record["failure"])
        assert record["discounted"] == record["reserved"]  # a failure ends without agreement


@pytest.mark.parametrize("agent", ["misbehaving.py:Sleeper", "misbehaving.py:Spinner"])
def test_an_agent_that_hangs_is_stopped_and_scored_as_failing(spec_folder: Path, tmp_path: Path, agent: str) -> None:
    spec = load_tournament_spec(write_spec(spec_folder, agents=["boulware", agent], timeout=0.5, swap_roles=False))
    summary = run_tournament(spec, tmp_path / "out", InProcessBackend())
    (record,) = _records(tmp_path / "out")
    assert summary.failed == 1
    assert record["failed_party"] == agent
    assert "NegotiationHung" in str(record["failure"])


def test_a_crashed_worker_process_is_one_clear_error(spec_folder: Path, tmp_path: Path) -> None:
    from summitry.errors import TournamentError

    spec = load_tournament_spec(write_spec(spec_folder, agents=["boulware", "misbehaving.py:Crasher"]))
    backend = LocalBackend(1)
    try:
        with pytest.raises(TournamentError, match="a worker process died"):
            run_tournament(spec, tmp_path / "out", backend)
    finally:
        backend.close()


def test_a_changed_spec_is_refused_on_an_existing_folder(spec_folder: Path, tmp_path: Path) -> None:
    run_tournament(load_tournament_spec(write_spec(spec_folder)), tmp_path / "out", InProcessBackend())
    changed = load_tournament_spec(write_spec(spec_folder, rounds=30))
    with pytest.raises(TournamentStoreError, match=r"holds the results of another spec \(changed rounds: 20 -> 30\)"):
        run_tournament(changed, tmp_path / "out", InProcessBackend())
    same = run_tournament(load_tournament_spec(write_spec(spec_folder)), tmp_path / "out", InProcessBackend())
    assert same.already == same.total == 2 and same.ran == 0


def test_cli_run_then_report_json(spec_folder: Path, tmp_path: Path) -> None:
    spec = write_spec(spec_folder, agents=["boulware", "conceder", "misbehaving.py:Raiser"])
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(app, ["tournament", "run", str(spec), "--out", str(out), "-j", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "6 negotiations: ran 6, 4 ended in an agent's failure" in result.output
    result = runner.invoke(app, ["tournament", "report", str(out), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"tournament", "negotiations", "failed", "ranking"}
    assert (payload["tournament"], payload["negotiations"], payload["failed"]) == ("tiny", 6, 4)
    utilities = [a["mean_utility"] for a in payload["ranking"]]
    assert utilities == sorted(utilities, reverse=True)
    for entry in payload["ranking"]:
        assert set(entry) == {
            "agent",
            "mean_utility",
            "ci95",
            "agreement_rate",
            "welfare",
            "pareto_distance",
            "nash_distance",
            "n",
            "mean_utility_undiscounted",
            "failures",
        }
        assert entry["n"] == 4
        low, high = entry["ci95"]
        assert low <= entry["mean_utility"] <= high
    assert "misbehaving.py:Raiser" in [a["agent"] for a in payload["ranking"]]
    text = runner.invoke(app, ["tournament", "report", str(out), "--csv", str(tmp_path / "s.csv")])
    assert text.exit_code == 0, text.output
    assert "6 of 6 negotiations done, 4 ended in an agent's failure" in text.output
    assert "permutation test" in text.output
    assert (tmp_path / "s.csv").read_text().count("\n") == 1 + 3 + 3


def test_the_store_never_holds_a_negotiation_twice(spec_folder: Path, tmp_path: Path) -> None:
    spec = load_tournament_spec(write_spec(spec_folder))
    run_tournament(spec, tmp_path / "out", InProcessBackend())
    results = open_results(tmp_path / "out")
    try:
        records = list(results.store.records(results.digest))
        assert results.store.add(results.digest, records) == 0
        assert results.store.count(results.digest) == len(records) == 2
    finally:
        results.store.close()


def test_html_report_has_the_tables_and_figures(spec_folder: Path, tmp_path: Path) -> None:
    run_tournament(load_tournament_spec(write_spec(spec_folder)), tmp_path / "out", InProcessBackend())
    page = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["tournament", "report", str(tmp_path / "out"), "--html", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 2  # the ranking chart and one scenario
    assert "<h2>Scenario hanoi-deal</h2>" in html and "permutation test" in html and ">boulware<" in html


def test_report_on_an_unfinished_tournament_says_how_many_are_done(spec_folder: Path, tmp_path: Path) -> None:
    spec = load_tournament_spec(write_spec(spec_folder, repetitions=3))
    out = tmp_path / "out"
    run_tournament(spec, out, InProcessBackend())
    results = open_results(out)
    records = list(results.store.records(results.digest))
    results.store.drop(results.digest)
    results.store.register(results.digest, spec.name, spec.canonical(), len(plan_negotiations(spec)))
    results.store.add(results.digest, records[:4])
    results.store.close()
    text = CliRunner().invoke(app, ["tournament", "report", str(out)])
    assert "4 of 6 negotiations done" in text.output and "unfinished" in text.output


def test_report_errors_are_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["tournament", "report", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "no such folder; expected the --out folder of `summitry tournament run`" in result.output


@pytest.mark.slow
def test_resume_after_sigkill_gives_exactly_the_uninterrupted_results(spec_folder: Path, tmp_path: Path) -> None:
    spec_path = write_spec(spec_folder, agents=["boulware", "conceder", "micro", "linear"], repetitions=4, rounds=60)
    spec = load_tournament_spec(spec_path)
    total = len(plan_negotiations(spec))
    run_tournament(spec, tmp_path / "whole", InProcessBackend())
    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "summitry",
        "tournament",
        "run",
        str(spec_path),
        "--out",
        str(out),
        "-j",
        "1",
        "--quiet",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        stored = 0
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if (out / "tournament.json").exists():
                stored = _count(out)
                if stored >= 8:
                    break
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it could be killed; make the tournament bigger"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    partial = _count(out)
    assert 8 <= partial < total
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert f"({partial} were already done)" in result.stdout
    assert comparable(_records(out)) == comparable(_records(tmp_path / "whole"))
    assert len(_records(out)) == total


def _count(folder: Path) -> int:
    try:
        results = open_results(folder)
    except TournamentStoreError:
        return 0
    try:
        return results.store.count(results.digest)
    finally:
        results.store.close()

"""``summitry roadmap plan|status``: output, plan files, and bad input (exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "roadmap"

summitry.cli._register()
runner = CliRunner()

HANOI_AGREEMENT = {
    "yongbyon": "partial",
    "other_sites": "declared",
    "remains": "some",
    "test_moratorium": "missiles",
    "liaison_offices": "yes",
    "cultural_exchange": "limited",
    "end_of_war": "yes",
    "sanctions_relief": "partial",
}


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI and return exit code, stdout and stderr."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_plan_example_prints_phases_and_writes_a_plan(tmp_path: Path) -> None:
    """Planning the example prints phases, exposures and checkpoints, and writes a readable plan."""
    out = tmp_path / "plan.yaml"
    code, stdout, stderr = run("roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--out", str(out))
    assert code == 0, stderr
    assert "Road-map: 3 phases" in stdout
    assert "after phase 1" in stdout and "verify yongbyon-freeze" in stdout
    assert out.exists()
    code, stdout, stderr = run("roadmap", "status", str(out), str(EXAMPLES / "events.yaml"), "--today", "2019-08-20")
    assert code == 0, stderr
    assert "May phase 3 start? no" in stdout
    assert "relief-exports needs enrichment-hall (phase 2), which is done but not verified" in stdout
    code, stdout, _ = run("roadmap", "status", str(out), str(EXAMPLES / "events.yaml"), "--today", "2019-08-26")
    assert "May phase 3 start? yes" in stdout


def test_status_as_json(tmp_path: Path) -> None:
    """`roadmap status --json` prints one object carrying the same verdict as the table."""
    out = tmp_path / "plan.yaml"
    assert run("roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--out", str(out))[0] == 0
    code, stdout, stderr = run(
        "roadmap", "status", str(out), str(EXAMPLES / "events.yaml"), "--today", "2019-08-20", "--json"
    )
    assert code == 0, stderr
    report = json.loads(stdout)
    assert set(report) == {
        "today", "current_phase", "next_phase", "may_start_next_phase", "reasons",
        "on_track", "violated", "late", "alerts", "commitments",
    }  # fmt: skip
    assert report["today"] == "2019-08-20" and report["next_phase"] == 3
    assert report["may_start_next_phase"] is False
    assert any("enrichment-hall" in reason for reason in report["reasons"])
    by_id = {c["id"]: c for c in report["commitments"]}
    assert by_id["yongbyon-freeze"]["state"] == "done" and by_id["yongbyon-freeze"]["verified"] is True
    assert by_id["enrichment-hall"]["verified"] is False
    assert by_id["relief-exports"]["state"] == "pending"


def test_plan_from_an_agreement_with_the_hanoi_catalogue(tmp_path: Path) -> None:
    """An agreement printed by `negotiate --json` is planned with the shipped catalogue."""
    result = tmp_path / "result.json"
    result.write_text(json.dumps({"agreement": HANOI_AGREEMENT, "steps": 12}), encoding="utf-8")
    code, stdout, stderr = run(
        "roadmap", "plan", "--agreement", str(result), "--catalogue", "hanoi-deal", "--start", "2019-03-01"
    )
    assert code == 0, stderr
    assert "yongbyon-freeze (dprk)" in stdout
    assert "moratorium-missiles (dprk) [ongoing]" in stdout
    assert "2019-03-01" in stdout


def test_no_agreement_is_a_clear_error(tmp_path: Path) -> None:
    """A result without agreement exits 2 with a clear message."""
    result = tmp_path / "result.json"
    result.write_text(json.dumps({"agreement": None}), encoding="utf-8")
    code, stdout, stderr = run("roadmap", "plan", "--agreement", str(result), "--catalogue", "hanoi-deal")
    assert code == 2
    assert stderr.startswith("error: ") and "without agreement" in stderr
    assert stdout == ""


BAD_COMMITMENTS = {
    "cyclic": (
        "parties: [a, b]\ncommitments:\n"
        "  - {id: x, owner: a, prerequisites: [y]}\n  - {id: y, owner: b, prerequisites: [x]}\n",
        ["cycle", "x -> y -> x"],
    ),
    "unknown prerequisite": (
        "parties: [a, b]\ncommitments:\n  - {id: x, owner: a, prerequisites: [ghost]}\n",
        ["'x'", "'ghost'"],
    ),
    "malformed yaml": ("parties: [a, b\ncommitments: {\n", ["malformed YAML"]),
    "wrong type": (
        "parties: [a, b]\ncommitments:\n  - {id: x, owner: a, cost: lots}\n",
        ["commitments[0].cost: expected a number, got 'lots' (line 3)"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_COMMITMENTS))
def test_bad_commitments_file(tmp_path: Path, case: str) -> None:
    """Bad commitments: one error line naming the file and the item, exit 2, no plan written."""
    text, expected = BAD_COMMITMENTS[case]
    source = tmp_path / "commitments.yaml"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "plan.yaml"
    code, stdout, stderr = run("roadmap", "plan", str(source), "--out", str(out))
    assert code == 2
    assert stderr.startswith("error: ") and len(stderr.strip().splitlines()) == 1
    assert str(source) in stderr
    for fragment in expected:
        assert fragment in stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]  # no temporary file left either
    assert stdout == ""


def test_events_naming_an_unknown_commitment(tmp_path: Path) -> None:
    """An event for a commitment not in the plan names the file and the event."""
    plan = tmp_path / "plan.yaml"
    assert run("roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--out", str(plan))[0] == 0
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n  - {commitment: yongbyon-freeze, kind: done, date: 2019-03-02}\n"
        "  - {commitment: yongbyon-freez, kind: verified, date: 2019-03-09}\n",
        encoding="utf-8",
    )
    code, stdout, stderr = run("roadmap", "status", str(plan), str(events))
    assert code == 2
    assert f"{events}: events[1]" in stderr and "'yongbyon-freez'" in stderr
    assert "did you mean 'yongbyon-freeze'" in stderr
    assert stdout == ""


def test_malformed_events_and_plan_files(tmp_path: Path) -> None:
    """Malformed events or plan files exit 2 naming the file."""
    plan = tmp_path / "plan.yaml"
    assert run("roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--out", str(plan))[0] == 0
    events = tmp_path / "events.yaml"
    events.write_text("events:\n  - {commitment: end-of-war, kind: finished, date: 2019-03-02}\n", encoding="utf-8")
    code, _, stderr = run("roadmap", "status", str(plan), str(events))
    assert code == 2 and f"{events}: events[0].kind: expected 'started', 'done'" in stderr
    not_a_plan = tmp_path / "other.yaml"
    not_a_plan.write_text("- just\n- a list\n", encoding="utf-8")
    code, _, stderr = run("roadmap", "status", str(not_a_plan), str(events))
    assert code == 2 and str(not_a_plan) in stderr


def test_bad_arguments() -> None:
    """Both a FILE and --agreement, or a bad date, are refused with exit 2."""
    code, _, stderr = run("roadmap", "plan")
    assert code == 2 and "nothing to plan: give a commitments FILE, or --agreement" in stderr
    code, _, stderr = run("roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--agreement", "r.json")
    assert code == 2 and "not both" in stderr
    code, _, stderr = run("roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--start", "March")
    assert code == 2 and "--start" in stderr

"""``roadmap status`` never hides a violation or lateness, and ``--check`` exits 1 for them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "roadmap"

summitry.cli._register()
runner = CliRunner()


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "plan.yaml"
    args = ["roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--start", "2019-03-01", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def _events(tmp_path: Path, *extra: str) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text((EXAMPLES / "events.yaml").read_text("utf-8") + "".join(f"  - {e}\n" for e in extra), "utf-8")
    return path


def _status(plan: Path, events: Path, today: str, *options: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["roadmap", "status", str(plan), str(events), "--today", today, *options])
    return result.exit_code, result.stdout.splitlines()


def test_a_violation_in_the_last_phase_reaches_the_bottom_line(plan_file: Path, tmp_path: Path) -> None:
    """Phase 3 is the last phase, and its violation is still the last thing said; --check exits 1."""
    events = _events(
        tmp_path,
        "{commitment: missile-moratorium, kind: violated, date: 2019-09-15}",
        "{commitment: relief-exports, kind: done, date: 2019-09-01}",
        "{commitment: relief-exports, kind: verified, date: 2019-09-02}",
    )
    code, lines = _status(plan_file, events, "2019-09-20")
    assert code == 0
    assert "the last phase" in lines[-3]
    assert lines[-2].strip() == "! missile-moratorium (dprk, phase 3) was violated on 2019-09-15"
    assert lines[-1] == "NOT on track: 1 violated (missile-moratorium)."
    assert _status(plan_file, events, "2019-09-20", "--check")[0] == 1


def test_lateness_reaches_the_bottom_line(plan_file: Path, tmp_path: Path) -> None:
    """A phase-3 commitment not done after its phase ended is late, said last; --check exits 1."""
    code, lines = _status(plan_file, _events(tmp_path), "2019-12-01", "--check")
    assert code == 1
    assert lines[-1].startswith("NOT on track: ") and "late (" in lines[-1]
    assert "missile-moratorium" in lines[-1] and "relief-exports" in lines[-1]
    assert any("relief-exports (usa, phase 3) is late: due " in line for line in lines)


def test_on_track_says_so_and_check_exits_0(plan_file: Path) -> None:
    """Nothing violated or late: the last line says so and --check exits 0."""
    code, lines = _status(plan_file, EXAMPLES / "events.yaml", "2019-08-20", "--check")
    assert code == 0
    assert lines[-1] == "On track: nothing is violated or late."


def test_json_and_check_agree(plan_file: Path, tmp_path: Path) -> None:
    """--json names what is violated and late; with --check it still prints the object, then exits 1."""
    events = _events(tmp_path, "{commitment: missile-moratorium, kind: violated, date: 2019-09-15}")
    result = runner.invoke(
        app, ["roadmap", "status", str(plan_file), str(events), "--today", "2019-12-01", "--json", "--check"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["on_track"] is False
    assert report["violated"] == ["missile-moratorium"] and report["late"] == ["relief-exports"]
    assert len(report["alerts"]) == 2

"""User-visible text of the main commands, pinned at a fixed width (update: pytest --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from summitry.cli import _register, app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "roadmap"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    from summitry.cli._render import console

    _register()
    monkeypatch.setattr(console, "_width", 110)
    return CliRunner()


def test_analyze_hanoi_deal_table(runner: CliRunner, snapshot: object) -> None:
    result = runner.invoke(app, ["analyze", "hanoi-deal"])
    assert result.exit_code == 0, result.output
    assert result.output == snapshot


def test_negotiate_hanoi_deal_result(runner: CliRunner, snapshot: object) -> None:
    """The closing lines of a seeded negotiation: the agreement, utilities and distances."""
    result = runner.invoke(app, ["negotiate", "hanoi-deal", "--agents", "hardheaded,bayesian", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-5:] == snapshot


def test_roadmap_plan_of_the_example(runner: CliRunner, snapshot: object) -> None:
    result = runner.invoke(app, ["roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--start", "2019-03-01"])
    assert result.exit_code == 0, result.output
    assert result.output == snapshot

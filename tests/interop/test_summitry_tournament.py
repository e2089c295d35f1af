"""A summitry tournament whose spec names NegMAS negotiators (``negmas:...``) runs to the end, reported by spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from summitry.errors import TournamentSpecError
from summitry.tournament import InProcessBackend, parse_tournament_spec, run_tournament

negmas = pytest.importorskip("negmas", reason="NegMAS (dev extra) is needed for the interop tests")
pytestmark = pytest.mark.negmas

SPEC = """
name: mixed
agents: [boulware, micro, "negmas:negmas.sao:BoulwareTBNegotiator", "negmas:negmas.sao:NaiveTitForTatNegotiator"]
scenarios: [hanoi-deal]
rounds: 30
seed: 3
"""


def test_tournament_spec_with_negmas_agents_runs_every_negotiation(tmp_path: Path) -> None:
    """Every ordered pair of the four agents negotiates once, none fails, and results name the negmas: specs."""
    spec = parse_tournament_spec(SPEC, base=tmp_path)
    summary = run_tournament(spec, tmp_path / "out", InProcessBackend())
    assert summary.total == 12 and summary.ran == 12 and summary.failed == 0
    assert "negmas:negmas.sao:BoulwareTBNegotiator" in spec.agents


def test_tournament_spec_with_a_bad_negmas_agent_is_refused(tmp_path: Path) -> None:
    """A negmas: class that does not exist is refused when the spec is read, naming the agent."""
    with pytest.raises(TournamentSpecError, match=r"agents\[2\].*has no 'Nope'"):
        parse_tournament_spec(SPEC.replace("NaiveTitForTatNegotiator", "Nope").replace(
            "BoulwareTBNegotiator", "Nope"), base=tmp_path)  # fmt: skip

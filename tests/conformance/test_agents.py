"""Every registered agent passes check_negotiator."""

from __future__ import annotations

import pytest

from summitry.agents import REGISTRY, AgentSpec, Negotiator, check_negotiator
from summitry.errors import AgentCheckError
from summitry.model import Outcome
from summitry.protocols import Observation


@pytest.mark.parametrize("spec", list(REGISTRY.values()), ids=lambda spec: spec.name)
def test_agent_conforms(spec: AgentSpec) -> None:
    """The agent acts legally, respects its reservation value and is seed-deterministic."""
    check_negotiator(spec)


class _Cheater(Negotiator):
    """Offers its worst outcome, below its reservation value."""

    def propose(self, observation: Observation) -> Outcome | None:
        return self.view.space.outcome(int(self.sorted_indices[-1]))


def test_checker_catches_offers_below_reservation() -> None:
    """check_negotiator rejects an agent offering below its reservation value."""
    with pytest.raises(AgentCheckError, match="reservation"):
        check_negotiator(_Cheater)

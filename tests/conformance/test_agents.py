"""Every registered agent passes check_negotiator."""

from __future__ import annotations

import random
from collections.abc import Mapping

import pytest

from summitry.agents import REGISTRY, AgentSpec, Negotiator, check_negotiator
from summitry.errors import AgentCheckError
from summitry.model import Outcome, Value
from summitry.protocols import Action, Observation, Reject, Request


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


class _YesToAnyDraft(Negotiator):
    """Approves every final draft, even one below its reservation value."""

    def approve(self, observation: Observation) -> bool:
        return True


class _Inventor(Negotiator):
    """Amends an issue that does not exist."""

    def amend(self, observation: Observation) -> Mapping[str, Value]:
        return {"weather": "sunny"}


class _Rejecter(Negotiator):
    """Answers every offer with Reject, which SAO does not allow."""

    def act(self, observation: Observation) -> Action:
        if observation.request is Request.OFFER and observation.standing_offer is not None:
            return Reject(party=observation.party)
        return super().act(observation)


class _Crasher(Negotiator):
    """Raises once the mediator proposes."""

    def vote(self, observation: Observation) -> bool:
        raise RuntimeError("no opinion")


_GLOBAL = random.Random()


class _Moody(Negotiator):
    """Ignores its seeded rng: offers whatever a global generator picks among its acceptable outcomes."""

    def propose(self, observation: Observation) -> Outcome | None:
        acceptable = self.indices_between(self.reservation)
        if acceptable.size == 0:
            return None
        return self.view.space.outcome(int(acceptable[_GLOBAL.randrange(acceptable.size)]))


@pytest.mark.parametrize(
    ("agent", "message"),
    [
        (_YesToAnyDraft, r"mediation, .*final approval: approved .* not above reservation"),
        (_Inventor, r"mediation, .*amendment names issue 'weather'"),
        (_Rejecter, r"sao, .*expected one of \['Offer', 'Accept', 'EndNegotiation'\], got Reject"),
        (_Crasher, r"mediation, .*the agent failed \(raised\): RuntimeError: no opinion"),
        (_Moody, r"the same seed gave different traces"),
    ],
    ids=["approves-below-reservation", "unknown-issue", "reject-in-sao", "raises", "not-seeded"],
)
def test_checker_runs_the_real_mechanisms_and_names_the_breach(agent: type[Negotiator], message: str) -> None:
    """Each breach is caught by playing the real SAO and Mediation, and named with where it happened."""
    with pytest.raises(AgentCheckError, match=message):
        check_negotiator(agent)

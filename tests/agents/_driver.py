"""A tiny bilateral alternating-offers driver for agent tests (independent of the engine's SAO).

It follows DESIGN §5: the first party offers; each next party accepts the standing offer,
replaces it with its own, or ends; the deadline is a number of rounds (a round = both acted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from summitry.model import Outcome, Scenario
from summitry.protocols import (
    Accept,
    Action,
    Deadline,
    EndNegotiation,
    Negotiator,
    Observation,
    Offer,
    PrivateView,
    Request,
)


@dataclass
class DriverResult:
    """What a driven negotiation produced."""

    agreement: Outcome | None
    utilities: tuple[float, ...]
    reason: str
    rounds: int
    actions: list[Action] = field(default_factory=list)
    history: list[tuple[str, Outcome]] = field(default_factory=list)


def drive(scenario: Scenario, negotiators: list[Negotiator], *, rounds: int = 50, seed: int = 0) -> DriverResult:
    """Return the result of alternating offers between two negotiators on ``scenario``."""
    parties = scenario.party_names
    deadline = Deadline(rounds=rounds)
    rngs = np.random.default_rng(seed).spawn(len(parties))
    for index, (party, negotiator, rng) in enumerate(zip(parties, negotiators, rngs, strict=True)):
        utility = scenario.parties[index].utility
        negotiator.start(
            PrivateView(
                party=party,
                index=index,
                parties=parties,
                space=scenario.space,
                utility=utility,
                reservation_value=float(utility.reservation_value),
                deadline=deadline,
                protocol="sao",
            ),
            rng,
        )
    history: list[tuple[str, Outcome]] = []
    actions: list[Action] = []
    standing: Outcome | None = None
    by: str | None = None
    step = 0
    for round_ in range(rounds):
        for index, party in enumerate(parties):
            legal = (Offer, Accept, EndNegotiation) if standing is not None else (Offer, EndNegotiation)
            observation = Observation(
                request=Request.OFFER,
                party=party,
                round=round_,
                step=step,
                time=round_ / rounds,
                standing_offer=standing,
                standing_offer_by=by,
                history=tuple(history),
                legal=legal,
            )
            action = negotiators[index].act(observation)
            step += 1
            actions.append(action)
            assert isinstance(action, legal), f"{party} sent {action!r}; legal: {legal}"
            assert action.party == party
            if isinstance(action, Accept):
                assert standing is not None
                return _finish(scenario, standing, "agreed", round_ + 1, actions, history)
            if isinstance(action, EndNegotiation):
                return _finish(scenario, None, "ended", round_ + 1, actions, history)
            assert isinstance(action, Offer)
            assert scenario.space.contains(action.outcome), f"{party} offered an invalid {action.outcome!r}"
            standing, by = tuple(action.outcome), party
            history.append((party, standing))
    return _finish(scenario, None, "deadline", rounds, actions, history)


def _finish(
    scenario: Scenario,
    agreement: Outcome | None,
    reason: str,
    rounds: int,
    actions: list[Action],
    history: list[tuple[str, Outcome]],
) -> DriverResult:
    if agreement is None:
        utilities = tuple(float(p.reservation_value) for p in scenario.parties)
    else:
        utilities = tuple(float(p.utility(agreement)) for p in scenario.parties)
    return DriverResult(agreement, utilities, reason, rounds, actions, history)

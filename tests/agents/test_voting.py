"""Mediation voters and the base-class mediation defaults."""

from __future__ import annotations

import numpy as np
import pytest

from summitry.agents import AnnealingVoter, GreedyVoter, make_negotiator
from summitry.model import Scenario
from summitry.protocols import Amend, Deadline, Observation, PrivateView, Request, Vote


def _start(negotiator: object, scenario: Scenario, seed: int = 0) -> None:
    utility = scenario.parties[0].utility
    negotiator.start(  # type: ignore[attr-defined]
        PrivateView(
            party="buyer",
            index=0,
            parties=scenario.party_names,
            space=scenario.space,
            utility=utility,
            reservation_value=utility.reservation_value,
            deadline=Deadline(rounds=10),
            protocol="mediation",
        ),
        np.random.default_rng(seed),
    )


GOOD = ("red", 1, "express")  # the buyer's best
BAD = ("blue", 5, "slow")  # the buyer's worst


def _vote(negotiator: object, draft: tuple, proposal: tuple, t: float = 0.0) -> bool:
    observation = Observation(
        request=Request.VOTE, party="buyer", round=0, step=0, time=t, draft=draft, proposal=proposal, legal=(Vote,)
    )
    action = negotiator.act(observation)  # type: ignore[attr-defined]
    assert isinstance(action, Vote) and action.party == "buyer"
    return action.accept


def test_greedy_voter_accepts_only_improvements(scenario: Scenario) -> None:
    """Greedy accepts a better proposal and rejects a worse one."""
    voter = GreedyVoter()
    _start(voter, scenario)
    assert _vote(voter, BAD, GOOD)
    assert not _vote(voter, GOOD, BAD)


def test_annealing_voter_sometimes_accepts_losses_early_never_late(scenario: Scenario) -> None:
    """Early (hot) the annealer accepts some worse proposals; at the deadline (cold) none."""
    voter = AnnealingVoter(temperature=2.0)
    _start(voter, scenario)
    early = [_vote(voter, GOOD, ("red", 2, "express"), t=0.0) for _ in range(50)]
    late = [_vote(voter, GOOD, ("red", 2, "express"), t=1.0) for _ in range(50)]
    assert 0 < sum(early) < 50
    assert sum(late) == 0


def test_annealing_voter_is_seed_deterministic(scenario: Scenario) -> None:
    """The same seed gives the same votes."""
    runs = []
    for _ in range(2):
        voter = AnnealingVoter(temperature=0.5)
        _start(voter, scenario, seed=9)
        runs.append([_vote(voter, GOOD, ("green", 2, "fast"), t=0.1) for _ in range(30)])
    assert runs[0] == runs[1]


def test_sao_agents_vote_and_approve_sensibly(scenario: Scenario) -> None:
    """A time-based agent votes by utility, redrafts one issue in its favour and approves only above reservation."""
    agent = make_negotiator("boulware")
    _start(agent, scenario)
    assert _vote(agent, BAD, GOOD)
    amend = agent.act(Observation(request=Request.AMEND, party="buyer", round=0, step=0, time=0.0, draft=BAD))
    assert isinstance(amend, Amend) and len(amend.changes) == 1
    ((issue, value),) = dict(amend.changes).items()
    position = scenario.space.issue_position(issue)
    edited = (*BAD[:position], value, *BAD[position + 1 :])
    buyer = scenario.party("buyer").utility
    assert buyer(edited) > buyer(BAD)
    best_single_edit = max(
        buyer((*BAD[:k], v, *BAD[k + 1 :])) for k, i in enumerate(scenario.space.issues) for v in i.values
    )
    assert buyer(edited) == pytest.approx(best_single_edit)
    at_best = agent.act(Observation(request=Request.AMEND, party="buyer", round=0, step=0, time=0.0, draft=GOOD))
    assert isinstance(at_best, Amend) and dict(at_best.changes) == {}
    for draft, expected in ((GOOD, True), (BAD, False)):
        observation = Observation(request=Request.APPROVE, party="buyer", round=9, step=9, time=1.0, draft=draft)
        assert agent.act(observation) == Vote(party="buyer", accept=expected)

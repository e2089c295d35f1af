"""The Hanoi dinner menu, mediated for both delegations, ends approved before its deadline or in a stated no-deal."""

from __future__ import annotations

import numpy as np
import pytest

from summitry.agents import make_negotiator
from summitry.formats import load_scenario
from summitry.protocols import FakeClock, Trace, negotiate

AGENT_PAIRS = [
    ("greedy-voter", "greedy-voter"),
    ("annealing-voter", "annealing-voter"),
    ("annealing-voter", "greedy-voter"),
    ("hardheaded", "bayesian"),
    ("boulware", "conceder"),
]


def _check_menu(trace: Trace, deadline_seconds: float | None = None) -> None:
    scenario = load_scenario("hanoi-dinner")
    result = trace.result
    assert result is not None
    if result.agreement is None:
        assert result.reason in ("deadline", "ended")  # a stated no-agreement, not a crash
        assert result.utilities == tuple(p.reservation_value for p in scenario.parties)
        return
    menu = result.agreement
    assert result.reason == "agreed"
    assert scenario.space.contains(menu), "the menu keeps every hard constraint"
    approvals = [e for e in trace.events if e.kind == "approve"]
    assert {e.party for e in approvals if e.data.get("accept")} == set(scenario.party_names)
    assert all(tuple(e.outcome) == tuple(menu) for e in approvals)
    utilities = scenario.utilities(np.array([scenario.space.index_of(menu)]))[0]
    assert (utilities > scenario.reserved_values).all(), "each delegation prefers the menu to no dinner deal"
    if deadline_seconds is None:
        assert result.rounds <= (scenario.rounds or 0)
    else:  # the final approval vote opens at the deadline: nothing else happens after it
        late = [
            e.kind
            for e in trace.events
            if e.time > deadline_seconds and e.kind not in ("late", "deadline", "approve", "agreement")
        ]
        assert late == [], late


@pytest.mark.parametrize("agents", AGENT_PAIRS, ids=lambda pair: " vs ".join(pair))
@pytest.mark.parametrize("seed", [0, 7])
def test_menu_is_approved_by_both_or_no_deal_is_stated(agents: tuple[str, str], seed: int) -> None:
    scenario = load_scenario("hanoi-dinner")
    trace = negotiate(scenario, [make_negotiator(a) for a in agents], protocol="mediation", seed=seed)
    _check_menu(trace)


def test_menu_meets_a_real_time_deadline() -> None:
    """With a wall-clock deadline (a fake clock ticking 0.01 s a read), drafting stops at the deadline."""
    scenario = load_scenario("hanoi-dinner")
    trace = negotiate(
        scenario,
        [make_negotiator("annealing-voter"), make_negotiator("annealing-voter")],
        protocol="mediation",
        rounds=None,
        seconds=5.0,
        seed=3,
        clock=FakeClock(auto_step=0.01),
    )
    _check_menu(trace, deadline_seconds=5.0)


def test_greedy_voters_agree_on_the_default_seed() -> None:
    """The shipped dinner is built so that a menu both prefer exists and simple voters find one."""
    scenario = load_scenario("hanoi-dinner")
    agreed = 0
    for seed in range(5):
        trace = negotiate(scenario, [make_negotiator("greedy-voter"), make_negotiator("greedy-voter")], seed=seed)
        agreed += trace.result is not None and trace.result.agreement is not None
    assert agreed >= 3

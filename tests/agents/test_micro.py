"""MiCRO concedes only as often as the opponent makes new offers."""

from __future__ import annotations

from summitry.agents import MiCRO, make_negotiator
from summitry.model import Scenario

from ._driver import drive


def test_micro_never_concedes_before_the_opponent_made_as_many_distinct_offers(scenario: Scenario) -> None:
    """Against a hardliner (one distinct offer) MiCRO proposes at most two distinct outcomes."""
    result = drive(scenario, [MiCRO(), make_negotiator("hardliner")], rounds=30)
    mine = [o for p, o in result.history if p == "buyer"]
    assert len(set(mine)) <= 2
    assert len(mine) > 5


def test_micro_distinct_offers_never_exceed_opponents_plus_one(scenario: Scenario) -> None:
    """At every point, MiCRO's distinct offers are at most the opponent's distinct offers plus one."""
    result = drive(scenario, [MiCRO(), make_negotiator("random", p_accept=0.0)], rounds=30, seed=2)
    mine: set[object] = set()
    theirs: set[object] = set()
    for party, outcome in result.history:
        if party == "buyer":
            mine.add(outcome)
            assert len(mine) <= len(theirs) + 1
        else:
            theirs.add(outcome)


def test_micro_walks_its_outcomes_in_decreasing_utility(scenario: Scenario) -> None:
    """MiCRO's new offers come in decreasing utility order."""
    result = drive(scenario, [MiCRO(), make_negotiator("conceder")], rounds=30)
    utility = scenario.parties[0].utility
    fresh: list[float] = []
    seen: set[object] = set()
    for party, outcome in result.history:
        if party == "buyer" and outcome not in seen:
            seen.add(outcome)
            fresh.append(utility(outcome))
    assert fresh == sorted(fresh, reverse=True)


def test_two_micros_agree(scenario: Scenario) -> None:
    """MiCRO against itself reaches an agreement (it is a reciprocal concession strategy)."""
    assert drive(scenario, [MiCRO(), MiCRO()], rounds=100).reason == "agreed"

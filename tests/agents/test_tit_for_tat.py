"""Tit-for-tat reciprocates the opponent's concessions in its own utility."""

from __future__ import annotations

from summitry.agents import NaiveTitForTat, RelativeTitForTat, make_negotiator
from summitry.model import Scenario

from ._driver import drive


def _own_offer_utilities(scenario: Scenario, opponent: str) -> list[float]:
    result = drive(scenario, [NaiveTitForTat(kindness=0.0), make_negotiator(opponent)], rounds=30)
    utility = scenario.parties[0].utility
    return [utility(o) for p, o in result.history if p == "buyer"]


def test_naive_tit_for_tat_does_not_concede_to_a_hardliner(scenario: Scenario) -> None:
    """Without kindness, tit-for-tat against a hardliner (no concession) never concedes."""
    mine = _own_offer_utilities(scenario, "hardliner")
    assert len(set(mine)) == 1


def test_naive_tit_for_tat_concedes_to_a_conceder(scenario: Scenario) -> None:
    """Against a conceder, tit-for-tat's offers fall in its own utility: it reciprocates."""
    mine = _own_offer_utilities(scenario, "conceder")
    assert mine[-1] < mine[0]


def test_relative_tit_for_tat_reciprocates_but_not_a_hardliner(scenario: Scenario) -> None:
    """Relative tit-for-tat concedes to a conceder and not to a hardliner."""
    utility = scenario.parties[0].utility
    versus_hard = drive(scenario, [RelativeTitForTat(kindness=0.0), make_negotiator("hardliner")], rounds=30)
    versus_soft = drive(scenario, [RelativeTitForTat(kindness=0.0), make_negotiator("conceder")], rounds=30)
    hard = [utility(o) for p, o in versus_hard.history if p == "buyer"]
    soft = [utility(o) for p, o in versus_soft.history if p == "buyer"]
    assert len(set(hard)) == 1
    assert soft[-1] < soft[0]


def test_kind_tit_for_tats_agree(scenario: Scenario) -> None:
    """Two tit-for-tats with the registry's small kindness reach an agreement."""
    result = drive(scenario, [make_negotiator("tit-for-tat"), make_negotiator("naive-tit-for-tat")], rounds=100)
    assert result.reason == "agreed"

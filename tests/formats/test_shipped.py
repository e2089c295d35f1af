"""The shipped Hanoi scenarios load, are sane, and leave room for a deal."""

from __future__ import annotations

import numpy as np
import pytest

from summitry.errors import UnknownScenarioError
from summitry.formats import load_scenario, shipped_scenarios
from summitry.model import CategoricalIssue

DEAL_ISSUES = {
    "yongbyon": ("none", "partial", "full"),
    "other_sites": ("none", "declared", "all"),
    "remains": ("none", "some", "more"),
    "test_moratorium": ("none", "missiles", "missiles_and_nuclear"),
    "liaison_offices": ("no", "yes"),
    "cultural_exchange": ("none", "limited", "broad"),
    "end_of_war": ("no", "yes"),
    "sanctions_relief": ("none", "partial", "full"),
}


def test_both_hanoi_scenarios_are_shipped() -> None:
    """shipped_scenarios lists the two Hanoi scenarios."""
    assert {"hanoi-deal", "hanoi-dinner"} <= set(shipped_scenarios())


@pytest.mark.parametrize("name", ["hanoi-deal", "hanoi-dinner"])
def test_shipped_scenario_is_sane(name: str) -> None:
    """Utilities of feasible outcomes lie in [0, 1], and some outcome beats both reservations."""
    scenario = load_scenario(name)
    assert scenario.party_names == ("dprk", "usa")
    assert "illustrative" in scenario.description.lower()
    indices = scenario.space.all_indices()
    utilities = scenario.utilities(indices)
    feasible = np.isfinite(utilities).all(axis=1)
    assert ((utilities[feasible] >= 0) & (utilities[feasible] <= 1)).all()
    assert (utilities > scenario.reserved_values).all(axis=1).any()


def test_hanoi_deal_issues_and_defaults() -> None:
    """hanoi-deal has exactly the agreed issue names and values, SAO for 60 rounds."""
    scenario = load_scenario("hanoi-deal")
    assert {i.name: i.values for i in scenario.space.issues} == DEAL_ISSUES
    assert (scenario.protocol, scenario.rounds) == ("sao", 60)
    # "no deal" is plausible: not every outcome is acceptable to both
    utilities = scenario.utilities(scenario.space.all_indices())
    assert not (utilities > scenario.reserved_values).all(axis=1).all()


def test_hanoi_dinner_constraints_and_simplicity() -> None:
    """hanoi-dinner: every course may be none, a main is required, mediation for 40 rounds."""
    scenario = load_scenario("hanoi-dinner")
    assert scenario.space.issue_names == ("starter", "main", "dessert", "drinks")
    assert all(isinstance(i, CategoricalIssue) and "none" in i.values for i in scenario.space.issues)
    assert (scenario.protocol, scenario.rounds) == ("mediation", 40)
    assert not scenario.space.contains({"starter": "pho", "main": "none", "dessert": "fruit", "drinks": "tea"})
    usa = scenario.party("usa").utility
    assert usa({"starter": "green_papaya_salad", "main": "bun_cha", "dessert": "none", "drinks": "tea"}) == -np.inf


def test_unknown_name_suggests_a_shipped_one() -> None:
    """A misspelt name raises UnknownScenarioError with a Did-you-mean and the shipped list."""
    with pytest.raises(UnknownScenarioError, match=r"Did you mean 'hanoi-deal'\?.*hanoi-dinner"):
        load_scenario("hanoi-deel")

"""Hardliner never concedes; random is deterministic given its seed."""

from __future__ import annotations

from summitry.agents import Hardliner, RandomNegotiator, make_negotiator
from summitry.model import Scenario

from ._driver import drive


def test_hardliner_never_concedes(scenario: Scenario) -> None:
    """Every hardliner offer is a best outcome for it, whatever the opponent does."""
    result = drive(scenario, [Hardliner(), make_negotiator("conceder")], rounds=30)
    utility = scenario.parties[0].utility
    best = max(utility.grid())
    offers = [o for p, o in result.history if p == "buyer"]
    assert offers and all(utility(o) == best for o in offers)


def test_hardliner_against_hardliner_times_out(scenario: Scenario) -> None:
    """Two hardliners with different best outcomes never agree."""
    result = drive(scenario, [Hardliner(), Hardliner()], rounds=20)
    assert result.reason == "deadline"
    assert result.agreement is None


def test_random_is_seed_deterministic(scenario: Scenario) -> None:
    """The same seed gives the same offers; another seed gives others."""
    first = drive(scenario, [RandomNegotiator(p_accept=0.0), RandomNegotiator(p_accept=0.0)], rounds=20, seed=5)
    again = drive(scenario, [RandomNegotiator(p_accept=0.0), RandomNegotiator(p_accept=0.0)], rounds=20, seed=5)
    other = drive(scenario, [RandomNegotiator(p_accept=0.0), RandomNegotiator(p_accept=0.0)], rounds=20, seed=6)
    assert first.history == again.history
    assert first.history != other.history


def test_random_offers_stay_above_reservation() -> None:
    """With a high reservation value random offers only acceptable outcomes."""
    from .conftest import make_scenario

    scenario = make_scenario(reservations=(0.7, 0.2))
    result = drive(scenario, [RandomNegotiator(p_accept=0.0), Hardliner()], rounds=30, seed=1)
    utility = scenario.parties[0].utility
    assert all(utility(o) >= 0.7 for p, o in result.history if p == "buyer")

"""Faratin time-based agents: the concession curve and AC_next."""

from __future__ import annotations

import itertools

import pytest

from summitry.agents import Boulware, Conceder, LinearConcession, concession_target, make_negotiator
from summitry.model import Scenario

from ._driver import drive


def test_boulware_target_is_higher_than_conceder_at_half_time() -> None:
    """Boulware (e<1) concedes slower than Conceder (e>1): its target at t=0.5 is higher."""
    boulware = concession_target(0.5, maximum=1.0, reserve=0.2, exponent=0.2)
    linear = concession_target(0.5, maximum=1.0, reserve=0.2, exponent=1.0)
    conceder = concession_target(0.5, maximum=1.0, reserve=0.2, exponent=5.0)
    assert boulware > linear > conceder
    assert linear == pytest.approx(0.6)


@pytest.mark.parametrize("exponent", [0.2, 1.0, 5.0])
def test_curve_runs_from_maximum_to_reserve(exponent: float) -> None:
    """The curve starts at the maximum and ends at the reserve."""
    assert concession_target(0.0, maximum=0.9, reserve=0.3, exponent=exponent) == pytest.approx(0.9)
    assert concession_target(1.0, maximum=0.9, reserve=0.3, exponent=exponent) == pytest.approx(0.3)


def test_offers_follow_the_curve_in_own_utility(scenario: Scenario) -> None:
    """Each agent's offers never rise in its own utility, and Boulware's stay above Conceder's."""
    results = {}
    for cls in (Boulware, LinearConcession, Conceder):
        result = drive(scenario, [cls(), make_negotiator("hardliner")], rounds=40)
        utility = scenario.parties[0].utility
        mine = [utility(o) for p, o in result.history if p == "buyer"]
        assert all(b <= a + 1e-9 for a, b in itertools.pairwise(mine))
        results[cls.name] = mine
    half = 20
    assert results["boulware"][half] > results["conceder"][half]


def test_ac_next_accepts_an_offer_at_least_as_good_as_its_next(scenario: Scenario) -> None:
    """Two linear agents agree before the deadline, each getting at least its reservation value."""
    result = drive(scenario, [LinearConcession(), LinearConcession()], rounds=40)
    assert result.reason == "agreed"
    assert all(u >= p.reservation_value for u, p in zip(result.utilities, scenario.parties, strict=True))


def test_exponent_must_be_positive() -> None:
    """A non-positive exponent is refused."""
    with pytest.raises(ValueError, match="exponent"):
        Boulware(exponent=0.0)

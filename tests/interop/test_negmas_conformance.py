"""Conformance: NegMAS's deterministic negotiators make the same offers inside summitry as in NegMAS.

Each pair plays a shared GENIUS scenario twice: in NegMAS's ``SAOMechanism`` (one offer per
step, ``n_steps = 2 × rounds``) with NegMAS utility functions built from summitry's tables,
and in summitry's SAO through :func:`from_negmas` with a deadline of ``rounds``. The offers,
round by round, and the agreement must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summitry.protocols import negotiate

from .conftest import BIG, scenario_at, shared_or_skip

negmas = pytest.importorskip("negmas", reason="NegMAS (dev extra) is needed for the interop tests")
pytestmark = pytest.mark.negmas

from negmas import SAOMechanism  # noqa: E402
from negmas.sao import (  # noqa: E402
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    LinearTBNegotiator,
    NaiveTitForTatNegotiator,
    ToughNegotiator,
)

from summitry.interop.negmas import from_negmas, negmas_scenario  # noqa: E402

KINDS = [BoulwareTBNegotiator, LinearTBNegotiator, ConcederTBNegotiator, ToughNegotiator, NaiveTitForTatNegotiator]
PAIRS = [(a, b) for a, b in zip(KINDS, KINDS[1:] + KINDS[:1], strict=True)] + [(BoulwareTBNegotiator,) * 2]
ROUNDS = 20


def _both_ways(folder: Path, first: type, second: type) -> None:
    scenario = scenario_at(folder)
    theirs = negmas_scenario(scenario)
    parties = scenario.party_names
    mechanism = SAOMechanism(outcome_space=theirs.outcome_space, n_steps=ROUNDS * len(parties), one_offer_per_step=True)
    for kind, party, ufun in zip((first, second), parties, theirs.ufuns, strict=True):
        mechanism.add(kind(name=party, id=party), ufun=ufun)
    expected = offers_in_negmas(mechanism)
    trace = negotiate(scenario, [from_negmas(first), from_negmas(second)], rounds=ROUNDS, seed=0)
    made = [(event.party, event.outcome) for event in trace.events if event.kind == "offer"]
    assert made == expected
    agreement = mechanism.state.agreement
    assert trace.result.agreement == (None if agreement is None else tuple(agreement))


from .conftest import offers_in_negmas  # noqa: E402


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0].__name__}-{p[1].__name__}")
@pytest.mark.parametrize("folder", shared_or_skip())
def test_same_offers_and_agreement_as_in_negmas(folder: Path, pair: tuple[type, type]) -> None:
    """A NegMAS pair offers the same outcomes, round by round, and agrees on the same outcome, in both engines."""
    if scenario_at(folder).space.cardinality > BIG and pair != PAIRS[-1]:
        pytest.skip("big scenario: conformance is checked on one pair (see test_big_scenarios_conform)")
    _both_ways(folder, *pair)

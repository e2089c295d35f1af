"""Conformance: NegMAS's deterministic negotiators make the same offers inside summitry as in NegMAS.

Each pair plays a shared GENIUS scenario twice: in NegMAS's ``SAOMechanism`` (one offer per
step, ``n_steps = 2 × rounds``) with NegMAS utility functions built from summitry's tables,
and in summitry's SAO through :func:`from_negmas` with a deadline of ``rounds``. The offers,
round by round, and the agreement must be the same.

NegMAS itself takes seconds per negotiation on big spaces (it sorts every outcome, and
re-evaluates every discounted utility at each step), so scenarios above ``SMALL`` outcomes
play one pair (rotating through the kinds) and, above ``SMALL``, without their discount
(summitry's ``discount=1.0`` and NegMAS's undiscounted utilities): the discounted
representation is checked on the smaller discounted scenarios.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summitry.protocols import negotiate

from .conftest import offers_in_negmas, scenario_at, scenario_at_or_skip, shared_or_skip

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
ROUNDS = 12
SMALL = 3_000


def _both_ways(folder: Path, first: type, second: type) -> None:
    scenario = scenario_at(folder)
    discount = scenario.space.cardinality <= SMALL
    theirs = negmas_scenario(scenario, discount=discount)
    parties = scenario.party_names
    mechanism = SAOMechanism(outcome_space=theirs.outcome_space, n_steps=ROUNDS * len(parties), one_offer_per_step=True)
    for kind, party, ufun in zip((first, second), parties, theirs.ufuns, strict=True):
        mechanism.add(kind(name=party, id=party), ufun=ufun)
    expected = offers_in_negmas(mechanism)
    options = {} if discount else {"discount": 1.0}
    trace = negotiate(scenario, [from_negmas(first), from_negmas(second)], rounds=ROUNDS, seed=0, **options)
    made = [(event.party, event.outcome) for event in trace.events if event.kind == "offer"]
    assert made == expected
    agreement = mechanism.state.agreement
    assert trace.result.agreement == (None if agreement is None else tuple(agreement))


def _cases() -> list[object]:
    cases: list[object] = []
    for position, param in enumerate(shared_or_skip()):
        folder = param.values[0]
        if folder is None:
            return [pytest.param(None, None, marks=param.marks)]
        big = scenario_at(folder).space.cardinality > SMALL
        for pair in [PAIRS[position % len(PAIRS)]] if big else PAIRS:
            name = f"{folder.name}-{pair[0].__name__}-{pair[1].__name__}"
            cases.append(pytest.param(folder, pair, id=name, marks=[pytest.mark.slow] if big else []))
    return cases


@pytest.mark.parametrize(("folder", "pair"), _cases())
def test_same_offers_and_agreement_as_in_negmas(folder: Path, pair: tuple[type, type]) -> None:
    """A NegMAS pair offers the same outcomes, round by round, and agrees on the same outcome, in both engines."""
    _both_ways(folder, *pair)


def test_three_parties_make_the_same_offers_as_in_negmas() -> None:
    """Multilateral: three NegMAS negotiators (a round is three steps) match NegMAS offer for offer."""
    kinds = (BoulwareTBNegotiator, BoulwareTBNegotiator, LinearTBNegotiator)
    from summitry.model import LinearAdditive, Party, Scenario, TableValue

    base = scenario_at_or_skip("Laptop")
    first = base.parties[0].utility
    assert isinstance(first, LinearAdditive)
    flipped = LinearAdditive(
        space=base.space,
        weights=tuple(reversed(first.weights)),
        values=tuple(
            TableValue(evaluations={v: float(i + 1) for i, v in enumerate(issue.values)}) for issue in base.space.issues
        ),
    )
    scenario = Scenario(name="three", space=base.space, parties=(*base.parties, Party(name="third", utility=flipped)))
    theirs = negmas_scenario(scenario)
    mechanism = SAOMechanism(outcome_space=theirs.outcome_space, n_steps=ROUNDS * 3, one_offer_per_step=True)
    for kind, party, ufun in zip(kinds, scenario.party_names, theirs.ufuns, strict=True):
        mechanism.add(kind(name=party, id=party), ufun=ufun)
    expected = offers_in_negmas(mechanism)
    trace = negotiate(scenario, [from_negmas(kind) for kind in kinds], rounds=ROUNDS, seed=0)
    made = [(e.party, e.outcome) for e in trace.events if e.kind == "offer"]
    assert made == expected and len({party for party, _ in made}) == 3
    agreement = mechanism.state.agreement
    assert trace.result.agreement == (None if agreement is None else tuple(agreement))

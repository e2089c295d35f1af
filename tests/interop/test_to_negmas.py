"""summitry agents inside NegMAS: SAOMechanism against NegMAS's own negotiators, and cartesian_tournament."""

from __future__ import annotations

from pathlib import Path

import pytest

from summitry.agents import sao_agent_names

from .conftest import scenario_at, shared_or_skip

negmas = pytest.importorskip("negmas", reason="NegMAS (dev extra) is needed for the interop tests")
pytestmark = pytest.mark.negmas

from negmas import SAOMechanism  # noqa: E402
from negmas.sao import (  # noqa: E402
    AspirationNegotiator,
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    NaiveTitForTatNegotiator,
    ToughNegotiator,
)

from summitry.interop.negmas import SummitryNegotiator, negmas_scenario, to_negmas  # noqa: E402

OPPONENTS = [
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    ToughNegotiator,
    NaiveTitForTatNegotiator,
    AspirationNegotiator,
]
SMALL = 3_000
ROUNDS = 10


def _cases() -> list[object]:
    cases: list[object] = []
    agents = sao_agent_names()
    for position, param in enumerate(shared_or_skip()):
        folder = param.values[0]
        if folder is None:
            return [pytest.param(None, None, marks=param.marks)]
        big = scenario_at(folder).space.cardinality > SMALL
        chosen = [agents[position % len(agents)]] if big else agents
        for agent in chosen:
            marks = [pytest.mark.slow] if big else []
            cases.append(pytest.param(folder, agent, id=f"{folder.name}-{agent}", marks=marks))
    return cases


@pytest.mark.parametrize(("folder", "agent"), _cases())
def test_summitry_agent_completes_negmas_negotiation(folder: Path, agent: str) -> None:
    """A summitry agent plays NegMAS's SAOMechanism to the end, without error, offering only valid outcomes."""
    scenario = scenario_at(folder)
    theirs = negmas_scenario(scenario, discount=scenario.space.cardinality <= SMALL)  # NegMAS is slow otherwise
    position = sorted(p.name for p in folder.parent.iterdir()).index(folder.name)
    opponent = OPPONENTS[(position + len(agent)) % len(OPPONENTS)]
    ours_first = position % 2 == 0
    mechanism = SAOMechanism(outcome_space=theirs.outcome_space, n_steps=ROUNDS)
    negotiators = [to_negmas(agent, id="ours", name="ours"), opponent(id="theirs", name="theirs")]
    ufuns = list(theirs.ufuns)
    if not ours_first:
        negotiators.reverse()
    for negotiator, ufun in zip(negotiators, ufuns, strict=True):
        mechanism.add(negotiator, ufun=ufun)
    state = mechanism.run()
    assert not state.running and not state.has_error, state.error_details
    assert state.agreement is not None or state.timedout or state.broken
    ours = [outcome for offers in (h.new_offers for h in mechanism.history) for who, outcome in offers if who == "ours"]
    assert ours or (state.agreement is not None and not ours_first), "the summitry agent neither offered nor accepted"
    assert all(theirs.outcome_space.is_valid(outcome) for outcome in ours)


def test_cartesian_tournament_mixing_summitry_and_negmas_runs_to_the_end(tmp_path: Path) -> None:
    """A small NegMAS cartesian_tournament of two summitry and two NegMAS negotiators finishes every negotiation."""
    from negmas.inout import Scenario as NegmasScenario
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction as Linear
    from negmas.preferences.value_fun import TableFun
    from negmas.tournaments.neg import cartesian_tournament

    space = make_os([make_issue(values=["a", "b", "c", "d"], name="x"), make_issue(values=5, name="y")])
    first = Linear(
        values=[TableFun({"a": 1.0, "b": 0.6, "c": 0.3, "d": 0.0}), TableFun({i: i / 4 for i in range(5)})],
        weights=[0.7, 0.3],
        outcome_space=space,
        reserved_value=0.2,
    )
    second = Linear(
        values=[TableFun({"a": 0.0, "b": 0.4, "c": 0.8, "d": 1.0}), TableFun({i: 1 - i / 4 for i in range(5)})],
        weights=[0.4, 0.6],
        outcome_space=space,
        reserved_value=0.1,
    )
    scenario = NegmasScenario(outcome_space=space, ufuns=(first, second))
    results = cartesian_tournament(
        competitors=[SummitryNegotiator, SummitryNegotiator, BoulwareTBNegotiator, NaiveTitForTatNegotiator],
        competitor_params=[{"agent": "boulware"}, {"agent": "micro"}, {}, {}],
        competitor_names=["summitry-boulware", "summitry-micro", "negmas-boulware", "negmas-tit-for-tat"],
        scenarios=[scenario],
        n_steps=20,
        n_repetitions=1,
        njobs=-1,
        path=tmp_path / "tournament",
        verbosity=0,
        save_scenario_figs=False,
    )
    details = results.details
    assert len(details) == 4 * 4 * 2  # every ordered pair (self-play included), both ways round the ufuns
    assert not details["has_error"].any()
    scores = results.scores
    assert {"summitry-boulware", "summitry-micro"} <= set(scores["strategy"])

"""SAO: turns, agreement by unanimous acceptance, deadlines in rounds and seconds, discount, refusals."""

from __future__ import annotations

import pytest

from summitry.errors import IllegalActionError, MechanismFinishedError
from summitry.protocols import (
    SAO,
    Accept,
    Amend,
    Deadline,
    EndNegotiation,
    FakeClock,
    Offer,
    Reject,
    Request,
    Status,
    Vote,
    run,
)

from .conftest import Scripted, best_offerer, conceder, make_scenario, offers


def test_bilateral_agreement_when_the_other_accepts(bilateral) -> None:
    sao = SAO(bilateral, deadline=Deadline(rounds=5), clock=FakeClock())
    sao.reset(0)
    sao.step(Offer(party="p0", outcome=("z", 4)))
    result = sao.step(Accept(party="p1"))
    assert result.status is Status.AGREED
    assert result.state.agreement == ("z", 4)
    assert [e.kind for e in result.events] == ["accept", "agreement"]
    assert sao.result().utilities == pytest.approx([p.utility(("z", 4)) for p in bilateral.parties])


def test_multilateral_agreement_needs_every_other_party(trilateral) -> None:
    sao = SAO(trilateral, deadline=Deadline(rounds=5), clock=FakeClock())
    sao.reset(0)
    sao.step(Offer(party="p0", outcome=("y", 2)))
    state = sao.step(Accept(party="p1")).state
    assert state.status is Status.RUNNING and state.accepted_by == ("p1",)
    assert sao.step(Accept(party="p2")).status is Status.AGREED


def test_a_counter_offer_resets_the_acceptances(trilateral) -> None:
    sao = SAO(trilateral, deadline=Deadline(rounds=5), clock=FakeClock())
    sao.reset(0)
    sao.step(Offer(party="p0", outcome=("y", 2)))
    sao.step(Accept(party="p1"))
    state = sao.step(Offer(party="p2", outcome=("x", 1))).state
    assert state.accepted_by == () and state.standing_offer_by == "p2"
    sao.step(Accept(party="p0"))
    assert sao.status is Status.RUNNING  # p1 has not accepted p2's offer yet
    assert sao.step(Accept(party="p1")).state.agreement == ("x", 1)


def test_deadline_in_rounds_gives_reservation_values(bilateral) -> None:
    negotiators = [Scripted(offers([("z", 4)])), Scripted(offers([("x", 0)]))]
    trace = run(SAO(bilateral, deadline=Deadline(rounds=7), clock=FakeClock()), negotiators, seed=0)
    assert trace.result.reason == "deadline" and trace.result.agreement is None
    assert trace.result.rounds == 7 and trace.result.steps == 14
    assert trace.result.utilities == (0.2, 0.3)
    assert trace.events[-1].kind == "timeout"


def test_deadline_in_seconds_with_a_fake_clock(bilateral) -> None:
    clock = FakeClock(auto_step=0.1)
    negotiators = [Scripted(offers([("z", 4)])), Scripted(offers([("x", 0)]))]
    trace = run(SAO(bilateral, deadline=Deadline(seconds=2.0), clock=clock), negotiators, seed=0)
    assert trace.result.reason == "deadline"
    last = trace.events[-1]
    assert last.kind == "late" and last.time >= 2.0 and last.data["late"]["kind"] == "offer"
    assert all(e.time < 2.0 for e in trace.events[:-1])


def test_relative_time_reaches_one_at_the_deadline(bilateral) -> None:
    negotiator = Scripted(offers([("z", 4)]))
    run(
        SAO(bilateral, deadline=Deadline(rounds=4), clock=FakeClock()),
        [negotiator, Scripted(offers([("x", 0)]))],
        seed=0,
    )
    assert [round(o.time, 3) for o in negotiator.seen] == [0.0, 0.25, 0.5, 0.75]


def test_discount_applies_to_the_agreement() -> None:
    scenario = make_scenario(2, discount=0.5)
    sao = SAO(scenario, deadline=Deadline(rounds=4), clock=FakeClock())
    sao.reset(0)
    for _ in range(2):  # two rounds of counter-offers
        sao.step(Offer(party="p0", outcome=("z", 4)))
        sao.step(Offer(party="p1", outcome=("x", 0)))
    sao.step(Offer(party="p0", outcome=("y", 2)))
    sao.step(Accept(party="p1"))  # accepted in round 2 of 4: t = 0.5
    raw = [p.utility(("y", 2)) for p in scenario.parties]
    assert sao.result().utilities == pytest.approx([u * 0.5**0.5 for u in raw])


def test_discount_override_beats_the_utility_factor(bilateral) -> None:
    sao = SAO(bilateral, deadline=Deadline(rounds=2), clock=FakeClock(), discount=0.25)
    sao.reset(0)
    sao.step(Offer(party="p0", outcome=("y", 2)))
    sao.step(Offer(party="p1", outcome=("y", 2)))
    sao.step(Accept(party="p0"))  # round 1 of 2: t = 0.5
    assert sao.result().utilities[0] == pytest.approx(bilateral.parties[0].utility(("y", 2)) * 0.25**0.5)


def test_end_negotiation_ends_with_no_agreement(bilateral) -> None:
    sao = SAO(bilateral, deadline=Deadline(rounds=3), clock=FakeClock())
    sao.reset(0)
    sao.step(Offer(party="p0", outcome=("z", 4)))
    assert sao.step(EndNegotiation(party="p1")).status is Status.ENDED
    assert sao.result().reason == "ended" and sao.result().utilities == (0.2, 0.3)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (Offer(party="p1", outcome=("x", 0)), "turn of 'p0'"),
        (Accept(party="p0"), "nothing to accept"),
        (Reject(party="p0"), "make an Offer"),
        (Vote(party="p0", accept=True), "Offer, Accept or EndNegotiation"),
        (Amend(party="p0", changes={}), "Offer, Accept or EndNegotiation"),
        (Offer(party="p0", outcome=("w", 0)), "not in the outcome space"),
        (Offer(party="p0", outcome=("x",)), "not in the outcome space"),
        (Offer(party="p0", outcome="x0"), "is not an outcome"),
        (Offer(party="p9", outcome=("x", 0)), "turn of 'p0'"),
    ],
    ids=["wrong-party", "accept-first", "reject", "vote", "amend", "bad-value", "short", "string", "stranger"],
)
def test_illegal_actions_are_refused_with_a_reason(bilateral, action, message) -> None:
    sao = SAO(bilateral, deadline=Deadline(rounds=3), clock=FakeClock())
    sao.reset(0)
    with pytest.raises(IllegalActionError, match=message):
        sao.step(action)
    assert sao.state().step == 0  # nothing changed


def test_infeasible_offers_are_refused() -> None:
    sao = SAO(make_scenario(2, constrained=True), deadline=Deadline(rounds=3), clock=FakeClock())
    sao.reset(0)
    with pytest.raises(IllegalActionError, match="infeasible"):
        sao.step(Offer(party="p0", outcome=("z", 0)))


def test_offers_as_dicts_are_checked_every_time_they_come_again() -> None:
    """Dict outcomes are remembered by their items: a repeated one gives the same canonical outcome, or refusal."""
    sao = SAO(make_scenario(2, constrained=True), deadline=Deadline(rounds=5), clock=FakeClock())
    sao.reset(0)
    for party in ("p0", "p1", "p0"):
        with pytest.raises(IllegalActionError, match="infeasible"):
            sao.step(Offer(party=party, outcome={"a": "z", "b": 0}))
        with pytest.raises(IllegalActionError, match="not in the outcome space"):
            sao.step(Offer(party=party, outcome={"a": "z", "b": 0, "c": 1}))
        with pytest.raises(IllegalActionError, match="not in the outcome space"):
            sao.step(Offer(party=party, outcome={"a": "w", "b": 1}))
        assert sao.step(Offer(party=party, outcome={"b": 1, "a": "z"})).state.standing_offer == ("z", 1)


def test_acting_after_the_end_is_refused(bilateral) -> None:
    sao = SAO(bilateral, deadline=Deadline(rounds=3), clock=FakeClock())
    with pytest.raises(MechanismFinishedError, match="reset"):
        sao.step(Offer(party="p0", outcome=("z", 0)))
    sao.reset(0)
    sao.step(EndNegotiation(party="p0"))
    with pytest.raises(MechanismFinishedError, match="over"):
        sao.step(Offer(party="p1", outcome=("z", 0)))


def test_observation_offers_request_history_and_legal_kinds(bilateral) -> None:
    sao = SAO(bilateral, deadline=Deadline(rounds=3), clock=FakeClock())
    sao.reset(0)
    first = sao.observe("p0")
    assert first.request is Request.OFFER and first.legal == (Offer, EndNegotiation)
    sao.step(Offer(party="p0", outcome=("z", 4)))
    second = sao.observe("p1")
    assert second.legal == (Offer, Accept, EndNegotiation)
    assert second.history == (("p0", ("z", 4)),) and second.standing_offer_by == "p0"
    assert sao.observe("p0").legal == ()


def test_numpy_values_are_canonicalised(bilateral) -> None:
    import numpy as np

    sao = SAO(bilateral, deadline=Deadline(rounds=3), clock=FakeClock())
    sao.reset(0)
    event = sao.step(Offer(party="p0", outcome=(np.str_("z"), np.int64(3)))).events[0]
    assert event.outcome == ("z", 3) and type(event.outcome[1]) is int


def test_scripted_strategies_reach_an_agreement(bilateral) -> None:
    trace = run(
        SAO(bilateral, deadline=Deadline(rounds=10), clock=FakeClock()),
        [Scripted(conceder), Scripted(conceder)],
        seed=3,
    )
    assert trace.result.reason == "agreed"
    assert all(u > r for u, r in zip(trace.result.utilities, (0.2, 0.3), strict=True))


def test_hardliners_time_out(bilateral) -> None:
    trace = run(
        SAO(bilateral, deadline=Deadline(rounds=10), clock=FakeClock()),
        [Scripted(best_offerer), Scripted(best_offerer)],
        seed=0,
    )
    assert trace.result.reason == "deadline" and len(trace.events) == 1 + 20 + 1

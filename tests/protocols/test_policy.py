"""Fault injection: raising, slow and lying negotiators are recorded, removed, and the run finishes."""

from __future__ import annotations

import pytest

from summitry.errors import MechanismSetupError
from summitry.protocols import SAO, Accept, Deadline, FakeClock, Mediation, Offer, Vote, run
from summitry.protocols.checks import RandomActor

from .conftest import Scripted, conceder, offers, voter


def _raises(obs, view, rng):
    raise ZeroDivisionError("boom")


def _trace(scenario, second, *, clock=None, protocol=SAO, first=None):
    clock = clock or FakeClock()
    mechanism = protocol(scenario, deadline=Deadline(rounds=5), clock=clock, time_limit=1.0)
    return run(mechanism, [first or Scripted(conceder), Scripted(second)], seed=0)


def _failure(trace):
    failures = [e for e in trace.events if e.kind == "failure"]
    assert len(failures) == 1 and trace.events[-1] is failures[0]
    assert trace.result.reason == "failed" and trace.result.agreement is None
    return failures[0]


def test_a_raising_negotiator_is_recorded_and_removed(bilateral) -> None:
    event = _failure(_trace(bilateral, _raises))
    assert (
        event.party == "p1" and event.data["reason"] == "raised" and "ZeroDivisionError: boom" in event.data["detail"]
    )


def test_a_slow_negotiator_is_recorded_and_removed(bilateral) -> None:
    clock = FakeClock()

    def slow(obs, view, rng):
        clock.tick(5.0)
        return Offer(party=obs.party, outcome=("x", 0))

    event = _failure(_trace(bilateral, slow, clock=clock))
    assert event.data["reason"] == "slow" and "limit is 1 s" in event.data["detail"]


@pytest.mark.parametrize(
    ("script", "reason", "detail"),
    [
        (lambda o, v, r: Offer(party=o.party, outcome=("nope", 0)), "illegal", "not in the outcome space"),
        (lambda o, v, r: Offer(party="p0", outcome=("x", 0)), "garbage", "acted as party 'p0'"),
        (lambda o, v, r: "accept", "garbage", "expected an Action, got str"),
        (lambda o, v, r: None, "garbage", "expected an Action, got NoneType"),
        (lambda o, v, r: Vote(party=o.party, accept=True), "garbage", "Vote is not legal now"),
    ],
    ids=["invalid-outcome", "wrong-party", "string", "none", "wrong-kind"],
)
def test_a_lying_negotiator_is_recorded_and_removed(bilateral, script, reason, detail) -> None:
    event = _failure(_trace(bilateral, script))
    assert event.party == "p1" and event.data["reason"] == reason and detail in event.data["detail"]


def test_a_failure_in_start_is_recorded(bilateral) -> None:
    class BadStart(RandomActor):
        def start(self, view, rng):
            raise RuntimeError("no")

    trace = run(SAO(bilateral, deadline=Deadline(rounds=3), clock=FakeClock()), [RandomActor(), BadStart()], seed=0)
    event = _failure(trace)
    assert event.party == "p1" and "start: RuntimeError: no" in event.data["detail"]


def test_a_multilateral_failure_ends_the_negotiation(trilateral) -> None:
    mechanism = SAO(trilateral, deadline=Deadline(rounds=5), clock=FakeClock())
    trace = run(
        mechanism,
        [Scripted(offers([("x", 0)])), Scripted(lambda o, v, r: Accept(party=o.party)), Scripted(_raises)],
        seed=0,
    )
    event = _failure(trace)
    assert event.party == "p2" and mechanism.state().active == ("p0", "p1")


def test_a_failing_voter_ends_mediation(bilateral) -> None:
    event = _failure(_trace(bilateral, _raises, protocol=Mediation, first=Scripted(voter)))
    assert event.party == "p1"


def test_the_failure_replays(bilateral) -> None:
    from summitry.protocols import replay

    trace = _trace(bilateral, _raises)
    assert replay(trace, bilateral).reason == "failed"


def test_wrong_number_of_negotiators_is_refused(bilateral) -> None:
    with pytest.raises(MechanismSetupError, match="one per party"):
        run(SAO(bilateral, deadline=Deadline(rounds=3)), [RandomActor()], seed=0)

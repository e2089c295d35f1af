"""``rerun``: rebuilt negotiators make exactly the recorded actions, or the first divergence is named."""

from __future__ import annotations

from dataclasses import replace

import pytest

from summitry.errors import TraceError
from summitry.protocols import SAO, Deadline, FakeClock, Mediation, Offer, negotiate, rerun, run
from summitry.protocols.checks import RandomActor

from .conftest import Scripted, conceder, make_scenario, offers


@pytest.mark.parametrize("protocol", ["sao", "mediation"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fresh_negotiators_rerun_their_trace(protocol: str, seed: int) -> None:
    scenario = make_scenario(3, constrained=True)
    options = {"amendments": True} if protocol == "mediation" else {}
    trace = negotiate(
        scenario, [RandomActor(0.01) for _ in range(3)], protocol=protocol, rounds=15, seed=seed,
        clock=FakeClock(auto_step=0.002), **options,
    )  # fmt: skip
    state = rerun(trace, scenario, [RandomActor(0.01) for _ in range(3)])
    assert state.agreement == trace.result.agreement and state.status.value != "running"


def test_other_negotiators_diverge_at_their_first_different_action(bilateral) -> None:
    trace = negotiate(bilateral, [RandomActor(), RandomActor()], rounds=10, seed=4)
    with pytest.raises(TraceError, match=r"^rerun diverges at event 1: the trace records offer by p0"):
        rerun(trace, bilateral, [Scripted(conceder), RandomActor()])


def test_a_different_seed_diverges(bilateral) -> None:
    trace = negotiate(bilateral, [RandomActor(), RandomActor()], rounds=10, seed=4)
    other = negotiate(bilateral, [RandomActor(), RandomActor()], rounds=10, seed=5)
    assert other.events[1] != trace.events[1]
    forged = type(trace)(type(trace.header)(**{**_fields(trace.header), "seed": 5}), trace.events, trace.result)
    with pytest.raises(TraceError, match=r"rerun diverges at event 0: .*'seed': 4\}, the rerun gives .*'seed': 5\}"):
        rerun(forged, bilateral, [RandomActor(), RandomActor()])


def test_failures_rerun_including_slow_ones_as_recorded(bilateral) -> None:
    def raises(obs, view, rng):
        raise ZeroDivisionError("boom")

    mechanism = Mediation(bilateral, deadline=Deadline(rounds=5), clock=FakeClock())
    trace = run(mechanism, [RandomActor(), Scripted(raises)], seed=0)
    rerun(trace, bilateral, [RandomActor(), Scripted(raises)])

    clock = FakeClock()

    def slow(obs, view, rng):
        clock.tick(5.0)
        return Offer(party=obs.party, outcome=("x", 0))

    mechanism = SAO(bilateral, deadline=Deadline(rounds=5), clock=clock, time_limit=1.0)
    trace = run(mechanism, [Scripted(conceder), Scripted(slow)], seed=0)
    assert trace.events[-1].data["reason"] == "slow"
    rerun(trace, bilateral, [Scripted(conceder), Scripted(lambda o, v, r: Offer(party=o.party, outcome=("x", 0)))])


def test_a_wall_clock_deadline_reruns(bilateral) -> None:
    def stubborn():
        return [Scripted(offers([("x", 0), ("y", 1)])), Scripted(offers([("z", 4)]))]

    trace = negotiate(bilateral, stubborn(), rounds=None, seconds=0.05, seed=2, clock=FakeClock(auto_step=0.004))
    assert trace.events[-1].kind == "late" and "late" in trace.events[-1].data
    rerun(trace, bilateral, stubborn())


def test_a_rerun_that_ends_before_the_trace_says_so(bilateral) -> None:
    trace = negotiate(bilateral, [RandomActor(), RandomActor()], rounds=10, seed=4)
    last = trace.events[-1]
    extra = replace(last, index=last.index + 1)
    longer = type(trace)(trace.header, (*trace.events, extra), trace.result)
    with pytest.raises(TraceError, match=rf"^rerun ends after event {last.index} .*goes on to event {extra.index}"):
        rerun(longer, bilateral, [RandomActor(), RandomActor()])


def _fields(header):
    return {name: getattr(header, name) for name in ("scenario", "protocol", "parties", "agents", "seed", "settings")}

"""Traces and replay: same seed → same trace; replay rebuilds the live state; divergence is caught."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summitry.errors import TraceError
from summitry.protocols import (
    SAO,
    Deadline,
    Event,
    EventKind,
    FakeClock,
    Mediation,
    Result,
    Status,
    Trace,
    TraceHeader,
    make_mechanism,
    negotiate,
    replay,
    run,
)
from summitry.protocols.checks import RandomActor
from tests.strategies import scenarios

from .conftest import make_scenario

PROTOCOLS = {
    "sao": {},
    "mediation": {},
    "mediation-amendments": {"amendments": True},
    "mediation-annealing": {"annealing": True},
}


def _run(scenario, protocol: str, seed: int, **settings):
    name = "sao" if protocol == "sao" else "mediation"
    mechanism = make_mechanism(
        name, scenario, settings={"rounds": 8, **PROTOCOLS[protocol], **settings}, clock=FakeClock(auto_step=0.01)
    )
    trace = run(mechanism, [RandomActor(0.02) for _ in scenario.parties], seed=seed)
    return trace, mechanism


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_same_seed_same_trace_other_seed_other_trace(protocol) -> None:
    scenario = make_scenario(3)
    first, _ = _run(scenario, protocol, 11)
    again, _ = _run(scenario, protocol, 11)
    other, _ = _run(scenario, protocol, 12)
    assert first == again
    assert first.events != other.events


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), protocol=st.sampled_from(list(PROTOCOLS)), seed=st.integers(0, 2**16))
def test_agreements_are_feasible_and_replay_rebuilds_the_state(scenario, protocol, seed) -> None:
    trace, mechanism = _run(scenario, protocol, seed)
    result = trace.result
    if result.agreement is not None:
        assert scenario.space.contains(result.agreement)
        assert result.reason == "agreed"
    else:
        assert result.utilities == tuple(float(r) for r in scenario.reserved_values)
    state = replay(trace, scenario)
    live = mechanism.state()
    assert (state.status, state.agreement, state.step, state.round, state.reason) == (
        live.status,
        live.agreement,
        live.step,
        live.round,
        live.reason,
    )


def test_replay_detects_a_tampered_trace(bilateral) -> None:
    trace, _ = _run(bilateral, "sao", 3)
    events = list(trace.events)
    k = next(i for i, e in enumerate(events) if e.kind == "offer" and i > 2)
    events[k] = dataclasses.replace(events[k], round=events[k].round + 1)
    tampered = Trace(trace.header, tuple(events), trace.result)
    with pytest.raises(TraceError, match=f"diverges at event {k}"):
        replay(tampered, bilateral)


def test_replay_refuses_another_scenario(bilateral, trilateral) -> None:
    trace, _ = _run(bilateral, "sao", 3)
    with pytest.raises(TraceError, match="scenario"):
        replay(trace, trilateral)


def test_replay_of_a_time_deadline(bilateral) -> None:
    for protocol in (SAO, Mediation):
        mechanism = protocol(bilateral, deadline=Deadline(seconds=0.5), clock=FakeClock(auto_step=0.02))
        trace = run(mechanism, [RandomActor(), RandomActor()], seed=4)
        assert replay(trace, bilateral).reason == trace.result.reason


def test_trace_is_append_only(bilateral) -> None:
    trace, _ = _run(bilateral, "sao", 3)
    with pytest.raises(TraceError, match="finished"):
        trace.append(dataclasses.replace(trace.events[-1], index=len(trace)))
    fresh = Trace(trace.header)
    with pytest.raises(TraceError, match="expected 0"):
        fresh.append(trace.events[1])


def test_header_records_the_run(bilateral) -> None:
    trace = negotiate(bilateral, [RandomActor(), RandomActor()], rounds=4, seed=9, clock=FakeClock())
    assert trace.header == TraceHeader(
        scenario="small2",
        protocol="sao",
        parties=("p0", "p1"),
        agents=("random-actor", "random-actor"),
        seed=9,
        settings={"rounds": 4, "seconds": None, "discount": None, "time_limit": 60.0},
    )
    assert isinstance(trace.events[0], Event) and trace.events[0].kind == "start"


def test_negotiate_uses_the_scenario_defaults(bilateral) -> None:
    trace = negotiate(bilateral, [RandomActor(), RandomActor()], clock=FakeClock())
    assert trace.header.settings["rounds"] == bilateral.rounds and trace.header.protocol == bilateral.protocol


def test_result_status_must_fit_the_agreement() -> None:
    with pytest.raises(TraceError, match="does not fit"):
        Result(agreement=None, utilities=(0.1,), status=Status.AGREED, rounds=1, steps=1)
    with pytest.raises(TraceError, match="does not fit"):
        Result(agreement=("x", 1), utilities=(0.1,), status=Status.TIMED_OUT, rounds=1, steps=1)
    with pytest.raises(TraceError, match="expected agreed"):
        Result(agreement=None, utilities=(0.1,), status=Status.RUNNING, rounds=1, steps=1)
    with pytest.raises(TraceError, match="expected agreed"):
        Result(agreement=None, utilities=(0.1,), status="deadline", rounds=1, steps=1)  # type: ignore[arg-type]


def test_status_is_the_one_record_of_how_it_ended() -> None:
    """``reason`` is derived from the status (the word reports print); ``parse`` reads either name."""
    assert [s.reason for s in Status] == ["running", "agreed", "ended", "deadline", "failed"]
    assert Status.parse("deadline") is Status.parse("timed_out") is Status.TIMED_OUT
    with pytest.raises(ValueError, match="expected one of"):
        Status.parse("bored")
    result = Result(agreement=None, utilities=(0.1,), status=Status.TIMED_OUT, rounds=1, steps=1)
    assert result.reason == "deadline" and "reason" not in {f.name for f in dataclasses.fields(Result)}


def test_on_event_sees_every_event(bilateral) -> None:
    seen = []
    trace = run(
        SAO(bilateral, deadline=Deadline(rounds=3), clock=FakeClock()),
        [RandomActor(), RandomActor()],
        seed=1,
        on_event=seen.append,
    )
    assert tuple(seen) == trace.events


@pytest.mark.parametrize("protocol", ["sao", "mediation"])
def test_a_late_action_is_one_late_event_in_every_protocol(bilateral, protocol) -> None:
    """The same thing gets the same event: an action after the wall-clock deadline is a ``late`` event."""
    trace = negotiate(
        bilateral, [RandomActor(), RandomActor()], protocol=protocol, rounds=None, seconds=0.05, seed=1,
        clock=FakeClock(auto_step=0.02),
    )  # fmt: skip
    late = [e for e in trace.events if e.kind is EventKind.LATE]
    assert len(late) == 1 and late[0].party is not None and "kind" in late[0].data["late"]
    assert not any("late" in e.data for e in trace.events if e.kind is not EventKind.LATE)
    assert all(isinstance(e.kind, EventKind) for e in trace.events)
    assert replay(trace, bilateral).status is trace.result.status

"""A run that keeps no events: the same negotiation, nothing retained, old offers let go only when no one reads them."""

from __future__ import annotations

import gc
import importlib
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summitry.agents import Boulware, make_negotiator, sao_agent_names
from summitry.errors import HistoryNotKeptError, TraceError
from summitry.formats.trace_files import trace_to_csv, trace_to_lines
from summitry.model import Outcome
from summitry.protocols import Event, FakeClock, Observation, Trace, TraceHeader, make_mechanism, run
from summitry.protocols import sao as sao_module
from summitry.protocols.state import OfferHistory

from .conftest import make_scenario


@pytest.fixture
def forgetful(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let go of events and offers after a few steps instead of thousands, so that short runs do it often."""
    run_module = importlib.import_module("summitry.protocols.run")  # the package's ``run`` is the function
    monkeypatch.setattr(run_module, "_FORGET_EVERY", 5)
    monkeypatch.setattr(sao_module, "_RECENT_OFFERS", 2)


def _both(protocol: str, agents: list[str], parties: int = 2, **settings: object) -> tuple[Trace, Trace, list[Event]]:
    """Return the full trace, the trace of the same run keeping no events, and what that run passed to on_event."""
    scenario = make_scenario(parties)
    traces, seen = [], []
    for keep in (True, False):
        mechanism = make_mechanism(protocol, scenario, settings={"rounds": 40, **settings}, clock=FakeClock(0, 0.01))
        negotiators = [make_negotiator(a) for a in agents]
        on_event = None if keep else seen.append
        traces.append(run(mechanism, negotiators, seed=3, on_event=on_event, keep_events=keep))
    return traces[0], traces[1], seen


@pytest.mark.usefixtures("forgetful")
@pytest.mark.parametrize("agents", list(itertools.product(sao_agent_names(), repeat=2)), ids="-".join)
def test_every_builtin_pair_negotiates_the_same_keeping_nothing(agents: tuple[str, str]) -> None:
    """Same events (passed on as they happen, numbered from the start), same result; the trace keeps none."""
    full, bare, seen = _both("sao", list(agents))
    assert seen == list(full.events)
    assert bare.result == full.result and bare.header == full.header
    assert bare.events == () and bare.omitted == len(full.events)


@pytest.mark.usefixtures("forgetful")
@pytest.mark.parametrize("amendments", [False, True])
def test_mediation_and_three_parties_negotiate_the_same_keeping_nothing(amendments: bool) -> None:
    full, bare, seen = _both("mediation", ["annealing-voter", "greedy-voter"], amendments=amendments)
    assert seen == list(full.events) and bare.result == full.result
    full, bare, seen = _both("sao", ["tit-for-tat", "bayesian", "micro"], parties=3)
    assert seen == list(full.events) and bare.result == full.result


class _Rescanning(Boulware):
    """A user's agent that reads the whole history every turn (and does not say that it does not)."""

    def propose(self, observation: Observation) -> Outcome | None:
        self.first_offers = list(observation.history)[:2]  # the oldest offers, every time
        return super().propose(observation)


class _Misdeclared(_Rescanning):
    needs_full_history = False  # wrong: it reads the oldest offers


@pytest.mark.usefixtures("forgetful")
def test_a_negotiator_that_does_not_say_gets_the_whole_history() -> None:
    """Subclasses of built-in agents are given every offer unless they declare otherwise themselves."""
    assert Boulware.needs_full_history is False and _Rescanning.needs_full_history is True
    mechanism = make_mechanism("sao", make_scenario(), settings={"rounds": 30})
    rescanning = _Rescanning()
    trace = run(mechanism, [rescanning, make_negotiator("hardliner")], seed=1, keep_events=False)
    assert trace.result is not None and trace.result.reason != "failed"
    assert [party for party, _ in rescanning.first_offers] == ["p0", "p1"]


@pytest.mark.usefixtures("forgetful")
def test_reading_an_offer_let_go_is_a_recorded_failure_not_wrong_data() -> None:
    mechanism = make_mechanism("sao", make_scenario(), settings={"rounds": 30})
    seen: list[Event] = []
    trace = run(
        mechanism, [_Misdeclared(), make_negotiator("hardliner")], seed=1, on_event=seen.append, keep_events=False
    )
    assert trace.result is not None and trace.result.reason == "failed"
    assert "HistoryNotKeptError" in seen[-1].data["detail"] and "needs_full_history" in seen[-1].data["detail"]


def test_a_trace_that_kept_no_events_cannot_be_written() -> None:
    mechanism = make_mechanism("sao", make_scenario(), settings={"rounds": 5})
    trace = run(mechanism, [make_negotiator("hardliner"), make_negotiator("hardliner")], seed=0, keep_events=False)
    with pytest.raises(TraceError, match="keep_events=False"):
        trace_to_lines(trace)
    with pytest.raises(TraceError, match="keep_events=False"):
        trace_to_csv(trace)


@given(st.integers(0, 12), st.integers(0, 12), st.data())
def test_a_view_with_offers_let_go_reads_what_is_kept_and_refuses_the_rest(
    kept: int, start: int, data: st.DataObject
) -> None:
    whole = [(f"p{i % 2}", (i,)) for i in range(start + kept)]
    view = OfferHistory(whole[start:], start=start)
    assert len(view) == start + kept
    position = data.draw(st.integers(-(start + kept), start + kept - 1)) if whole else None
    if position is not None:
        if position % len(whole) >= start:
            assert view[position] == whole[position]
        else:
            with pytest.raises(HistoryNotKeptError, match=f"entry {position % len(whole)}"):
                view[position]
    low, high = data.draw(st.integers(-15, 15)), data.draw(st.integers(-15, 15))
    step = data.draw(st.sampled_from([1, 2, -1, -3]))
    touched = range(*slice(low, high, step).indices(len(whole)))
    if touched and min(touched) < start:
        with pytest.raises(HistoryNotKeptError):
            view[low:high:step]
    else:
        assert view[low:high:step] == tuple(whole[low:high:step])
    if start and whole:
        with pytest.raises(HistoryNotKeptError):
            list(view)
    else:
        assert tuple(view) == tuple(whole)


def test_memory_stays_flat_when_no_events_are_kept() -> None:
    """The mechanism holds fewer than a few thousand events and offers at any length."""
    mechanism = make_mechanism("sao", make_scenario(), settings={"rounds": 6000})
    run(mechanism, [make_negotiator("hardliner"), make_negotiator("hardliner")], seed=0, keep_events=False)
    every = importlib.import_module("summitry.protocols.run")._FORGET_EVERY
    assert len(mechanism.events) <= every and len(mechanism.observe("p0").history[-5:]) == 5
    assert len(mechanism._history) <= 2 * sao_module._RECENT_OFFERS + every  # type: ignore[attr-defined]
    assert np.isfinite(mechanism.result().utilities).all()


# -- a kept trace packs its older events (so the cycle collector stops walking them) --------------------

_PACK = importlib.import_module("summitry.protocols.events")


def _long_runs(parties: int, protocol: str, agents: list[str], rounds: int) -> Trace:
    mechanism = make_mechanism(protocol, make_scenario(parties), settings={"rounds": rounds}, clock=FakeClock(0, 0.01))
    return run(mechanism, [make_negotiator(a) for a in agents], seed=5)


@pytest.mark.parametrize(
    ("parties", "protocol", "agents"),
    [
        (2, "sao", ["hardliner", "hardliner"]),
        (3, "sao", ["tit-for-tat", "bayesian", "micro"]),
        (2, "mediation", ["annealing-voter", "greedy-voter"]),
    ],
)
def test_a_packed_trace_gives_back_the_same_events_and_files(
    monkeypatch: pytest.MonkeyPatch, parties: int, protocol: str, agents: list[str]
) -> None:
    """Packed every 3 events or never: equal events (kinds still EventKind), equal traces, the same files."""
    monkeypatch.setattr(_PACK, "_PACK_EVERY", 10**9)
    unpacked = _long_runs(parties, protocol, agents, 300)
    monkeypatch.setattr(_PACK, "_PACK_EVERY", 3)
    packed = _long_runs(parties, protocol, agents, 300)
    assert packed._packed > 0 and unpacked._packed == 0  # type: ignore[attr-defined]
    assert packed.events == unpacked.events and packed == unpacked
    assert all(type(e.kind) is type(u.kind) for e, u in zip(packed.events, unpacked.events, strict=True))
    assert list(trace_to_lines(packed)) == list(trace_to_lines(unpacked))
    assert trace_to_csv(packed) == trace_to_csv(unpacked)


_values = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=3), st.none())


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(_PACK.EventKind)),
            st.one_of(st.none(), st.tuples(st.text(max_size=2), st.integers())),
            st.dictionaries(st.text(max_size=3), st.one_of(_values, st.lists(_values, max_size=3)), max_size=3),
        ),
        max_size=12,
    )
)
def test_packing_any_events_gives_them_back_equal(specs: list[tuple[object, object, dict[str, object]]]) -> None:
    events = [
        Event(index=i, step=i, round=i // 2, time=i / 7, party=None if i % 3 else "p0", kind=k, outcome=o, data=d)
        for i, (k, o, d) in enumerate(specs)
    ]
    trace = Trace(TraceHeader(scenario="s", protocol="sao", parties=("p0", "p1"), agents=(), seed=None))
    for event in events:
        trace.append(event)
    trace._pack()  # type: ignore[attr-defined]
    assert trace.events == tuple(events)
    assert [e.kind for e in trace.events] == [e.kind for e in events]


def test_a_kept_trace_leaves_the_collector_few_events_to_walk() -> None:
    """Thousands of events kept, yet only the last few are Event objects (the rest packed tuples it skips)."""
    mechanism = make_mechanism("sao", make_scenario(), settings={"rounds": 5000})
    trace = run(mechanism, [make_negotiator("hardliner"), make_negotiator("hardliner")], seed=0)
    gc.collect()
    walked = sum(gc.is_tracked(entry) for entry in trace._events)  # type: ignore[attr-defined]
    assert len(trace.events) == 10_002 and walked < _PACK._PACK_EVERY
    assert len(mechanism.events) < importlib.import_module("summitry.protocols.run")._LET_GO_EVERY
    assert trace.events[-1].kind == "timeout" and [e.index for e in trace.events] == list(range(10_002))

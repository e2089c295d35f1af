"""A run that keeps no events: the same negotiation, nothing retained, old offers let go only when no one reads them."""

from __future__ import annotations

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
from summitry.protocols import Event, FakeClock, Observation, Trace, make_mechanism, run
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

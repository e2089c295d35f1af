"""The offer history handed to negotiators is a view of the mechanism's log that behaves as a tuple."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summitry.agents import make_negotiator
from summitry.model import Scenario
from summitry.protocols import SAO, Action, Deadline, FakeClock, Observation, Offer, PrivateView, run
from summitry.protocols.state import OfferHistory

from .conftest import make_scenario

entries = st.lists(st.tuples(st.sampled_from(["p0", "p1", "p2"]), st.tuples(st.integers(0, 3))), max_size=12)


@given(entries, st.data())
def test_a_view_behaves_as_the_tuple_of_its_first_entries(
    items: list[tuple[str, tuple[int]]], data: st.DataObject
) -> None:
    size = data.draw(st.integers(0, len(items)))
    view = OfferHistory(items, size)
    expected = tuple(items[:size])
    assert len(view) == size and tuple(view) == expected and list(view) == list(expected)
    assert view == expected and expected == view and view != ("different",)
    assert hash(view) == hash(expected) and repr(view) == repr(expected)
    assert bool(view) == bool(expected)
    start = data.draw(st.integers(-15, 15) | st.none())
    stop = data.draw(st.integers(-15, 15) | st.none())
    step = data.draw(st.sampled_from([None, 1, 2, -1, -3]))
    assert view[start:stop:step] == expected[start:stop:step]
    assert isinstance(view[start:stop:step], tuple)
    for index in range(-size, size):
        assert view[index] == expected[index]
    for index in (size, -size - 1):
        try:
            view[index]
        except IndexError:
            pass
        else:  # pragma: no cover - the assertion below explains
            raise AssertionError(f"index {index} of a view of {size} entries did not raise IndexError")
    assert pickle.loads(pickle.dumps(view)) == expected


@given(entries, st.data())
def test_a_view_does_not_change_when_the_log_grows(items: list[tuple[str, tuple[int]]], data: st.DataObject) -> None:
    log = list(items)
    view = OfferHistory(log, len(log))
    before = tuple(log)
    log.extend(data.draw(entries))
    assert view == before and len(view) == len(before) and view[len(before) :] == ()


def test_views_of_different_lengths_differ() -> None:
    log = [("p0", (1,)), ("p1", (2,))]
    assert OfferHistory(log, 1) != OfferHistory(log, 2)
    assert OfferHistory(log, 2) == OfferHistory(list(log), 2)
    assert OfferHistory(log, 1) != [("p0", (1,))]  # a tuple, not a list, as before


class _Recorder:
    """Offers its outcomes in turn and keeps every observation it was shown."""

    name = "recorder"

    def __init__(self, outcomes: list[tuple[object, ...]]) -> None:
        self.outcomes = outcomes
        self.seen: list[Observation] = []

    def start(self, view: object, rng: object) -> None:
        self.party = view.party  # type: ignore[attr-defined]

    def act(self, observation: Observation) -> Offer:
        self.seen.append(observation)
        return Offer(party=self.party, outcome=self.outcomes[len(self.seen) % len(self.outcomes)])


def test_each_observation_keeps_the_history_as_of_its_step() -> None:
    scenario: Scenario = make_scenario(2)
    a, b = _Recorder([("x", 0), ("y", 1)]), _Recorder([("z", 4), ("z", 3)])
    trace = run(SAO(scenario, deadline=Deadline(rounds=5), clock=FakeClock()), [a, b], seed=0)
    offers = tuple((e.party, e.outcome) for e in trace.events if e.kind == "offer")
    shown = sorted(a.seen + b.seen, key=lambda o: o.step)
    for observation in shown:
        assert observation.history == offers[: observation.step]


class _Spy:
    """Plays ``inner`` and records, after each action, what ``probe(inner, observation)`` says."""

    def __init__(self, inner: Any, probe: Callable[[Any, Observation], object]) -> None:
        self.inner, self.probe, self.name = inner, probe, inner.name
        self.seen: list[tuple[Observation, object]] = []

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        self.inner.start(view, rng)

    def act(self, observation: Observation) -> Action:
        action = self.inner.act(observation)
        self.seen.append((observation, self.probe(self.inner, observation)))
        return action


def _target(agent: Any, observation: Observation) -> object:
    return agent.current_target(observation)


def _distinct(agent: Any, observation: Observation) -> object:
    return agent._opponent_distinct(observation)


@pytest.mark.parametrize(
    ("name", "params", "probe"),
    [
        ("tit-for-tat", {"kindness": 0.01}, _target),
        ("tit-for-tat", {"window": 3}, _target),
        ("naive-tit-for-tat", {"kindness": 0.01}, _target),
        ("micro", {}, _distinct),
    ],
)
def test_agents_reading_incrementally_agree_with_a_full_reread(
    name: str, params: dict[str, Any], probe: Callable[[Any, Observation], object]
) -> None:
    """Tit-for-tat's target (keeping only its window) and MiCRO's count of distinct offers equal a full re-read."""
    scenario = make_scenario(3)
    spy = _Spy(make_negotiator(name, **params), probe)
    run(
        SAO(scenario, deadline=Deadline(rounds=25), clock=FakeClock()),
        [make_negotiator("boulware"), spy, make_negotiator("conceder")],
        seed=4,
    )
    assert len(spy.seen) > 5
    view = SAO(scenario, deadline=Deadline(rounds=25)).private_view("p1")
    for observation, value in spy.seen:
        fresh = make_negotiator(name, **params)
        fresh.memory = None  # type: ignore[attr-defined]  # the reference: concede on the whole list
        fresh.start(view, np.random.default_rng(0))
        assert probe(fresh, observation) == value, observation.step

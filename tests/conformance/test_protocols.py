"""Every registered protocol passes check_mechanism; third-party protocols register like the built-ins."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from summitry.errors import MechanismSetupError
from summitry.model import Scenario
from summitry.protocols import (
    PROTOCOLS,
    SAO,
    Clock,
    Deadline,
    FakeClock,
    check_mechanism,
    make_mechanism,
    negotiate,
    protocol_names,
    register_protocol,
    replay,
)
from summitry.protocols import registry as protocol_registry
from summitry.protocols.checks import RandomActor
from tests.protocols.conftest import make_scenario

VARIANTS: dict[str, list[dict[str, Any]]] = {
    "mediation": [{}, {"amendments": True}, {"annealing": True}],
}
"""Settings that change how a protocol runs, checked one by one (default: the protocol as it comes)."""


@pytest.mark.parametrize("parties", [2, 3])
@pytest.mark.parametrize("name", protocol_names())
def test_every_registered_protocol_conforms(name: str, parties: int) -> None:
    """Same seed, same trace; replay equals the live run; illegal actions are refused (by rounds and by seconds)."""
    scenario = make_scenario(parties, constrained=True)
    for options in VARIANTS.get(name, [{}]):
        for deadline in ({"rounds": 6}, {"seconds": 0.2}):
            settings = {**deadline, **options}

            def factory(clock: Clock, settings: dict[str, Any] = settings) -> Any:
                return make_mechanism(name, scenario, settings=settings, clock=clock)

            check_mechanism(factory)


class _LastWord(SAO):
    """A third-party protocol: alternating offers in which only the last party may accept."""

    name = "last-word"

    def legal_actions(self, party: str) -> tuple[type, ...]:
        legal = super().legal_actions(party)
        if party != self.parties[-1]:
            return tuple(kind for kind in legal if kind.__name__ != "Accept")
        return legal

    def step(self, action: Any) -> Any:
        if type(action).__name__ == "Accept" and action.party != self.parties[-1]:
            from summitry.errors import IllegalActionError

            raise IllegalActionError(f"{action.party}: in last-word only {self.parties[-1]!r} may accept")
        return super().step(action)


@pytest.fixture
def last_word() -> Iterator[str]:
    register_protocol("last-word", _LastWord)
    yield "last-word"
    protocol_registry._REGISTRY.pop("last-word")


def test_a_registered_protocol_runs_replays_and_conforms(last_word: str) -> None:
    assert last_word in PROTOCOLS and last_word in protocol_names()
    scenario = make_scenario(2)
    trace = negotiate(scenario, [RandomActor(), RandomActor()], protocol=last_word, rounds=10, seed=1)
    assert trace.header.protocol == last_word
    assert all(e.party == "p1" for e in trace.events if e.kind == "accept")
    assert replay(trace, scenario).agreement == trace.result.agreement
    check_mechanism(lambda clock: make_mechanism(last_word, scenario, settings={"rounds": 5}, clock=clock))


def test_a_taken_name_is_refused_unless_replaced(last_word: str) -> None:
    with pytest.raises(MechanismSetupError, match="'sao' is already registered"):
        register_protocol("sao", _LastWord)
    assert register_protocol(last_word, _LastWord, replace=True) is _LastWord
    with pytest.raises(MechanismSetupError, match="non-empty name"):
        register_protocol(" ", _LastWord)


def test_protocols_is_a_read_only_view() -> None:
    with pytest.raises(TypeError):
        PROTOCOLS["x"] = SAO  # type: ignore[index]


def test_a_bad_deadline_is_a_setup_error(tmp_path: Any) -> None:
    for rounds, seconds in ((None, None), (0, None), (None, -1.0)):
        with pytest.raises(MechanismSetupError, match="deadline"):
            Deadline(rounds=rounds, seconds=seconds)
    scenario: Scenario = make_scenario(2)
    with pytest.raises(MechanismSetupError, match="deadline rounds"):
        make_mechanism("sao", scenario, settings={"rounds": -2}, clock=FakeClock())

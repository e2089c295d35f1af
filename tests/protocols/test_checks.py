"""check_mechanism catches broken mechanisms; replay refuses headers it cannot rebuild."""

from __future__ import annotations

import pytest

from summitry.errors import TraceError
from summitry.protocols import SAO, Deadline, FakeClock, Trace, TraceHeader, check_mechanism, replay


class _AnyoneMaySpeak(SAO):
    """Broken: lets the wrong party act."""

    def step(self, action):
        self._turn = self.parties.index(action.party)
        return super().step(action)


class _Forgetful(SAO):
    """Broken: a different first party each reset, so two runs with one seed differ."""

    _calls = 0

    def reset(self, seed=None):
        state = super().reset(seed)
        _Forgetful._calls += 1
        self._turn = _Forgetful._calls % 2
        return state


def test_a_sound_mechanism_passes(bilateral) -> None:
    check_mechanism(lambda clock: SAO(bilateral, deadline=Deadline(rounds=4), clock=clock))


@pytest.mark.parametrize(
    ("cls", "message"), [(_AnyoneMaySpeak, "wrong party|may act"), (_Forgetful, "different traces")]
)
def test_broken_mechanisms_are_caught(bilateral, cls, message) -> None:
    with pytest.raises(AssertionError, match=message):
        check_mechanism(lambda clock: cls(bilateral, deadline=Deadline(rounds=4), clock=clock))


def test_replay_refuses_a_header_it_cannot_rebuild(bilateral) -> None:
    for protocol, settings in (("sao", {"rounds": 3, "colour": "red"}), ("auction", {"rounds": 3})):
        header = TraceHeader(
            scenario="small2", protocol=protocol, parties=("p0", "p1"), agents=(), seed=0, settings=settings
        )
        with pytest.raises(TraceError, match="cannot rebuild"):
            replay(Trace(header), bilateral)


def test_a_fake_clock_is_not_required_by_sao(bilateral) -> None:
    assert SAO(bilateral, deadline=Deadline(rounds=1)).clock is not None
    assert isinstance(SAO(bilateral, deadline=Deadline(rounds=1), clock=FakeClock()).clock, FakeClock)

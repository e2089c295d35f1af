"""The hot-path builders make the same objects as the ordinary frozen constructors."""

from __future__ import annotations

import dataclasses

import pytest

from summitry.protocols import Event, Observation, Offer, Request
from summitry.protocols._fast import make_event, make_observation, make_offer_history
from summitry.protocols.state import OfferHistory


def test_make_event_equals_the_constructor() -> None:
    built = make_event(3, 2, 1, 0.5, "p0", "offer", ("x", 1), {"k": [1]})
    plain = Event(index=3, step=2, round=1, time=0.5, party="p0", kind="offer", outcome=("x", 1), data={"k": [1]})
    assert built == plain and repr(built) == repr(plain) and type(built) is Event
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.kind = "accept"  # type: ignore[misc]


def test_make_observation_equals_the_constructor() -> None:
    built = make_observation(Request.VOTE, "p1", 4, 9, 0.25, ("x", 1), None, (), ("x", 1), ("y", 2), (Offer,))
    plain = Observation(
        request=Request.VOTE, party="p1", round=4, step=9, time=0.25, standing_offer=("x", 1),
        history=(), draft=("x", 1), proposal=("y", 2), legal=(Offer,),
    )  # fmt: skip
    assert built == plain and repr(built) == repr(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.party = "p0"  # type: ignore[misc]


def test_make_offer_history_equals_the_constructor() -> None:
    log = [("p0", ("x", 1)), ("p1", ("y", 2)), ("p0", ("x", 2))]
    built, plain = make_offer_history(log, 2, 0), OfferHistory(log, 2)
    assert type(built) is OfferHistory and built == plain and list(built) == log[:2] and built[1:] == (log[1],)
    later = make_offer_history(log[1:], 3, 1)
    assert later == OfferHistory(log[1:], start=1) and later[1:] == tuple(log[1:])

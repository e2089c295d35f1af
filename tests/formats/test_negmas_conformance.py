"""Conformance with NegMAS 0.16: the raw evaluations and weights summitry reads from every
shared GENIUS scenario equal those NegMAS's own GENIUS loader reads."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from summitry.formats import read_genius
from summitry.model import LinearAdditive, TableValue

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "scenarios" / "genius"
FOLDERS = sorted(p for p in SHARED.glob("*") if p.is_dir()) if SHARED.is_dir() else []

pytestmark = [
    pytest.mark.negmas,
    pytest.mark.skipif(not FOLDERS, reason="../shared/scenarios/genius is absent"),
]


@cache
def _negmas_scenario(folder: Path) -> Any:
    inout = pytest.importorskip("negmas.inout")
    return inout.Scenario.load(folder)


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_weights_and_raw_evaluations_match_negmas(folder: Path) -> None:
    """Per profile: the same issues, weights, raw evaluations and reservation value as NegMAS reads."""
    theirs = _negmas_scenario(folder)
    ours = read_genius(folder)
    assert [i.name for i in theirs.outcome_space.issues] == list(ours.space.issue_names)
    their_ufuns = {u.name: u for u in theirs.ufuns}
    assert sorted(their_ufuns) == sorted(ours.party_names)
    for party in ours.parties:
        utility = party.utility
        assert isinstance(utility, LinearAdditive)
        their = their_ufuns[party.name]
        base = getattr(their, "ufun", their)  # negmas wraps discounted profiles
        assert list(base.weights) == pytest.approx(list(utility.weights), abs=1e-12)
        for issue, vf, their_vf in zip(ours.space.issues, utility.values, base.values, strict=True):
            assert isinstance(vf, TableValue)
            assert dict(their_vf.mapping) == pytest.approx(dict(vf.evaluations), abs=1e-12), issue.name
        their_reserved = float(their.reserved_value)
        if their_reserved != float("-inf"):
            assert their_reserved == pytest.approx(party.reservation_value)

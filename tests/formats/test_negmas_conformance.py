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


GENIUSWEB = SHARED.parent / "geniusweb"
GENIUSWEB_FOLDERS = sorted(p for p in GENIUSWEB.glob("*") if p.is_dir()) if GENIUSWEB.is_dir() else []


@pytest.mark.skipif(not GENIUSWEB_FOLDERS, reason="../shared/scenarios/geniusweb is absent")
@pytest.mark.parametrize("folder", GENIUSWEB_FOLDERS, ids=[p.name for p in GENIUSWEB_FOLDERS])
def test_geniusweb_profiles_match_negmas(folder: Path) -> None:
    """Per GeniusWeb profile: the raw value utilities, weight × value and reservation value NegMAS reads.

    GeniusWeb uses value utilities as given, while summitry divides a table by its largest
    entry; summitry's reader scales the weight to compensate, so the products must agree.
    """
    from summitry.formats import load_scenario

    inout = pytest.importorskip("negmas.inout")
    theirs = inout.Scenario.from_geniusweb_folder(folder)
    ours = load_scenario(folder)
    assert [i.name for i in theirs.outcome_space.issues] == list(ours.space.issue_names)
    assert [u.name for u in theirs.ufuns] == list(ours.party_names)
    for their, party in zip(theirs.ufuns, ours.parties, strict=True):
        utility = party.utility
        assert isinstance(utility, LinearAdditive)
        base = getattr(their, "ufun", their)
        for k, (issue, weight, their_vf) in enumerate(zip(ours.space.issues, base.weights, base.values, strict=True)):
            value_function = utility.values[k]
            assert isinstance(value_function, TableValue)
            for value, raw in value_function.evaluations.items():
                assert raw == pytest.approx(float(their_vf(value)), abs=1e-12), (issue.name, value)
            for value in issue.values:
                ours_weighted = float(utility.weighted_tables[k][issue.level(value)])
                assert ours_weighted == pytest.approx(weight * float(their_vf(value)), abs=1e-9), (issue.name, value)
        assert party.reservation_value == pytest.approx(float(their.reserved_value))

"""Interoperability: the GENIUS and GeniusWeb files summitry writes read the same in NegMAS 0.16."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from summitry.formats import load_scenario, save_scenario
from summitry.model import LinearAdditive, TableValue

pytestmark = pytest.mark.negmas


@pytest.mark.parametrize("target", ["genius", "geniusweb"])
def test_files_we_write_read_the_same_in_negmas(target: str, tmp_path: Path) -> None:
    """hanoi-deal written as GENIUS / GeniusWeb loads in NegMAS with our weights, evaluations and utilities."""
    inout = pytest.importorskip("negmas.inout")
    ours = load_scenario("hanoi-deal")
    folder = tmp_path / target
    save_scenario(ours, folder, format=target)
    loader = inout.Scenario.from_genius_folder if target == "genius" else inout.Scenario.from_geniusweb_folder
    theirs = loader(folder)
    outcomes = list(theirs.outcome_space.enumerate_or_sample())
    indices = np.array([ours.space.index_of(tuple(o)) for o in outcomes])
    by_name = {u.name: u for u in theirs.ufuns}
    for j, party in enumerate(ours.parties):
        their = by_name[party.name]
        base = getattr(their, "ufun", their)
        utility = party.utility
        assert isinstance(utility, LinearAdditive)
        if target == "genius":  # NegMAS keeps GENIUS's raw evaluations: compare what it read
            assert list(base.weights) == pytest.approx(list(utility.weights), abs=1e-12)
            for vf, their_vf in zip(utility.values, base.values, strict=True):
                assert isinstance(vf, TableValue)
                assert dict(their_vf.mapping) == pytest.approx(dict(vf.evaluations), abs=1e-12)
        else:  # GeniusWeb value utilities are used as given: the utilities themselves agree
            values = np.array([float(their(o)) for o in outcomes])
            assert np.allclose(values, ours.utilities(indices)[:, j], atol=1e-9)
        assert float(their.reserved_value) == pytest.approx(party.reservation_value)

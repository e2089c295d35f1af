"""Shared paths and helpers for the format tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from summitry.model import Scenario

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "scenarios"


def shared_folders(kind: str) -> list[Path]:
    """Return the shared scenario folders of ``kind`` (genius / geniusweb), or [] when absent."""
    root = SHARED / kind
    return sorted(p for p in root.glob("*") if p.is_dir()) if root.is_dir() else []


def assert_same_utilities(a: Scenario, b: Scenario, *, reservation: bool = True) -> None:
    """Assert both scenarios have the same issues and, party by party (by name), the same utility on every outcome."""
    assert a.space.issue_names == b.space.issue_names
    assert [i.values for i in a.space.issues] == [i.values for i in b.space.issues]
    assert sorted(a.party_names) == sorted(b.party_names)
    indices = np.arange(a.space.cardinality, dtype=np.int64)
    np.testing.assert_array_equal(a.space.feasible(indices), b.space.feasible(indices))
    for party in a.parties:
        other = b.party(party.name)
        np.testing.assert_allclose(party.utility.batch(indices), other.utility.batch(indices), rtol=1e-12, atol=1e-12)
        if reservation:
            assert party.reservation_value == other.reservation_value
        assert party.utility.discount_factor == other.utility.discount_factor

"""Shared scenarios and NegMAS helpers for the interop tests (skipped visibly without NegMAS or ../shared)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from summitry.formats import load_scenario
from summitry.model import Scenario

SHARED_GENIUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "scenarios" / "genius"

BIG = 50_000
"""Scenarios with more outcomes than this are run once (NegMAS itself takes seconds to sort them)."""


def genius_folders() -> list[Path]:
    """Return the shared GENIUS scenario folders, or [] when ../shared is absent."""
    return sorted(p for p in SHARED_GENIUS.glob("*") if p.is_dir()) if SHARED_GENIUS.is_dir() else []


def shared_or_skip() -> list[Any]:
    """Return the folders as pytest params (ids by name), or one param that skips with the reason."""
    folders = genius_folders()
    if not folders:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"shared GENIUS scenarios absent at {SHARED_GENIUS}"))]
    return [pytest.param(folder, id=folder.name) for folder in folders]


_CACHE: dict[Path, Scenario] = {}


def scenario_at(folder: Path) -> Scenario:
    """Return the scenario in ``folder`` (loaded once per test session)."""
    if folder not in _CACHE:
        _CACHE[folder] = load_scenario(folder)
    return _CACHE[folder]


def offers_in_negmas(mechanism: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """Run a NegMAS mechanism step by step and return every offer, in order, as ``(negotiator id, outcome)``."""
    offers: list[tuple[str, tuple[Any, ...]]] = []
    last = 0
    while True:
        state = mechanism.step()
        if state.step > last:  # a step that timed out repeats the previous step's offers
            offers.extend((who, tuple(outcome)) for who, outcome in state.new_offers if outcome is not None)
        last = state.step
        if not state.running:
            return offers


def scenario_at_or_skip(name: str) -> Scenario:
    """Return the shared GENIUS scenario ``name``, or skip the test visibly when ../shared is absent."""
    folder = SHARED_GENIUS / name
    if not folder.is_dir():
        pytest.skip(f"shared GENIUS scenario absent at {folder}")
    return scenario_at(folder)

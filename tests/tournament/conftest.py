"""Tiny tournaments for the tests: a spec writer and agents that misbehave."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

AGENTS_PY = '''
import time

from summitry.agents import Boulware


class Raiser(Boulware):
    """Raises on its second action."""

    def act(self, observation):
        if observation.round >= 1:
            raise RuntimeError("boom")
        return super().act(observation)


class Sleeper(Boulware):
    """Never answers its second action."""

    def act(self, observation):
        if observation.round >= 1:
            time.sleep(3600)
        return super().act(observation)


class Spinner(Boulware):
    """Loops forever on its second action."""

    def act(self, observation):
        while observation.round >= 1:
            pass
        return super().act(observation)


class Crasher(Boulware):
    """Takes the whole process down on its second action."""

    def act(self, observation):
        if observation.round >= 1:
            import os

            os._exit(3)
        return super().act(observation)


class BrokenConstructor(Boulware):
    def __init__(self, **kwargs):
        raise ValueError("cannot be made")
'''


def write_spec(folder: Path, **fields: Any) -> Path:
    """Write a tournament spec (defaults: two agents on hanoi-deal, 20 rounds) and return its path."""
    import yaml

    (folder / "misbehaving.py").write_text(AGENTS_PY, encoding="utf-8")
    spec = {"name": "tiny", "agents": ["boulware", "conceder"], "scenarios": ["hanoi-deal"], "rounds": 20, "seed": 3}
    spec.update(fields)
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return records without their wall-clock time, sorted by key."""
    return sorted(({k: v for k, v in r.items() if k != "elapsed"} for r in records), key=lambda r: r["key"])


@pytest.fixture
def spec_folder(tmp_path: Path) -> Path:
    """A folder to write specs into."""
    folder = tmp_path / "specs"
    folder.mkdir()
    return folder

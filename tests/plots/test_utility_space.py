"""The utility-space figure: a PNG for two parties, a noted projection for more, matplotlib kept lazy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from summitry.analysis import analyze
from summitry.model import CategoricalIssue, IntegerIssue, OutcomeSpace, Party, Scenario, TableUtility
from summitry.plots import plot_utility_space, sample_outcome_utilities

PNG = b"\x89PNG\r\n\x1a\n"


def _scenario(parties: int, size: int = 12) -> Scenario:
    space = OutcomeSpace(issues=(IntegerIssue(name="price", low=0, high=size - 1),))
    rng = np.random.default_rng(7)
    return Scenario(
        name="toy",
        space=space,
        parties=tuple(
            Party(name=f"p{k}", utility=TableUtility(space=space, table=rng.random(size), reservation_value=0.2))
            for k in range(parties)
        ),
    )


def test_two_party_plot_returns_and_writes_the_same_png(tmp_path: Path) -> None:
    """The PNG bytes are returned and, with a path, written there and nowhere else."""
    target = tmp_path / "toy.png"
    data = plot_utility_space(analyze(_scenario(2)), target)
    assert data.startswith(PNG)
    assert target.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["toy.png"]


def test_three_parties_give_a_png() -> None:
    """More than two parties give a figure too (pairwise panels, see test_parties.py)."""
    assert plot_utility_space(analyze(_scenario(3))).startswith(PNG)


def test_big_spaces_are_drawn_from_an_even_subset() -> None:
    """Only up to `limit` outcomes are evaluated for the dots."""
    space = OutcomeSpace(issues=(CategoricalIssue(name="a", options=tuple("abcdefghij")),))
    table = np.linspace(0, 1, 10)
    scenario = Scenario(
        name="line",
        space=space,
        parties=(
            Party(name="x", utility=TableUtility(space=space, table=table)),
            Party(name="y", utility=TableUtility(space=space, table=1 - table)),
        ),
    )
    utilities, looked_at = sample_outcome_utilities(analyze(scenario), limit=4)
    assert looked_at == 4 and utilities.shape == (4, 2)
    assert utilities[0].tolist() == [0.0, 1.0] and utilities[-1].tolist() == [1.0, 0.0]


def test_importing_summitry_plots_does_not_import_matplotlib() -> None:
    """matplotlib is loaded only when a figure is drawn."""
    code = "import sys, summitry.plots, summitry.cli.analyze; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

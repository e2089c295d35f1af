"""Scoring: hand-computed means on a tiny tournament, intervals around the means, the neighbour test."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summitry.tournament.scoring import bootstrap_means, permutation_p_value, score, scores_csv, scores_json


def _record(key: str, agents: list[str], utilities: list[float], **extra: Any) -> dict[str, Any]:
    record = {
        "key": key,
        "scenario": "s",
        "repetition": 0,
        "seed": 1,
        "agents": agents,
        "parties": ["p", "q"],
        "reason": "agreed",
        "agreement": ["x"],
        "rounds": 10,
        "steps": 20,
        "utilities": utilities,
        "discounted": utilities,
        "reserved": [0.2, 0.1],
        "best": [1.0, 1.0],
        "worst": [0.0, 0.0],
        "discounts": False,
        "welfare": sum(utilities),
        "pareto_distance": 0.1,
        "nash_distance": 0.2,
        "ks_distance": 0.3,
        "failed_party": None,
        "failure": None,
        "elapsed": 0.0,
    }
    record.update(extra)
    return record


def test_scores_match_hand_computed_values() -> None:
    records = [
        _record("1", ["A", "B"], [0.8, 0.4]),
        _record(
            "2",
            ["B", "A"],
            [0.1, 0.2],
            reason="failed",
            agreement=None,
            reserved=[0.1, 0.2],
            rounds=20,
            welfare=0.3,
            pareto_distance=0.5,
            nash_distance=0.6,
            ks_distance=0.7,
            failed_party="B",
        ),
        _record("3", ["A", "B"], [0.5, 0.5], best=[0.5, 2.0], worst=[0.0, 0.5], rounds=30),
    ]
    scores = score("t", records, total=4)
    a, b = scores.ranking
    assert (a.agent, b.agent) == ("A", "B")
    assert (scores.done, scores.total, scores.failed) == (3, 4, 1)
    assert a.stats["utility"].mean == pytest.approx((0.8 + 0.2 + 0.5) / 3)
    assert b.stats["utility"].mean == pytest.approx((0.4 + 0.1 + 0.5) / 3)
    assert a.stats["advantage"].mean == pytest.approx((0.6 + 0.0 + 0.3) / 3)
    assert b.stats["advantage"].mean == pytest.approx((0.3 + 0.0 + 0.4) / 3)
    assert a.stats["normalized_utility"].mean == pytest.approx((0.8 + 0.2 + 1.0) / 3)
    assert b.stats["normalized_utility"].mean == pytest.approx((0.4 + 0.1 + 0.0) / 3)
    assert a.stats["agreement_rate"].mean == pytest.approx(2 / 3)
    assert a.stats["welfare"].mean == pytest.approx((1.2 + 0.3 + 1.0) / 3)
    assert a.stats["nash_distance"].mean == pytest.approx((0.2 + 0.6 + 0.2) / 3)
    assert a.stats["rounds_to_agreement"].mean == pytest.approx(20.0)  # 10 and 30; the failed one has none
    assert (a.failures, b.failures, a.n, b.n) == (0, 1, 3, 3)
    payload = scores_json(scores)
    assert payload["ranking"][0]["agent"] == "A" and payload["ranking"][1]["n"] == 3
    assert [e["failures"] for e in payload["ranking"]] == [0, 1]
    assert scores_csv(scores).splitlines()[1].startswith("*,1,A,3,0,")


def test_ranking_uses_discounted_utilities_and_breaks_ties_by_name() -> None:
    records = [
        _record("1", ["B", "A"], [0.9, 0.5], discounted=[0.3, 0.5], discounts=True),
        _record("2", ["C", "D"], [0.4, 0.4]),
    ]
    scores = score("t", records, total=2)
    assert [a.agent for a in scores.ranking] == ["A", "C", "D", "B"]
    assert scores.discounted
    b = next(a for a in scores.ranking if a.agent == "B")
    assert b.stats["utility"].mean == pytest.approx(0.3)
    assert b.stats["utility_undiscounted"].mean == pytest.approx(0.9)
    entry = next(e for e in scores_json(scores)["ranking"] if e["agent"] == "B")
    assert (entry["mean_utility"], entry["mean_utility_undiscounted"]) == pytest.approx((0.3, 0.9))


@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=60))
def test_bootstrap_intervals_contain_the_mean(values: list[float]) -> None:
    mean, low, high = bootstrap_means(np.array(values))
    assert mean[0] == pytest.approx(np.mean(values), abs=1e-9)
    assert low[0] - 1e-9 <= mean[0] <= high[0] + 1e-9


def test_bootstrap_skips_missing_values_per_column() -> None:
    values = np.array([[1.0, np.nan], [3.0, np.nan], [5.0, 4.0]])
    mean, low, high = bootstrap_means(values)
    assert mean.tolist() == [3.0, 4.0]
    assert low[1] == high[1] == 4.0


def test_permutation_test_separates_different_means_and_not_equal_ones() -> None:
    rng = np.random.default_rng(1)
    assert permutation_p_value(rng.normal(1, 0.1, 40), rng.normal(0, 0.1, 40)) < 0.01
    assert permutation_p_value(rng.normal(0, 1, 40), rng.normal(0, 1, 40)) > 0.01

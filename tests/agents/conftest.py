"""Small scenarios for agent tests."""

from __future__ import annotations

import pytest

from summitry.model import CategoricalIssue, IntegerIssue, LinearAdditive, OutcomeSpace, Party, Scenario, TableValue


def make_scenario(reservations: tuple[float, float] = (0.2, 0.2)) -> Scenario:
    """Return a 3-issue, 60-outcome bilateral scenario with opposed but integrative preferences."""
    space = OutcomeSpace(
        issues=(
            CategoricalIssue(name="colour", options=("red", "green", "blue")),
            IntegerIssue(name="price", low=1, high=5),
            CategoricalIssue(name="delivery", options=("slow", "normal", "fast", "express")),
        )
    )
    buyer = LinearAdditive(
        space=space,
        weights=(0.2, 0.5, 0.3),
        values=(
            TableValue(evaluations={"red": 1.0, "green": 0.6, "blue": 0.2}),
            TableValue(evaluations={1: 1.0, 2: 0.8, 3: 0.5, 4: 0.25, 5: 0.0}),
            TableValue(evaluations={"slow": 0.0, "normal": 0.4, "fast": 0.8, "express": 1.0}),
        ),
        reservation_value=reservations[0],
    )
    seller = LinearAdditive(
        space=space,
        weights=(0.1, 0.7, 0.2),
        values=(
            TableValue(evaluations={"red": 0.3, "green": 1.0, "blue": 0.6}),
            TableValue(evaluations={1: 0.0, 2: 0.3, 3: 0.6, 4: 0.85, 5: 1.0}),
            TableValue(evaluations={"slow": 1.0, "normal": 0.7, "fast": 0.3, "express": 0.0}),
        ),
        reservation_value=reservations[1],
    )
    return Scenario(
        name="shop", space=space, parties=(Party(name="buyer", utility=buyer), Party(name="seller", utility=seller))
    )


@pytest.fixture
def scenario() -> Scenario:
    """Return the 60-outcome shop scenario."""
    return make_scenario()

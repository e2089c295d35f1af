"""What a user's own strict type checker sees of the public API (checked by ``make lint``'s mypy).

Not a pytest module: it is type-checked, not run. Each line is ordinary user code that a
strict checker must accept; if a public contract's types regress, ``make lint`` fails here.
"""

from __future__ import annotations

import numpy as np

import summitry
from summitry.model import (
    CategoricalIssue,
    ConstrainedUtility,
    LinearAdditive,
    OutcomeSpace,
    Party,
    Scenario,
    TableUtility,
    TableValue,
    UtilityFunction,
)


def build() -> Scenario:
    """Build a two-party scenario with each kind of utility function behind the Protocol."""
    space = OutcomeSpace(issues=(CategoricalIssue(name="price", options=("low", "high")),))
    linear = LinearAdditive(space=space, weights=(1.0,), values=(TableValue(evaluations={"low": 1.0, "high": 0.5}),))
    table = TableUtility(space=space, table=np.array([0.2, 0.9]), reservation_value=0.1)
    functions: list[UtilityFunction] = [linear, table, ConstrainedUtility(base=linear, constraints=())]
    parties = (Party(name="a", utility=functions[0]), Party(name="b", utility=table))
    value: float = functions[2].reservation_value + parties[0].utility(("low",))
    assert value >= 0
    return Scenario(name="typed", space=space, parties=parties)


scenario: summitry.Scenario = build()
analysis = summitry.analyze(scenario)

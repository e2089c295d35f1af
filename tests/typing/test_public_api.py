"""The typed usage example also runs: what the checker accepts is what the library does."""

from __future__ import annotations

from tests.typing.public_api import build


def test_typed_example_builds_a_scenario_with_every_utility_kind_and_analyses_it() -> None:
    import summitry

    scenario = build()
    assert [party.name for party in scenario.parties] == ["a", "b"]
    analysis = summitry.analyze(scenario)
    assert analysis.outcomes == 2
    assert len(analysis.frontier_indices) >= 1

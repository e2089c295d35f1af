"""Property: mediated agreements between built-in agents are feasible and approved by every party."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summitry.agents import agent_names, make_negotiator
from summitry.model import Scenario
from summitry.protocols import negotiate
from tests.strategies import scenarios


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenario=scenarios(),
    agents=st.lists(st.sampled_from(agent_names()), min_size=3, max_size=3),
    amendments=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_mediated_agreements_are_feasible_and_beat_every_reservation(
    scenario: Scenario, agents: list[str], amendments: bool, seed: int
) -> None:
    """Any agents, with or without amendments: no failure; an agreement is feasible and above every reservation."""
    negotiators = [make_negotiator(name) for name in agents[: len(scenario.parties)]]
    trace = negotiate(scenario, negotiators, protocol="mediation", rounds=12, seed=seed, amendments=amendments)
    assert not [e for e in trace.events if e.kind == "failure"]
    result = trace.result
    assert result is not None and result.reason in {"agreed", "deadline", "ended"}
    if result.agreement is not None:
        assert scenario.space.contains(result.agreement)
        for party in scenario.parties:
            assert party.utility(result.agreement) > party.reservation_value
    amend_events = [e for e in trace.events if e.kind == "amend"]
    assert bool(amend_events) == amendments
    for event in amend_events:  # an amendment only ever proposes values the issues have
        for issue_name, value in event.data.get("changes", {}).items():
            assert scenario.space.issues[scenario.space.issue_position(issue_name)].contains(value)

"""The shipped summit and the documented example refer to scenarios, protocols and agents that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summitry.agents.registry import agent_names, parse_agent
from summitry.formats import load_scenario
from summitry.formats.summit_files import load_summit, parse_summit
from summitry.protocols.registry import protocol_names
from summitry.summit import Agenda

DOCS = Path(__file__).resolve().parents[2] / "docs" / "agenda.md"


def documented_example() -> Agenda:
    if not DOCS.exists():
        pytest.skip("docs/agenda.md is absent")
    match = re.search(r"<!-- example -->\s*```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "docs/agenda.md lost its <!-- example --> block"
    return parse_summit(match[1], source="docs/agenda.md")


@pytest.mark.parametrize("agenda", [load_summit("hanoi"), None], ids=["hanoi", "docs-example"])
def test_linked_negotiations_resolve(agenda: Agenda | None) -> None:
    agenda = agenda or documented_example()
    linked = [m.negotiation for m in agenda.meetings if m.negotiation is not None]
    assert linked
    for negotiation in linked:
        scenario = load_scenario(negotiation.scenario)
        assert negotiation.protocol in protocol_names()
        assert {parse_agent(a)[0] for a in negotiation.agents} <= set(agent_names())
        if negotiation.parties:
            assert set(negotiation.parties) == set(scenario.party_names)


def test_documented_example_reads() -> None:
    agenda = documented_example()
    assert [m.id for m in agenda.in_order()] == ["opening", "deal", "call-home"]  # 10:15 New York is after 14:00 Geneva
    call = next(m for m in agenda.meetings if m.id == "call-home")
    assert call.when() == "10:15 EDT (14:15 GMT)"

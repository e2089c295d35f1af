"""Every ordered pair of built-in SAO negotiators completes on every shared scenario and both Hanoi ones."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from summitry.agents import make_negotiator, sao_agent_names
from summitry.formats import load_scenario
from summitry.protocols import negotiate

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "scenarios"
FOLDERS = (
    sorted(
        p
        for kind in ("genius", "geniusweb")
        if (SHARED / kind).is_dir()
        for p in (SHARED / kind).iterdir()
        if p.is_dir()
    )
    if SHARED.is_dir()
    else []
)
REFERENCES: list[object] = ["hanoi-deal", "hanoi-dinner", *(str(f) for f in FOLDERS)]
if not FOLDERS:  # say so, rather than run 2 cases of 26 without a word
    REFERENCES.append(
        pytest.param("shared", marks=pytest.mark.skip(reason="../shared/scenarios is absent: ANAC scenarios not run"))
    )


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda r: Path(str(r)).name)
def test_every_pair_completes_without_error(reference: str) -> None:
    """No negotiator fails; every agreement is a feasible outcome worth its reservation value to each party."""
    scenario = load_scenario(reference)
    names = sao_agent_names()
    for first, second in itertools.product(names, repeat=2):
        trace = negotiate(
            scenario, [make_negotiator(first), make_negotiator(second)], protocol="sao", rounds=60, seed=3
        )
        result = trace.result
        assert result is not None
        failures = [e for e in trace.events if e.kind == "failure"]
        assert not failures, (first, second, failures[:1])
        assert result.reason in {"agreed", "deadline", "ended"}, (first, second, result.reason)
        if result.agreement is not None:
            assert scenario.space.contains(result.agreement), (first, second)
            index = scenario.space.index_of(result.agreement)
            for party in scenario.parties:
                assert float(party.utility.batch([index])[0]) >= party.reservation_value - 1e-9, (first, second)

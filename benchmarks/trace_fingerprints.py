"""Fingerprints of many negotiations' traces: a change to the engine's speed must not change one bit.

Runs every ordered pair of built-in agents (SAO: the SAO agents; mediation: every agent,
voters included) on a few scenarios, with a rounds deadline and with a seconds deadline (a
``FakeClock`` that advances on every read, so the runs are reproducible), mediation with and
without amendments and annealing, plus three-party SAO runs. Each trace is written as its
sealed JSON Lines (``trace_to_lines``: every event's index, step, round, time, party, kind,
outcome and data, and the result); the digest of its last line is the run's fingerprint, and
one SHA-256 over every fingerprint sums them up.

Run ``.venv/bin/python benchmarks/trace_fingerprints.py --write before.json`` before a change
and ``--check before.json`` after it: the check lists every run whose trace differs and exits
1 if any does. ``--quick`` runs a subset (a few seconds).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _shared import require

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "scenarios"


def _three_party(deal: Any) -> Any:
    from summitry.model import LinearAdditive, Party, Scenario

    a, b = (p.utility for p in deal.parties)
    weights = tuple((x + y) / 2 for x, y in zip(a.weights, b.weights, strict=True))
    third = LinearAdditive(space=deal.space, weights=weights, values=a.values, reservation_value=0.2)
    return Scenario(name="hanoi-deal-3", space=deal.space, parties=(*deal.parties, Party(name="third", utility=third)))


def runs(quick: bool) -> Iterator[tuple[str, Any, str, list[str], dict[str, Any]]]:
    """Yield (run id, scenario, protocol, agent names, mechanism settings) for every run."""
    from summitry.agents import agent_names, sao_agent_names
    from summitry.formats import load_scenario

    deal = load_scenario("hanoi-deal")
    scenarios = {"hanoi-deal": deal}
    laptop = SHARED / "genius" / "Laptop"
    if laptop.is_dir():
        scenarios["Laptop"] = load_scenario(str(laptop))
    sao_agents = sao_agent_names()
    if quick:
        sao_agents = sao_agents[::3]
    deadlines: list[dict[str, Any]] = [{"rounds": 60}, {"seconds": 0.5}]
    for (name, scenario), deadline, (a, b) in itertools.product(
        scenarios.items(), deadlines, itertools.product(sao_agents, repeat=2)
    ):
        yield f"sao/{name}/{_label(deadline)}/{a},{b}", scenario, "sao", [a, b], deadline
    third = _three_party(deal)
    for deadline, (a, b) in itertools.product(deadlines, itertools.product(sao_agents, repeat=2)):
        yield f"sao/hanoi-deal-3/{_label(deadline)}/{a},{b},{a}", third, "sao", [a, b, a], deadline
    dinner = load_scenario("hanoi-dinner")
    everyone = agent_names()[::4] if quick else agent_names()
    variants = [{}, {"amendments": True}, {"annealing": True}, {"amendments": True, "annealing": True}]
    for (name, scenario), variant, deadline in itertools.product(
        {"hanoi-dinner": dinner, "hanoi-deal": deal}.items(), variants, [{"rounds": 30}, {"seconds": 0.3}]
    ):
        for a, b in itertools.product(everyone, repeat=2):
            settings = {**deadline, **variant}
            yield f"mediation/{name}/{_label(settings)}/{a},{b}", scenario, "mediation", [a, b], settings


def _label(settings: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(settings.items()))


def fingerprint(scenario: Any, protocol: str, agents: list[str], settings: dict[str, Any]) -> str:
    """Return the digest of the last sealed line of the run's trace (seed 7, a fake clock)."""
    from summitry.agents import make_negotiator
    from summitry.formats.trace_files import trace_to_lines
    from summitry.protocols import FakeClock, make_mechanism, run

    clock = FakeClock(auto_step=0.001)
    mechanism = make_mechanism(protocol, scenario, settings=settings, clock=clock)
    trace = run(mechanism, [make_negotiator(a) for a in agents], seed=7)
    return str(json.loads(trace_to_lines(trace)[-1])["digest"])


def main() -> int:
    """Write or check the fingerprints; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the fingerprints to this JSON file")
    group.add_argument("--check", type=Path, help="compare with the fingerprints in this JSON file")
    parser.add_argument("--quick", action="store_true", help="a subset of the runs")
    args = parser.parse_args()
    require(SHARED)
    prints = {run_id: fingerprint(*rest) for run_id, *rest in runs(args.quick)}
    total = hashlib.sha256("\n".join(f"{k} {v}" for k, v in sorted(prints.items())).encode()).hexdigest()
    if args.write:
        args.write.write_text(json.dumps({"total": total, "runs": prints}, indent=0, sort_keys=True))
        print(f"{len(prints)} runs, total {total}")
        return 0
    expected = json.loads(args.check.read_text())["runs"]
    differ = sorted(k for k in prints.keys() & expected.keys() if prints[k] != expected[k])
    missing = sorted(expected.keys() - prints.keys())
    for run_id in differ:
        print(f"differs: {run_id}")
    for run_id in missing:
        print(f"not run: {run_id}")
    print(f"{len(prints)} runs, {len(differ)} differ, {len(missing)} not run, total {total}")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())

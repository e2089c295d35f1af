"""Run one negotiation of a tournament (in any process) and measure its result.

:func:`run_chunk` is what the execution backends ship to workers: the run settings (plain,
picklable) and a few tasks. Each worker process loads a scenario, analyses it and resolves an
agent once, then reuses them. Every negotiation goes through :func:`summitry.protocols.run`,
the same loop as every CLI negotiation; an agent that raises, cannot be made, or hangs past
the spec's ``timeout`` is recorded as that party's failure, and the tournament goes on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from summitry.agents import AgentFactory, resolve_agent
from summitry.analysis import ScenarioAnalysis, agreement_metrics, analyze
from summitry.formats import load_scenario
from summitry.model import Scenario, finite_or_none, plain_value
from summitry.protocols import make_mechanism, run
from summitry.protocols.events import Result
from summitry.protocols.state import Observation, PrivateView, deadline_for

from ._watchdog import NegotiationHung, time_guard
from .plan import NegotiationTask
from .spec import TournamentSpec

__all__ = ["RunSettings", "run_chunk", "run_negotiation"]

Record = dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSettings:
    """What a worker needs to run any negotiation of a tournament (picklable, plain values)."""

    scenarios: tuple[str, ...]
    scenario_refs: tuple[str, ...]
    protocol: str
    rounds: int | None
    seconds: float | None
    timeout: float
    base: str
    profiles: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, spec: TournamentSpec) -> RunSettings:
        """Return the run settings of ``spec``."""
        return cls(
            scenarios=spec.scenarios,
            scenario_refs=spec.scenario_refs,
            protocol=spec.protocol,
            rounds=spec.rounds,
            seconds=spec.seconds,
            timeout=spec.timeout,
            base=spec.base,
            profiles=spec.profiles,
        )


_SCENARIOS: dict[tuple[str, tuple[str, ...]], tuple[Scenario, ScenarioAnalysis]] = {}
_AGENTS: dict[tuple[str, str], AgentFactory] = {}


def run_chunk(settings: RunSettings, tasks: list[NegotiationTask]) -> list[Record]:
    """Return the records of ``tasks``, run one after the other in this process."""
    return [run_negotiation(settings, task) for task in tasks]


def run_negotiation(settings: RunSettings, task: NegotiationTask) -> Record:
    """Return the record of one negotiation: agreement, both utilities, distances and any failure."""
    started = time.perf_counter()
    chosen = settings.profiles[task.scenario] if settings.profiles else ()
    scenario, analysis = _scenario(settings.scenario_refs[task.scenario], chosen)
    rounds, seconds = settings.rounds, settings.seconds
    rounds, seconds = deadline_for(scenario, rounds, seconds)
    mechanism = make_mechanism(settings.protocol, scenario, settings={"rounds": rounds, "seconds": seconds})
    negotiators = [_Deferred(label, settings.base) for label in task.agents]
    failed_party: str | None = None
    failure: str | None = None
    result: Result | None
    try:
        with time_guard(settings.timeout):
            trace = run(mechanism, negotiators, seed=task.seed)
    except NegotiationHung as exc:  # fired between two actions, outside any negotiator: blame the one due
        failed_party = mechanism.next_party or scenario.party_names[0]
        failure = f"hung: {exc}"
        mechanism.fail(failed_party, "raised", str(exc))
        result = mechanism.result()
    else:
        result = trace.result
        assert result is not None  # reason: run returns finished traces
        for event in trace.events:
            if event.kind == "failure":
                failed_party = event.party
                failure = f"{event.data.get('reason')}: {event.data.get('detail')}"
                break
    index = None if result.agreement is None else scenario.space.index_of(result.agreement)
    metrics = agreement_metrics(analysis, index)
    parties = scenario.party_names
    return {
        "key": task.key,
        "scenario": settings.scenarios[task.scenario],
        "repetition": task.repetition,
        "seed": task.seed,
        "agents": list(task.agents),
        "parties": list(parties),
        "reason": result.reason,
        "agreement": None if result.agreement is None else [plain_value(v) for v in result.agreement],
        "rounds": result.rounds,
        "steps": result.steps,
        "utilities": [float(u) for u in metrics.utilities],
        "discounted": [float(u) for u in result.utilities],
        "reserved": [float(r) for r in analysis.reserved],
        "best": list(analysis.best),
        "worst": list(analysis.worst),
        "discounts": any(p.utility.discount_factor not in (None, 1.0) for p in scenario.parties),
        "welfare": metrics.welfare,
        "pareto_distance": finite_or_none(metrics.to_frontier),
        "nash_distance": finite_or_none(metrics.to_points.get("nash")),
        "ks_distance": finite_or_none(metrics.to_points.get("kalai_smorodinsky")),
        "failed_party": None if failed_party is None else task.agents[parties.index(failed_party)],
        "failure": failure,
        "elapsed": time.perf_counter() - started,
    }


class _Deferred:
    """A negotiator made when the negotiation starts, so that a failing constructor is that party's failure."""

    def __init__(self, label: str, base: str) -> None:
        self.name = label
        self._base = base

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        inner = _factory(self.name, self._base).make()
        inner.start(view, rng)
        self.act = inner.act  # type: ignore[method-assign]  # reason: later calls skip this proxy

    def act(self, observation: Observation) -> Any:
        raise RuntimeError("act before start")  # the mechanism always starts negotiators first


def _scenario(ref: str, profiles: tuple[str, ...] = ()) -> tuple[Scenario, ScenarioAnalysis]:
    cached = _SCENARIOS.get((ref, profiles))
    if cached is None:
        scenario = load_scenario(ref, profiles=profiles or None)
        cached = _SCENARIOS[(ref, profiles)] = (scenario, analyze(scenario))
    return cached


def _factory(label: str, base: str) -> AgentFactory:
    cached = _AGENTS.get((label, base))
    if cached is None:
        cached = _AGENTS[(label, base)] = resolve_agent(label, base=Path(base))
    return cached

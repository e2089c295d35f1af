"""Score a tournament: per-agent means with bootstrap 95% intervals, a ranking, per-scenario tables.

Each negotiation gives every party's agent one *row*: its utility (undiscounted, and
discounted where the scenario discounts: u·δ^t at the agreement's relative time t, the
reservation value without agreement), that utility normalised to the party's range in the
scenario ((u − worst)/(best − worst) over the feasible outcomes), its advantage over its
reservation value, whether there was an agreement, the negotiation's social welfare (sum of
undiscounted utilities) and distances of the result to the Pareto frontier, the Nash point and
the Kalai–Smorodinsky point (in undiscounted utility space), and the rounds to agreement. An
agent that fails (raises, hangs, sends garbage) keeps its row — the failure ends the
negotiation without agreement — and the failure is counted against it.

Agents are ranked by mean utility — the discounted one, which equals the undiscounted one
where a scenario has no discount, as ANAC ranks — ties broken by name. Intervals are
percentile bootstraps of the mean over the agent's rows (2000 resamples, seeded: the same
results give the same report). Neighbours in the ranking are compared with a two-sided
permutation test of the difference of their mean utilities (:data:`TEST`).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from summitry.model import finite_or_none

__all__ = [
    "ALPHA",
    "METRICS",
    "TEST",
    "AgentScore",
    "Comparison",
    "Interval",
    "Scores",
    "bootstrap_means",
    "permutation_p_value",
    "score",
    "scores_csv",
    "scores_json",
]

RESAMPLES = 2000
ALPHA = 0.05
TEST = f"two-sided permutation test of the difference in mean utility ({RESAMPLES} resamples), α = {ALPHA}"
"""The significance test between neighbours in the ranking, as reports name it."""

METRICS = (
    "utility",
    "utility_undiscounted",
    "normalized_utility",
    "advantage",
    "agreement_rate",
    "welfare",
    "pareto_distance",
    "nash_distance",
    "ks_distance",
    "rounds_to_agreement",
)
"""The per-agent statistics, each a mean with a 95% interval (``utility`` is the ranking one)."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A mean and its 95% bootstrap interval (all NaN when there is nothing to average)."""

    mean: float
    low: float
    high: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentScore:
    """One agent's statistics (over every scenario, or over one)."""

    agent: str
    n: int
    rows: int
    failures: int
    stats: dict[str, Interval]

    @property
    def mean_utility(self) -> float:
        """Return the ranking utility's mean."""
        return self.stats["utility"].mean


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The test between two neighbours of the ranking."""

    better: str
    worse: str
    difference: float
    p_value: float

    @property
    def significant(self) -> bool:
        """Return whether the difference is significant at :data:`ALPHA`."""
        return self.p_value < ALPHA


@dataclass(frozen=True, slots=True, kw_only=True)
class Scores:
    """A tournament's scores: ranking, neighbour tests, per-scenario rankings and agreements to plot."""

    name: str
    total: int
    done: int
    failed: int
    discounted: bool
    ranking: tuple[AgentScore, ...]
    comparisons: tuple[Comparison, ...]
    by_scenario: dict[str, tuple[AgentScore, ...]]
    outcomes: dict[str, list[tuple[tuple[str, ...], tuple[float, ...], bool]]] = field(repr=False)


def score(name: str, records: Sequence[dict[str, Any]], *, total: int) -> Scores:
    """Return the scores of a tournament from its stored records (``total``: negotiations planned)."""
    rows = _rows(records)
    scenarios = sorted({r["scenario"] for r in records})
    ranking = _rank(rows)
    comparisons = tuple(_compare(rows, better.agent, worse.agent) for better, worse in itertools.pairwise(ranking))
    by_scenario = {s: _rank(_select(rows, rows["scenario"] == s)) for s in scenarios}
    outcomes: dict[str, list[tuple[tuple[str, ...], tuple[float, ...], bool]]] = {s: [] for s in scenarios}
    for r in records:
        outcomes[r["scenario"]].append((tuple(r["agents"]), tuple(r["utilities"]), r["reason"] == "agreed"))
    return Scores(
        name=name,
        total=total,
        done=len(records),
        failed=sum(1 for r in records if r["failed_party"] is not None),
        discounted=any(r["discounts"] for r in records),
        ranking=ranking,
        comparisons=comparisons,
        by_scenario=by_scenario,
        outcomes=outcomes,
    )


def bootstrap_means(
    values: npt.NDArray[np.float64], *, resamples: int = RESAMPLES, seed: int = 0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return the mean and the 2.5 and 97.5 percentiles of bootstrap means of each column of ``values``.

    NaN entries are left out of their column's means (a column with no number gives NaN).
    """
    values = np.asarray(values, dtype=float).reshape(len(values), -1)
    n, m = values.shape
    finite = np.isfinite(values)
    filled = np.where(finite, values, 0.0)
    counts = finite.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, filled.sum(axis=0) / np.maximum(counts, 1), np.nan)
    if n == 0:
        return mean, mean.copy(), mean.copy()
    rng = np.random.default_rng(seed)
    block = max(1, 2_000_000 // max(n, 1))
    boots = np.empty((resamples, m))
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        index = rng.integers(0, n, size=(size, n))
        sums = filled[index].sum(axis=1)
        hits = finite[index].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            boots[start : start + size] = np.where(hits > 0, sums / np.maximum(hits, 1), np.nan)
    low = np.full(m, np.nan)
    high = np.full(m, np.nan)
    for column in range(m):
        sample = boots[:, column]
        sample = sample[np.isfinite(sample)]
        if sample.size:
            low[column], high[column] = np.percentile(sample, [2.5, 97.5])
    return mean, low, high


def permutation_p_value(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64], *, resamples: int = RESAMPLES, seed: int = 0
) -> float:
    """Return the two-sided permutation p-value of the difference of the means of ``a`` and ``b``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size == 0 or b.size == 0:
        return 1.0
    pooled = np.concatenate([a, b])
    observed = abs(a.mean() - b.mean())
    rng = np.random.default_rng(seed)
    block = max(1, 2_000_000 // pooled.size)
    extreme = 0
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        shuffled = rng.permuted(np.broadcast_to(pooled, (size, pooled.size)), axis=1)
        difference = np.abs(shuffled[:, : a.size].mean(axis=1) - shuffled[:, a.size :].mean(axis=1))
        extreme += int((difference >= observed - 1e-12).sum())
    return (extreme + 1) / (resamples + 1)


def scores_json(scores: Scores) -> dict[str, Any]:
    """Return the ``--json`` object: tournament, negotiations, failed and the ranking.

    ``mean_utility`` is the discounted utility the ranking uses (the undiscounted one where no
    scenario discounts); ``mean_utility_undiscounted`` is given beside it, and ``failures``
    counts the negotiations that ended in this agent's own failure.
    """
    return {
        "tournament": scores.name,
        "negotiations": scores.done,
        "failed": scores.failed,
        "ranking": [
            {
                "agent": a.agent,
                "mean_utility": finite_or_none(a.stats["utility"].mean),
                "ci95": [finite_or_none(a.stats["utility"].low), finite_or_none(a.stats["utility"].high)],
                "mean_utility_undiscounted": finite_or_none(a.stats["utility_undiscounted"].mean),
                "agreement_rate": finite_or_none(a.stats["agreement_rate"].mean),
                "welfare": finite_or_none(a.stats["welfare"].mean),
                "pareto_distance": finite_or_none(a.stats["pareto_distance"].mean),
                "nash_distance": finite_or_none(a.stats["nash_distance"].mean),
                "n": a.n,
                "failures": a.failures,
            }
            for a in scores.ranking
        ],
    }


def scores_csv(scores: Scores) -> str:
    """Return every statistic as CSV: one row per agent overall (scenario ``*``) and per scenario."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["scenario", "rank", "agent", "n", "failures"]
    for metric in METRICS:
        header += [metric, f"{metric}_low", f"{metric}_high"]
    writer.writerow(header)
    tables = [("*", scores.ranking), *scores.by_scenario.items()]
    for scenario, table in tables:
        for rank, agent in enumerate(table, start=1):
            row: list[object] = [scenario, rank, agent.agent, agent.n, agent.failures]
            for metric in METRICS:
                interval = agent.stats[metric]
                row += [_csv_number(interval.mean), _csv_number(interval.low), _csv_number(interval.high)]
            writer.writerow(row)
    return out.getvalue()


# ------------------------------------------------------------------ internals

Rows = dict[str, npt.NDArray[Any]]


def _rows(records: Sequence[dict[str, Any]]) -> Rows:
    columns: dict[str, list[Any]] = {k: [] for k in ("agent", "scenario", "negotiation", "failed", *METRICS)}
    for number, r in enumerate(records):
        agreed = r["reason"] == "agreed"
        for i, agent in enumerate(r["agents"]):
            u, d = float(r["utilities"][i]), float(r["discounted"][i])
            best, worst = float(r["best"][i]), float(r["worst"][i])
            columns["agent"].append(agent)
            columns["scenario"].append(r["scenario"])
            columns["negotiation"].append(number)
            columns["failed"].append(r["failed_party"] == agent)
            columns["utility"].append(d)
            columns["utility_undiscounted"].append(u)
            columns["normalized_utility"].append((d - worst) / (best - worst) if best > worst else math.nan)
            columns["advantage"].append(d - float(r["reserved"][i]))
            columns["agreement_rate"].append(1.0 if agreed else 0.0)
            columns["welfare"].append(float(r["welfare"]))
            for metric in ("pareto_distance", "nash_distance", "ks_distance"):
                columns[metric].append(math.nan if r[metric] is None else float(r[metric]))
            columns["rounds_to_agreement"].append(float(r["rounds"]) if agreed else math.nan)
    return {k: np.asarray(v, dtype=object if k in ("agent", "scenario") else None) for k, v in columns.items()}


def _select(rows: Rows, mask: npt.NDArray[np.bool_]) -> Rows:
    return {k: v[mask] for k, v in rows.items()}


def _rank(rows: Rows) -> tuple[AgentScore, ...]:
    scored = []
    for agent in sorted(set(rows["agent"].tolist())):
        mine = _select(rows, rows["agent"] == agent)
        values = np.column_stack([mine[m].astype(float) for m in METRICS])
        mean, low, high = bootstrap_means(values)
        negotiations = np.unique(mine["negotiation"])
        failures = np.unique(mine["negotiation"][mine["failed"].astype(bool)])
        scored.append(
            AgentScore(
                agent=agent,
                n=int(negotiations.size),
                rows=int(values.shape[0]),
                failures=int(failures.size),
                stats={m: Interval(float(mean[j]), float(low[j]), float(high[j])) for j, m in enumerate(METRICS)},
            )
        )
    return tuple(sorted(scored, key=lambda a: (-_sortable(a.mean_utility), a.agent)))


def _compare(rows: Rows, better: str, worse: str) -> Comparison:
    a = rows["utility"][rows["agent"] == better].astype(float)
    b = rows["utility"][rows["agent"] == worse].astype(float)
    return Comparison(
        better=better,
        worse=worse,
        difference=float(a.mean() - b.mean()) if a.size and b.size else math.nan,
        p_value=permutation_p_value(a, b),
    )


def _sortable(value: float) -> float:
    return value if math.isfinite(value) else -math.inf


def _csv_number(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else ""

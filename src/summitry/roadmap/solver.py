"""The phase-assignment model solved with OR-Tools CP-SAT (imported lazily, only here).

Variables ``done[i][k]`` say "commitment i is done by the end of phase k" (monotone in k),
so each party's exposure after phase k is a linear sum over commitments. Three solves,
lexicographic: the largest exposure, then the number of phases, then a tie-break that puts
reversible and verifiable steps early and irreversible ones late. Floats are scaled to
integers (``SCALE``); the solver runs on one worker with a fixed seed and a deterministic
time budget, so the same input gives the same plan.

Why the number of phases can be bounded by ``1 + (commitments with prerequisites)``: merging
two adjacent phases removes one checkpoint and never raises the largest exposure; in a plan
where no two adjacent phases can merge, every phase after the first holds a commitment whose
prerequisite is in the phase before, so there are at most that many phases after the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from summitry.errors import PlanningError

from .commitments import Commitment

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    _Literal = Union[cp_model.IntVar, int]  # a decision variable, or 0/1 when fixed by the bounds

__all__ = ["SCALE", "PhaseAssignment", "assign_phases"]

SCALE = 1000
"""Floats (costs and values) are multiplied by this and rounded to integers for the solver."""

_SEED = 20190227  # the first day of the Hanoi summit
# Deterministic time budgets per solve (CP-SAT's own work units, a few seconds each on a
# laptop core). They keep planning bounded and, unlike wall-clock limits, reproducible.
_EXPOSURE_BUDGET = 4.0
_PHASES_BUDGET = 2.0
_TIE_BREAK_BUDGET = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseAssignment:
    """The solver's answer: a phase number (1-based) per commitment, and what is proven optimal.

    ``optimal``: the largest exposure and then the number of phases are proven minimal.
    ``tie_break_optimal``: the early/late tie-break is proven best among those plans too.
    """

    phases: tuple[int, ...]
    optimal: bool
    tie_break_optimal: bool = True


def assign_phases(
    commitments: Sequence[Commitment], parties: Sequence[str], *, max_phases: int | None = None
) -> PhaseAssignment:
    """Return the phase of each commitment, minimising max exposure, then phases, then the tie-break.

    ``commitments`` must already be checked (unique ids, known prerequisites, no cycle).
    The first solve allows as many phases as the longest prerequisite chain and doubles that
    until the largest exposure reaches its lower bound (the largest final exposure, which no
    plan avoids) or the proven bound on useful phases; later solves need no more phases than
    the first found.

    Raises:
        PlanningError: ``max_phases`` is shorter than the longest prerequisite chain, or the
            solver found no plan within its budget.
    """
    n = len(commitments)
    if n == 0:
        return PhaseAssignment(phases=(), optimal=True, tie_break_optimal=True)
    index = {c.id: i for i, c in enumerate(commitments)}
    needs = [[index[p] for p in c.prerequisites] for c in commitments]
    depth, height = _chain_lengths(needs)
    longest = max(depth)
    bound = min(n, 1 + sum(1 for row in needs if row))
    if max_phases is not None:
        if max_phases < longest:
            raise PlanningError(
                f"max_phases={max_phases} is too few: the longest prerequisite chain needs {longest} phases"
            )
        bound = min(bound, max_phases)
    bound = max(bound, longest)
    weights = [[_scaled_weight(c, party) for c in commitments] for party in parties]
    final = max(sum(row) for row in weights)  # every plan ends with this exposure
    shape = _Shape(needs=needs, depth=depth, height=height, weights=weights, final=final)

    allowed = longest
    best: Sequence[int] | None = None
    worst = 0
    while True:
        phase_model = _PhaseModel(shape, allowed)
        if best is not None:  # the previous plan fits in more phases too: start from it
            phase_model.model.add(phase_model.worst <= worst)
            phase_model.hint(best)
        worst, optimal = phase_model.minimise(phase_model.worst, "the largest exposure", _EXPOSURE_BUDGET)
        best = phase_model.chosen_phases()
        # Stop at the lower bound, at the bound on useful phases, or when the budget ran out.
        if worst <= final or allowed >= bound or not optimal:
            optimal = optimal or worst <= final
            break
        allowed = min(2 * allowed, bound)
    phase_model.model.add(phase_model.worst <= worst)
    phase_model.hint(best)
    _, proven = phase_model.minimise(phase_model.count, "the number of phases", _PHASES_BUDGET)
    optimal = optimal and proven
    best = _compact(phase_model.chosen_phases())

    phase_model = _PhaseModel(shape, max(best))
    phase_model.model.add(phase_model.worst <= worst)
    phase_model.hint(best)
    tie_break = sum(_tie_break_weight(c) * phase_model.phase[i] for i, c in enumerate(commitments))
    _, proven = phase_model.minimise(tie_break, "the tie-break", _TIE_BREAK_BUDGET)
    return PhaseAssignment(phases=_compact(phase_model.chosen_phases()), optimal=optimal, tie_break_optimal=proven)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Shape:
    """What every phase model shares: prerequisites, chain lengths and scaled exposure weights."""

    needs: list[list[int]]
    depth: list[int]
    height: list[int]
    weights: list[list[int]]  # [party][commitment]: + cost to the owner, − value to the others
    final: int


class _PhaseModel:
    """A CP-SAT model of the commitments in at most ``allowed`` phases."""

    def __init__(self, shape: _Shape, allowed: int) -> None:
        from ortools.sat.python import cp_model

        n = len(shape.needs)
        self.model = model = cp_model.CpModel()
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = 1
        self.solver.parameters.random_seed = _SEED
        # done[i][k]: commitment i is done by the end of phase k + 1; all are done by the last phase.
        self.done: list[list[_Literal]] = []
        for i in range(n):
            row: list[_Literal] = []
            for k in range(allowed):
                if k + 1 < shape.depth[i]:
                    row.append(0)
                elif k + 1 > allowed - shape.height[i]:
                    row.append(1)
                else:
                    row.append(model.new_bool_var(f"done_{i}_{k}"))
            self.done.append(row)
        for i in range(n):
            for k in range(allowed - 1):
                _implies(model, self.done[i][k], self.done[i][k + 1])
            for j in shape.needs[i]:
                _constrain_prerequisite(model, self.done[i], self.done[j])
        self.phase = [1 + sum(1 - self.done[i][k] for k in range(allowed - 1)) for i in range(n)]
        spread = sum(abs(w) for weights in shape.weights for w in weights)
        self.worst = model.new_int_var(shape.final, max(spread, shape.final), "max_exposure")
        for weights in shape.weights:
            for k in range(allowed - 1):
                model.add(self.worst >= sum(w * self.done[i][k] for i, w in enumerate(weights) if w))
        self.count = model.new_int_var(max(shape.depth), allowed, "phases")
        for expression in self.phase:
            model.add(self.count >= expression)

    def minimise(self, objective: object, stage: str, budget: float) -> tuple[int, bool]:
        """Return the minimum found for ``objective`` and whether it is proven optimal.

        Raises:
            PlanningError: the solver found no solution.
        """
        from ortools.sat.python import cp_model

        self.model.minimize(objective)  # type: ignore[arg-type]
        self.solver.parameters.max_deterministic_time = budget
        status = self.solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise PlanningError(f"the solver found no plan while minimising {stage} (status {status})")
        return round(self.solver.objective_value), status == cp_model.OPTIMAL

    def hint(self, phases: Sequence[int]) -> None:
        """Replace the model's hints with a plan given as the phase of each commitment."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]  # reason: OR-Tools leaves it unannotated
        for row, number in zip(self.done, phases, strict=True):
            for k, variable in enumerate(row):
                if not isinstance(variable, int):
                    self.model.add_hint(variable, number <= k + 1)

    def chosen_phases(self) -> list[int]:
        """Return the phase of each commitment in the solver's last solution."""
        return [p if isinstance(p, int) else int(self.solver.value(p)) for p in self.phase]


def _scaled_weight(commitment: Commitment, party: str) -> int:
    """Return the commitment's contribution to ``party``'s exposure, scaled to an integer."""
    if commitment.owner == party:
        return round(commitment.cost * SCALE)
    return -round(commitment.value_to(party) * SCALE)


def _tie_break_weight(commitment: Commitment) -> int:
    """Return the tie-break weight: positive pulls a step early, negative pushes it late."""
    return (2 if commitment.reversible else -2) + (1 if commitment.verifiable else 0)


def _chain_lengths(needs: Sequence[Sequence[int]]) -> tuple[list[int], list[int]]:
    """Return, per commitment, the longest prerequisite chain ending there and starting there."""
    n = len(needs)
    order: list[int] = []
    state = [0] * n
    for root in range(n):
        stack = [(root, 0)]
        while stack:
            node, position = stack.pop()
            if position == 0:
                if state[node]:
                    continue
                state[node] = 1
            if position < len(needs[node]):
                stack.append((node, position + 1))
                if not state[needs[node][position]]:
                    stack.append((needs[node][position], 0))
            else:
                order.append(node)
    depth = [1] * n
    for node in order:  # prerequisites come before their dependants
        depth[node] = 1 + max((depth[j] for j in needs[node]), default=0)
    height = [1] * n
    for node in reversed(order):
        for j in needs[node]:
            height[j] = max(height[j], height[node] + 1)
    return depth, height


def _implies(model: cp_model.CpModel, earlier: _Literal, later: _Literal) -> None:
    """Add ``earlier => later`` where either side may be fixed to 0 or 1."""
    if isinstance(earlier, int):
        if earlier == 1:
            _fix(model, later, 1)
    elif isinstance(later, int):
        if later == 0:
            _fix(model, earlier, 0)
    else:
        model.add_implication(earlier, later)


def _fix(model: cp_model.CpModel, literal: _Literal, value: int) -> None:
    if isinstance(literal, int):
        if literal != value:
            raise PlanningError("internal error: the phase bounds contradict each other")
    else:
        model.add(literal == value)


def _constrain_prerequisite(
    model: cp_model.CpModel, dependant: Sequence[_Literal], prerequisite: Sequence[_Literal]
) -> None:
    """Add: the dependant is never done in phase 1, and done by phase k+1 only if its prerequisite was by k."""
    _fix(model, dependant[0], 0)
    for k in range(1, len(dependant)):
        _implies(model, dependant[k], prerequisite[k - 1])


def _compact(phases: Sequence[int]) -> tuple[int, ...]:
    """Return the phases renumbered 1, 2, ... without gaps (keeping their order)."""
    used = sorted(set(phases))
    renumber = {old: new for new, old in enumerate(used, start=1)}
    return tuple(renumber[p] for p in phases)

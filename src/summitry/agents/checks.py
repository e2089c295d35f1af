"""check_negotiator: a conformance checker every registered agent must pass.

It plays the agent on small scenarios against a scripted counterpart (random offers drawn
with a fixed seed) under alternating offers, and feeds it mediation requests, checking that
it acts legally (right party, legal kind, valid feasible outcomes, well-formed amendments),
respects its reservation value (never offers, accepts or approves below it) and is
seed-deterministic (same seed, same actions).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from summitry.errors import AgentCheckError
from summitry.model import (
    CategoricalIssue,
    ForbiddenCombination,
    IntegerIssue,
    LinearAdditive,
    Outcome,
    OutcomeSpace,
    TableUtility,
    TableValue,
)
from summitry.protocols import (
    Accept,
    Action,
    Amend,
    Deadline,
    EndNegotiation,
    Observation,
    Offer,
    PrivateView,
    Reject,
    Request,
    Vote,
)

from .base import AgentSpec, Negotiator

__all__ = ["check_negotiator", "check_scenarios"]

_SAO_LEGAL = (Offer, Accept, EndNegotiation)


def check_scenarios() -> list[tuple[OutcomeSpace, object]]:
    """Return the small (space, utility) pairs the checker plays on: linear additive, constrained table, all-bad."""
    space = OutcomeSpace(
        issues=(
            CategoricalIssue(name="colour", options=("red", "green", "blue")),
            IntegerIssue(name="price", low=1, high=5),
        )
    )
    linear = LinearAdditive(
        space=space,
        weights=(0.4, 0.6),
        values=(
            TableValue(evaluations={"red": 1.0, "green": 0.5, "blue": 0.2}),
            TableValue(evaluations={1: 0.0, 2: 0.25, 3: 0.5, 4: 0.75, 5: 1.0}),
        ),
        reservation_value=0.45,
    )
    constrained_space = space.with_constraints([ForbiddenCombination(when={"colour": ("blue",), "price": (5,)})])
    table = TableUtility(
        space=constrained_space,
        table=np.random.default_rng(7).integers(0, 5, size=constrained_space.cardinality) / 4,
        reservation_value=0.5,
    )
    hopeless = LinearAdditive(space=space, weights=linear.weights, values=linear.values, reservation_value=1.5)
    return [(space, linear), (constrained_space, table), (space, hopeless)]


def check_negotiator(spec: AgentSpec | Callable[[], Negotiator], *, rounds: int = 30, seed: int = 3) -> None:
    """Check that the negotiator acts legally, respects its reservation value and is seed-deterministic.

    Args:
        spec: a registered :class:`AgentSpec`, or any zero-argument factory of negotiators.
        rounds: alternating-offers rounds played per scenario.
        seed: seed of the negotiator's rng and of the scripted counterpart.

    Raises:
        AgentCheckError: a check failed; the message says which, on which scenario and step.
    """
    factory = spec.make if isinstance(spec, AgentSpec) else spec
    for number, (space, utility) in enumerate(check_scenarios()):
        for first in (True, False):
            first_run = _play(factory, space, utility, rounds=rounds, seed=seed, first=first, label=number)
            second_run = _play(factory, space, utility, rounds=rounds, seed=seed, first=first, label=number)
            if first_run != second_run:
                raise AgentCheckError(
                    f"scenario {number}: the same seed gave different actions: {first_run[:6]} … vs {second_run[:6]} …"
                )


def _view(space: OutcomeSpace, utility: object, rounds: int, protocol: str) -> PrivateView:
    return PrivateView(
        party="agent",
        index=0,
        parties=("agent", "other"),
        space=space,
        utility=utility,  # type: ignore[arg-type]
        reservation_value=float(utility.reservation_value),  # type: ignore[attr-defined]
        deadline=Deadline(rounds=rounds),
        protocol=protocol,
    )


def _play(
    factory: Callable[[], Negotiator],
    space: OutcomeSpace,
    utility: object,
    *,
    rounds: int,
    seed: int,
    first: bool,
    label: int,
) -> list[Action]:
    """Play alternating offers against random offers, then mediation requests; return the agent's actions."""
    negotiator = factory()
    negotiator.start(_view(space, utility, rounds, "sao"), np.random.default_rng(seed))
    counterpart = np.random.default_rng(seed + 1)
    feasible = space.all_indices()
    history: list[tuple[str, Outcome]] = []
    actions: list[Action] = []
    reservation = float(utility.reservation_value)  # type: ignore[attr-defined]
    standing: Outcome | None = None
    for round_ in range(rounds):
        if not (first and round_ == 0):
            standing = space.outcome(int(feasible[int(counterpart.integers(feasible.size))]))
            history.append(("other", standing))
        legal = _SAO_LEGAL if standing is not None else (Offer, EndNegotiation)
        observation = Observation(
            request=Request.OFFER,
            party="agent",
            round=round_,
            step=len(history),
            time=round_ / rounds,
            standing_offer=standing,
            standing_offer_by="other" if standing is not None else None,
            history=tuple(history),
            legal=legal,
        )
        action = negotiator.act(observation)
        where = f"scenario {label}, round {round_}"
        _check_sao_action(action, legal, space, utility, standing, reservation, where)
        actions.append(action)
        if isinstance(action, Accept | EndNegotiation):
            break
        assert isinstance(action, Offer)
        standing = action.outcome
        history.append(("agent", action.outcome))
    actions.extend(_mediate(factory, space, utility, rounds=rounds, seed=seed, label=label))
    return actions


def _check_sao_action(
    action: object,
    legal: tuple[type, ...],
    space: OutcomeSpace,
    utility: object,
    standing: Outcome | None,
    reservation: float,
    where: str,
) -> None:
    if not isinstance(action, legal):
        raise AgentCheckError(f"{where}: expected one of {[t.__name__ for t in legal]}, got {action!r}")
    if getattr(action, "party", None) != "agent":
        raise AgentCheckError(f"{where}: the action names party {getattr(action, 'party', None)!r}, expected 'agent'")
    if isinstance(action, Offer):
        if not space.contains(action.outcome):
            raise AgentCheckError(f"{where}: offered {action.outcome!r}, which is not a feasible outcome of the space")
        value = float(utility(action.outcome))  # type: ignore[operator]
        if value < reservation - 1e-9:
            raise AgentCheckError(f"{where}: offered {action.outcome!r} worth {value:.4f} < reservation {reservation}")
    if isinstance(action, Accept) and standing is not None:
        value = float(utility(standing))  # type: ignore[operator]
        if value < reservation - 1e-9:
            raise AgentCheckError(f"{where}: accepted {standing!r} worth {value:.4f} < reservation {reservation}")


def _mediate(
    factory: Callable[[], Negotiator], space: OutcomeSpace, utility: object, *, rounds: int, seed: int, label: int
) -> list[Action]:
    negotiator = factory()
    negotiator.start(_view(space, utility, rounds, "mediation"), np.random.default_rng(seed))
    mediator = np.random.default_rng(seed + 2)
    feasible = space.all_indices()
    reservation = float(utility.reservation_value)  # type: ignore[attr-defined]
    actions: list[Action] = []
    draft = space.outcome(int(feasible[0]))
    for step in range(rounds):
        proposal = space.outcome(int(feasible[int(mediator.integers(feasible.size))]))
        for request in (Request.VOTE, Request.AMEND):
            legal: tuple[type, ...] = (Vote,) if request is Request.VOTE else (Amend,)
            observation = Observation(
                request=request,
                party="agent",
                round=step,
                step=step,
                time=step / rounds,
                draft=draft,
                proposal=proposal,
                legal=legal,
            )
            action = negotiator.act(observation)
            where = f"scenario {label}, mediation step {step} ({request.value})"
            if not isinstance(action, legal) or getattr(action, "party", None) != "agent":
                raise AgentCheckError(f"{where}: expected {legal[0].__name__} by 'agent', got {action!r}")
            if isinstance(action, Amend):
                _check_amendment(action, space, where)
            elif isinstance(action, Vote) and action.accept:
                draft = proposal
            actions.append(action)
    observation = Observation(
        request=Request.APPROVE, party="agent", round=rounds, step=rounds, time=1.0, draft=draft, legal=(Vote,)
    )
    action = negotiator.act(observation)
    if not isinstance(action, Vote | Accept | Reject):
        raise AgentCheckError(f"scenario {label}, final approval: expected a Vote, got {action!r}")
    approved = action.accept if isinstance(action, Vote) else isinstance(action, Accept)
    if approved and float(utility(draft)) <= reservation:  # type: ignore[operator]
        raise AgentCheckError(
            f"scenario {label}, final approval: approved {draft!r}, not above reservation {reservation}"
        )
    actions.append(action)
    return actions


def _check_amendment(action: Amend, space: OutcomeSpace, where: str) -> None:
    for issue_name, value in dict(action.changes).items():
        if issue_name not in space.issue_names:
            raise AgentCheckError(
                f"{where}: amendment names issue {issue_name!r}, not one of {list(space.issue_names)}"
            )
        issue = space.issues[space.issue_position(issue_name)]
        if not issue.contains(value):
            raise AgentCheckError(f"{where}: amendment sets {issue_name!r} to {value!r}, not one of its values")

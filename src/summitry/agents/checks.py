"""check_negotiator: a conformance checker every registered agent must pass.

It runs the agent through the real mechanisms (``SAO`` and ``Mediation`` with amendments,
built through the protocol registry and driven by ``run``), on small scenarios, moving
first and second, against a seeded counterpart (random feasible offers in SAO; random votes
and amendments in mediation). It checks that the agent acts legally (right party, legal
kind, valid feasible outcomes, well-formed amendments: the mechanism and the failure policy
must accept every action), respects its reservation value (never offers, accepts or approves
below it) and is seed-deterministic (same seed, same trace). Since it drives the mechanisms
themselves, it cannot drift from them.

.. versionchanged:: 0.1 drives the real mechanisms instead of re-simulating them.
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
    OutcomeSpace,
    Party,
    Scenario,
    TableUtility,
    TableValue,
    UtilityFunction,
)
from summitry.protocols import (
    Accept,
    Action,
    Amend,
    FakeClock,
    NegotiatorProtocol,
    Observation,
    Offer,
    PrivateView,
    Request,
    Trace,
    Vote,
    make_mechanism,
    run,
)
from summitry.protocols.checks import RandomActor

from .base import AgentSpec

__all__ = ["check_negotiator", "check_scenarios"]

_TOLERANCE = 1e-9


def check_scenarios() -> list[tuple[OutcomeSpace, UtilityFunction]]:
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


def check_negotiator(spec: AgentSpec | Callable[[], NegotiatorProtocol], *, rounds: int = 30, seed: int = 3) -> None:
    """Check that the negotiator acts legally, respects its reservation value and is seed-deterministic.

    Args:
        spec: a registered :class:`AgentSpec`, or any zero-argument factory of negotiators.
        rounds: rounds of each negotiation (offers in SAO, proposals in mediation).
        seed: seed of each run (the agent's rng and the counterpart's).

    Raises:
        AgentCheckError: a check failed; the message says which, on which scenario, protocol and step.
    """
    factory = spec.make if isinstance(spec, AgentSpec) else spec
    for number, (space, utility) in enumerate(check_scenarios()):
        for protocol in ("sao", "mediation"):
            for first in (True, False):
                where = f"scenario {number}, {protocol}, moving {'first' if first else 'second'}"
                runs = [_play(factory, space, utility, protocol, first, rounds, seed, where) for _ in range(2)]
                if runs[0] != runs[1]:
                    raise AgentCheckError(f"{where}: the same seed gave different traces")


class _RandomOfferer:
    """The SAO counterpart: offers a random feasible outcome every turn, never accepts or ends."""

    name = "random-offerer"

    def __init__(self) -> None:
        self._space: OutcomeSpace | None = None
        self._rng = np.random.default_rng(0)

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        """Remember the space and the generator."""
        self._space = view.space
        self._rng = rng

    def act(self, observation: Observation) -> Action:
        """Return a random feasible offer."""
        assert self._space is not None  # reason: start() is always called first
        return Offer(party=observation.party, outcome=self._space.outcome(int(self._space.sample(1, self._rng)[0])))


class _Watched:
    """Wraps the agent under check: passes its actions on, and keeps the first contract breach."""

    def __init__(self, inner: NegotiatorProtocol, where: str) -> None:
        self.inner = inner
        self.name = str(getattr(inner, "name", type(inner).__name__))
        self.where = where
        self.breach: str | None = None
        self._view: PrivateView | None = None

    def start(self, view: PrivateView, rng: np.random.Generator) -> None:
        """Start the agent with its view."""
        self._view = view
        self.inner.start(view, rng)

    def act(self, observation: Observation) -> Action:
        """Return the agent's action, after checking it against the contract."""
        action = self.inner.act(observation)
        if self.breach is None and self._view is not None:
            self.breach = _breach(action, observation, self._view)
            if self.breach is not None:
                self.breach = f"{self.where}, round {observation.round}, step {observation.step}: {self.breach}"
        return action


def _play(
    factory: Callable[[], NegotiatorProtocol],
    space: OutcomeSpace,
    utility: UtilityFunction,
    protocol: str,
    first: bool,
    rounds: int,
    seed: int,
    where: str,
) -> Trace:
    """Return the trace of the agent negotiating against the counterpart under ``protocol``."""
    agent, other = Party(name="agent", utility=utility), Party(name="other", utility=utility)
    parties = (agent, other) if first else (other, agent)
    scenario = Scenario(name="check", space=space, parties=parties, rounds=rounds, protocol=protocol)
    settings: dict[str, object] = {"rounds": rounds, "time_limit": None}
    if protocol == "mediation":
        settings["amendments"] = True
    mechanism = make_mechanism(protocol, scenario, settings=settings, clock=FakeClock())
    watched = _Watched(factory(), where)
    counterpart: NegotiatorProtocol = _RandomOfferer() if protocol == "sao" else RandomActor()
    negotiators: list[NegotiatorProtocol] = [watched, counterpart] if first else [counterpart, watched]
    trace = run(mechanism, negotiators, seed=seed)
    if watched.breach is not None:
        raise AgentCheckError(watched.breach)
    for event in trace.events:
        if event.kind == "failure" and event.party == "agent":
            raise AgentCheckError(
                f"{where}, round {event.round}: the agent failed ({event.data.get('reason')}): "
                f"{event.data.get('detail')}"
            )
    return trace


def _breach(action: object, observation: Observation, view: PrivateView) -> str | None:
    """Return what is wrong with ``action`` (None if nothing)."""
    if not isinstance(action, observation.legal):
        return f"expected one of {[t.__name__ for t in observation.legal]}, got {action!r}"
    if getattr(action, "party", None) != view.party:
        return f"the action names party {getattr(action, 'party', None)!r}, expected {view.party!r}"
    space, utility, reservation = view.space, view.utility, view.reservation_value
    if isinstance(action, Offer):
        if not space.contains(action.outcome):
            return f"offered {action.outcome!r}, which is not a feasible outcome of the space"
        value = float(utility(action.outcome))
        if value < reservation - _TOLERANCE:
            return f"offered {action.outcome!r} worth {value:.4f} < reservation {reservation}"
    if observation.request is Request.OFFER and isinstance(action, Accept) and observation.standing_offer is not None:
        value = float(utility(observation.standing_offer))
        if value < reservation - _TOLERANCE:
            return f"accepted {observation.standing_offer!r} worth {value:.4f} < reservation {reservation}"
    if isinstance(action, Amend):
        return _amendment_breach(action, space)
    if observation.request is Request.APPROVE and observation.draft is not None:
        approved = action.accept if isinstance(action, Vote) else isinstance(action, Accept)
        if approved and float(utility(observation.draft)) <= reservation:
            return f"final approval: approved {observation.draft!r}, not above reservation {reservation}"
    return None


def _amendment_breach(action: Amend, space: OutcomeSpace) -> str | None:
    for issue_name, value in dict(action.changes).items():
        if issue_name not in space.issue_names:
            return f"amendment names issue {issue_name!r}, not one of {list(space.issue_names)}"
        issue = space.issues[space.issue_position(issue_name)]
        if not issue.contains(value):
            return f"amendment sets {issue_name!r} to {value!r}, not one of its values"
    return None

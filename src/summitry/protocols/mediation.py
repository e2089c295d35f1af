"""Single-text mediation (and its amendments variant) as a deterministic state machine.

A mediator holds one draft: at first a random feasible outcome drawn with the seeded
generator, or a given one. Each round the mediator proposes a change — a neighbouring draft
with one or two issues' values changed, drawn with the seeded generator and always feasible —
and every party, in scenario order, votes on it against the current draft (request VOTE).
The draft moves only if all accept. A round is one proposal and its votes. Drafts and
proposals always keep the space's hard constraints and every party's own ones (an outcome
a party's utility rates −inf is never proposed).

Amendments variant: each round starts with every party proposing edits ``{issue: value}``
(request AMEND; an empty mapping proposes nothing). The mediator merges them: on each issue
the value most parties asked for wins, a tie going to the party that comes first in scenario
order; edits are applied issue by issue in the order first asked for, skipping an edit that
would make the draft infeasible. If nothing is left to change, the mediator proposes a random
neighbour instead.

With ``annealing`` the mediator's random proposals change two issues with probability 1 − t
(early, bold steps) and one issue otherwise; without it, one or two with equal chance.

At the deadline (rounds, or seconds: the action that arrives late is not applied and is
recorded in a ``late`` event, as in every protocol) every party approves or rejects the final draft (request
APPROVE). It becomes the agreement only if all approve; otherwise there is no agreement
(status TIMED_OUT) and each party gets its reservation value. Votes may be given as
``Vote(accept=…)`` or as ``Accept``/``Reject``; the trace records them as votes. Any party may
end the negotiation at any turn (EndNegotiation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from summitry._rng import make_rng
from summitry.errors import IllegalActionError, MechanismSetupError
from summitry.model import Outcome, Scenario, Value

from ._fast import make_observation
from ._machine import DEFAULT_TIME_LIMIT, MechanismCore
from .actions import Accept, Action, Amend, EndNegotiation, Reject, Vote
from .clock import Clock
from .events import Event, EventKind
from .state import Deadline, Observation, PublicState, Request, Status

__all__ = ["Mediation"]

_AMEND: tuple[type, ...] = (Amend, EndNegotiation)
_VOTE: tuple[type, ...] = (Vote, Accept, Reject, EndNegotiation)
_TRIES = 64
_TRIED_LIMIT = 1 << 16


class Mediation(MechanismCore):
    """Single-text mediation over the scenario's parties, with an optional amendments phase.

    Args:
        scenario: the outcome space and the parties.
        deadline: rounds (proposals) and/or seconds, before the final approval vote.
        clock: where time comes from; read once per step.
        discount: a discount factor for every party, overriding each utility's own.
        time_limit: seconds one negotiator may take for one action (enforced by ``run``).
        amendments: let parties propose edits that the mediator merges.
        initial_draft: the first draft (default: a random feasible outcome from the seed).
        annealing: bold (two-issue) proposals early, one-issue ones late.
    """

    name = "mediation"

    def __init__(
        self,
        scenario: Scenario,
        *,
        deadline: Deadline,
        clock: Clock | None = None,
        discount: float | None = None,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
        amendments: bool = False,
        initial_draft: Sequence[Value] | Mapping[str, Value] | None = None,
        annealing: bool = False,
    ) -> None:
        super().__init__(scenario, deadline=deadline, clock=clock, discount=discount, time_limit=time_limit)
        self.amendments = bool(amendments)
        self.annealing = bool(annealing)
        self.initial_draft: Outcome | None = None
        if initial_draft is not None:
            found = self._validate(dict(initial_draft) if isinstance(initial_draft, Mapping) else tuple(initial_draft))
            if isinstance(found, str):
                raise MechanismSetupError(f"initial_draft: {initial_draft!r} {found}")
            self.initial_draft = found
        self._rng = make_rng(0)
        self._draft: Outcome = ()
        self._proposal: Outcome | None = None
        self._phase = Request.VOTE  # the phase is what the mechanism asks for: VOTE, AMEND or APPROVE
        self._turn = 0
        self._votes: list[str] = []
        self._edits: list[tuple[str, dict[str, Value]]] = []
        # the mediator's fixed facts about the space, and what it has learnt of outcomes it tried
        self._cards = np.asarray(self._space.cardinalities, dtype=np.int64)
        self._movable = np.flatnonzero(self._cards > 1)
        self._draft_of_levels: Outcome | None = None
        self._draft_levels = np.zeros(0, dtype=np.int64)
        self._tried: dict[int, Outcome | None] = {}  # index -> the outcome if allowed, else None

    def settings(self) -> dict[str, Any]:
        """Return the settings that rebuild this mechanism (plain JSON values)."""
        return {
            **super().settings(),
            "amendments": self.amendments,
            "annealing": self.annealing,
            "initial_draft": None if self.initial_draft is None else list(self.initial_draft),
        }

    def reset(self, seed: int | None = None) -> PublicState:
        """Start afresh: seed the mediator, draw (or take) the first draft and open round 0."""
        self._reset_core()
        self._rng = make_rng(seed)
        self._draft = self.initial_draft if self.initial_draft is not None else self._random_draft()
        self._proposal = None
        self._votes = []
        self._edits = []
        self._emit(None, EventKind.START, self._draft, {"parties": list(self.parties), "seed": seed})
        self._open_round()
        return self.state()

    # -- queries --------------------------------------------------------------------------

    def legal_actions(self, party: str) -> tuple[type, ...]:
        """Return the action types ``party`` may take now (empty if it is not its turn)."""
        if self._status is not Status.RUNNING or not self._started or party != self.parties[self._turn]:
            return ()
        return _AMEND if self._phase is Request.AMEND else _VOTE

    def observe(self, party: str) -> Observation:
        """Return what ``party`` sees: the request of the phase, the draft and the proposal."""
        return make_observation(
            self._phase,
            party,
            self._round,
            self._step,
            self._relative(self._round, 0.0 if self._seconds is None else self.clock.now() - self._start),
            self._draft,
            None,
            (),
            self._draft,
            self._proposal,
            self.legal_actions(party),
        )

    def _public(self) -> tuple[Outcome | None, str | None, tuple[str, ...]]:
        return self._draft, None, tuple(self._votes)

    @property
    def draft(self) -> Outcome:
        """Return the current draft."""
        return self._draft

    # -- the transition -------------------------------------------------------------------

    def _transition(self, action: Action) -> tuple[Event, ...]:
        """Apply one action (an amendment, a vote, an approval, or walking away); return the events it appended.

        Raises:
            MechanismFinishedError: the negotiation is over (or was never reset).
            IllegalActionError: wrong party, a kind of action not legal in this phase, or an
                amendment naming an unknown issue or value.
        """
        self._check_running("step")
        party = self.parties[self._turn]
        if getattr(action, "party", None) != party:
            raise IllegalActionError(
                f"party: it is the turn of {party!r}, got an action by {getattr(action, 'party', None)!r}"
            )
        phase = self._phase
        legal = _AMEND if phase is Request.AMEND else _VOTE
        if type(action) not in legal:
            names = ", ".join(t.__name__ for t in legal)
            raise IllegalActionError(
                f"{party}: in the {phase.value} phase the legal actions are {names}, got {type(action).__name__}"
            )
        changes = self._check_changes(party, action.changes) if isinstance(action, Amend) else {}
        first = len(self._events)
        elapsed = self._read_clock()
        if phase is not Request.APPROVE and self._out_of_time(elapsed):
            self._emit(party, EventKind.LATE, None, {"late": _late(action)})
            self._open_approval()
            return self._since(first)
        self._last_action = action
        if isinstance(action, EndNegotiation):
            self._finish(Status.ENDED)
            self._emit(party, EventKind.END)
            self._step += 1
            return self._since(first)
        if isinstance(action, Amend):
            self._emit(party, EventKind.AMEND, None, {"changes": dict(changes)})
            self._edits.append((party, changes))
        else:
            accept = action.accept if isinstance(action, Vote) else isinstance(action, Accept)
            if phase is Request.VOTE:
                self._emit(party, EventKind.VOTE, self._proposal, {"accept": accept})
            else:
                self._emit(party, EventKind.APPROVE, self._draft, {"accept": accept})
            if accept:
                self._votes.append(party)
        self._step += 1
        self._turn += 1
        if self._turn == self._n:
            self._turn = 0
            self._close_phase()
        return self._since(first)

    def _close_phase(self) -> None:
        if self._phase is Request.AMEND:
            self._propose(self._merge())
            return
        if self._phase is Request.APPROVE:
            if len(self._votes) == self._n:
                self._finish(Status.AGREED, self._draft)
                self._emit(
                    None, EventKind.AGREEMENT, self._draft, {"utilities": self._utilities(self._draft, self._final_t)}
                )
            else:
                drafted = self._utilities(self._draft, self._relative(self._round, self._time))
                self._finish(Status.TIMED_OUT)
                self._emit(
                    None,
                    EventKind.TIMEOUT,
                    None,
                    {"utilities": list(self._reserved), "draft_utilities": drafted, "approved_by": list(self._votes)},
                )
            return
        if len(self._votes) == self._n and self._proposal is not None:
            self._draft = self._proposal
            self._emit(None, EventKind.DRAFT, self._draft)
        self._round += 1
        if self.deadline.rounds is not None and self._round >= self.deadline.rounds:
            self._emit(None, EventKind.DEADLINE, self._draft)
            self._open_approval()
        else:
            self._open_round()

    def _open_round(self) -> None:
        self._votes = []
        self._edits = []
        self._proposal = None
        if self.amendments:
            self._phase = Request.AMEND
        else:
            self._propose(None)

    def _open_approval(self) -> None:
        self._phase = Request.APPROVE
        self._turn = 0
        self._votes = []
        self._proposal = None

    def _propose(self, merged: Outcome | None) -> None:
        source = "amendments"
        if merged is None or merged == self._draft:
            merged, source = self._neighbour(), "mediator"
        self._proposal = merged
        self._votes = []
        self._phase = Request.VOTE
        self._emit(None, EventKind.PROPOSAL, merged, {"source": source})

    # -- the mediator ---------------------------------------------------------------------

    def _neighbour(self) -> Outcome:
        """Return a feasible draft differing from the current one on one or two issues."""
        space, cards, movable = self._space, self._cards, self._movable
        if movable.size == 0:
            return self._draft
        if self._draft is not self._draft_of_levels:  # the draft's levels, once per draft
            self._draft_levels = space.levels([space.index_of(self._draft)])[0]
            self._draft_of_levels = self._draft
        base = self._draft_levels
        if self.annealing:
            t = self._relative(self._round, self._time)
            bold = self._rng.random() < 1.0 - t
        else:
            bold = self._rng.random() < 0.5
        k = min(2 if bold else 1, movable.size)
        for _ in range(_TRIES):
            levels = base.copy()
            for issue in self._rng.choice(movable, size=k, replace=False):
                new = int(self._rng.integers(0, cards[issue] - 1))
                levels[issue] = new + 1 if new >= levels[issue] else new
            index = int(space.index_of_levels(levels)[0])
            if index in self._tried:
                found = self._tried[index]
            else:  # each outcome is checked and built once
                if len(self._tried) >= _TRIED_LIMIT:
                    self._tried.clear()
                found = self._tried[index] = space.outcome(index) if self._allowed(np.array([index]))[0] else None
            if found is not None:
                return found
        return self._draft

    def _allowed(self, indices: np.ndarray) -> np.ndarray:
        """Return a mask: True where an outcome keeps the space's and every party's hard constraints."""
        ok = self._space.feasible(indices)
        for utility in self._utility:
            ok &= np.isfinite(utility.batch(indices))
        return ok

    def _random_draft(self) -> Outcome:
        for _ in range(_TRIES):
            draw = self._space.sample(64, self._rng)
            good = draw[self._allowed(draw)]
            if good.size:
                return self._space.outcome(int(good[0]))
        raise MechanismSetupError(
            f"scenario {self.scenario.name!r}: no outcome found that keeps every party's hard constraints; "
            "give an initial_draft"
        )

    def _merge(self) -> Outcome | None:
        """Return the draft with the parties' edits merged (majority per issue, ties to the first)."""
        asked: dict[str, list[Value]] = {}
        for _, changes in self._edits:
            for issue, value in changes.items():
                asked.setdefault(issue, []).append(value)
        if not asked:
            return None
        space = self._space
        current = list(self._draft)
        for issue, values in asked.items():
            winner = max(dict.fromkeys(values), key=values.count)  # first-asked wins ties
            trial = list(current)
            trial[space.issue_position(issue)] = winner
            if self._allowed(np.array([space.index_of(tuple(trial))]))[0]:
                current = trial
        return tuple(current)

    def _check_changes(self, party: str, changes: object) -> dict[str, Value]:
        if not isinstance(changes, Mapping):
            raise IllegalActionError(f"{party}: amendment changes must be a mapping {{issue: value}}, got {changes!r}")
        space = self._space
        clean: dict[str, Value] = {}
        for issue_name, value in changes.items():
            if issue_name not in space.issue_names:
                raise IllegalActionError(
                    f"{party}: amendment names issue {issue_name!r}; the issues are {list(space.issue_names)}"
                )
            issue = space.issues[space.issue_position(issue_name)]
            if not issue.contains(value):
                raise IllegalActionError(
                    f"{party}: amendment {issue_name}={value!r} is not one of {list(issue.values)[:12]}"
                )
            clean[issue_name] = issue.values[issue.level(value)]
        return clean


def _late(action: Action) -> dict[str, Any]:
    if isinstance(action, Amend):
        changes = dict(action.changes)
        plain = {str(k): v if isinstance(v, str | int | float | bool) else repr(v) for k, v in changes.items()}
        return {"kind": "amend", "changes": plain}
    if isinstance(action, EndNegotiation):
        return {"kind": "end"}
    accept = action.accept if isinstance(action, Vote) else isinstance(action, Accept)
    return {"kind": "vote", "accept": bool(accept)}

"""Track a road-map as it is carried out: events, what is due or late, and whether a phase may start.

Events say that a commitment was started, done, verified or violated on a date; for ongoing
commitments (a test moratorium) ``kept`` records an observation that it held on a date.
A report as of a day only considers events dated on or before that day.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from summitry.errors import RoadmapError

from .commitments import Commitment, RoadMap

__all__ = [
    "CommitmentState",
    "CommitmentStatus",
    "ComplianceEvent",
    "ComplianceEventKind",
    "ComplianceReport",
    "Tracker",
]


class ComplianceEventKind(enum.Enum):
    """What happened to a commitment."""

    STARTED = "started"
    DONE = "done"
    VERIFIED = "verified"
    VIOLATED = "violated"
    KEPT = "kept"  # an ongoing commitment observed to hold on a date


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplianceEvent:
    """One thing that happened to one commitment on one day."""

    commitment: str
    kind: ComplianceEventKind
    date: date
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.kind, ComplianceEventKind):
            try:
                object.__setattr__(self, "kind", ComplianceEventKind(self.kind))
            except ValueError:
                kinds = ", ".join(k.value for k in ComplianceEventKind)
                raise RoadmapError(
                    f"event for {self.commitment!r}: kind must be one of {kinds}, got {self.kind!r}"
                ) from None
        if not isinstance(self.date, date):
            raise RoadmapError(f"event for {self.commitment!r}: date must be a date, got {self.date!r}")


class CommitmentState(enum.Enum):
    """Where a commitment stands on a given day."""

    PENDING = "pending"  # its phase has not started yet
    DUE = "due"  # its phase is under way and it is not done
    LATE = "late"  # its phase has ended and it is not done
    DONE = "done"  # done (ongoing: in force and not violated)
    VIOLATED = "violated"  # reported violated (ongoing: broken on some date)


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentStatus:
    """One commitment's standing on a day: its state, due date, verification and observations."""

    commitment: Commitment
    phase: int
    due: date
    state: CommitmentState
    verified: bool
    started: date | None = None
    done: date | None = None
    violations: tuple[date, ...] = ()
    kept: tuple[date, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplianceReport:
    """A report on a road-map as of ``today``.

    ``current_phase`` is the latest phase in which anything has started (1 before anything has);
    ``next_phase`` is the one after it (None after the last phase). Whatever the phase,
    :attr:`violated`, :attr:`late` and :attr:`alerts` say what went wrong, and
    :attr:`on_track` is False as soon as anything is violated or late.
    """

    today: date
    commitments: tuple[CommitmentStatus, ...]
    current_phase: int
    next_phase: int | None
    may_start_next_phase: bool
    reasons: tuple[str, ...]

    @property
    def violated(self) -> tuple[CommitmentStatus, ...]:
        """Return the commitments reported violated (in plan order)."""
        return tuple(s for s in self.commitments if s.state is CommitmentState.VIOLATED)

    @property
    def late(self) -> tuple[CommitmentStatus, ...]:
        """Return the commitments whose phase has ended without them being done (in plan order)."""
        return tuple(s for s in self.commitments if s.state is CommitmentState.LATE)

    @property
    def on_track(self) -> bool:
        """Return whether nothing is violated and nothing is late."""
        return not self.violated and not self.late

    @property
    def alerts(self) -> tuple[str, ...]:
        """Return one line per violated commitment, then one per late one (empty when on track)."""
        lines = [
            f"{s.commitment.id} ({s.commitment.owner}, phase {s.phase}) was violated on "
            + ", ".join(str(d) for d in s.violations)
            for s in self.violated
        ]
        lines += [
            f"{s.commitment.id} ({s.commitment.owner}, phase {s.phase}) is late: due {s.due}, not done"
            for s in self.late
        ]
        return tuple(lines)

    def of(self, commitment_id: str) -> CommitmentStatus:
        """Return the status of one commitment.

        Raises:
            KeyError: no commitment has this id.
        """
        for status in self.commitments:
            if status.commitment.id == commitment_id:
                return status
        raise KeyError(commitment_id)


@dataclass(slots=True)
class Tracker:
    """Records events against a road-map and reports the status on any day."""

    plan: RoadMap
    events: list[ComplianceEvent] = field(default_factory=list)

    def record(self, event: ComplianceEvent) -> None:
        """Add an event to the log.

        Raises:
            UnknownCommitmentError: the event names a commitment that is not in the plan.
            RoadmapError: ``kept`` recorded for a one-off commitment.
        """
        commitment = self.plan.commitment(event.commitment)
        if event.kind is ComplianceEventKind.KEPT and not commitment.ongoing:
            raise RoadmapError(
                f"event 'kept' for {commitment.id!r}: only ongoing commitments are observed as kept; "
                f"use 'done' or 'verified' for a one-off commitment"
            )
        self.events.append(event)

    def status(self, today: date) -> ComplianceReport:
        """Return each commitment's state as of ``today`` and whether the next phase may start."""
        seen = sorted((e for e in self.events if e.date <= today), key=lambda e: e.date)
        statuses = tuple(self._status_of(c, seen, today) for c in self.plan.commitments)
        touched = [s.phase for s in statuses if s.started or s.done or s.verified or s.violations or s.kept]
        current = max(touched, default=1)
        following = current + 1 if current < len(self.plan.phases) else None
        if following is None:
            reasons = [f"phase {current} is the last phase"]
        else:
            reasons = self._reasons(statuses, current, following)
        return ComplianceReport(
            today=today,
            commitments=statuses,
            current_phase=current,
            next_phase=following,
            may_start_next_phase=following is not None and not reasons,
            reasons=tuple(reasons),
        )

    def _status_of(self, commitment: Commitment, seen: list[ComplianceEvent], today: date) -> CommitmentStatus:
        number = self.plan.phase_of(commitment.id)
        phase = self.plan.phases[number - 1]
        mine = [e for e in seen if e.commitment == commitment.id]
        dates = {kind: [e.date for e in mine if e.kind is kind] for kind in ComplianceEventKind}
        started = min(dates[ComplianceEventKind.STARTED], default=None)
        done = min(dates[ComplianceEventKind.DONE], default=None)
        verified = bool(dates[ComplianceEventKind.VERIFIED]) or (
            commitment.ongoing and bool(dates[ComplianceEventKind.KEPT])
        )
        if done is None and verified:  # verifying (or observing) something means it was done
            done = min(dates[ComplianceEventKind.VERIFIED] + dates[ComplianceEventKind.KEPT])
        violations = tuple(dates[ComplianceEventKind.VIOLATED])
        if violations:
            state = CommitmentState.VIOLATED
        elif done is not None:
            state = CommitmentState.DONE
        elif today < phase.start:
            state = CommitmentState.PENDING
        elif today <= phase.end:
            state = CommitmentState.DUE
        else:
            state = CommitmentState.LATE
        return CommitmentStatus(
            commitment=commitment,
            phase=number,
            due=phase.end,
            state=state,
            verified=verified,
            started=started,
            done=done,
            violations=violations,
            kept=tuple(dates[ComplianceEventKind.KEPT]),
            notes=tuple(e.note for e in mine if e.note),
        )

    def _reasons(self, statuses: tuple[CommitmentStatus, ...], current: int, following: int) -> list[str]:
        """Return why phase ``following`` may not start yet (empty: it may)."""
        by_id = {s.commitment.id: s for s in statuses}
        reasons: list[str] = []
        mentioned: set[str] = set()
        for s in statuses:
            if s.phase <= current and s.state is CommitmentState.VIOLATED:
                when = ", ".join(str(d) for d in s.violations)
                reasons.append(f"{s.commitment.id} (phase {s.phase}) was violated on {when}")
                mentioned.add(s.commitment.id)
        for s in statuses:
            if s.phase != following:
                continue
            for prerequisite in s.commitment.prerequisites:
                needed = by_id[prerequisite]
                if prerequisite in mentioned and needed.state is CommitmentState.VIOLATED:
                    continue
                if needed.done is None:
                    reasons.append(f"{s.commitment.id} needs {prerequisite} (phase {needed.phase}), which is not done")
                elif needed.commitment.verifiable and not needed.verified:
                    reasons.append(
                        f"{s.commitment.id} needs {prerequisite} (phase {needed.phase}), which is done but not verified"
                    )
                else:
                    continue
                mentioned.add(prerequisite)
        for s in statuses:
            if s.phase != current or s.commitment.id in mentioned:
                continue
            if s.done is None:
                reasons.append(f"{s.commitment.id} (phase {current}) is not done; it is due {s.due}")
            elif s.commitment.verifiable and not s.verified:
                reasons.append(f"{s.commitment.id} (phase {current}) is done but not verified at the checkpoint")
        return reasons

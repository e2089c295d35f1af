"""The tracker: due, late, done, violated; when the next phase may start."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from summitry.errors import RoadmapError, UnknownCommitmentError
from summitry.roadmap import (
    Commitment,
    CommitmentKind,
    CommitmentState,
    ComplianceEvent,
    ComplianceEventKind,
    RoadMap,
    Tracker,
    build_road_map,
)

START = date(2019, 3, 1)


def road_map() -> RoadMap:
    """Return a two-phase road-map: freeze + moratorium + offices, then dismantling + relief."""
    commitments = [
        Commitment(id="freeze", owner="dprk", cost=5, value={"usa": 5}, duration_days=30),
        Commitment(id="moratorium", owner="dprk", cost=2, value={"usa": 3}, kind=CommitmentKind.ONGOING),
        Commitment(id="offices", owner="usa", cost=2, value={"dprk": 3}, duration_days=20),
        Commitment(id="declaration", owner="usa", cost=1, value={"dprk": 2}, verifiable=False),
        Commitment(id="dismantle", owner="dprk", cost=9, value={"usa": 9}, duration_days=60, prerequisites=("freeze",)),
        Commitment(id="relief", owner="usa", cost=8, value={"dprk": 9}, duration_days=10, prerequisites=("offices",)),
    ]
    phases = {"freeze": 1, "moratorium": 1, "offices": 1, "declaration": 1, "dismantle": 2, "relief": 2}
    return build_road_map(commitments, phases, ("dprk", "usa"), start=START, phase_gap_days=14)


def day(offset: int) -> date:
    """Return the day ``offset`` days after the start."""
    return START + timedelta(days=offset)


def test_states_pending_due_late_done() -> None:
    """Before its phase a commitment is pending, during it due, after it late; done once reported."""
    tracker = Tracker(road_map())
    tracker.record(ComplianceEvent(commitment="offices", kind=ComplianceEventKind.DONE, date=day(10)))
    early = tracker.status(day(5))
    assert early.of("freeze").state is CommitmentState.DUE
    assert early.of("offices").state is CommitmentState.DUE  # the event is after today
    assert early.of("dismantle").state is CommitmentState.PENDING
    later = tracker.status(day(40))
    assert later.of("freeze").state is CommitmentState.LATE
    assert later.of("freeze").due == day(30)
    assert later.of("offices").state is CommitmentState.DONE
    assert not later.of("offices").verified


def test_next_phase_waits_for_verified_prerequisites() -> None:
    """The next phase may not start while a prerequisite is done but unverified."""
    tracker = Tracker(road_map())
    for commitment in ("freeze", "offices", "declaration"):
        tracker.record(ComplianceEvent(commitment=commitment, kind=ComplianceEventKind.DONE, date=day(25)))
    tracker.record(ComplianceEvent(commitment="moratorium", kind=ComplianceEventKind.KEPT, date=day(25)))
    tracker.record(ComplianceEvent(commitment="offices", kind=ComplianceEventKind.VERIFIED, date=day(31)))
    status = tracker.status(day(35))
    assert status.current_phase == 1 and status.next_phase == 2
    assert not status.may_start_next_phase
    assert any("dismantle needs freeze" in r and "not verified" in r for r in status.reasons)
    tracker.record(
        ComplianceEvent(commitment="freeze", kind=ComplianceEventKind.VERIFIED, date=day(36), note="IAEA seals")
    )
    status = tracker.status(day(37))
    assert status.may_start_next_phase, status.reasons
    assert status.of("freeze").notes == ("IAEA seals",)
    assert status.of("declaration").verified is False  # not verifiable, and that does not block


def test_violation_in_the_current_phase_blocks() -> None:
    """A violated commitment of the current phase stops the next phase."""
    tracker = Tracker(road_map())
    for commitment in ("freeze", "offices", "declaration"):
        tracker.record(ComplianceEvent(commitment=commitment, kind=ComplianceEventKind.DONE, date=day(20)))
        tracker.record(ComplianceEvent(commitment=commitment, kind=ComplianceEventKind.VERIFIED, date=day(21)))
    tracker.record(ComplianceEvent(commitment="moratorium", kind=ComplianceEventKind.KEPT, date=day(30)))
    assert tracker.status(day(31)).may_start_next_phase
    tracker.record(
        ComplianceEvent(commitment="moratorium", kind=ComplianceEventKind.VIOLATED, date=day(33), note="missile launch")
    )
    status = tracker.status(day(34))
    assert status.of("moratorium").state is CommitmentState.VIOLATED
    assert status.of("moratorium").violations == (day(33),)
    assert not status.may_start_next_phase
    assert status.reasons == (f"moratorium (phase 1) was violated on {day(33)}",)
    assert tracker.status(day(32)).may_start_next_phase  # as of the day before, it held


def test_ongoing_moratorium_observed_over_time() -> None:
    """An ongoing commitment collects the dates on which it was observed kept."""
    tracker = Tracker(road_map())
    for offset in (10, 40, 70):
        tracker.record(ComplianceEvent(commitment="moratorium", kind=ComplianceEventKind.KEPT, date=day(offset)))
    status = tracker.status(day(100))
    assert status.of("moratorium").kept == (day(10), day(40), day(70))
    assert status.of("moratorium").state is CommitmentState.DONE


def test_current_phase_must_be_done() -> None:
    """Work still open in the current phase is a reason; the last phase has no next."""
    tracker = Tracker(road_map())
    status = tracker.status(day(1))
    assert status.current_phase == 1
    assert not status.may_start_next_phase
    assert "relief needs offices (phase 1), which is not done" in status.reasons
    assert f"declaration (phase 1) is not done; it is due {day(30)}" in status.reasons
    tracker.record(ComplianceEvent(commitment="relief", kind=ComplianceEventKind.STARTED, date=day(2)))
    last = tracker.status(day(3))
    assert last.current_phase == 2 and last.next_phase is None
    assert not last.may_start_next_phase
    assert last.reasons == ("phase 2 is the last phase",)


def test_events_must_name_a_commitment_of_the_plan() -> None:
    """Unknown ids and 'kept' on one-off commitments are refused."""
    tracker = Tracker(road_map())
    with pytest.raises(UnknownCommitmentError, match="'freez'.*did you mean 'freeze'"):
        tracker.record(ComplianceEvent(commitment="freez", kind=ComplianceEventKind.DONE, date=day(1)))
    with pytest.raises(RoadmapError, match="only ongoing"):
        tracker.record(ComplianceEvent(commitment="freeze", kind=ComplianceEventKind.KEPT, date=day(1)))
    with pytest.raises(RoadmapError, match="kind must be one of"):
        ComplianceEvent(commitment="freeze", kind="finished", date=day(1))  # type: ignore[arg-type]

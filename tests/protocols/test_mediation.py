"""Single-text mediation: unanimity moves the draft, amendments merge, final approval vs reservation."""

from __future__ import annotations

import pytest

from summitry.errors import IllegalActionError, MechanismSetupError
from summitry.protocols import (
    Accept,
    Amend,
    Deadline,
    FakeClock,
    Mediation,
    Offer,
    Reject,
    Request,
    Status,
    Vote,
    run,
)

from .conftest import Scripted, make_scenario, voter


def _mediation(scenario, **options) -> Mediation:
    options.setdefault("deadline", Deadline(rounds=3))
    return Mediation(scenario, clock=FakeClock(), **options)


def test_initial_draft_is_seeded_and_feasible() -> None:
    scenario = make_scenario(2, constrained=True)
    drafts = {_mediation(scenario).reset(seed).standing_offer for seed in range(30)}
    assert len(drafts) > 1
    assert all(scenario.space.contains(d) for d in drafts)
    assert _mediation(scenario).reset(7).standing_offer == _mediation(scenario).reset(7).standing_offer


def test_draft_moves_only_on_unanimity(trilateral) -> None:
    mediation = _mediation(trilateral, initial_draft=("x", 0))
    mediation.reset(0)
    proposal = mediation.observe("p0").proposal
    assert proposal is not None and proposal != ("x", 0)
    mediation.step(Vote(party="p0", accept=True))
    mediation.step(Accept(party="p1"))
    result = mediation.step(Reject(party="p2"))
    assert mediation.draft == ("x", 0) and "draft" not in [e.kind for e in result.events]
    proposal = mediation.observe("p0").proposal
    for party in ("p0", "p1", "p2"):
        result = mediation.step(Vote(party=party, accept=True))
    assert mediation.draft == proposal and [e.kind for e in result.events][:2] == ["vote", "draft"]


def test_proposals_change_one_or_two_issues_and_are_feasible() -> None:
    scenario = make_scenario(2, constrained=True)
    trace = run(_mediation(scenario, deadline=Deadline(rounds=40)), [Scripted(voter), Scripted(voter)], seed=5)
    draft = trace.events[0].outcome
    for event in trace.events:
        if event.kind == "proposal":
            assert scenario.space.contains(event.outcome)
            assert 1 <= sum(a != b for a, b in zip(event.outcome, draft, strict=True)) <= 2
        if event.kind == "draft":
            draft = event.outcome


def test_greedy_voters_never_move_to_a_worse_draft(bilateral) -> None:
    trace = run(_mediation(bilateral, deadline=Deadline(rounds=30)), [Scripted(voter), Scripted(voter)], seed=1)
    drafts = [trace.events[0].outcome] + [e.outcome for e in trace.events if e.kind == "draft"]
    for party in bilateral.parties:
        values = [party.utility(d) for d in drafts]
        assert values == sorted(values)


def test_amendments_are_merged_by_majority_with_ties_to_the_first(trilateral) -> None:
    edits = {"p0": {"b": 1}, "p1": {"b": 3, "a": "y"}, "p2": {"b": 3}}

    def amender(obs, view, rng):
        if obs.request is Request.AMEND:
            return Amend(party=obs.party, changes=edits[obs.party])
        return Vote(party=obs.party, accept=True)

    mediation = _mediation(trilateral, amendments=True, initial_draft=("x", 0))
    mediation.reset(0)
    assert mediation.observe("p0").request is Request.AMEND
    for party in ("p0", "p1", "p2"):
        result = mediation.step(amender(mediation.observe(party), None, None))
    proposal = result.events[-1]
    assert proposal.kind == "proposal" and proposal.outcome == ("y", 3) and proposal.data == {"source": "amendments"}
    edits.update({"p2": {"b": 4}})  # now 1, 3 and 4 tie: the first asked (p0's 1) wins
    for party in ("p0", "p1", "p2"):
        mediation.step(Vote(party=party, accept=True))
    for party in ("p0", "p1", "p2"):
        result = mediation.step(amender(mediation.observe(party), None, None))
    assert result.events[-1].outcome == ("y", 1)


def test_no_amendment_falls_back_to_the_mediator(bilateral) -> None:
    mediation = _mediation(bilateral, amendments=True)
    mediation.reset(0)
    mediation.step(Amend(party="p0", changes={}))
    event = mediation.step(Amend(party="p1", changes={})).events[-1]
    assert event.kind == "proposal" and event.data == {"source": "mediator"}


def test_amendments_that_break_a_constraint_are_skipped() -> None:
    scenario = make_scenario(2, constrained=True)  # (z, 0) is forbidden
    mediation = _mediation(scenario, amendments=True, initial_draft=("x", 0))
    mediation.reset(0)
    mediation.step(Amend(party="p0", changes={"a": "z"}))
    event = mediation.step(Amend(party="p1", changes={})).events[-1]
    assert event.outcome != ("z", 0) and scenario.space.contains(event.outcome)


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"c": 1}, "names issue 'c'"), ({"a": "w"}, "a='w' is not one of"), ([("a", "x")], "must be a mapping")],
    ids=["unknown-issue", "unknown-value", "not-a-mapping"],
)
def test_bad_amendments_are_refused(bilateral, changes, message) -> None:
    mediation = _mediation(bilateral, amendments=True)
    mediation.reset(0)
    with pytest.raises(IllegalActionError, match=message):
        mediation.step(Amend(party="p0", changes=changes))


def test_offers_are_not_part_of_mediation(bilateral) -> None:
    mediation = _mediation(bilateral)
    mediation.reset(0)
    with pytest.raises(IllegalActionError, match="vote phase"):
        mediation.step(Offer(party="p0", outcome=("x", 0)))


def test_final_approval_follows_the_reservation_values(bilateral) -> None:
    # (y, 2) is worth 0.6 to p0 and 0.4 to p1: above both reservation values (0.2, 0.3)
    trace = run(
        _mediation(bilateral, deadline=Deadline(rounds=2), initial_draft=("y", 2)),
        [Scripted(voter), Scripted(lambda o, v, r: Vote(party=o.party, accept=False))],
        seed=0,
    )
    kinds = [e.kind for e in trace.events]
    assert kinds[-4:] == ["deadline", "approve", "approve", "timeout"]
    assert trace.events[-3].data == {"accept": True}
    assert trace.result.reason == "deadline" and trace.result.utilities == (0.2, 0.3)
    assert trace.events[-1].data["draft_utilities"] == pytest.approx([p.utility(("y", 2)) for p in bilateral.parties])


def test_unanimous_approval_is_an_agreement(bilateral) -> None:
    trace = run(
        _mediation(bilateral, deadline=Deadline(rounds=2), initial_draft=("y", 2)),
        [Scripted(lambda o, v, r: Vote(party=o.party, accept=o.request is Request.APPROVE))] * 2,
        seed=0,
    )
    assert trace.result.reason == "agreed" and trace.result.agreement == ("y", 2)
    assert trace.events[-1].kind == "agreement"


def test_time_deadline_moves_to_approval(bilateral) -> None:
    clock = FakeClock(auto_step=0.25)
    trace = run(
        Mediation(bilateral, deadline=Deadline(seconds=3.0), clock=clock),
        [Scripted(voter), Scripted(voter)],
        seed=0,
    )
    late = [e for e in trace.events if e.kind == "late"]
    assert len(late) == 1 and late[0].party is not None and late[0].data["late"]["kind"] == "vote"
    assert trace.result.reason in ("agreed", "deadline") and trace.events[-1].kind in ("agreement", "timeout")


def test_bad_initial_draft_is_refused(bilateral) -> None:
    with pytest.raises(MechanismSetupError, match="initial_draft"):
        _mediation(bilateral, initial_draft=("x", 9))


def test_mediation_status_after_end(bilateral) -> None:
    from summitry.protocols import EndNegotiation

    mediation = _mediation(bilateral)
    mediation.reset(0)
    assert mediation.step(EndNegotiation(party="p0")).status is Status.ENDED


def test_drafts_keep_every_partys_own_hard_constraints(bilateral) -> None:
    from summitry.model import ConstrainedUtility, ForbiddenCombination, Party, Scenario

    forbid = (ForbiddenCombination(when={"a": ("x",)}),)
    first = bilateral.parties[0]
    parties = (
        Party(name="p0", utility=ConstrainedUtility(base=first.utility, constraints=forbid)),
        bilateral.parties[1],
    )
    scenario = Scenario(name="picky", space=bilateral.space, parties=parties)
    for seed in range(5):
        trace = run(_mediation(scenario, deadline=Deadline(rounds=15)), [Scripted(voter), Scripted(voter)], seed=seed)
        drafted = [e.outcome for e in trace.events if e.kind in ("start", "proposal", "draft")]
        assert drafted and all(outcome[0] != "x" for outcome in drafted)

"""The planner: optimal against brute force, prerequisites respected, dates and checkpoints."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summitry._rng import make_rng
from summitry.errors import CyclicPrerequisiteError, PlanningError, RoadmapError, UnknownCommitmentError
from summitry.roadmap import Commitment, CommitmentKind, plan

PARTIES = ("a", "b")
START = date(2019, 3, 1)


def random_commitments(seed: int, count: int, parties: Sequence[str] = PARTIES) -> list[Commitment]:
    """Return random commitments whose numbers have one decimal, so scaling to integers is exact.

    Values exceed costs on average, so both parties gain in the end and the order matters.
    """
    rng = make_rng(seed)
    items: list[Commitment] = []
    for i in range(count):
        owner = parties[int(rng.integers(len(parties)))]
        earlier = [c.id for c in items]
        prerequisites = (
            tuple(
                sorted(
                    str(x) for x in rng.choice(earlier, size=min(len(earlier), int(rng.integers(1, 3))), replace=False)
                )
            )
            if earlier
            else ()
        )
        items.append(
            Commitment(
                id=f"c{i}",
                owner=owner,
                cost=float(rng.integers(0, 100)) / 10,
                # some commitments are worth something to their own owner too (never "received")
                value={p: float(rng.integers(0, 200)) / 10 for p in parties if p != owner or rng.random() < 0.4},
                duration_days=int(rng.integers(0, 60)),
                prerequisites=prerequisites if rng.random() < 0.7 else (),
                reversible=bool(rng.random() < 0.5),
                verifiable=bool(rng.random() < 0.7),
                kind=CommitmentKind.ONGOING if rng.random() < 0.3 else CommitmentKind.ONE_OFF,
            )
        )
    return items


def ordered_partitions(items: list[int]) -> Iterator[list[list[int]]]:
    """Yield every ordered set partition of ``items`` (every gapless phase assignment)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in ordered_partitions(rest):
        for position in range(len(partition) + 1):
            yield [*partition[:position], [first], *partition[position:]]
        for position in range(len(partition)):
            yield [*partition[:position], [first, *partition[position]], *partition[position + 1 :]]


def oracle_exposure(phases: Sequence[Sequence[Commitment]], parties: Sequence[str]) -> list[dict[str, float]]:
    """Each party's exposure after each phase, computed here and not by the project's ``exposure_profile``.

    What a party has given (the cost of its own commitments done so far) minus what it has
    received (the value to it of the *other* parties' commitments done so far). A commitment's
    value to its own owner is never received.
    """
    rows = []
    for k in range(len(phases)):
        done = [c for block in phases[: k + 1] for c in block]
        rows.append(
            {
                p: sum(c.cost for c in done if c.owner == p) - sum(c.value.get(p, 0.0) for c in done if c.owner != p)
                for p in parties
            }
        )
    return rows


def brute_force(commitments: list[Commitment], parties: Sequence[str]) -> tuple[float, int]:
    """Return the smallest max exposure over all valid plans, and the fewest phases reaching it."""
    best = (float("inf"), 0)
    for partition in ordered_partitions(list(range(len(commitments)))):
        phase_of = {commitments[i].id: k for k, block in enumerate(partition) for i in block}
        if any(phase_of[p] >= phase_of[c.id] for c in commitments for p in c.prerequisites):
            continue
        profile = oracle_exposure([[commitments[i] for i in block] for block in partition], parties)
        worst = round(max(v for step in profile for v in step.values()), 6)
        best = min(best, (worst, len(partition)))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_planner_matches_brute_force(seed: int) -> None:
    """The planner's max exposure and phase count equal the brute-force optimum."""
    count = 5 + seed % 3  # 5, 6 or 7 commitments
    commitments = random_commitments(seed, count)
    road_map = plan(commitments, PARTIES, start=START)
    worst, phases = brute_force(commitments, PARTIES)
    assert road_map.max_exposure == pytest.approx(worst, abs=1e-9)
    assert len(road_map.phases) == phases
    expected = oracle_exposure([phase.commitments for phase in road_map.phases], PARTIES)
    assert [dict(row) for row in road_map.exposure] == [pytest.approx(row) for row in expected]


def test_planner_matches_brute_force_with_three_parties() -> None:
    """Exposure is per party in its own terms, also with three parties."""
    parties = ("a", "b", "c")
    commitments = random_commitments(99, 6, parties)
    road_map = plan(commitments, parties, start=START)
    assert (road_map.max_exposure, len(road_map.phases)) == pytest.approx(brute_force(commitments, parties))


@st.composite
def commitment_sets(draw: st.DrawFn) -> list[Commitment]:
    """Draw up to 10 commitments of two parties with random prerequisites on earlier ones."""
    count = draw(st.integers(1, 10))
    items: list[Commitment] = []
    for i in range(count):
        owner = draw(st.sampled_from(PARTIES))
        earlier = [c.id for c in items]
        prerequisites = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3)) if earlier else []
        items.append(
            Commitment(
                id=f"c{i}",
                owner=owner,
                cost=draw(st.integers(0, 50)) / 10,
                value={p: draw(st.integers(0, 50)) / 10 for p in PARTIES if p != owner or draw(st.booleans())},
                duration_days=draw(st.integers(0, 30)),
                prerequisites=tuple(prerequisites),
                reversible=draw(st.booleans()),
                verifiable=draw(st.booleans()),
                kind=draw(st.sampled_from(CommitmentKind)),
            )
        )
    return items


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commitment_sets())
def test_every_commitment_placed_once_after_its_prerequisites(commitments: list[Commitment]) -> None:
    """Each commitment is in exactly one phase, strictly after all its prerequisites."""
    road_map = plan(commitments, PARTIES, start=START)
    placed = [c.id for phase in road_map.phases for c in phase.commitments]
    assert sorted(placed) == sorted(c.id for c in commitments)
    for commitment in commitments:
        for prerequisite in commitment.prerequisites:
            assert road_map.phase_of(prerequisite) < road_map.phase_of(commitment.id)
    expected = oracle_exposure([phase.commitments for phase in road_map.phases], PARTIES)
    assert [dict(row) for row in road_map.exposure] == [pytest.approx(row) for row in expected]


def test_plan_is_deterministic() -> None:
    """The same commitments give the same plan."""
    commitments = random_commitments(3, 7)
    first = plan(commitments, PARTIES, start=START)
    second = plan(commitments, PARTIES, start=START)
    assert [p.ids for p in first.phases] == [p.ids for p in second.phases]


def test_irreversible_steps_go_late_and_reversible_early() -> None:
    """With exposure and phase count tied, reversible steps go first, irreversible last."""
    freeze = Commitment(id="freeze", owner="a", cost=1, value={"b": 1}, reversible=True)
    dismantle = Commitment(
        id="dismantle", owner="a", cost=1, value={"b": 1}, reversible=False, prerequisites=("freeze",)
    )
    offices = Commitment(id="offices", owner="b", cost=1, value={"a": 1}, reversible=True)
    declaration = Commitment(id="declaration", owner="b", cost=1, value={"a": 1}, reversible=False, verifiable=False)
    road_map = plan([declaration, dismantle, offices, freeze], PARTIES, start=START)
    assert [set(p.ids) for p in road_map.phases] == [{"freeze", "offices"}, {"dismantle", "declaration"}]
    assert road_map.max_exposure == 0


def test_dates_follow_durations_and_checkpoints() -> None:
    """A phase lasts as long as its longest commitment; the next starts after the checkpoint."""
    first = Commitment(id="x", owner="a", cost=1, value={"b": 1}, duration_days=30)
    second = Commitment(id="y", owner="b", cost=1, value={"a": 1}, duration_days=10, prerequisites=("x",))
    moratorium = Commitment(id="m", owner="a", kind=CommitmentKind.ONGOING, duration_days=0)
    road_map = plan([first, second, moratorium], PARTIES, start=START, phase_gap_days=7)
    one, two = road_map.phases
    assert (one.start, one.end) == (START, START + timedelta(days=30))
    assert one.checkpoint.closes == one.end + timedelta(days=7)
    assert two.start == one.checkpoint.closes + timedelta(days=1)
    assert two.end == two.start + timedelta(days=10)
    assert "x" in one.checkpoint.verify
    assert "m" in two.checkpoint.observe  # ongoing: observed from its phase on


def test_max_phases_too_few_for_the_chain() -> None:
    """A chain longer than max_phases cannot be planned."""
    chain = [Commitment(id="p", owner="a"), Commitment(id="q", owner="b", prerequisites=("p",))]
    with pytest.raises(PlanningError, match="longest prerequisite chain needs 2"):
        plan(chain, PARTIES, start=START, max_phases=1)


def test_bad_commitments_are_refused() -> None:
    """Unknown prerequisites, cycles and unknown parties name the ids involved."""
    with pytest.raises(UnknownCommitmentError, match="'q'.*'ghost'"):
        plan([Commitment(id="q", owner="a", prerequisites=("ghost",))], PARTIES, start=START)
    cycle = [
        Commitment(id="a1", owner="a", prerequisites=("b1",)),
        Commitment(id="b1", owner="b", prerequisites=("a1",)),
    ]
    with pytest.raises(CyclicPrerequisiteError, match=r"a1 -> b1 -> a1"):
        plan(cycle, PARTIES, start=START)
    with pytest.raises(RoadmapError, match="owner 'zz' is not a party"):
        plan([Commitment(id="z", owner="zz")], PARTIES, start=START)
    with pytest.raises(RoadmapError, match="'cost'"):
        Commitment(id="neg", owner="a", cost=-1)

"""From an agreement to commitments with a catalogue; the shipped Hanoi catalogue."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from summitry.errors import RoadmapError, UnknownCommitmentError
from summitry.formats.roadmap_files import load_catalogue
from summitry.roadmap import Commitment, plan
from summitry.roadmap.from_agreement import Catalogue, commitments_for

HANOI_ISSUES = {
    "yongbyon": ["none", "partial", "full"],
    "other_sites": ["none", "declared", "all"],
    "remains": ["none", "some", "more"],
    "test_moratorium": ["none", "missiles", "missiles_and_nuclear"],
    "liaison_offices": ["no", "yes"],
    "cultural_exchange": ["none", "limited", "broad"],
    "end_of_war": ["no", "yes"],
    "sanctions_relief": ["none", "partial", "full"],
}


def test_hanoi_catalogue_covers_every_issue_and_value() -> None:
    """The shipped catalogue has exactly the hanoi-deal issues and values."""
    catalogue = load_catalogue("hanoi-deal")
    assert catalogue.parties == ("dprk", "usa")
    assert {issue: list(table) for issue, table in catalogue.implies.items()} == HANOI_ISSUES


def test_hanoi_commitments_are_realistic() -> None:
    """Freezing is reversible and verifiable, dismantling irreversible, the moratorium ongoing."""
    catalogue = load_catalogue("hanoi-deal")
    freeze = catalogue.commitment("yongbyon-freeze")
    assert freeze.reversible and freeze.verifiable
    assert not catalogue.commitment("yongbyon-enrichment-hall").reversible
    assert catalogue.commitment("moratorium-missiles").ongoing
    declaration = catalogue.commitment("end-of-war-declaration")
    assert not declaration.reversible and not declaration.verifiable
    assert catalogue.commitment("liaison-offices").reversible


@pytest.mark.parametrize("level", [1, 2])
def test_every_uniform_hanoi_agreement_can_be_planned(level: int) -> None:
    """Middle and top values of every issue give commitments that plan without error."""
    catalogue = load_catalogue("hanoi-deal")
    agreement = {issue: values[min(level, len(values) - 1)] for issue, values in HANOI_ISSUES.items()}
    commitments = commitments_for(agreement, catalogue)
    road_map = plan(commitments, catalogue.parties, start=date(2019, 3, 1))
    assert {c.id for c in road_map.commitments} == {c.id for c in commitments}


def test_prerequisites_outside_the_deal_are_dropped() -> None:
    """Sanctions relief needs the freeze only when the freeze is part of the deal."""
    catalogue = load_catalogue("hanoi-deal")
    agreement = {issue: values[0] for issue, values in HANOI_ISSUES.items()} | {"sanctions_relief": "partial"}
    commitments = {c.id: c for c in commitments_for(agreement, catalogue)}
    assert set(commitments) == {"relief-civilian", "relief-exports"}
    assert commitments["relief-civilian"].prerequisites == ()
    assert commitments["relief-exports"].prerequisites == ("relief-civilian",)


def test_each_commitment_once_in_catalogue_order() -> None:
    """A commitment implied twice appears once; the order follows the catalogue."""
    catalogue = load_catalogue("hanoi-deal")
    for values in itertools.islice(itertools.product(*HANOI_ISSUES.values()), 0, None, 97):
        ids = [c.id for c in commitments_for(dict(zip(HANOI_ISSUES, values, strict=True)), catalogue)]
        assert len(ids) == len(set(ids))
        order = [c.id for c in catalogue.commitments]
        assert ids == sorted(ids, key=order.index)


def test_bad_agreements() -> None:
    """Unknown issues, values and missing issues are named."""
    catalogue = load_catalogue("hanoi-deal")
    agreement = {issue: values[0] for issue, values in HANOI_ISSUES.items()}
    with pytest.raises(RoadmapError, match="'yongbian'.*did you mean 'yongbyon'"):
        commitments_for({**agreement, "yongbian": "full"}, catalogue)
    with pytest.raises(RoadmapError, match="yongbyon='most'.*none, partial, full"):
        commitments_for({**agreement, "yongbyon": "most"}, catalogue)
    with pytest.raises(RoadmapError, match="no value for issue"):
        commitments_for({"yongbyon": "full"}, catalogue)


def test_catalogue_refuses_unknown_ids() -> None:
    """A catalogue entry naming no commitment is refused with both names."""
    with pytest.raises(UnknownCommitmentError, match="x=yes implies 'ghost'"):
        Catalogue(
            name="t",
            parties=("a", "b"),
            commitments=(Commitment(id="c", owner="a"),),
            implies={"x": {"yes": ("ghost",)}},
        )

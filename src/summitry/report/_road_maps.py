"""Turn a summit's agreement into a road-map, where a catalogue for its scenario is shipped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from summitry.formats.roadmap_files import catalogue_names, load_catalogue
from summitry.model import Outcome, Scenario
from summitry.roadmap import RoadMap, commitments_for, plan

__all__ = ["road_map_for"]


def road_map_for(
    scenario: Scenario, agreement: Outcome, *, start: date, progress: Callable[[str], None]
) -> tuple[RoadMap | None, str]:
    """Return the planned road-map of ``agreement`` starting the day after ``start``, or why there is none.

    The road-map is None when no shipped catalogue maps this scenario's outcomes to
    commitments, or when the agreement implies no commitment at all; the second item then
    says which, in a sentence (it is empty when there is a road-map).
    """
    if scenario.name not in catalogue_names():
        return None, f"no road-map catalogue maps the outcomes of {scenario.name} to commitments"
    catalogue = load_catalogue(scenario.name)
    commitments = commitments_for(scenario.space.as_dict(agreement), catalogue)
    if not commitments:
        return None, f"the agreement implies no commitment in the {catalogue.name} catalogue"
    progress(f"planning the road-map of {scenario.name} ({len(commitments)} commitments)")
    return plan(commitments, catalogue.parties, start=start + timedelta(days=1)), ""

"""The road-map picture: each party's exposure after each phase."""

from __future__ import annotations

from summitry.roadmap import RoadMap

from ._png import png_bytes

__all__ = ["plot_exposure"]


def plot_exposure(road_map: RoadMap) -> bytes:
    """Return a PNG of each party's exposure (given minus received, own terms) after each phase.

    Bars above zero mean the party has given more than it has received so far.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6), dpi=110)
    axes = figure.add_subplot()
    phases = [p.number for p in road_map.phases]
    width = 0.8 / max(1, len(road_map.parties))
    for k, party in enumerate(road_map.parties):
        values = [step[party] for step in road_map.exposure]
        axes.bar([x + (k - (len(road_map.parties) - 1) / 2) * width for x in phases], values, width, label=party)
    axes.axhline(0.0, color="black", linewidth=0.8)
    axes.set_xticks(phases, [f"phase {n}" for n in phases])
    axes.set_ylabel("exposure = given − received\n(> 0: has given more)")
    axes.set_title(f"Exposure after each phase (largest {road_map.max_exposure:.2f})")
    axes.legend(loc="best", fontsize="small")
    figure.tight_layout()
    return png_bytes(figure)

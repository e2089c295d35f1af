"""Figures of scenarios and results (matplotlib, imported only when a figure is drawn)."""

from __future__ import annotations

from .utility_space import MAX_DRAWN_OUTCOMES, plot_utility_space, sample_outcome_utilities, utility_space_figure

__all__ = ["MAX_DRAWN_OUTCOMES", "plot_utility_space", "sample_outcome_utilities", "utility_space_figure"]

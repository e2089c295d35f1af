"""summitry.summit (see DESIGN.md §4)."""

from __future__ import annotations

__all__: list[str] = []

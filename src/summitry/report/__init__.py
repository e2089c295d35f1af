"""summitry.report: runs a whole summit and writes its HTML report (above formats and plots)."""

from __future__ import annotations

__all__: list[str] = []

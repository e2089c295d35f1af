"""Road-maps: commitments ordered into phases that keep every party's exposure small, and tracking.

See DESIGN.md §7. Planning needs OR-Tools, imported only when :func:`plan` runs.
"""

from __future__ import annotations

from .commitments import (
    EXPOSURE_MEANING,
    Checkpoint,
    Commitment,
    CommitmentKind,
    Phase,
    RoadMap,
    check_commitments,
    exposure_profile,
)
from .from_agreement import Catalogue, commitments_for
from .planning import DEFAULT_PHASE_GAP_DAYS, build_road_map, plan
from .tracking import CommitmentState, CommitmentStatus, ComplianceEvent, ComplianceEventKind, ComplianceReport, Tracker

__all__ = [
    "DEFAULT_PHASE_GAP_DAYS",
    "EXPOSURE_MEANING",
    "Catalogue",
    "Checkpoint",
    "Commitment",
    "CommitmentKind",
    "CommitmentState",
    "CommitmentStatus",
    "ComplianceEvent",
    "ComplianceEventKind",
    "ComplianceReport",
    "Phase",
    "RoadMap",
    "Tracker",
    "build_road_map",
    "check_commitments",
    "commitments_for",
    "exposure_profile",
    "plan",
]

"""Road-map files (YAML): commitments, plans, events and catalogues; and negotiation results (JSON).

Each file is checked with pydantic here, at the edge, then turned into domain objects from
:mod:`summitry.roadmap`. Every error names the file and the item (``commitments[2] 'freeze'``).

A commitments file::

    parties: [dprk, usa]
    start: 2019-03-01            # optional
    commitments:
      - id: freeze
        owner: dprk
        description: Freeze the Yongbyon reactor
        value: {usa: 12}
        cost: 10
        duration_days: 30
        prerequisites: []
        verifiable: true
        reversible: true
        kind: one-off            # or ongoing

An events file::

    events:
      - {commitment: freeze, kind: done, date: 2019-03-25, note: seals in place}
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from summitry.errors import RoadmapError, RoadmapFileError, UnknownCommitmentError
from summitry.formats.atomic import write_text
from summitry.formats.validation import StrictModel, validate
from summitry.formats.yaml_files import YamlDocument, dump_yaml, load_yaml, parse_yaml
from summitry.roadmap.commitments import Checkpoint, Commitment, CommitmentKind, Phase, RoadMap, check_commitments
from summitry.roadmap.from_agreement import Catalogue
from summitry.roadmap.tracking import ComplianceEvent, ComplianceEventKind

__all__ = [
    "CommitmentsFile",
    "catalogue_names",
    "load_catalogue",
    "read_agreement",
    "read_commitments",
    "read_events",
    "read_plan",
    "write_plan",
]

_PLAN_FORMAT = "summitry-roadmap-plan/1"
_Model = TypeVar("_Model", bound=BaseModel)


class _CommitmentModel(StrictModel):
    id: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    description: str = ""
    value: dict[str, float] = Field(default_factory=dict)
    cost: float = Field(default=0.0, ge=0)
    duration_days: int = Field(default=0, ge=0)
    prerequisites: list[str] = Field(default_factory=list)
    verifiable: bool = True
    reversible: bool = True
    kind: Literal["one-off", "ongoing"] = "one-off"

    def to_domain(self) -> Commitment:
        return Commitment(
            id=self.id,
            owner=self.owner,
            description=self.description,
            value=self.value,
            cost=self.cost,
            duration_days=self.duration_days,
            prerequisites=tuple(self.prerequisites),
            verifiable=self.verifiable,
            reversible=self.reversible,
            kind=CommitmentKind(self.kind),
        )


class _CommitmentsModel(StrictModel):
    parties: list[str] = Field(min_length=2)
    start: date | None = None
    phase_gap_days: int | None = Field(default=None, ge=0)
    max_phases: int | None = Field(default=None, ge=1)
    description: str = ""
    commitments: list[_CommitmentModel]


class _CheckpointModel(StrictModel):
    opens: date
    closes: date
    verify: list[str] = Field(default_factory=list)
    observe: list[str] = Field(default_factory=list)
    unverifiable: list[str] = Field(default_factory=list)


class _PhaseModel(StrictModel):
    number: int = Field(ge=1)
    start: date
    end: date
    commitments: list[str] = Field(min_length=1)
    exposure: dict[str, float] = Field(default_factory=dict)  # informational: recomputed on reading
    checkpoint: _CheckpointModel


class _PlanModel(StrictModel):
    format: Literal["summitry-roadmap-plan/1"]
    parties: list[str] = Field(min_length=2)
    start: date
    max_exposure: float | None = None  # informational
    commitments: list[_CommitmentModel]
    phases: list[_PhaseModel]


class _EventModel(StrictModel):
    commitment: str = Field(min_length=1)
    kind: Literal["started", "done", "verified", "violated", "kept"]
    date: date
    note: str = ""


class _EventsModel(StrictModel):
    events: list[_EventModel]


class _CatalogueModel(StrictModel):
    catalogue: str = Field(min_length=1)
    scenario: str = ""
    description: str = ""
    parties: list[str] = Field(min_length=2)
    commitments: list[_CommitmentModel]
    issues: dict[str, dict[str, list[str]]]


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentsFile:
    """What a commitments file holds: parties, commitments and optional planning settings."""

    parties: tuple[str, ...]
    commitments: tuple[Commitment, ...]
    start: date | None = None
    phase_gap_days: int | None = None
    max_phases: int | None = None


def read_commitments(path: Path) -> CommitmentsFile:
    """Return the parties, commitments and settings of a commitments file (checked).

    Raises:
        RoadmapFileError: not YAML, or a field is missing or has the wrong type.
        UnknownCommitmentError, CyclicPrerequisiteError, RoadmapError: bad prerequisites or parties;
            the message starts with the file name.
    """
    path = Path(path)
    document = _parse(_CommitmentsModel, _load_yaml(path, "commitments"), "commitments")
    commitments = _commitments(path, document.commitments)
    with _in_file(path):
        check_commitments(commitments, document.parties)
    return CommitmentsFile(
        parties=tuple(document.parties),
        commitments=tuple(commitments),
        start=document.start,
        phase_gap_days=document.phase_gap_days,
        max_phases=document.max_phases,
    )


def write_plan(road_map: RoadMap, path: Path) -> Path:
    """Write a road-map as a plan file, atomically (a temporary file renamed into place).

    Returns:
        The path written.
    """
    return write_text(Path(path), plan_text(road_map))


def plan_text(road_map: RoadMap) -> str:
    """Return the plan file's text for ``road_map`` (what ``write_plan`` writes)."""
    document = {
        "format": _PLAN_FORMAT,
        "parties": list(road_map.parties),
        "start": road_map.start.isoformat(),
        "max_exposure": round(road_map.max_exposure, 6),
        "commitments": [_commitment_dict(c) for c in road_map.commitments],
        "phases": [
            {
                "number": phase.number,
                "start": phase.start.isoformat(),
                "end": phase.end.isoformat(),
                "commitments": list(phase.ids),
                "exposure": {p: round(v, 6) for p, v in road_map.exposure[phase.number - 1].items()},
                "checkpoint": {
                    "opens": phase.checkpoint.opens.isoformat(),
                    "closes": phase.checkpoint.closes.isoformat(),
                    "verify": list(phase.checkpoint.verify),
                    "observe": list(phase.checkpoint.observe),
                    "unverifiable": list(phase.checkpoint.unverifiable),
                },
            }
            for phase in road_map.phases
        ],
    }
    text = dump_yaml(document)
    return "# summitry road-map plan (written by `summitry roadmap plan --out`)\n" + text


def read_plan(path: Path) -> RoadMap:
    """Return the road-map stored in a plan file (exposures are recomputed, not trusted).

    Raises:
        RoadmapFileError: not YAML, not a plan file, or a phase lists an unknown commitment.
        RoadmapError: the plan breaks a road-map invariant (message starts with the file name).
    """
    path = Path(path)
    document = _parse(_PlanModel, _load_yaml(path, "plan"), "plan")
    commitments = {c.id: c for c in _commitments(path, document.commitments)}
    phases: list[Phase] = []
    with _in_file(path):
        for position, phase in enumerate(document.phases):
            for commitment_id in phase.commitments:
                if commitment_id not in commitments:
                    raise UnknownCommitmentError(
                        f"phases[{position}].commitments: {commitment_id!r} is not in the file's commitments"
                    )
            checkpoint = Checkpoint(
                after_phase=phase.number,
                opens=phase.checkpoint.opens,
                closes=phase.checkpoint.closes,
                verify=tuple(phase.checkpoint.verify),
                observe=tuple(phase.checkpoint.observe),
                unverifiable=tuple(phase.checkpoint.unverifiable),
            )
            phases.append(
                Phase(
                    number=phase.number,
                    commitments=tuple(commitments[i] for i in phase.commitments),
                    start=phase.start,
                    end=phase.end,
                    checkpoint=checkpoint,
                )
            )
        placed = [i for phase in phases for i in phase.ids]
        unplaced = [i for i in commitments if i not in placed]
        if unplaced:
            raise RoadmapError(f"commitments not in any phase: {', '.join(unplaced)}")
        return RoadMap(phases=tuple(phases), parties=tuple(document.parties), start=document.start)


def read_events(path: Path, *, plan: RoadMap) -> list[ComplianceEvent]:
    """Return the events of an events file, each checked against ``plan``.

    Raises:
        RoadmapFileError: not YAML, or an event is malformed.
        UnknownCommitmentError: an event names a commitment not in the plan (file and item named).
    """
    path = Path(path)
    loaded = _load_yaml(path, "events")
    if loaded.is_empty:
        return []  # an empty events file: nothing has happened yet
    document = _parse(_EventsModel, loaded, "events")
    events: list[ComplianceEvent] = []
    for position, item in enumerate(document.events):
        try:
            plan.commitment(item.commitment)
        except UnknownCommitmentError as error:
            raise UnknownCommitmentError(f"{path}: events[{position}]: {error}") from None
        events.append(
            ComplianceEvent(
                commitment=item.commitment, kind=ComplianceEventKind(item.kind), date=item.date, note=item.note
            )
        )
    return events


def catalogue_names() -> list[str]:
    """Return the names of the catalogues shipped with summitry."""
    folder = resources.files("summitry") / "data" / "roadmaps"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_catalogue(name_or_path: str | Path) -> Catalogue:
    """Return a shipped catalogue by name (e.g. ``hanoi-deal``) or a catalogue read from a file.

    Raises:
        RoadmapFileError: no such catalogue, or the file is malformed.
    """
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return _read_catalogue(candidate, _load_yaml(candidate, "catalogue"))
    name = str(name_or_path)
    if name not in catalogue_names():
        import difflib

        close = difflib.get_close_matches(name, catalogue_names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise RoadmapFileError(
            f"no catalogue {name!r}{hint} (shipped: {', '.join(catalogue_names())}; or give a .yaml file)"
        )
    resource = resources.files("summitry") / "data" / "roadmaps" / f"{name}.yaml"
    source = f"<summitry>/data/roadmaps/{name}.yaml"
    return _read_catalogue(Path(source), parse_yaml(resource.read_text("utf-8"), source, error=RoadmapFileError))


def read_agreement(path: Path) -> dict[str, Any] | None:
    """Return the ``agreement`` ({issue: value}) of a negotiation result (``summitry negotiate --json``).

    Returns None when the negotiation ended without agreement (``"agreement": null``).

    Raises:
        RoadmapFileError: not JSON, or no ``agreement`` object in it.
    """
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RoadmapFileError(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from None
    except UnicodeDecodeError:
        raise RoadmapFileError(f"{path}: not a UTF-8 text file") from None
    if not isinstance(document, dict) or "agreement" not in document:
        raise RoadmapFileError(
            f"{path}: expected the JSON object printed by `summitry negotiate --json` with an 'agreement' field"
        )
    agreement = document["agreement"]
    if agreement is None:
        return None
    if not isinstance(agreement, dict):
        raise RoadmapFileError(
            f"{path}: field 'agreement': expected an object {{issue: value}} or null, got {type(agreement).__name__}"
        )
    return agreement


def _read_catalogue(path: Path, loaded: YamlDocument) -> Catalogue:
    document = _parse(_CatalogueModel, loaded, "catalogue")
    commitments = _commitments(path, document.commitments)
    with _in_file(path):
        return Catalogue(
            name=document.catalogue,
            parties=tuple(document.parties),
            commitments=tuple(commitments),
            implies={issue: {v: tuple(ids) for v, ids in table.items()} for issue, table in document.issues.items()},
            description=document.description,
        )


def _commitments(path: Path, items: Sequence[_CommitmentModel]) -> list[Commitment]:
    commitments = []
    for position, item in enumerate(items):
        try:
            commitments.append(item.to_domain())
        except RoadmapError as error:
            raise type(error)(f"{path}: commitments[{position}] {item.id!r}: {error}") from None
    return commitments


@contextlib.contextmanager
def _in_file(path: Path) -> Iterator[None]:
    """Prefix the message of a road-map error raised inside with the file name."""
    try:
        yield
    except RoadmapError as error:
        if str(error).startswith(str(path)):
            raise
        raise type(error)(f"{path}: {error}") from None


_KINDS = {
    "commitments": ("commitments file", "parties and commitments"),
    "plan": ("road-map plan file (written by `summitry roadmap plan --out`)", "format, parties, start and phases"),
    "events": ("events file", "events"),
    "catalogue": ("catalogue file", "catalogue, parties, commitments and issues"),
}


def _load_yaml(path: Path, kind: str) -> YamlDocument:
    return load_yaml(path, error=RoadmapFileError, what=_KINDS[kind][0])


def _looks_like(data: object) -> str | None:
    """Return which kind of file ``data`` looks like, from its top-level keys (None: none of them)."""
    if not isinstance(data, dict):
        return None
    if str(data.get("format", "")).startswith("summitry-roadmap-plan"):
        return "plan"
    if "events" in data:
        return "events"
    if "catalogue" in data:
        return "catalogue"
    if "commitments" in data and "parties" in data:
        return "commitments"
    if "meetings" in data:
        return "summit file"
    if "issues" in data and "parties" in data:
        return "scenario file"
    if "agreement" in data:
        return "negotiation result"
    return None


def _parse(model: type[_Model], loaded: YamlDocument, kind: str) -> _Model:
    what, fields = _KINDS[kind]
    looks = _looks_like(loaded.data)
    if looks is not None and looks != kind:
        name = _KINDS[looks][0].split(" (")[0] if looks in _KINDS else looks
        article = "an" if name[:1] in "aeiou" else "a"
        raise RoadmapFileError(f"{loaded.source}: expected a {what}, but this looks like {article} {name}")
    return validate(model, loaded, error=RoadmapFileError, what=what, fields=fields)


def _commitment_dict(commitment: Commitment) -> dict[str, Any]:
    return {
        "id": commitment.id,
        "owner": commitment.owner,
        "description": commitment.description,
        "value": dict(commitment.value),
        "cost": commitment.cost,
        "duration_days": commitment.duration_days,
        "prerequisites": list(commitment.prerequisites),
        "verifiable": commitment.verifiable,
        "reversible": commitment.reversible,
        "kind": commitment.kind.value,
    }

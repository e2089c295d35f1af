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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summitry.errors import RoadmapError, RoadmapFileError, UnknownCommitmentError
from summitry.formats.atomic import write_text
from summitry.roadmap.commitments import Checkpoint, Commitment, CommitmentKind, Phase, RoadMap, check_commitments
from summitry.roadmap.from_agreement import Catalogue
from summitry.roadmap.tracking import Event, EventKind

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _CommitmentModel(_Strict):
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


class _CommitmentsModel(_Strict):
    parties: list[str] = Field(min_length=2)
    start: date | None = None
    phase_gap_days: int | None = Field(default=None, ge=0)
    max_phases: int | None = Field(default=None, ge=1)
    description: str = ""
    commitments: list[_CommitmentModel]


class _CheckpointModel(_Strict):
    opens: date
    closes: date
    verify: list[str] = Field(default_factory=list)
    observe: list[str] = Field(default_factory=list)
    unverifiable: list[str] = Field(default_factory=list)


class _PhaseModel(_Strict):
    number: int = Field(ge=1)
    start: date
    end: date
    commitments: list[str] = Field(min_length=1)
    exposure: dict[str, float] = Field(default_factory=dict)  # informational: recomputed on reading
    checkpoint: _CheckpointModel


class _PlanModel(_Strict):
    format: Literal["summitry-roadmap-plan/1"]
    parties: list[str] = Field(min_length=2)
    start: date
    max_exposure: float | None = None  # informational
    commitments: list[_CommitmentModel]
    phases: list[_PhaseModel]


class _EventModel(_Strict):
    commitment: str = Field(min_length=1)
    kind: Literal["started", "done", "verified", "violated", "kept"]
    date: date
    note: str = ""


class _EventsModel(_Strict):
    events: list[_EventModel]


class _CatalogueModel(_Strict):
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
    document = _parse(path, _CommitmentsModel, _load_yaml(path))
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
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return "# summitry road-map plan (written by `summitry roadmap plan --out`)\n" + text


def read_plan(path: Path) -> RoadMap:
    """Return the road-map stored in a plan file (exposures are recomputed, not trusted).

    Raises:
        RoadmapFileError: not YAML, not a plan file, or a phase lists an unknown commitment.
        RoadmapError: the plan breaks a road-map invariant (message starts with the file name).
    """
    path = Path(path)
    document = _parse(path, _PlanModel, _load_yaml(path))
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


def read_events(path: Path, *, plan: RoadMap) -> list[Event]:
    """Return the events of an events file, each checked against ``plan``.

    Raises:
        RoadmapFileError: not YAML, or an event is malformed.
        UnknownCommitmentError: an event names a commitment not in the plan (file and item named).
    """
    path = Path(path)
    document = _parse(path, _EventsModel, _load_yaml(path))
    events: list[Event] = []
    for position, item in enumerate(document.events):
        try:
            plan.commitment(item.commitment)
        except UnknownCommitmentError as error:
            raise UnknownCommitmentError(f"{path}: events[{position}]: {error}") from None
        events.append(Event(commitment=item.commitment, kind=EventKind(item.kind), date=item.date, note=item.note))
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
        return _read_catalogue(candidate, _load_yaml(candidate))
    name = str(name_or_path)
    if name not in catalogue_names():
        import difflib

        close = difflib.get_close_matches(name, catalogue_names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise RoadmapFileError(
            f"no catalogue {name!r}{hint} (shipped: {', '.join(catalogue_names())}; or give a .yaml file)"
        )
    resource = resources.files("summitry") / "data" / "roadmaps" / f"{name}.yaml"
    return _read_catalogue(Path(f"<summitry>/data/roadmaps/{name}.yaml"), _safe_load(resource.read_text("utf-8"), name))


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


def _read_catalogue(path: Path, raw: object) -> Catalogue:
    document = _parse(path, _CatalogueModel, raw)
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


def _load_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RoadmapFileError(f"{path}: not a UTF-8 text file") from None
    return _safe_load(text, str(path))


def _safe_load(text: str, where: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise RoadmapFileError(f"{where}{line}: not valid YAML: {problem}") from None


def _parse(path: Path, model: type[_Model], raw: object) -> _Model:
    if not isinstance(raw, Mapping):
        raise RoadmapFileError(f"{path}: expected a YAML mapping at the top level, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = _location(first["loc"], raw)
        got = f", got {first['input']!r}" if first["type"] not in {"missing"} else ""
        if first["type"] == "missing":
            message = f"field {first['loc'][-1]!r} is required"
        else:
            message = first["msg"][0].lower() + first["msg"][1:]
        more = f" (and {error.error_count() - 1} more problem(s))" if error.error_count() > 1 else ""
        raise RoadmapFileError(f"{path}: {where}: {message}{got}{more}") from None


def _location(loc: Sequence[str | int], raw: object) -> str:
    """Return e.g. ``commitments[2] 'freeze': cost`` for a pydantic location."""
    parts: list[str] = []
    node: object = raw
    for step in loc:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step}]" if parts else f"[{step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, Mapping) and isinstance(node.get("id") or node.get("commitment"), str):
                parts[-1] += f" {node.get('id') or node.get('commitment')!r}"
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, Mapping) else None
    return ": ".join(parts) if parts else "top level"


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

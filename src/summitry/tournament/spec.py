"""Tournament specs: the YAML file that names agents, scenarios, protocol, deadline, repetitions and seed.

::

    name: anac-style
    agents: [boulware, conceder, micro, "my_agents.py:MyAgent", "boulware:exponent=0.05"]
    scenarios: [hanoi-deal, ../shared/scenarios/genius/Laptop, my-scenario.yaml]
    protocol: sao            # or mediation
    rounds: 100              # and/or seconds:
    repetitions: 3
    swap_roles: true         # every ordered assignment of agents to the parties
    self_play: false
    seed: 7

Optional: ``sample: K`` (at most K assignments of agents to parties per scenario, drawn with
the seed; for multilateral scenarios) and ``timeout: S`` (seconds a negotiation may run before
the agent acting is declared hung; default 60). Paths (scenario files and folders, agent
``.py`` files) are relative to the spec file. Errors name the file, the field and its line.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from summitry.agents import resolve_agent
from summitry.errors import SummitryError, TournamentSpecError
from summitry.formats import load_scenario
from summitry.formats.validation import StrictModel, validate
from summitry.formats.yaml_files import YamlDocument, parse_yaml

__all__ = ["TournamentSpec", "load_tournament_spec", "parse_tournament_spec"]

DEFAULT_TIMEOUT = 60.0
"""Seconds a negotiation may run before the agent acting is declared hung."""


class _ScenarioEntry(StrictModel):
    """``{scenario: FOLDER, profiles: [a.xml, b.xml]}``: some profiles of a scenario, in this order."""

    scenario: Annotated[str, Field(min_length=1)]
    profiles: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=2)]

    @field_validator("profiles", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @property
    def label(self) -> str:
        """Return how results name this entry: ``FOLDER [a.xml,b.xml]``."""
        return f"{self.scenario} [{','.join(self.profiles)}]"


class _SpecFile(StrictModel):
    name: Annotated[str, Field(min_length=1)]
    agents: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    scenarios: Annotated[list[Annotated[str, Field(min_length=1)] | _ScenarioEntry], Field(min_length=1)]
    protocol: Literal["sao", "mediation"] = "sao"
    rounds: Annotated[int, Field(ge=1)] | None = None
    seconds: Annotated[float, Field(gt=0)] | None = None
    repetitions: Annotated[int, Field(ge=1)] = 1
    swap_roles: bool = True
    self_play: bool = False
    seed: int = 0
    sample: Annotated[int, Field(ge=1)] | None = None
    timeout: Annotated[float, Field(gt=0)] = DEFAULT_TIMEOUT


@dataclass(frozen=True, slots=True, kw_only=True)
class TournamentSpec:
    """A validated tournament spec.

    ``agents`` and ``scenarios`` are the texts as written (they name the agents and scenarios
    in results and reports); ``scenario_refs`` are what to load (paths made absolute against
    the spec's folder ``base``, shipped names as they are); ``parties`` the number of parties
    of each scenario. ``profiles`` (empty, or one tuple per scenario, empty for "all") chooses
    which profiles of a scenario take part, in order: a scenario written
    ``{scenario: FOLDER, profiles: [a.xml, b.xml]}`` is named ``FOLDER [a.xml,b.xml]``.
    """

    name: str
    agents: tuple[str, ...]
    scenarios: tuple[str, ...]
    scenario_refs: tuple[str, ...]
    parties: tuple[int, ...]
    protocol: str = "sao"
    rounds: int | None = None
    seconds: float | None = None
    repetitions: int = 1
    swap_roles: bool = True
    self_play: bool = False
    seed: int = 0
    sample: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    profiles: tuple[tuple[str, ...], ...] = ()
    base: str = field(default=".", compare=False)

    def __post_init__(self) -> None:
        if len(set(self.agents)) != len(self.agents):
            twice = next(a for a in self.agents if self.agents.count(a) > 1)
            raise TournamentSpecError(f"agents: {twice!r} is listed twice; each agent once")
        if len(set(self.scenarios)) != len(self.scenarios):
            twice = next(s for s in self.scenarios if self.scenarios.count(s) > 1)
            raise TournamentSpecError(f"scenarios: {twice!r} is listed twice; each scenario once")

    def canonical(self) -> dict[str, Any]:
        """Return the spec as plain values (what decides whether two specs are the same tournament)."""
        data = asdict(self)
        del data["base"]
        if not any(self.profiles):
            del data["profiles"]  # specs without profiles keep the digest they had before profiles existed
        return data

    def digest(self) -> str:
        """Return a short digest of :meth:`canonical` (results folders remember it)."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_tournament_spec(path: str | Path) -> TournamentSpec:
    """Return the spec in the YAML file ``path`` (agents and scenarios checked, user files imported).

    Raises:
        TournamentSpecError: the file is missing, not YAML, or breaks the schema; an agent or a
            scenario cannot be found. The message names the file, the field and its line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TournamentSpecError(f"{path}: no such tournament spec file") from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise TournamentSpecError(f"{path}: expected a UTF-8 YAML file ({type(exc).__name__})") from None
    return parse_tournament_spec(text, source=str(path), base=path.resolve().parent)


def parse_tournament_spec(text: str, *, source: str = "<tournament>", base: Path | None = None) -> TournamentSpec:
    """Return the spec in the YAML ``text``; paths are relative to ``base`` (default: the current folder).

    Raises:
        TournamentSpecError: as :func:`load_tournament_spec`.
    """
    base = (base or Path.cwd()).resolve()
    document = parse_yaml(text, source, error=TournamentSpecError)
    model = validate(_SpecFile, document, error=TournamentSpecError, what="tournament spec")
    lines = _Lines(document)
    for index, agent in enumerate(model.agents):
        try:
            resolve_agent(agent, base=base)
        except SummitryError as exc:
            raise TournamentSpecError(f"{source}: agents[{index}]: {exc}{lines.of(('agents', index))}") from None
    refs: list[str] = []
    parties: list[int] = []
    labels: list[str] = []
    profiles: list[tuple[str, ...]] = []
    for index, written in enumerate(model.scenarios):
        scenario_text = written if isinstance(written, str) else written.scenario
        chosen = () if isinstance(written, str) else tuple(written.profiles)
        labels.append(written if isinstance(written, str) else written.label)
        profiles.append(chosen)
        candidate = base / scenario_text
        ref = str(candidate.resolve()) if candidate.exists() else scenario_text
        try:
            scenario = load_scenario(ref, profiles=chosen or None)
        except SummitryError as exc:
            raise TournamentSpecError(f"{source}: scenarios[{index}]: {exc}{lines.of(('scenarios', index))}") from None
        refs.append(ref)
        parties.append(len(scenario.parties))
        needed = len(scenario.parties)
        if not model.self_play and len(model.agents) < needed:
            raise TournamentSpecError(
                f"{source}: scenarios[{index}]: {scenario_text!r} has {needed} parties but only "
                f"{len(model.agents)} agents are listed and self_play is false{lines.of(('scenarios', index))}"
            )
    try:
        return TournamentSpec(
            name=model.name,
            agents=tuple(model.agents),
            scenarios=tuple(labels),
            scenario_refs=tuple(refs),
            profiles=tuple(profiles) if any(profiles) else (),
            parties=tuple(parties),
            protocol=model.protocol,
            rounds=model.rounds,
            seconds=model.seconds,
            repetitions=model.repetitions,
            swap_roles=model.swap_roles,
            self_play=model.self_play,
            seed=model.seed,
            sample=model.sample,
            timeout=model.timeout,
            base=str(base),
        )
    except TournamentSpecError as exc:
        field_name = str(exc).split(":", 1)[0]
        raise TournamentSpecError(f"{source}: {exc}{lines.of((field_name,))}") from None


class _Lines:
    """Line numbers of a spec's fields, for messages (`` (line 3)``)."""

    def __init__(self, document: YamlDocument) -> None:
        self._document = document

    def of(self, at: tuple[str | int, ...]) -> str:
        """Return `` (line N)`` for the field at ``at`` (or its closest parent), or nothing."""
        line = self._document.line_of(at)
        return f" (line {line})" if line is not None else ""

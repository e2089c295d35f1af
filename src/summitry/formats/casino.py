"""CaSiNo (Chawla et al. 2021, "CaSiNo: A Corpus of Campsite Negotiation Dialogues", CC BY 4.0) as scenarios.

Each dialogue becomes a bilateral :class:`~summitry.model.Scenario`: three integer issues
``food``, ``water`` and ``firewood``, each the number (0..3) of that item's 3 packages that
go to participant 1 (``mturk_agent_1``); participant 2 gets the rest. Each side scores 5, 4
or 3 points per package of its High, Medium and Low priority item
(``participant_info[...]["value2issue"]``), and 5 points if nobody agrees (walk-away), set
as its reservation value. **Utilities are in points** (0..36), not normalised: a weight of
``3 × points`` times the normalised count ``k / 3`` (GENIUS semantics) is ``points × k``.

The humans' result comes from the chat's deal items: the last ``Submit-Deal`` followed by
``Accept-Deal`` is the agreement (``issue2youget`` is the submitter's share); ``Walk-Away``
(or no accepted deal) means no agreement, worth 5 points each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summitry.errors import ScenarioFormatError
from summitry.model import IntegerIssue, LinearAdditive, Outcome, OutcomeSpace, Party, Scenario, TableValue, Value

__all__ = [
    "CASINO_ISSUES",
    "CASINO_PARTIES",
    "PRIORITY_POINTS",
    "WALK_AWAY_POINTS",
    "CasinoDialogue",
    "casino_dialogue",
    "read_casino",
]

CASINO_ISSUES = ("food", "water", "firewood")
"""The issues, in outcome order; a value is the number of packages participant 1 gets."""

CASINO_PARTIES = ("mturk_agent_1", "mturk_agent_2")
"""The party names (as in the dataset), in scenario order."""

PRIORITY_POINTS = {"High": 5, "Medium": 4, "Low": 3}
"""Points per package by the item's priority for that participant."""

WALK_AWAY_POINTS = 5.0
"""Each participant's points with no agreement: its reservation value."""

_PACKAGES = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class CasinoDialogue:
    """One CaSiNo dialogue: its scenario and what the people reached.

    ``deal`` is the agreed outcome (packages to participant 1 per issue) or None;
    ``points`` each participant's points from it (5 each without a deal).
    """

    index: int
    dialogue_id: int | str
    scenario: Scenario
    deal: Outcome | None
    points: tuple[float, float]

    @property
    def agreed(self) -> bool:
        """Return whether the people reached an agreement."""
        return self.deal is not None


def read_casino(path: str | os.PathLike[str]) -> list[CasinoDialogue]:
    """Return every dialogue of a CaSiNo JSON file (``casino_train.json``, ``casino_valid.json``...).

    Raises:
        ScenarioFormatError: the file is not JSON, not a list of dialogues, or a dialogue is
            malformed (the message names the file and the dialogue index).
    """
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioFormatError(f"{file}: cannot read the CaSiNo file: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ScenarioFormatError(f"{file}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(data, list):
        raise ScenarioFormatError(f"{file}: expected a JSON list of dialogues, got {type(data).__name__}")
    split = file.stem.removeprefix("casino_")
    return [casino_dialogue(item, index=i, source=str(file), split=split) for i, item in enumerate(data)]


def casino_dialogue(item: Any, *, index: int, source: str = "<dialogue>", split: str = "casino") -> CasinoDialogue:
    """Return the scenario and the people's result of one CaSiNo dialogue (a parsed JSON object).

    Raises:
        ScenarioFormatError: a field is missing or has an unexpected value; the message names
            ``source``, the dialogue index and the field.
    """
    where = f"{source}: dialogue {index}"
    if not isinstance(item, Mapping):
        raise ScenarioFormatError(f"{where}: expected an object, got {type(item).__name__}")
    info = _field(item, "participant_info", Mapping, where)
    points = [
        _priorities(_field(info, party, Mapping, f"{where}: participant_info"), f"{where}: {party}")
        for party in CASINO_PARTIES
    ]
    space = OutcomeSpace(issues=tuple(IntegerIssue(name=name, low=0, high=_PACKAGES) for name in CASINO_ISSUES))
    parties = tuple(
        Party(name=party, utility=_utility(space, per_package, mine=(side == 0)))
        for side, (party, per_package) in enumerate(zip(CASINO_PARTIES, points, strict=True))
    )
    dialogue_id = item.get("dialogue_id", index)
    scenario = Scenario(
        name=f"casino-{split}-{index}",
        space=space,
        parties=parties,
        description=f"CaSiNo dialogue {dialogue_id} ({split} split, CC BY 4.0); utilities in points",
        rounds=100,
    )
    deal = _deal(_field(item, "chat_logs", Sequence, where), where)
    if deal is None:
        result = (WALK_AWAY_POINTS, WALK_AWAY_POINTS)
    else:
        result = (float(parties[0].utility(deal)), float(parties[1].utility(deal)))
    return CasinoDialogue(index=index, dialogue_id=dialogue_id, scenario=scenario, deal=deal, points=result)


def _field(mapping: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in mapping:
        raise ScenarioFormatError(f"{where}: missing field {key!r}")
    value = mapping[key]
    if not isinstance(value, kind) or isinstance(value, str):
        raise ScenarioFormatError(f"{where}: field {key!r}: expected {kind.__name__.lower()}, got {value!r:.60}")
    return value


def _priorities(participant: Mapping[str, Any], where: str) -> dict[str, int]:
    """Return points per package of each issue for one participant."""
    value2issue = _field(participant, "value2issue", Mapping, where)
    points: dict[str, int] = {}
    for priority, issue in value2issue.items():
        if priority not in PRIORITY_POINTS:
            raise ScenarioFormatError(f"{where}: value2issue: expected High/Medium/Low, got priority {priority!r}")
        name = str(issue).lower()
        if name not in CASINO_ISSUES:
            raise ScenarioFormatError(f"{where}: value2issue.{priority}: expected Food/Water/Firewood, got {issue!r}")
        points[name] = PRIORITY_POINTS[priority]
    if sorted(points) != sorted(CASINO_ISSUES):
        raise ScenarioFormatError(f"{where}: value2issue must give each of Food, Water, Firewood one priority")
    return points


def _utility(space: OutcomeSpace, per_package: Mapping[str, int], *, mine: bool) -> LinearAdditive:
    """Return points as a linear additive utility: participant 1 gets k packages, participant 2 gets 3 − k."""
    counts: dict[Value, float] = {k: float(k if mine else _PACKAGES - k) for k in range(_PACKAGES + 1)}
    return LinearAdditive(
        space=space,
        weights=tuple(float(_PACKAGES * per_package[name]) for name in CASINO_ISSUES),
        values=tuple(TableValue(evaluations=counts) for _ in CASINO_ISSUES),
        reservation_value=WALK_AWAY_POINTS,
    )


def _deal(chat: Sequence[Any], where: str) -> Outcome | None:
    """Return the accepted deal (packages to participant 1) or None for a walk-away / no accepted deal."""
    submitted: Outcome | None = None
    for turn, message in enumerate(chat):
        if not isinstance(message, Mapping):
            raise ScenarioFormatError(f"{where}: chat_logs[{turn}]: expected an object, got {message!r:.60}")
        text = message.get("text")
        if text == "Submit-Deal":
            submitted = _submitted(message, f"{where}: chat_logs[{turn}]")
        elif text == "Accept-Deal":
            if submitted is None:
                raise ScenarioFormatError(f"{where}: chat_logs[{turn}]: Accept-Deal with no deal submitted before it")
            return submitted
        elif text == "Reject-Deal":
            submitted = None
        elif text == "Walk-Away":
            return None
    return None


def _submitted(message: Mapping[str, Any], where: str) -> Outcome:
    task = _field(message, "task_data", Mapping, where)
    submitter = message.get("id")
    if submitter not in CASINO_PARTIES:
        raise ScenarioFormatError(f"{where}: id: expected one of {list(CASINO_PARTIES)}, got {submitter!r}")
    key = "issue2youget" if submitter == CASINO_PARTIES[0] else "issue2theyget"
    share = _field(task, key, Mapping, f"{where}: task_data")
    lowered = {str(k).lower(): v for k, v in share.items()}
    outcome: list[int] = []
    for name in CASINO_ISSUES:
        raw = lowered.get(name)
        try:
            count = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ScenarioFormatError(f"{where}: task_data.{key}.{name}: expected 0..3, got {raw!r}") from None
        if not 0 <= count <= _PACKAGES:
            raise ScenarioFormatError(f"{where}: task_data.{key}.{name}: expected 0..3, got {count}")
        outcome.append(count)
    return tuple(outcome)

"""CaSiNo dialogues as scenarios, and the people's results."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from summitry.analysis import dominates, pareto_frontier
from summitry.errors import ScenarioFormatError
from summitry.formats.casino import CASINO_ISSUES, casino_dialogue, read_casino

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets" / "casino"


def _dialogue(chat: list[dict], *, p1: dict | None = None) -> dict:
    return {
        "dialogue_id": 7,
        "participant_info": {
            "mturk_agent_1": {"value2issue": p1 or {"High": "Firewood", "Medium": "Food", "Low": "Water"}},
            "mturk_agent_2": {"value2issue": {"High": "Water", "Medium": "Firewood", "Low": "Food"}},
        },
        "chat_logs": chat,
    }


def _submit(by: str, you: dict, they: dict) -> dict:
    return {"text": "Submit-Deal", "id": by, "task_data": {"issue2youget": you, "issue2theyget": they}}


DEAL_BY_2 = _submit(
    "mturk_agent_2", {"Water": "3", "Firewood": "1", "Food": "0"}, {"Water": "0", "Firewood": "2", "Food": "3"}
)


def test_an_accepted_deal_scores_points_by_priority() -> None:
    """Participant 1 gets 3 food, 0 water, 2 firewood: 3·4 + 0·3 + 2·5 = 22; participant 2: 3·5 + 1·4 = 19."""
    dialogue = casino_dialogue(_dialogue([DEAL_BY_2, {"text": "Accept-Deal", "id": "mturk_agent_1"}]), index=0)
    assert dialogue.deal == (3, 0, 2)
    assert dialogue.points == (22.0, 19.0)
    assert dialogue.scenario.space.issue_names == CASINO_ISSUES
    assert [p.reservation_value for p in dialogue.scenario.parties] == [5.0, 5.0]
    assert dialogue.scenario.space.cardinality == 64


def test_walk_away_and_rejected_deals_give_no_agreement() -> None:
    """Walk-Away, or a rejected deal never accepted, gives 5 points each."""
    walked = casino_dialogue(_dialogue([DEAL_BY_2, {"text": "Walk-Away", "id": "mturk_agent_1"}]), index=0)
    rejected = casino_dialogue(_dialogue([DEAL_BY_2, {"text": "Reject-Deal", "id": "mturk_agent_1"}]), index=0)
    assert walked.deal is None and walked.points == (5.0, 5.0)
    assert rejected.deal is None and not rejected.agreed


def test_errors_name_the_file_dialogue_and_field() -> None:
    """A bad priority names the source, the dialogue index and the field."""
    bad = _dialogue([], p1={"High": "Firewood", "Medium": "Food", "Urgent": "Water"})
    with pytest.raises(ScenarioFormatError, match=r"train.json: dialogue 4: mturk_agent_1: value2issue.*'Urgent'"):
        casino_dialogue(bad, index=4, source="train.json")
    with pytest.raises(ScenarioFormatError, match=r"dialogue 2: missing field 'participant_info'"):
        casino_dialogue({"chat_logs": []}, index=2)


def test_malformed_file_names_the_line(tmp_path: Path) -> None:
    """Invalid JSON names the file and line."""
    path = tmp_path / "casino_x.json"
    path.write_text("[\n{", encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=r"casino_x.json:2"):
        read_casino(path)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/datasets/casino is absent")
def test_training_split_reproduces_the_published_human_figures() -> None:
    """97.3% agreements, 67.1% Pareto-optimal deals, 96.3% of the joint maximum; points match points_scored."""
    path = SHARED / "casino_train.json"
    dialogues = read_casino(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert len(dialogues) == 900
    assert sum(d.agreed for d in dialogues) / 900 == pytest.approx(0.973, abs=5e-4)
    pareto = joint = maximum = 0.0
    for dialogue in dialogues:
        info = raw[dialogue.index]["participant_info"]
        scored = tuple(float(info[p]["outcomes"]["points_scored"]) for p in ("mturk_agent_1", "mturk_agent_2"))
        assert dialogue.points == scored
        if dialogue.agreed:
            utilities = dialogue.scenario.utilities(dialogue.scenario.space.all_indices())
            points = np.array(dialogue.points)
            pareto += not any(dominates(row, points) for row in utilities[pareto_frontier(utilities)])
            joint += points.sum()
            maximum += utilities.sum(axis=1).max()
    agreed = sum(d.agreed for d in dialogues)
    assert pareto / agreed == pytest.approx(0.671, abs=5e-4)
    assert joint / maximum == pytest.approx(0.963, abs=5e-4)

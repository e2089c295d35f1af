"""Road-map files: plans round-trip; errors name the file and the item."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from summitry.errors import CyclicPrerequisiteError, RoadmapFileError, UnknownCommitmentError
from summitry.formats.roadmap_files import (
    load_catalogue,
    read_agreement,
    read_commitments,
    read_plan,
    write_plan,
)
from summitry.roadmap import plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "roadmap"


def test_plan_file_round_trips(tmp_path: Path) -> None:
    """A written plan reads back as the same road-map."""
    document = read_commitments(EXAMPLES / "commitments.yaml")
    assert document.start == date(2019, 3, 1)
    road_map = plan(document.commitments, document.parties, start=document.start or date(2019, 3, 1))
    path = write_plan(road_map, tmp_path / "plan.yaml")
    assert read_plan(path) == road_map


def test_errors_name_file_and_item(tmp_path: Path) -> None:
    """Type errors, unknown prerequisites and cycles name the file and the commitment."""
    path = tmp_path / "c.yaml"
    path.write_text("parties: [a, b]\ncommitments:\n  - {id: x, owner: a, duration_days: -3}\n", encoding="utf-8")
    with pytest.raises(
        RoadmapFileError, match=r"c.yaml: commitments\[0\]\.duration_days: expected a number >= 0, got -3 \(line 3\)"
    ):
        read_commitments(path)
    path.write_text("parties: [a, b]\ncommitments:\n  - {id: x, owner: a, prerequisites: [y]}\n", encoding="utf-8")
    with pytest.raises(UnknownCommitmentError, match="c.yaml: commitment 'x': prerequisite 'y'"):
        read_commitments(path)
    path.write_text("parties: [a, b]\ncommitments:\n  - {id: x, owner: a, prerequisites: [x]}\n", encoding="utf-8")
    with pytest.raises(CyclicPrerequisiteError, match=r"c.yaml: commitments\[0\] 'x'.*x -> x"):
        read_commitments(path)
    path.write_text("parties: [a, b]\n  commitments: [\n", encoding="utf-8")
    with pytest.raises(RoadmapFileError, match=r"c.yaml:\d+:\d+: malformed YAML"):
        read_commitments(path)


def test_agreement_files(tmp_path: Path) -> None:
    """A result with an agreement, without one, and not a result at all."""
    path = tmp_path / "r.json"
    path.write_text('{"agreement": {"x": "yes"}}', encoding="utf-8")
    assert read_agreement(path) == {"x": "yes"}
    path.write_text('{"agreement": null}', encoding="utf-8")
    assert read_agreement(path) is None
    path.write_text('{"steps": 3}', encoding="utf-8")
    with pytest.raises(RoadmapFileError, match="'agreement' field"):
        read_agreement(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(RoadmapFileError, match="r.json:1: not valid JSON"):
        read_agreement(path)


def test_unknown_catalogue() -> None:
    """An unknown catalogue name suggests the close one."""
    with pytest.raises(RoadmapFileError, match="did you mean 'hanoi-deal'"):
        load_catalogue("hanoi-dea")

"""A three-party scenario: every assignment of agents to the parties is negotiated and scored."""

from __future__ import annotations

from pathlib import Path

from summitry.tournament import InProcessBackend, load_tournament_spec, open_results, run_tournament
from summitry.tournament.scoring import score

from .conftest import write_spec

THREE_PARTIES = """
name: three-way
issues:
  - {name: site, values: [north, centre, south]}
  - {name: money, values: [low, mid, high]}
parties:
  - name: a
    reservation: 0.2
    utility:
      weights: {site: 0.6, money: 0.4}
      values: {site: {north: 10, centre: 5, south: 0}, money: {low: 0, mid: 5, high: 10}}
  - name: b
    reservation: 0.2
    utility:
      weights: {site: 0.5, money: 0.5}
      values: {site: {north: 0, centre: 10, south: 5}, money: {low: 10, mid: 5, high: 0}}
  - name: c
    reservation: 0.2
    utility:
      weights: {site: 0.7, money: 0.3}
      values: {site: {north: 5, centre: 0, south: 10}, money: {low: 5, mid: 10, high: 0}}
"""


def test_three_party_tournament_runs_every_assignment(spec_folder: Path, tmp_path: Path) -> None:
    (spec_folder / "three.yaml").write_text(THREE_PARTIES, encoding="utf-8")
    spec = load_tournament_spec(
        write_spec(spec_folder, scenarios=["three.yaml"], agents=["boulware", "conceder", "micro", "linear"], rounds=10)
    )
    summary = run_tournament(spec, tmp_path / "out", InProcessBackend())
    assert summary.total == summary.ran == 4 * 3 * 2
    results = open_results(tmp_path / "out")
    records = list(results.store.records(results.digest))
    results.store.close()
    assert {tuple(r["agents"]) for r in records} == {tuple(r["agents"]) for r in records if len(set(r["agents"])) == 3}
    assert len({tuple(r["agents"]) for r in records}) == 24
    assert all(len(r["utilities"]) == 3 for r in records)
    scores = score(spec.name, records, total=summary.total)
    assert {a.agent: a.n for a in scores.ranking} == {"boulware": 18, "conceder": 18, "micro": 18, "linear": 18}

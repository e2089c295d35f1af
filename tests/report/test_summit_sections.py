"""Reports for any summit: a summary, one titled section and road-map per negotiation, honest notes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from summitry.analysis import analyze
from summitry.formats.summit_files import load_summit
from summitry.model import CategoricalIssue, OutcomeSpace, Party, Scenario, TableUtility
from summitry.protocols import Result, Status, Trace, TraceHeader
from summitry.report.html import write_report
from summitry.report.summit_run import SummitOutcome, explain, run_summit, strictly_better_outcomes
from summitry.roadmap import EXPOSURE_MEANING

SUMMIT = """\
name: three-talks
title: Three talks
timezone: Asia/Ho_Chi_Minh
meetings:
  - id: dinner
    title: Dinner
    date: 2019-02-27
    start: "19:00"
    duration: 1h30
    kind: dinner
    participants: [Leader A, Leader B]
    negotiation: {scenario: hanoi-dinner, protocol: mediation, rounds: 20, seed: 7}
  - id: stand-off
    title: Stand-off
    date: 2019-02-28
    start: "09:00"
    duration: 1h
    participants: [Delegation A, Delegation B]
    negotiation: {scenario: hanoi-deal, protocol: sao, agents: [hardliner, hardliner], rounds: 10, seed: 1}
  - id: deal
    title: Expanded meeting
    date: 2019-02-28
    start: "10:00"
    duration: 2h
    participants: [Leader A, Leader B, Delegation A, Delegation B]
    negotiation: {scenario: hanoi-deal, protocol: sao, agents: {dprk: hardheaded, usa: bayesian}, rounds: 60, seed: 7}
"""


class _Sections(HTMLParser):
    """Collects each section's id, its first heading and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.headings: dict[str, str] = {}
        self._heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.stack.append(str(dict(attrs).get("id")))
            self.text[self.stack[-1]] = []
        elif tag in ("h2", "h3") and self.stack:
            self._heading = self.stack[-1]
            self.headings.setdefault(self._heading, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.stack.pop()
        elif tag in ("h2", "h3"):
            self._heading = None

    def handle_data(self, data: str) -> None:
        for section in self.stack:
            self.text[section].append(data)
        if self._heading is not None:
            self.headings[self._heading] += data


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> tuple[SummitOutcome, _Sections, str]:
    folder = tmp_path_factory.mktemp("three")
    path = folder / "three.yaml"
    path.write_text(SUMMIT, encoding="utf-8")
    outcome = run_summit(load_summit(path))
    page = write_report(outcome, folder / "out").report.read_text("utf-8")
    sections = _Sections()
    sections.feed(page)
    return outcome, sections, page


def _text(sections: _Sections, section: str) -> str:
    return " ".join(" ".join(sections.text[section]).split())


def test_each_negotiation_has_its_own_titled_section_and_road_map(three: tuple[SummitOutcome, _Sections, str]) -> None:
    """Three negotiations: three headed sections, each with its own road-map part saying what applies."""
    outcome, sections, _ = three
    dinner, stand_off, deal = outcome.negotiations
    assert dinner.agreed and not stand_off.agreed and deal.agreed and deal.road_map is not None
    ids = [f"negotiation-{k}-{n.scenario.name}" for k, n in enumerate(outcome.negotiations, start=1)]
    assert [sections.headings[i] for i in ids] == [
        "1. Dinner: hanoi-dinner",
        "2. Stand-off: hanoi-deal",
        "3. Expanded meeting: hanoi-deal",
    ]
    no_catalogue = _text(sections, "roadmap-1-hanoi-dinner")
    assert "No road-map: no road-map catalogue maps the outcomes of hanoi-dinner" in no_catalogue
    assert "No road-map: there is no agreement to carry out." in _text(sections, "roadmap-2-hanoi-deal")
    planned = _text(sections, "roadmap-3-hanoi-deal")
    assert f"{len(deal.road_map.phases)} phases from {deal.road_map.start}" in planned
    assert "No road-map" not in planned
    assert " ".join(EXPOSURE_MEANING.split()) in planned  # the sign of exposure is explained beside its table


def test_the_illustrative_note_appears_only_where_the_summit_file_says_so(
    three: tuple[SummitOutcome, _Sections, str],
) -> None:
    """This summit file does not say its preferences are invented; the page's header does not either."""
    outcome, _sections, page = three
    assert not outcome.agenda.illustrative
    header = page.split("<header>", 1)[1].split("</header>", 1)[0]
    assert "illustrative" not in header.lower() and "Preferences and agents" not in page


def test_the_summary_says_who_met_what_was_agreed_and_what_is_next(
    three: tuple[SummitOutcome, _Sections, str],
) -> None:
    """The first section names everyone, one result line per negotiation, and the next step of each."""
    outcome, sections, _ = three
    summary = _text(sections, "summary")
    assert next(iter(sections.text)) == "summary"
    assert "Leader A, Leader B, Delegation A and Delegation B met in 3 meetings from Wed 27 Feb to Thu 28 Feb 2019" in (
        summary
    )
    _dinner, stand_off, deal = outcome.negotiations
    assert "Dinner (hanoi-dinner): agreed after 20 rounds: starter=" in summary
    assert "Stand-off (hanoi-deal): no deal (the deadline passed)." in summary
    first = deal.road_map.phases[0]
    assert f"Expanded meeting (hanoi-deal): phase 1 of {len(deal.road_map.phases)}, {first.start} to {first.end}" in (
        summary
    )
    assert "Dinner (hanoi-dinner): carry out the agreement as written (no road-map catalogue maps" in summary
    better = strictly_better_outcomes(stand_off.analysis)
    assert better > 1
    assert f"Stand-off (hanoi-deal): nothing to carry out; worth reopening: {better} Pareto-optimal outcomes" in summary


def _tied() -> Scenario:
    """Outcome a: strictly better for both; b: equals party y's reservation value; c: worse for y."""
    space = OutcomeSpace(issues=(CategoricalIssue(name="deal", options=("a", "b", "c")),))
    x = TableUtility(space=space, table=np.array([0.5, 0.9, 1.0]), reservation_value=0.2)
    y = TableUtility(space=space, table=np.array([0.6, 0.3, 0.1]), reservation_value=0.3)
    return Scenario(name="tied", space=space, parties=(Party(name="x", utility=x), Party(name="y", utility=y)))


def _no_deal(scenario: Scenario) -> Trace:
    header = TraceHeader(scenario=scenario.name, protocol="sao", parties=scenario.party_names, agents=(), seed=0)
    reserved = tuple(p.reservation_value for p in scenario.parties)
    return Trace(header, result=Result(agreement=None, utilities=reserved, status=Status.TIMED_OUT, rounds=1, steps=2))


def test_an_outcome_that_only_equals_a_reservation_value_is_not_counted() -> None:
    """Three frontier outcomes, two rational, one strictly better for everyone: "1 ... outcome would"."""
    scenario = _tied()
    analysis = analyze(scenario)
    assert analysis.frontier_indices.tolist() == [0, 1, 2] and int(analysis.rational.sum()) == 2
    assert strictly_better_outcomes(analysis) == 1
    text = explain(scenario, analysis, _no_deal(scenario))
    assert text.endswith("although 1 Pareto-optimal outcome would have beaten it for everyone.")


def test_when_the_best_outcomes_only_match_a_reservation_value_walking_away_cost_nothing() -> None:
    """No outcome strictly better for all, one that ties: the text says so rather than counting it."""
    space = OutcomeSpace(issues=(CategoricalIssue(name="deal", options=("b", "c")),))
    x = TableUtility(space=space, table=np.array([0.9, 1.0]), reservation_value=0.2)
    y = TableUtility(space=space, table=np.array([0.3, 0.1]), reservation_value=0.3)
    scenario = Scenario(name="tie", space=space, parties=(Party(name="x", utility=x), Party(name="y", utility=y)))
    analysis = analyze(scenario)
    assert strictly_better_outcomes(analysis) == 0 and int(analysis.rational.sum()) == 1
    text = explain(scenario, analysis, _no_deal(scenario))
    assert "no outcome gives every party more than its reservation value" in text
    assert not re.search(r"\d+ Pareto-optimal outcome", text)


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "scenarios"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "genius" / "Energy").is_dir(), reason="../shared/scenarios (ANAC) is absent")
def test_laptop_energy_party_summit_gets_a_road_map_section_per_negotiation(tmp_path: Path) -> None:
    """The issue's case: three ANAC negotiations; no section says "No deal" for a negotiation that agreed."""
    meetings = []
    for k, (name, folder) in enumerate(
        (("Laptop", "genius/Laptop"), ("Energy", "genius/Energy"), ("Party", "geniusweb/Party"))
    ):
        meetings.append(
            f"  - id: m{k}\n    title: Talks on {name}\n    date: 2020-01-0{k + 1}\n"
            f'    start: "10:00"\n    duration: 1h\n    participants: [A, B]\n'
            f"    negotiation: {{scenario: {SHARED / folder}, protocol: sao, rounds: 40, seed: 0}}\n"
        )
    path = tmp_path / "anac.yaml"
    path.write_text("name: anac\ntimezone: UTC\nmeetings:\n" + "".join(meetings), encoding="utf-8")
    outcome = run_summit(load_summit(path))
    sections = _Sections()
    sections.feed(write_report(outcome, tmp_path / "out").report.read_text("utf-8"))
    for position, report in enumerate(outcome.negotiations, start=1):
        slug = f"{position}-{report.scenario.name}"
        assert sections.headings[f"negotiation-{slug}"].startswith(f"{position}. Talks on ")
        road_map = _text(sections, f"roadmap-{slug}")
        if report.agreed:
            assert "no agreement" not in road_map and "No deal" not in road_map
            assert "no road-map catalogue maps the outcomes" in road_map
        else:
            assert "there is no agreement to carry out" in road_map

"""The Hanoi summit runs end to end and its report references only files that exist."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from summitry.cli import _register, app
from summitry.formats.roadmap_files import read_plan
from summitry.formats.summit_files import load_summit
from summitry.report.html import write_report
from summitry.report.summit_run import run_summit


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.links: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img" and values.get("src"):
            self.sources.append(str(values["src"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "section" and values.get("id"):
            self.sections.append(str(values["id"]))


@pytest.fixture(scope="module")
def hanoi_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("hanoi")
    outcome = run_summit(load_summit("hanoi"))
    write_report(outcome, folder)
    return folder, outcome


def test_report_has_every_section(hanoi_report: tuple[Path, object]) -> None:
    folder, _ = hanoi_report
    page = _Page()
    page.feed((folder / "report.html").read_text("utf-8"))
    assert page.sections[:2] == ["summary", "agenda"]
    negotiation_sections = [s for s in page.sections if s.startswith("negotiation-")]
    assert negotiation_sections == ["negotiation-1-hanoi-dinner", "negotiation-2-hanoi-deal"]
    roadmap_sections = [s for s in page.sections if s.startswith("roadmap-")]
    assert roadmap_sections == ["roadmap-1-hanoi-dinner", "roadmap-2-hanoi-deal"]


def test_the_hanoi_report_says_it_is_illustrative(hanoi_report: tuple[Path, object]) -> None:
    """The Hanoi summit file says its preferences are invented, so the report says so."""
    folder, _ = hanoi_report
    assert load_summit("hanoi").illustrative
    assert "Preferences and agents are illustrative" in (folder / "report.html").read_text("utf-8")


def test_every_referenced_file_exists(hanoi_report: tuple[Path, object]) -> None:
    folder, _ = hanoi_report
    page = _Page()
    page.feed((folder / "report.html").read_text("utf-8"))
    assert page.sources, "the report shows figures"
    local = [ref for ref in page.sources + page.links if "://" not in ref and not ref.startswith("#")]
    for ref in local:
        path = folder / ref
        assert path.is_file() and path.stat().st_size > 0, ref
    for source in page.sources:
        assert (folder / source).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", source


def test_report_shows_agenda_in_local_time_and_gmt(hanoi_report: tuple[Path, object]) -> None:
    folder, _ = hanoi_report
    html = (folder / "report.html").read_text("utf-8")
    assert "18:30 ICT (11:30 GMT)" in html
    calendar = Calendar.from_ical((folder / "agenda.ics").read_bytes())
    assert len([c for c in calendar.walk("VEVENT")]) == len(load_summit("hanoi").meetings)


def test_deal_is_planned_or_no_deal_explained(hanoi_report: tuple[Path, object]) -> None:
    folder, outcome = hanoi_report
    deal = next(n for n in outcome.negotiations if n.scenario.name == "hanoi-deal")
    html = (folder / "report.html").read_text("utf-8")
    if deal.agreed:
        assert deal.road_map is not None
        assert all(deal.road_map.phase_of(c.id) >= 1 for c in deal.road_map.commitments)
        assert "phase" in html.lower()
        stored = read_plan(folder / "roadmap-hanoi-deal.yaml")
        assert [p.ids for p in stored.phases] == [p.ids for p in deal.road_map.phases]
        assert stored.max_exposure == pytest.approx(deal.road_map.max_exposure)
    else:
        assert "reservation value" in deal.explanation
    menu = next(n for n in outcome.negotiations if n.scenario.name == "hanoi-dinner")
    assert menu.agreed or "No deal" in menu.explanation
    amendments = sum(1 for e in menu.trace.events if e.kind == "amend" and e.data.get("changes"))
    assert amendments > 0, "both delegations redraft the chefs' menu"
    assert f"the delegations proposed {amendments} amendments" in menu.process
    assert menu.process in html
    offers = sum(1 for e in deal.trace.events if e.kind == "offer")
    assert deal.process == f"The parties exchanged {offers} offers over {deal.trace.result.rounds} rounds."


def test_demo_command_writes_report_and_says_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`summitry demo` ends by saying where the report is, exactly as the README shows it."""
    monkeypatch.chdir(tmp_path)
    _register()
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == "Report: out/hanoi/report.html"
    assert (tmp_path / "out" / "hanoi" / "report.html").is_file()
    assert (tmp_path / "out" / "hanoi" / "agenda.ics").is_file()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    shown = readme.split("$ make demo\n", 1)[1].split("```", 1)[0].split("...\n", 1)[1].strip().splitlines()
    assert lines[-len(shown) :] == shown


def test_a_no_deal_is_explained_against_the_reservation_values(tmp_path: Path) -> None:
    """Two hardliners never agree: the report says why, against the reservation values, and plans nothing."""
    text = (
        "name: stand-off\n"
        "title: Stand-off\n"
        "timezone: Asia/Ho_Chi_Minh\n"
        "meetings:\n"
        "  - id: talks\n"
        "    title: Talks\n"
        "    date: 2019-02-28\n"
        '    start: "09:00"\n'
        "    duration: 2h\n"
        "    participants: [A, B]\n"
        "    negotiation: {scenario: hanoi-deal, protocol: sao, agents: [hardliner, hardliner], rounds: 20, seed: 1}\n"
    )
    summit = tmp_path / "stand-off.yaml"
    summit.write_text(text, encoding="utf-8")
    outcome = run_summit(load_summit(summit))
    (deal,) = outcome.negotiations
    assert not deal.agreed and deal.road_map is None
    assert deal.trace.result is not None and deal.trace.result.reason == "deadline"
    assert deal.explanation.startswith("No deal (the deadline passed)")
    assert "0.40" in deal.explanation and "0.45" in deal.explanation  # both reservation values
    files = write_report(outcome, tmp_path / "out")
    html = files.report.read_text("utf-8")
    assert "No road-map:" in html and "No deal" in html
    assert files.plans == ()

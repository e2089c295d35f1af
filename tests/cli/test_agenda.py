"""``summitry agenda``: the table in local time and GMT, conflicts, the .ics file, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app

summitry.cli._register()

OVERLAP = """\
name: clash
timezone: Europe/London
meetings:
  - id: a
    title: Breakfast
    date: 2024-03-01
    start: "08:00"
    duration: 1h
    participants: [Ann, Bob]
  - id: b
    title: Press call
    date: 2024-03-01
    start: "08:30"
    duration: 30 min
    participants: [Bob]
  - id: c
    title: Briefing
    date: 2024-03-01
    start: "09:00"
    duration: 30 min
    participants: [Ann, Bob]
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_hanoi_agenda(runner: CliRunner) -> None:
    result = runner.invoke(app, ["agenda", "hanoi"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Day 1 — Wed 27 Feb 2019" in out and "Day 2 — Thu 28 Feb 2019" in out
    assert "18:30 ICT" in out and "11:30 GMT" in out
    assert "hanoi-deal" in out and "hanoi-dinner" in out
    assert "No conflicts" in out


def test_extra_zone_column(runner: CliRunner) -> None:
    result = runner.invoke(app, ["agenda", "hanoi", "--tz", "America/New_York"])
    assert result.exit_code == 0, result.output
    assert "06:30 EST" in result.output  # 18:30 ICT
    assert "21:00 EST -1d" in result.output  # day 2, 09:00 ICT


def test_conflicts_are_listed_and_back_to_back_is_not(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "clash.yaml"
    path.write_text(OVERLAP, encoding="utf-8")
    result = runner.invoke(app, ["agenda", str(path)])
    assert result.exit_code == 0, result.output
    assert "Conflicts (1):" in result.output
    assert "Bob: 'Breakfast'" in result.output
    assert "Briefing" in result.output and "'Briefing'" not in result.output.split("Conflicts")[1]


def test_ics_is_written_and_reads_back(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "hanoi.ics"
    result = runner.invoke(app, ["agenda", "hanoi", "--ics", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote 7 events to {out}" in result.output.replace("\n", "")
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    starts = sorted(e.decoded("DTSTART") for e in calendar.walk("VEVENT"))
    assert len(starts) == 7
    assert starts[0] == datetime(2019, 2, 27, 11, 30, tzinfo=UTC)
    assert [p.name for p in tmp_path.iterdir()] == ["hanoi.ics"]  # no temporary file left


BAD = {
    "unknown zone": (
        OVERLAP.replace("timezone: Europe/London", "timezone: Europe/Londn"),
        "timezone: unknown time zone 'Europe/Londn'; did you mean 'Europe/London'?",
    ),
    "ends before it starts": (
        OVERLAP.replace("duration: 1h", 'end: "07:00"'),
        "meetings[0].end: meeting 'a': ends before it starts",
    ),
    "malformed yaml": (
        OVERLAP.replace("[Ann, Bob]", "[Ann, Bob", 1),
        ":10:7: malformed YAML: expected ',' or ']', but got ':' (while parsing a flow sequence started on line 9)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_exits_2_naming_file_and_item(runner: CliRunner, tmp_path: Path, case: str) -> None:
    text, expected = BAD[case]
    path = tmp_path / "summit.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.ics"
    result = runner.invoke(app, ["agenda", str(path), "--ics", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.stderr
    assert expected in lines[0]
    assert not out.exists()


def test_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.ics"
    result = runner.invoke(app, ["agenda", str(tmp_path / "nope.yaml"), "--ics", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'nope.yaml'}: no such file")
    assert not out.exists()


def test_unknown_tz_option(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.ics"
    result = runner.invoke(app, ["agenda", "hanoi", "--tz", "Asia/Hanoi", "--ics", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --tz: unknown time zone 'Asia/Hanoi'; did you mean 'Asia/Ho_Chi_Minh'")
    assert not out.exists()


def test_ics_into_a_missing_folder_makes_it_as_every_output_does(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["agenda", "hanoi", "--ics", str(tmp_path / "no" / "such" / "x.ics")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "no" / "such" / "x.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    (tmp_path / "file").write_text("in the way", encoding="utf-8")
    result = runner.invoke(app, ["agenda", "hanoi", "--ics", str(tmp_path / "file" / "x.ics")])
    assert result.exit_code == 2
    assert result.stderr == f"error: --ics: cannot make the folder {tmp_path / 'file'}: {tmp_path / 'file'} is a file\n"


def test_debug_reraises(runner: CliRunner) -> None:
    result = runner.invoke(app, ["agenda", "hanio", "--debug"])
    assert result.exit_code != 0
    assert result.exception is not None and type(result.exception).__name__ == "UnknownSummitError"


def test_hanoi_agenda_text_is_pinned(runner: CliRunner, monkeypatch: pytest.MonkeyPatch, snapshot: object) -> None:
    """The whole printed agenda, at a fixed width of 110 columns (update: pytest --snapshot-update)."""
    from summitry.cli._render import console

    monkeypatch.setattr(console, "_width", 110)
    result = runner.invoke(app, ["agenda", "hanoi", "--tz", "America/New_York"])
    assert result.exit_code == 0, result.output
    assert result.output == snapshot

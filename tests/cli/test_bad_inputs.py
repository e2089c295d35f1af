"""Every command, every bad input: exit code 2, exactly one ``error:`` line naming what is wrong, no traceback,
and no output file created or changed. Add a row to ``CASES`` for every bad input found.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app
from summitry.formats.roadmap_files import read_commitments, write_plan
from summitry.roadmap import plan

summitry.cli._register()
runner = CliRunner()

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "roadmap"

SCENARIO = """name: tiny
issues:
  - {name: colour, values: [red, blue]}
parties:
  - {name: a, reservation: 0.1, utility: {weights: {colour: 1}, values: {colour: {red: 1, blue: 0}}}}
  - {name: b, utility: {weights: {colour: 1}, values: {colour: {red: 0, blue: 1}}}}
"""


def _write(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _plan(tmp: Path) -> str:
    document = read_commitments(EXAMPLES / "commitments.yaml")
    road_map = plan(document.commitments, document.parties, start=date(2019, 3, 1))
    return str(write_plan(road_map, tmp / "plan.yaml"))


def _events(tmp: Path, day: str) -> list[str]:
    events = _write(tmp, "events.yaml", f"events:\n  - {{commitment: end-of-war, kind: done, date: {day}}}\n")
    return ["roadmap", "status", _plan(tmp), events]


def _commitments(tmp: Path, extra: str) -> list[str]:
    text = (EXAMPLES / "commitments.yaml").read_text(encoding="utf-8").replace("start: 2019-03-01\n", extra)
    return ["roadmap", "plan", _write(tmp, "commitments.yaml", text)]


Case = tuple[Callable[[Path], list[str]], str]

CASES: dict[str, Case] = {
    # road-map files: impossible dates were ValueError tracebacks
    "events date 2019-02-30": (lambda t: _events(t, "2019-02-30"), r"events\.yaml: events\[0\]\.date: expected a date"),
    "events date 2019-13-01": (lambda t: _events(t, "2019-13-01"), r"events\.yaml: events\[0\]\.date: .*\(line 2\)"),
    "commitments start 2019-02-30": (
        lambda t: _commitments(t, "start: 2019-02-30\n"),
        r"commitments\.yaml: start: expected a date YYYY-MM-DD .*got '2019-02-30' \(line \d+\)",
    ),
    "commitments file empty": (lambda t: ["roadmap", "plan", _write(t, "c.yaml", "")], r"c\.yaml: the file is empty"),
    "plan file empty": (
        lambda t: ["roadmap", "status", _write(t, "p.yaml", "# nothing\n"), _write(t, "e.yaml", "events: []\n")],
        r"p\.yaml: the file is empty; expected a road-map plan file",
    ),
    "plan and events swapped": (
        lambda t: ["roadmap", "status", _events(t, "2019-03-02")[3], _plan(t)],
        r"events\.yaml: expected a road-map plan file .*but this looks like an events file",
    ),
    "plan with neither input": (lambda t: ["roadmap", "plan"], r"nothing to plan: give a commitments FILE"),
    "plan --out is a folder": (
        lambda t: [*_commitments(t, ""), "--out", str(t)],
        r"--out: .* is a folder; expected a file name",
    ),
    "commitments duplicate key": (
        lambda t: ["roadmap", "plan", _write(t, "c.yaml", "parties: [a, b]\nparties: [a, c]\ncommitments: []\n")],
        r"c\.yaml:2:1: malformed YAML: duplicate key 'parties' \(first on line 1\)",
    ),
    # negotiate / mediate
    "negotiate --seed -3": (lambda t: ["negotiate", "hanoi-deal", "--seed", "-3"], r"--seed: expected an integer >= 0"),
    "mediate --seed -1": (lambda t: ["mediate", "hanoi-deal", "--seed", "-1"], r"--seed: expected an integer >= 0"),
    "negotiate --rounds 0": (lambda t: ["negotiate", "hanoi-deal", "--rounds", "0"], r"^error: --rounds: .*1"),
    "negotiate --rounds -5": (lambda t: ["negotiate", "hanoi-deal", "--rounds", "-5"], r"^error: --rounds: "),
    "negotiate --seed x": (lambda t: ["negotiate", "hanoi-deal", "--seed", "x"], r"^error: --seed: .*integer"),
    "negotiate unknown option": (lambda t: ["negotiate", "hanoi-deal", "--colour"], r"No such option: --colour"),
    "negotiate no scenario": (lambda t: ["negotiate"], r"Missing argument 'SCENARIO'"),
    "unknown command": (lambda t: ["negotiat"], r"No such command 'negotiat'.*'negotiate'"),
    "agent parameter of the wrong type": (
        lambda t: ["negotiate", "hanoi-deal", "--agents", "boulware:exponent=abc"],
        r"agent 'boulware': parameter 'exponent' expects a number \(float\), got 'abc'",
    ),
    "greedy-voter in negotiate": (
        lambda t: ["negotiate", "hanoi-deal", "--agents", "greedy-voter,boulware"],
        r"--agents: 'greedy-voter' is a mediation voter.*summitry mediate",
    ),
    "annealing-voter in negotiate": (
        lambda t: ["negotiate", "hanoi-deal", "--agents", "annealing-voter:temperature=0.2"],
        r"--agents: 'annealing-voter' is a mediation voter",
    ),
    "--plot is a folder": (
        lambda t: ["negotiate", "hanoi-deal", "--plot", str(t)],
        r"--plot: .* is a folder; expected a file name",
    ),
    "--plot .gif": (
        lambda t: ["negotiate", "hanoi-deal", "--plot", str(t / "x.gif")],
        r"--plot: .*x\.gif: expected a file ending in \.png, \.svg, \.pdf, got '\.gif'",
    ),
    "--trace under a file": (
        lambda t: ["negotiate", "hanoi-deal", "--trace", _write(t, "f", "x") + "/t.jsonl"],
        r"--trace: cannot make the folder .*/f: .*/f is a file",
    ),
    "analyze --plot is a folder": (
        lambda t: ["analyze", "hanoi-deal", "--plot", str(t)],
        r"--plot: .* is a folder",
    ),
    # scenario files
    "scenario file empty": (lambda t: ["analyze", _write(t, "s.yaml", "")], r"s\.yaml: the file is empty"),
    "duplicate parties": (
        lambda t: ["analyze", _write(t, "s.yaml", SCENARIO.replace("name: b", "name: a"))],
        r"s\.yaml: parties\[1\]\.name: 'a' is already the name of parties\[0\] \(line 6\)",
    ),
    "reservaton": (
        lambda t: ["analyze", _write(t, "s.yaml", SCENARIO.replace("reservation", "reservaton"))],
        r"s\.yaml: parties\[0\]\.reservaton: unknown field; did you mean 'reservation'\?",
    ),
    "scenario weight .nan": (
        lambda t: ["analyze", _write(t, "s.yaml", SCENARIO.replace("weights: {colour: 1}", "weights: {colour: .nan}"))],
        r"parties\[0\]\.utility\.weights\.colour: expected a number >= 0",
    ),
    "scenario not UTF-8": (
        lambda t: ["analyze", str(_bytes(t / "s.yaml", SCENARIO.encode() + "# caf\xe9\n".encode("latin-1")))],
        r"s\.yaml:7: expected UTF-8 text, got a byte 0xe9",
    ),
    # convert
    "convert into an existing file as genius": (
        lambda t: ["convert", "hanoi-deal", _write(t, "out.txt", "keep me"), "-f", "genius"],
        r"OUT: .*out\.txt is a file; expected a folder",
    ),
    "convert into a folder named .yaml": (
        lambda t: ["convert", "hanoi-deal", str(_folder(t / "x.yaml"))],
        r"OUT: .*x\.yaml is a folder; expected a file name",
    ),
    "convert --format bad": (
        lambda t: ["convert", "hanoi-deal", str(t / "x.yaml"), "-f", "bad"],
        r"^error: --format: 'bad' is not one of",
    ),
    # summits and the demo
    "demo --out is a file": (
        lambda t: ["demo", "--out", _write(t, "report.html", "keep me")],
        r"--out: .*report\.html is a file; expected a folder",
    ),
    "agenda --ics is a folder": (lambda t: ["agenda", "hanoi", "--ics", str(t)], r"--ics: .* is a folder"),
    "summit duplicate key": (
        lambda t: ["agenda", _write(t, "s.yaml", "name: x\nname: y\n")],
        r"s\.yaml:2:1: malformed YAML: duplicate key 'name'",
    ),
    "summit empty": (lambda t: ["agenda", _write(t, "s.yaml", "")], r"s\.yaml: the file is empty; expected a summit"),
    # --store: checked before the run, so that neither the trace file nor the store is half-written
    "negotiate --store mysql": (
        lambda t: ["negotiate", "hanoi-deal", "--trace", str(t / "t.jsonl"), "--store", "mysql://root@localhost/x"],
        r"^error: --store: database URL: expected sqlite:///PATH or postgresql://",
    ),
    "mediate --store in a missing folder": (
        lambda t: ["mediate", "hanoi-dinner", "--trace", str(t / "t.jsonl"), "--store", f"sqlite:///{t}/no/such.db"],
        r"^error: --store sqlite:///.*/no/such\.db: cannot open the store: unable to open database file",
    ),
    "negotiate --store where no PostgreSQL answers": (
        lambda t: ["negotiate", "hanoi-deal", "--store", "postgresql://postgres:secret@127.0.0.1:1/test"],
        r"^error: --store postgresql://postgres@127\.0\.0\.1:1/test: cannot open the store: .*refused",
    ),
    # replay
    "replay a YAML file": (
        lambda t: ["replay", _write(t, "t.jsonl", "name: x\n")],
        r"t\.jsonl",
    ),
}


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _state(root: Path) -> dict[str, tuple[int, bytes | None]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mode, None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_error_line_exit_2_and_nothing_written(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make, message = CASES[case]
    args = make(tmp_path)
    before = _state(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert __import__("re").search(message, lines[0]), lines[0]
    assert _state(tmp_path) == before, "an output file was created or changed"


def test_an_empty_events_file_is_no_events(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["roadmap", "status", _plan(tmp_path), _write(tmp_path, "e.yaml", ""), "--today", "2019-03-02"]
    )
    assert result.exit_code == 0, result.output
    assert "end-of-war" in result.stdout


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF"), (".png", b"\x89PNG")])
def test_plots_are_written_in_the_format_their_suffix_names(tmp_path: Path, suffix: str, magic: bytes) -> None:
    target = tmp_path / "deep" / f"x{suffix}"
    result = runner.invoke(app, ["analyze", "hanoi-deal", "--json", "--plot", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(magic)


def test_written_files_respect_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--trace, --plot, convert (file and folder), --ics and roadmap --out all write 0644 under umask 022."""
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        commands = [
            ["negotiate", "hanoi-deal", "--rounds", "5", "--json", "--trace", "t.jsonl", "--plot", "n.png"],
            ["convert", "hanoi-deal", "s.yaml"],
            ["convert", "hanoi-deal", "g", "-f", "genius"],
            ["agenda", "hanoi", "--ics", "a.ics"],
            ["roadmap", "plan", str(EXAMPLES / "commitments.yaml"), "--out", "p.yaml"],
        ]
        for args in commands:
            result = runner.invoke(app, args)
            assert result.exit_code == 0, (args, result.output)
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.rglob("*")}
    assert modes.pop("g") == 0o755
    assert set(modes.values()) == {0o644}, modes

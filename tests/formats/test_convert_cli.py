"""``summitry convert``: conversions between formats, and bad input (message on stderr, exit 2, nothing written)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app
from summitry.errors import SummitryError
from summitry.formats import load_scenario, write_genius
from tests.formats.conftest import assert_same_utilities
from tests.formats.test_genius import BILLION_LAUGHS, EXTERNAL_ENTITY

summitry.cli._register()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_native_to_genius_to_geniusweb_to_native(runner: CliRunner, tmp_path: Path) -> None:
    """A chain of conversions prints what it wrote and keeps the utilities."""
    result = runner.invoke(app, ["convert", "hanoi-deal", str(tmp_path / "g"), "--format", "genius"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 file(s)" in result.stdout and "dprk.xml" in result.stdout
    result = runner.invoke(app, ["convert", str(tmp_path / "g"), str(tmp_path / "w"), "-f", "geniusweb"])
    assert result.exit_code == 0, result.output
    assert "note: GeniusWeb stores a reservation *bid*" in result.stderr
    result = runner.invoke(app, ["convert", str(tmp_path / "w"), str(tmp_path / "back.json")])
    assert result.exit_code == 0, result.output
    assert_same_utilities(load_scenario("hanoi-deal"), load_scenario(tmp_path / "back.json"), reservation=False)


def _bad_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nissues: [\n", encoding="utf-8")
    return path


def _bad_weight(tmp_path: Path) -> Path:
    path = tmp_path / "weight.yaml"
    text = (Path(__file__).resolve().parents[2] / "src/summitry/data/scenarios/hanoi-deal.yaml").read_text("utf-8")
    path.write_text(text.replace("sanctions_relief: 0.30", "sanctions_relief: lots"), encoding="utf-8")
    return path


def _genius_with(tmp_path: Path, payload: str) -> Path:
    folder = tmp_path / "g"
    written = write_genius(load_scenario("hanoi-deal"), folder)
    written[1].write_text(payload, encoding="utf-8")
    return folder


def _genius_edit(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "g"
    written = write_genius(load_scenario("hanoi-deal"), folder)
    text = written[2].read_text(encoding="utf-8")
    written[2].write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _bad_json(tmp_path: Path) -> Path:
    path = tmp_path / "bad.json"
    path.write_text('{"name": "x",\n "issues": }\n', encoding="utf-8")
    return path


def _geniusweb_mismatch(tmp_path: Path) -> Path:
    folder = tmp_path / "w"
    runner = CliRunner()
    assert runner.invoke(app, ["convert", "hanoi-deal", str(folder), "-f", "geniusweb"]).exit_code == 0
    other = tmp_path / "other"
    assert runner.invoke(app, ["convert", "hanoi-deal", str(other), "-f", "geniusweb"]).exit_code == 0
    profile = other / "usa.json"
    profile.write_text(profile.read_text("utf-8").replace('"yongbyon"', '"plutonium"'), encoding="utf-8")
    shutil.copy(profile, folder / "usa.json")
    return folder


CASES = {
    "missing-file": (lambda tmp: tmp / "nowhere.yaml", r"nowhere\.yaml: no such file or folder"),
    "unknown-name": (lambda tmp: "hanoi-deel", r"Did you mean 'hanoi-deal'\?"),
    "malformed-yaml": (_bad_yaml, r"bad\.yaml:3:\d+: malformed YAML"),
    "malformed-json": (_bad_json, r"bad\.json:2:\d+: malformed JSON"),
    "non-numeric-weight": (
        _bad_weight,
        r"weight\.yaml: parties\[0\]\.utility\.weights\.sanctions_relief: expected a number >= 0, got 'lots'",
    ),
    "malformed-xml": (
        lambda tmp: _genius_with(tmp, "<utility_space>\n<objective>\n</utility_space>\n"),
        r"dprk\.xml:3: malformed XML",
    ),
    "billion-laughs": (lambda tmp: _genius_with(tmp, BILLION_LAUGHS), r"dprk\.xml:2: refused unsafe XML"),
    "external-entity": (lambda tmp: _genius_with(tmp, EXTERNAL_ENTITY), r"dprk\.xml:2: refused unsafe XML"),
    "negative-weight": (
        lambda tmp: _genius_edit(tmp, '<weight index="1" value="', '<weight index="1" value="-'),
        r"usa\.xml:\d+: weight of issue 'yongbyon': expected a number >= 0, got -0\.22",
    ),
    "unknown-profile-value": (
        lambda tmp: _genius_edit(tmp, 'value="partial"', 'value="halfway"'),
        r"usa\.xml:\d+: issue 'yongbyon': value 'halfway' is not in the domain",
    ),
    "unknown-profile-issue": (
        lambda tmp: _genius_edit(tmp, 'name="remains"', 'name="bones"'),
        r"usa\.xml:\d+: profile names issue 'bones', which the domain lacks",
    ),
    "profile-does-not-match-domain": (_geniusweb_mismatch, r"usa\.json: .*does not match its domain"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_one_error_line_and_writes_nothing(case: str, runner: CliRunner, tmp_path: Path) -> None:
    """Each bad input gives one `error:` line naming the problem, exit code 2, and no output file."""
    make, message = CASES[case]
    source = make(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    before = _files(tmp_path)
    result = runner.invoke(app, ["convert", str(source), str(out / "result.yaml")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert re.search(message, lines[0]), lines[0]
    assert result.stdout == ""
    assert _files(tmp_path) == before  # nothing written, no temporary left behind
    # the library raises the same message
    with pytest.raises(SummitryError) as caught:
        load_scenario(source)
    assert lines[0] == f"error: {' '.join(str(caught.value).split())}"


def test_unwritable_format_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """Constraints cannot go to GENIUS: exit 2 and the output folder is not created."""
    result = runner.invoke(app, ["convert", "hanoi-dinner", str(tmp_path / "g"), "--format", "genius"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: scenario 'hanoi-dinner' has hard constraints")
    assert not (tmp_path / "g").exists()


def test_folder_output_needs_a_format(runner: CliRunner, tmp_path: Path) -> None:
    """A folder OUT without --format is refused with a hint."""
    result = runner.invoke(app, ["convert", "hanoi-deal", str(tmp_path / "g")])
    assert result.exit_code == 2
    assert "--format genius or geniusweb" in result.stderr


def test_debug_re_raises(runner: CliRunner, tmp_path: Path) -> None:
    """--debug shows the exception instead of the one-line error."""
    result = runner.invoke(app, ["convert", "hanoi-deel", str(tmp_path / "x.yaml"), "--debug"])
    assert result.exit_code != 2
    assert result.exception is not None

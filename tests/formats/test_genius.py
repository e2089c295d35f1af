"""GENIUS XML: every shared scenario loads, round trips keep utilities, bad files are refused clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from summitry.errors import ScenarioFormatError, UnsafeXMLError
from summitry.formats import load_scenario, read_genius, write_genius
from summitry.model import IntegerIssue, LinearAdditive, LinearValue, OutcomeSpace, Party, RealIssue, Scenario
from tests.formats.conftest import assert_same_utilities, shared_folders

FOLDERS = shared_folders("genius")
needs_shared = pytest.mark.skipif(not FOLDERS, reason="../shared/scenarios/genius is absent")


@needs_shared
@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_every_shared_genius_scenario_loads(folder: Path) -> None:
    """Each shared folder loads: two linear additive parties with weights and raw evaluations."""
    scenario = load_scenario(folder)
    assert len(scenario.parties) == 2
    assert all(isinstance(p.utility, LinearAdditive) for p in scenario.parties)
    lowest, highest = scenario.parties[0].utility.extremes()  # type: ignore[attr-defined]
    assert 0.0 <= lowest <= highest <= 1.0 + 1e-3  # Laptop weights sum to 1.00005


@needs_shared
@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_genius_round_trip_keeps_utilities(folder: Path, tmp_path: Path) -> None:
    """GENIUS -> model -> GENIUS XML -> model gives the same utilities, reservations and discounts."""
    scenario = read_genius(folder)
    written = write_genius(scenario, tmp_path / "out")
    assert len(written) == 3
    assert_same_utilities(scenario, read_genius(tmp_path / "out"))


def test_numeric_issues_round_trip(tmp_path: Path) -> None:
    """Integer and real issues with linear evaluators round trip (steps kept as a summitry attribute)."""
    space = OutcomeSpace(issues=(IntegerIssue(name="n", low=0, high=4), RealIssue(name="r", low=0, high=2, steps=5)))
    parties = tuple(
        Party(
            name=name,
            utility=LinearAdditive(
                space=space,
                weights=(0.5, 0.5),
                values=(LinearValue(slope=s, offset=o), LinearValue(slope=-s / 2, offset=1)),
                reservation_value=0.1,
            ),
        )
        for name, s, o in (("a", 0.25, 0.0), ("b", -0.25, 1.0))
    )
    scenario = Scenario(name="numbers", space=space, parties=parties)
    write_genius(scenario, tmp_path / "g")
    assert_same_utilities(scenario, load_scenario(tmp_path / "g"))


def test_domain_file_path_loads_its_folder(tmp_path: Path) -> None:
    """Giving the domain file loads the folder; giving a profile file is refused with a hint."""
    written = write_genius(load_scenario("hanoi-deal"), tmp_path / "g")
    assert load_scenario(written[0]).party_names == ("dprk", "usa")
    with pytest.raises(ScenarioFormatError, match="is a GENIUS profile, not a domain"):
        load_scenario(written[1])


def test_constraints_cannot_be_written_and_nothing_is(tmp_path: Path) -> None:
    """GENIUS cannot hold hard constraints: refused before any file is written."""
    with pytest.raises(ScenarioFormatError, match="hard constraints"):
        write_genius(load_scenario("hanoi-dinner"), tmp_path / "g")
    assert not (tmp_path / "g").exists()


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    """A writable copy of a small GENIUS folder (written from a shipped scenario if ../shared is absent)."""
    folder = tmp_path / "laptop"
    source = next((p for p in FOLDERS if p.name == "Laptop"), None)
    if source is not None:
        shutil.copytree(source, folder)
    else:
        write_genius(load_scenario("hanoi-deal"), folder)
    return folder


def _profile(folder: Path) -> Path:
    return next(p for p in sorted(folder.glob("*.xml")) if "<weight" in p.read_text(encoding="utf-8"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<utility_space><objective><issue name="a">&lol3;</issue></objective></utility_space>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<utility_space>&secret;</utility_space>
"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_doctype_and_entities_are_refused(laptop: Path, payload: str) -> None:
    """A DOCTYPE / entity / external reference raises UnsafeXMLError naming the file and line."""
    _profile(laptop).write_text(payload, encoding="utf-8")
    with pytest.raises(UnsafeXMLError, match=r"\.xml:2: refused unsafe XML"):
        load_scenario(laptop)


def test_malformed_xml_names_the_line(laptop: Path) -> None:
    """A not well-formed XML file is refused with file:line."""
    profile = _profile(laptop)
    lines = profile.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3] + " <broken"
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=rf"{profile.name}:\d+: malformed XML"):
        load_scenario(laptop)


def test_negative_weight_is_refused_with_line(laptop: Path) -> None:
    """A negative weight names the file, line and the issue."""
    profile = _profile(laptop)
    text = profile.read_text(encoding="utf-8")
    start = text.index("<weight")
    value_at = text.index('value="', start) + len('value="')
    profile.write_text(text[:value_at] + "-" + text[value_at:], encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=rf"{profile.name}:\d+: weight of issue .*expected a number >= 0"):
        load_scenario(laptop)


def test_non_numeric_weight_is_refused_with_line(laptop: Path) -> None:
    """A weight that is not a number names the file and line."""
    profile = _profile(laptop)
    text = profile.read_text(encoding="utf-8")
    start = text.index("<weight")
    value_at = text.index('value="', start) + len('value="')
    profile.write_text(text[:value_at] + "heavy" + text[value_at:], encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=rf"{profile.name}:\d+: <weight> value= expected a number, got"):
        load_scenario(laptop)


def test_profile_value_missing_from_domain(laptop: Path) -> None:
    """A profile item naming a value the domain lacks is refused."""
    profile = _profile(laptop)
    text = profile.read_text(encoding="utf-8")
    at = text.index("<item")
    value_at = text.index('value="', at) + len('value="')
    profile.write_text(text[:value_at] + "zz" + text[value_at:], encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=rf"{profile.name}:\d+: issue .* is not in the domain"):
        load_scenario(laptop)


def test_profile_issue_missing_from_domain(laptop: Path) -> None:
    """A profile naming an issue the domain lacks is refused with its line."""
    profile = _profile(laptop)
    text = profile.read_text(encoding="utf-8")
    at = text.index("<issue")
    name_at = text.index('name="', at) + len('name="')
    profile.write_text(text[:name_at] + "Bogus" + text[name_at:], encoding="utf-8")
    with pytest.raises(
        ScenarioFormatError, match=rf"{profile.name}:\d+: profile names issue 'Bogus.*which the domain lacks"
    ):
        load_scenario(laptop)


def test_profile_for_another_domain(laptop: Path, tmp_path: Path) -> None:
    """A profile from another scenario (different issues) does not match the domain."""
    space = OutcomeSpace(issues=(IntegerIssue(name="price", low=0, high=4),))
    utility = LinearAdditive(space=space, weights=(1.0,), values=(LinearValue(slope=0.25),))
    elsewhere = Scenario(
        name="elsewhere", space=space, parties=(Party(name="a", utility=utility), Party(name="b", utility=utility))
    )
    other = write_genius(elsewhere, tmp_path / "other")
    shutil.copy(other[1], laptop / "intruder.xml")
    with pytest.raises(ScenarioFormatError, match="profile names issue|does not match its domain"):
        load_scenario(laptop)

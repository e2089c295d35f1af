"""GeniusWeb JSON: every shared scenario loads, round trips keep utilities, bad files are refused clearly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from summitry.errors import ScenarioFormatError
from summitry.formats import load_scenario, read_geniusweb, write_geniusweb
from summitry.model import IntegerIssue, LinearAdditive, LinearValue, OutcomeSpace, Party, Scenario
from tests.formats.conftest import assert_same_utilities, shared_folders

FOLDERS = shared_folders("geniusweb")
needs_shared = pytest.mark.skipif(not FOLDERS, reason="../shared/scenarios/geniusweb is absent")


def _geniusweb_utility(profile: dict, bid: dict) -> float:  # type: ignore[type-arg]
    """Return GeniusWeb's own utility of ``bid``: Σ weight × value utility, values used as given."""
    space = profile["LinearAdditiveUtilitySpace"]
    return sum(
        space["issueWeights"][issue] * space["issueUtilities"][issue]["discreteutils"]["valueUtilities"][value]
        for issue, value in bid.items()
    )


@needs_shared
@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_every_shared_geniusweb_scenario_loads_with_geniusweb_utilities(folder: Path) -> None:
    """Each shared folder loads; utilities equal GeniusWeb's (no division by the largest value utility)."""
    scenario = load_scenario(folder)
    assert len(scenario.parties) == 2
    rng = np.random.default_rng(7)
    for party in scenario.parties:
        profile = json.loads((folder / f"{party.name}.json").read_text(encoding="utf-8"))
        for index in rng.integers(0, scenario.space.cardinality, size=20):
            outcome = scenario.space.as_dict(scenario.space.outcome(int(index)))
            assert party.utility(outcome) == pytest.approx(_geniusweb_utility(profile, outcome), abs=1e-12)
        bid = profile["LinearAdditiveUtilitySpace"]["reservationBid"]["issuevalues"]
        assert party.reservation_value == pytest.approx(_geniusweb_utility(profile, bid), abs=1e-12)


@needs_shared
@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_geniusweb_round_trip_keeps_utilities(folder: Path, tmp_path: Path) -> None:
    """GeniusWeb -> model -> GeniusWeb JSON -> model: same utilities and reservation values."""
    scenario = read_geniusweb(folder)
    write_geniusweb(scenario, tmp_path / "out")
    assert_same_utilities(scenario, read_geniusweb(tmp_path / "out"))


def test_shipped_deal_round_trip_keeps_utilities(tmp_path: Path) -> None:
    """A native scenario written as GeniusWeb reads back with the same utilities (reservation: nearest bid)."""
    scenario = load_scenario("hanoi-deal")
    write_geniusweb(scenario, tmp_path / "gw")
    again = load_scenario(tmp_path / "gw")
    assert_same_utilities(scenario, again, reservation=False)
    for party in scenario.parties:
        assert again.party(party.name).reservation_value == pytest.approx(party.reservation_value, abs=0.05)


def test_number_issues_round_trip(tmp_path: Path) -> None:
    """Integer ranges with linear number utilities round trip."""
    space = OutcomeSpace(issues=(IntegerIssue(name="price", low=0, high=10),))
    parties = tuple(
        Party(name=n, utility=LinearAdditive(space=space, weights=(1.0,), values=(LinearValue(slope=s, offset=o),)))
        for n, s, o in (("buyer", -0.1, 1.0), ("seller", 0.1, 0.0))
    )
    scenario = Scenario(name="price", space=space, parties=parties)
    write_geniusweb(scenario, tmp_path / "gw")
    assert_same_utilities(scenario, load_scenario(tmp_path / "gw"))


@pytest.fixture
def flight(tmp_path: Path) -> Path:
    """A writable GeniusWeb folder (a shared copy, or written from a shipped scenario)."""
    folder = tmp_path / "flight"
    source = next((p for p in FOLDERS if p.name == "FlightBooking"), None)
    if source is not None:
        shutil.copytree(source, folder)
    else:
        write_geniusweb(load_scenario("hanoi-deal"), folder)
    return folder


def _profile_path(folder: Path) -> Path:
    return next(p for p in sorted(folder.glob("*.json")) if "LinearAdditiveUtilitySpace" in p.read_text("utf-8"))


def _edit_profile(folder: Path, change) -> Path:  # type: ignore[no-untyped-def]
    path = _profile_path(folder)
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["LinearAdditiveUtilitySpace"])
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def test_malformed_json_names_the_line(flight: Path) -> None:
    """A JSON syntax error in a profile names the file and line."""
    path = _profile_path(flight)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + ","
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=rf"{path.name}:\d+:\d+: malformed JSON"):
        load_scenario(flight)


def test_negative_weight(flight: Path) -> None:
    """A negative weight is refused with its field path."""
    path = _edit_profile(flight, lambda s: s["issueWeights"].update({next(iter(s["issueWeights"])): -0.5}))
    with pytest.raises(ScenarioFormatError, match=rf"{path.name}: LinearAdditiveUtilitySpace\.issueWeights.*>= 0"):
        load_scenario(flight)


def test_unknown_value(flight: Path) -> None:
    """A value utility for a value the domain lacks is refused."""

    def change(space: dict) -> None:  # type: ignore[type-arg]
        first = next(iter(space["issueUtilities"].values()))
        first["discreteutils"]["valueUtilities"]["teleport"] = 1.0

    change_path = _edit_profile(flight, change)
    with pytest.raises(ScenarioFormatError, match=rf"{change_path.name}: .*\['teleport'\] not in the domain"):
        load_scenario(flight)


def test_unknown_issue(flight: Path) -> None:
    """A weight for an issue the domain lacks: the profile does not match its domain."""
    _edit_profile(flight, lambda s: s["issueWeights"].update(bogus=0.0))
    with pytest.raises(ScenarioFormatError, match=r"does not match its domain \(unknown issue\(s\) \['bogus'\]"):
        load_scenario(flight)


def test_embedded_domain_mismatch(flight: Path) -> None:
    """A profile whose embedded domain differs from the domain file does not match it."""

    def change(space: dict) -> None:  # type: ignore[type-arg]
        space["domain"]["issuesValues"] = {"other": {"values": ["a"]}}

    _edit_profile(flight, change)
    with pytest.raises(ScenarioFormatError, match="does not match its domain"):
        load_scenario(flight)

"""Choosing profiles: which parties of a GENIUS folder take part, in which order (API, CLI, summit files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app
from summitry.errors import ScenarioFormatError
from summitry.formats import load_scenario

from .conftest import SHARED

summitry.cli._register()
runner = CliRunner()
LAPTOP = SHARED / "genius" / "Laptop"


@pytest.fixture
def three_profiles(tmp_path: Path) -> Path:
    """A GENIUS folder with three profiles (Laptop plus a copy of its buyer as a third party)."""
    if not LAPTOP.is_dir():
        pytest.skip(f"shared GENIUS scenarios absent at {LAPTOP}")
    folder = tmp_path / "Laptop3"
    shutil.copytree(LAPTOP, folder)
    shutil.copy(folder / "laptop_buyer_utility.xml", folder / "laptop_reseller_utility.xml")
    return folder


def test_profiles_choose_parties_and_order(three_profiles: Path) -> None:
    """All three load without profiles; two chosen by file name come in the order given, same utilities."""
    everyone = load_scenario(three_profiles)
    assert len(everyone.parties) == 3
    chosen = load_scenario(three_profiles, profiles=["laptop_seller_utility.xml", "laptop_reseller_utility.xml"])
    assert chosen.party_names == ("laptop_seller_utility", "laptop_reseller_utility")
    assert chosen.party("laptop_seller_utility") == everyone.party("laptop_seller_utility")


@pytest.mark.parametrize(
    ("profiles", "message"),
    [
        (["nobody.xml", "laptop_buyer_utility.xml"], "'nobody.xml' is not a profile of 'Laptop3'; its profiles"),
        (["laptop_buyer_utility.xml", "laptop_buyer_utility"], "given twice"),
        (["laptop_buyer_utility.xml"], "at least two profiles"),
    ],
)
def test_bad_profiles_say_what_is_wrong(three_profiles: Path, profiles: list[str], message: str) -> None:
    """An unknown, repeated or lonely profile is one ScenarioFormatError naming it."""
    with pytest.raises(ScenarioFormatError, match=message):
        load_scenario(three_profiles, profiles=profiles)


def test_cli_profiles_option(three_profiles: Path) -> None:
    """``negotiate --profiles b.xml,a.xml`` plays those two, in that order; a wrong one exits 2 with one line."""
    args = ["negotiate", str(three_profiles), "--agents", "boulware", "--rounds", "5", "--json"]
    result = runner.invoke(app, [*args, "--profiles", "laptop_seller_utility.xml,laptop_buyer_utility.xml"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["utilities"]) == 2
    analysed = runner.invoke(app, ["analyze", str(three_profiles), "--profiles", "laptop_buyer_utility.xml,x.xml"])
    assert analysed.exit_code == 2 and "error: profiles: 'x.xml' is not a profile" in analysed.output


def test_summit_file_profiles_field(three_profiles: Path, tmp_path: Path) -> None:
    """``profiles:`` in a summit file's negotiation is read and kept in order."""
    from summitry.formats.summit_files import load_summit

    text = f"""
name: test
title: Test summit
timezone: Asia/Ho_Chi_Minh
meetings:
  - id: deal
    title: The deal
    date: 2026-02-27
    start: "09:00"
    duration: 60 min
    participants: [a, b]
    negotiation:
      scenario: {three_profiles}
      protocol: sao
      agents: [boulware, conceder]
      profiles: laptop_reseller_utility.xml, laptop_seller_utility.xml
"""
    path = tmp_path / "summit.yaml"
    path.write_text(text, encoding="utf-8")
    agenda = load_summit(path)
    negotiation = agenda.meetings[0].negotiation
    assert negotiation is not None
    assert negotiation.profiles == ("laptop_reseller_utility.xml", "laptop_seller_utility.xml")


def test_tournament_spec_profiles(three_profiles: Path, tmp_path: Path) -> None:
    """A tournament scenario written ``{scenario, profiles}`` plays those profiles, named ``FOLDER [a,b]``."""
    from summitry.tournament import InProcessBackend, parse_tournament_spec, run_tournament

    text = f"""
name: profiles
agents: [boulware, conceder, micro]
scenarios:
  - {{scenario: {three_profiles}, profiles: [laptop_seller_utility.xml, laptop_reseller_utility.xml]}}
  - {three_profiles}
rounds: 10
"""
    spec = parse_tournament_spec(text, base=tmp_path)
    assert spec.scenarios[0] == f"{three_profiles} [laptop_seller_utility.xml,laptop_reseller_utility.xml]"
    assert spec.parties == (2, 3)
    assert spec.profiles[0] == ("laptop_seller_utility.xml", "laptop_reseller_utility.xml") and spec.profiles[1] == ()
    summary = run_tournament(spec, tmp_path / "out", InProcessBackend())
    assert summary.failed == 0 and summary.ran == summary.total > 0


def test_tournament_spec_without_profiles_keeps_its_digest() -> None:
    """Specs that name no profiles are the same tournament as before profiles existed (results folders resume)."""
    from summitry.tournament import parse_tournament_spec

    spec = parse_tournament_spec("name: t\nagents: [boulware, conceder]\nscenarios: [hanoi-deal]\n")
    assert "profiles" not in spec.canonical()

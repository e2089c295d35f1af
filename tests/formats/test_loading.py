"""load_scenario / save_scenario: references of every kind, atomic writes, clear refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from summitry.errors import ScenarioFormatError, UnknownScenarioError
from summitry.formats import detect_format, load_scenario, save_scenario, shipped_scenarios
from tests.formats.conftest import assert_same_utilities


@pytest.mark.parametrize(
    ("fmt", "target"),
    [("native", "s.yaml"), ("native", "s.yml"), ("native", "s.json"), ("genius", "g"), ("geniusweb", "w")],
)
def test_save_then_load_every_format(fmt: str, target: str, tmp_path: Path) -> None:
    """save_scenario writes each format; load_scenario recognises it by path alone."""
    scenario = load_scenario("hanoi-deal")
    written = save_scenario(scenario, tmp_path / target, format=fmt if fmt != "native" else None)  # type: ignore[arg-type]
    assert all(p.exists() for p in written)
    assert detect_format(tmp_path / target) == fmt
    assert_same_utilities(scenario, load_scenario(tmp_path / target), reservation=fmt != "geniusweb")


def test_load_accepts_pathlike_and_str(tmp_path: Path) -> None:
    """A str or an os.PathLike both work."""
    save_scenario(load_scenario("hanoi-dinner"), tmp_path / "d.yaml")
    assert load_scenario(str(tmp_path / "d.yaml")).name == load_scenario(tmp_path / "d.yaml").name == "hanoi-dinner"


def test_shipped_list_is_sorted_names() -> None:
    """shipped_scenarios returns bare names, sorted."""
    names = shipped_scenarios()
    assert names == sorted(names) and all("/" not in n and not n.endswith(".yaml") for n in names)


def test_unknown_references(tmp_path: Path) -> None:
    """A missing path or an unknown name raises UnknownScenarioError listing the shipped scenarios."""
    with pytest.raises(UnknownScenarioError, match=r"no such file or folder \(shipped scenarios: hanoi-deal"):
        load_scenario(tmp_path / "missing.yaml")
    with pytest.raises(UnknownScenarioError, match="No scenario file or shipped scenario named 'atlantis'"):
        load_scenario("atlantis")


def test_unknown_suffix_and_empty_folder(tmp_path: Path) -> None:
    """Files and folders that hold no known format are refused with what is expected."""
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match="unknown file type '.txt'"):
        load_scenario(tmp_path / "notes.txt")
    with pytest.raises(ScenarioFormatError, match="neither GENIUS XML files nor a GeniusWeb JSON domain"):
        load_scenario(tmp_path)


def test_save_is_atomic_when_rendering_fails(tmp_path: Path) -> None:
    """A scenario that the format cannot hold leaves an existing file untouched and no temporary behind."""
    target = tmp_path / "keep"
    target.mkdir()
    (target / "mine.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(ScenarioFormatError):
        save_scenario(load_scenario("hanoi-dinner"), target, format="geniusweb")
    assert os.listdir(target) == ["mine.txt"]


def test_overwriting_a_native_file_replaces_it_whole(tmp_path: Path) -> None:
    """Saving over an existing file replaces it; no temporary file stays behind."""
    path = tmp_path / "s.yaml"
    path.write_text("old", encoding="utf-8")
    save_scenario(load_scenario("hanoi-deal"), path)
    assert load_scenario(path).name == "hanoi-deal"
    assert os.listdir(tmp_path) == ["s.yaml"]


def test_refuses_to_mix_scenarios_in_one_folder(tmp_path: Path) -> None:
    """Writing GENIUS files into a folder holding another scenario's XML is refused."""
    save_scenario(load_scenario("hanoi-deal"), tmp_path / "g", format="genius")
    (tmp_path / "g" / "dprk.xml").rename(tmp_path / "g" / "someone.xml")
    with pytest.raises(ScenarioFormatError, match="already holds other XML files"):
        save_scenario(load_scenario("hanoi-deal"), tmp_path / "g", format="genius")


def test_format_mismatch_with_suffix(tmp_path: Path) -> None:
    """A folder format with a file suffix, or native with a folder path, is refused."""
    with pytest.raises(ScenarioFormatError, match="writes a folder"):
        save_scenario(load_scenario("hanoi-deal"), tmp_path / "x.yaml", format="genius")
    with pytest.raises(ScenarioFormatError, match="is a .yaml, .yml or .json file"):
        save_scenario(load_scenario("hanoi-deal"), tmp_path / "x", format="native")


def test_a_geniusweb_file_loads_its_folder(tmp_path: Path) -> None:
    """Naming a GeniusWeb domain or profile JSON loads the whole folder."""
    written = save_scenario(load_scenario("hanoi-deal"), tmp_path / "w", format="geniusweb")
    for path in written:
        assert detect_format(path) == "geniusweb"
        assert load_scenario(path).party_names == ("dprk", "usa")


def test_a_shipped_scenario_is_parsed_once_per_text_and_shared() -> None:
    from importlib import resources

    from summitry.formats import loading

    first = load_scenario("hanoi-deal")
    assert load_scenario("hanoi-deal") is first  # immutable: one parse serves every session made from it
    text = resources.files("summitry").joinpath("data", "scenarios", "hanoi-deal.yaml").read_text(encoding="utf-8")
    edited = loading._parse_shipped(text.replace("name: hanoi-deal", "name: hanoi-deal-edited", 1), "hanoi-deal.yaml")
    assert edited is not first and edited.name == "hanoi-deal-edited"
    assert edited.space.issue_names == first.space.issue_names

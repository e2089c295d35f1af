"""The native YAML/JSON format: round trips, the documented example, and error messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from summitry.errors import ScenarioFormatError
from summitry.formats import dumps_native, load_scenario, read_native, scenario_to_document, write_native
from summitry.formats.native import loads_native, scenario_from_document
from summitry.model import IntegerIssue, LinearValue, RealIssue, Scenario, TriangularValue
from tests.formats.conftest import assert_same_utilities
from tests.strategies import scenarios

ROOT = Path(__file__).resolve().parents[2]

SMALL = """\
name: tiny
issues:
  - {name: colour, values: [red, green]}
  - {name: size, type: integer, low: 1, high: 3}
parties:
  - name: a
    utility:
      weights: {colour: 0.5, size: 0.5}
      values:
        colour: {red: 1, green: 3}
        size: {linear: {slope: 0.5, offset: -0.5}}
  - name: b
    reservation: 0.2
    utility:
      weights: {colour: 1}
      values:
        colour: {red: 2, green: 1}
"""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_native_round_trip_keeps_utilities(scenario: Scenario) -> None:
    """native -> model -> native YAML and JSON -> model gives the same utility on every outcome."""
    for json_syntax in (False, True):
        text = dumps_native(scenario, json_syntax=json_syntax)
        again = scenario_from_document(loads_native(text, "x", json_syntax=json_syntax), "x")
        assert_same_utilities(scenario, again)
        assert scenario_to_document(again) == scenario_to_document(scenario)


@pytest.mark.parametrize("name", ["hanoi-deal", "hanoi-dinner"])
def test_shipped_round_trip_through_files(name: str, tmp_path: Path) -> None:
    """A shipped scenario written to .yaml and .json reads back the same (constraints included)."""
    scenario = load_scenario(name)
    for suffix in (".yaml", ".json"):
        path = write_native(scenario, tmp_path / f"{name}{suffix}")
        again = read_native(path)
        assert_same_utilities(scenario, again)
        assert (again.protocol, again.rounds, again.description) == (
            scenario.protocol,
            scenario.rounds,
            scenario.description,
        )


def test_numeric_value_functions_round_trip() -> None:
    """Integer/real issues with linear and triangular value functions survive a round trip."""
    doc = loads_native(SMALL, "tiny.yaml")
    doc["issues"].append({"name": "x", "type": "real", "low": 0, "high": 1, "steps": 5})
    doc["parties"][1]["utility"]["values"]["x"] = {"triangular": {"low": 0, "peak": 0.5, "high": 1}}
    doc["parties"][1]["utility"]["weights"]["x"] = 0.5
    doc["parties"][1]["discount"] = 0.9
    scenario = scenario_from_document(doc, "tiny.yaml")
    assert isinstance(scenario.space.issues[1], IntegerIssue)
    assert isinstance(scenario.space.issues[2], RealIssue)
    assert isinstance(scenario.party("a").utility.values[1], LinearValue)
    assert isinstance(scenario.party("b").utility.values[2], TriangularValue)
    assert scenario.party("a").utility({"colour": "green", "size": 3, "x": 0.25}) == pytest.approx(1.0)
    again = scenario_from_document(loads_native(dumps_native(scenario), "t"), "t")
    assert_same_utilities(scenario, again)


def test_yes_and_no_stay_strings() -> None:
    """Unquoted yes/no/on/off are strings (only true/false are booleans)."""
    assert loads_native("v: [no, yes, on, off, true]", "x") == {"v": ["no", "yes", "on", "off", True]}


def test_table_utility_round_trip() -> None:
    """An explicit table utility lists outcomes; unlisted ones get the default."""
    doc = loads_native(SMALL, "tiny.yaml")
    doc["parties"][1]["utility"] = {
        "type": "table",
        "default": 0.1,
        "outcomes": [{"outcome": {"colour": "red", "size": 2}, "utility": 0.9}],
    }
    scenario = scenario_from_document(doc, "tiny.yaml")
    b = scenario.party("b").utility
    assert b(("red", 2)) == 0.9
    assert b(("green", 1)) == 0.1
    assert_same_utilities(scenario, scenario_from_document(scenario_to_document(scenario), "t"))


def test_example_in_docs_loads(tmp_path: Path) -> None:
    """The complete example in docs/scenario-format.md is a valid scenario."""
    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- example -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, "docs/scenario-format.md lost its marked example"
    path = tmp_path / "example.yaml"
    path.write_text(match.group(1), encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.party_names and scenario.space.cardinality > 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["parties"][1]["utility"]["weights"].update(colour="x"),
            r"^tiny\.yaml: parties\[1\]\.utility\.weights\.colour: expected a number >= 0, got 'x'$",
        ),
        (
            lambda d: d["parties"][0]["utility"]["weights"].update(size=-1),
            r"parties\[0\]\.utility\.weights\.size: expected a number >= 0, got -1",
        ),
        (
            lambda d: d["parties"][0]["utility"]["weights"].update(colur=0.1),
            r"parties\[0\]\.utility\.weights\.colur: no issue named 'colur'.*Did you mean 'colour'\?",
        ),
        (
            lambda d: d["parties"][1]["utility"]["values"]["colour"].update(blue=1),
            r"parties\[1\]\.utility\.values\.colour\.blue: 'blue' is not a value of issue 'colour'",
        ),
        (lambda d: d["parties"].pop(), r"tiny\.yaml: parties: expected at least 2 item\(s\)"),
        (lambda d: d.update(colour="red"), r"tiny\.yaml: colour: unknown field"),
        (lambda d: d["issues"][1].update(low="one"), r"issues\[1\]\.low: expected a number, got 'one'"),
        (lambda d: d["parties"][0]["utility"].update(type="neural"), r"parties\[0\]\.utility: expected type one of"),
        (
            lambda d: d.update(constraints=[{"forbid": {"size": [7]}}]),
            r"constraints\[0\]\.forbid\.size\[0\]: 7 is not a value of issue 'size'",
        ),
    ],
)
def test_bad_documents_name_file_and_field(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    """Each schema or reference error names the file and the field path, the expectation and what came."""
    doc = loads_native(SMALL, "tiny.yaml")
    edit(doc)
    with pytest.raises(ScenarioFormatError, match=message):
        scenario_from_document(doc, "tiny.yaml")


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    """A YAML syntax error names the file and line."""
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nissues:\n  - {name: a, values: [1, 2}\n", encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=r"broken\.yaml:3:\d+: malformed YAML"):
        read_native(path)


def test_duplicate_yaml_key_names_the_line(tmp_path: Path) -> None:
    """A key given twice in a mapping is refused with its line (YAML would silently keep the last)."""
    path = tmp_path / "dupe.yaml"
    path.write_text("name: x\nname: y\n", encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=r"dupe\.yaml:2:\d+: .*duplicate key 'name'"):
        read_native(path)


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    """A JSON syntax error names the file and line."""
    path = tmp_path / "broken.json"
    path.write_text('{\n  "name": "x",\n  "issues": [,]\n}\n', encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=r"broken\.json:3:\d+: malformed JSON"):
        read_native(path)


def test_top_level_must_be_a_mapping() -> None:
    """A document that is a list is refused with what was expected."""
    with pytest.raises(ScenarioFormatError, match="expected a mapping"):
        scenario_from_document([1, 2], "list.yaml")

"""One YAML dialect (YAML 1.2 core) and one error formatter for every file kind."""

from __future__ import annotations

import contextlib
import math
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from summitry.errors import (
    RoadmapFileError,
    ScenarioFormatError,
    SummitFileError,
    SummitryError,
)
from summitry.formats import load_scenario
from summitry.formats.native import dumps_native, scenario_from_document
from summitry.formats.roadmap_files import read_commitments, read_events, read_plan, write_plan
from summitry.formats.summit_files import parse_summit
from summitry.formats.validation import StrictModel, validate
from summitry.formats.yaml_files import YamlDocument, dump_yaml, load_yaml, parse_json, parse_yaml
from summitry.roadmap import plan


def test_core_schema_scalars() -> None:
    """yes/no/on/off are text, 18:30 and dates are text, 010 is ten, only true/false are booleans."""
    text = "a: yes\nb: 18:30\nc: 2019-02-27\nd: 010\ne: 1_000\nf: .inf\ng: ~\nh: True\ni: 0x1f\nj: 1e3\nk: -3\nl: off\n"
    data = parse_yaml(text, "t.yaml").data
    assert data == {
        "a": "yes",
        "b": "18:30",
        "c": "2019-02-27",
        "d": 10,
        "e": "1_000",
        "f": math.inf,
        "g": None,
        "h": True,
        "i": 31,
        "j": 1000.0,
        "k": -3,
        "l": "off",
    }
    assert parse_yaml("<<: {a: 1}\n", "t.yaml").data == {"<<": {"a": 1}}, "no YAML 1.1 merge keys"


def test_lines_are_kept() -> None:
    """Every item's line is known; an entry's line is its key's."""
    document = parse_yaml("name: x\nitems:\n  - id: a\n    size: 3\n  - id: b\n", "t.yaml")
    assert document.line_of(("items", 0, "size")) == 4
    assert document.line_of(("items", 1)) == 5
    assert document.line_of(("items", 1, "missing")) == 5
    assert document.message(("items", 0, "size"), "too big") == "t.yaml: items[0].size: too big (line 4)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", r"^t\.yaml:3:1: malformed YAML: duplicate key 'a' \(first on line 1\)$"),
        ("a: [1, 2\n", r"^t\.yaml:2:1: malformed YAML: expected ',' or '\]'"),
        ("a: !!timestamp 2019-01-01\n", r"^t\.yaml:1:4: malformed YAML: the tag '!!timestamp' is not supported"),
        ("a: !!python/object:os.system x\n", r"the tag '!!python/object:os.system' is not supported"),
        ("a: 1\n---\nb: 2\n", r"^t\.yaml:2:1: malformed YAML: found another document"),
        ("{[1]: 2}\n", r"a key cannot be a list or a mapping"),
        ("a: \x00\n", r"^t\.yaml: malformed YAML: unacceptable character"),
        ("[" * 5000, r"^t\.yaml:1:101: malformed YAML: nested deeper than 100 levels"),
        (
            "".join(" " * k + "- \n" for k in range(0, 400, 2)),
            r"^t\.yaml:\d+:\d+: malformed YAML: nested deeper than 100",
        ),
    ],
)
def test_bad_yaml_is_one_named_error(text: str, message: str) -> None:
    with pytest.raises(ScenarioFormatError, match=message):
        parse_yaml(text, "t.yaml")


def test_alias_bombs_are_refused() -> None:
    """Aliases may not expand a document past the node limit (a billion-laughs file is refused fast)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 12)]
    with pytest.raises(ScenarioFormatError, match="expands to more than"):
        parse_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert parse_yaml("a: &x [1, 2]\nb: *x\n", "t.yaml").data == {"a": [1, 2], "b": [1, 2]}


def test_strict_json() -> None:
    """JSON files: duplicate keys, NaN and Infinity are refused; line and column named."""
    assert parse_json('{"a": [1, 2.5, null, true]}', "t.json").data == {"a": [1, 2.5, None, True]}
    with pytest.raises(ScenarioFormatError, match="duplicate key 'a'"):
        parse_json('{"a": 1, "a": 2}', "t.json")
    with pytest.raises(ScenarioFormatError, match="NaN is not a JSON number"):
        parse_json('{"a": NaN}', "t.json")
    with pytest.raises(ScenarioFormatError, match=r"^t\.json:2:5: malformed JSON"):
        parse_json('{"a":\n  1 2}', "t.json")


def test_files_not_utf8_empty_or_folders(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("a: 1\nname: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SummitFileError, match=r"latin\.yaml:2: expected UTF-8 text, got a byte 0xe9"):
        load_yaml(path, error=SummitFileError)
    with pytest.raises(RoadmapFileError, match="is a folder; expected a plan"):
        load_yaml(tmp_path, error=RoadmapFileError, what="plan")
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_yaml(tmp_path / "bom.yaml").data == {"a": 1}
    (tmp_path / "empty.yaml").write_text("# nothing\n", encoding="utf-8")
    assert load_yaml(tmp_path / "empty.yaml").is_empty


# Text without control characters and line/paragraph separators (PyYAML's writer folds those).
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_what_summitry_writes_reads_back_the_same(value: object) -> None:
    """Anything dump_yaml writes reads back equal, here and in a YAML 1.1 reader ('1e3' and 'yes' stay text)."""
    text = dump_yaml({"v": value})
    assert parse_yaml(text, "t.yaml").data == {"v": value}
    assert yaml.safe_load(text) == {"v": value}


def test_text_that_looks_like_numbers_survives_a_scenario_round_trip() -> None:
    """A categorical value '1e3' was written bare by PyYAML's writer and came back as the number 1000.0."""
    data = parse_yaml(dumps_native(load_scenario("hanoi-deal")), "t.yaml").data
    issue = data["issues"][0]
    renamed = dict(zip(issue["values"], ["1e3", "yes", "010", "18:30", "0x1f", "~", ".5"], strict=False))
    issue["values"] = [renamed[v] for v in issue["values"]]
    for party in data["parties"]:
        table = party["utility"]["values"][issue["name"]]
        party["utility"]["values"][issue["name"]] = {renamed[k]: v for k, v in table.items()}
    scenario = scenario_from_document(data, "t.yaml")
    again = scenario_from_document(parse_yaml(dumps_native(scenario), "t.yaml").data, "t.yaml")
    assert again.space.issues[0].values == scenario.space.issues[0].values == tuple(issue["values"])


@given(st.text(max_size=80))
def test_any_text_parses_or_raises_a_summitry_error(text: str) -> None:
    with contextlib.suppress(SummitryError):
        parse_yaml(text, "t.yaml")


# -- the same dialect and the same messages in every file kind ----------------------------------


def test_every_file_kind_refuses_duplicate_keys(tmp_path: Path) -> None:
    """The road-map reader used to keep the last value silently; every kind refuses now."""
    commitments = tmp_path / "c.yaml"
    commitments.write_text("parties: [a, b]\nparties: [c, d]\ncommitments: []\n", encoding="utf-8")
    with pytest.raises(RoadmapFileError, match=r"c\.yaml:2:1: malformed YAML: duplicate key 'parties'"):
        read_commitments(commitments)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\nname: y\n", encoding="utf-8")
    with pytest.raises(ScenarioFormatError, match=r"s\.yaml:2:1: malformed YAML: duplicate key 'name'"):
        load_scenario(scenario)
    with pytest.raises(SummitFileError, match=r"s\.yaml:2:1: malformed YAML: duplicate key 'name'"):
        parse_summit("name: x\nname: y\n", source="s.yaml")


def test_yes_is_text_in_every_file_kind(tmp_path: Path) -> None:
    """A summit titled ``yes`` and a commitment described as ``no`` keep their text (YAML 1.1 made booleans)."""
    agenda = parse_summit(
        "name: yes\ntimezone: UTC\nmeetings:\n  - {id: a, title: yes, date: 2019-02-27, start: 18:30, "
        "duration: 20, participants: [x, y]}\n",
        source="s.yaml",
    )
    assert agenda.name == "yes" and agenda.meetings[0].title == "yes"
    path = tmp_path / "c.yaml"
    path.write_text("parties: [a, b]\ncommitments:\n  - {id: x, owner: a, description: no}\n", encoding="utf-8")
    assert read_commitments(path).commitments[0].description == "no"


@pytest.mark.parametrize("day", ["2019-02-30", "2019-13-01"])
def test_impossible_dates_are_named_errors(tmp_path: Path, day: str) -> None:
    """Impossible dates in commitments, plan and events files are errors with the field and line, not crashes."""
    commitments = tmp_path / "c.yaml"
    commitments.write_text(f"parties: [a, b]\nstart: {day}\ncommitments: []\n", encoding="utf-8")
    with pytest.raises(RoadmapFileError, match=rf"c\.yaml: start: expected a date YYYY-MM-DD .*got '{day}' \(line 2\)"):
        read_commitments(commitments)
    commitments.write_text("parties: [a, b]\ncommitments:\n  - {id: end-of-war, owner: a}\n", encoding="utf-8")
    document = read_commitments(commitments)
    plan_file = write_plan(plan(document.commitments, document.parties, start=date(2019, 3, 1)), tmp_path / "p.yaml")
    events = tmp_path / "e.yaml"
    events.write_text(f"events:\n  - {{commitment: end-of-war, kind: done, date: {day}}}\n", encoding="utf-8")
    with pytest.raises(RoadmapFileError, match=r"e\.yaml: events\[0\]\.date: expected a date .*\(line 2\)"):
        read_events(events, plan=read_plan(plan_file))


def test_unknown_fields_suggest_the_known_one_in_every_kind(tmp_path: Path) -> None:
    text = _shipped_text("hanoi-deal").replace("reservation:", "reservaton:", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        ScenarioFormatError, match=r"parties\[0\]\.reservaton: unknown field; did you mean 'reservation'\?"
    ):
        load_scenario(path)
    commitments = tmp_path / "c.yaml"
    commitments.write_text("parties: [a, b]\ncommitments:\n  - {id: x, owner: a, cots: 3}\n", encoding="utf-8")
    with pytest.raises(
        RoadmapFileError, match=r"commitments\[0\]\.cots: unknown field; did you mean 'cost'\? .*\(line 3\)"
    ):
        read_commitments(commitments)


def _shipped_text(name: str) -> str:
    return resources.files("summitry").joinpath("data", "scenarios", f"{name}.yaml").read_text(encoding="utf-8")


def test_validate_is_the_public_checker(tmp_path: Path) -> None:
    """The strict base model and the formatter, as another file kind (a tournament spec) uses them."""

    class Spec(StrictModel):
        name: str
        rounds: int = 100

    class Oops(SummitryError):
        pass

    path = tmp_path / "t.yaml"
    path.write_text("name: cup\nrouds: 3\n", encoding="utf-8")
    with pytest.raises(
        Oops,
        match=r"t\.yaml: rouds: unknown field; did you mean 'rounds'\? \(expected one of: name, rounds\) \(line 2\)$",
    ):
        validate(Spec, load_yaml(path, error=Oops), error=Oops, what="tournament file")
    path.write_text("name: cup\nrounds: .nan\n", encoding="utf-8")
    with pytest.raises(Oops, match=r"rounds: expected a finite number, got nan \(line 2\)"):
        validate(Spec, load_yaml(path, error=Oops), error=Oops, what="tournament file")
    path.write_text("", encoding="utf-8")
    with pytest.raises(Oops, match=r"t\.yaml: the file is empty; expected a tournament file with name$"):
        validate(Spec, load_yaml(path, error=Oops), error=Oops, what="tournament file")
    document = YamlDocument(data={"name": "cup", "rounds": 3}, source="inline")
    assert validate(Spec, document, error=Oops, what="tournament file") == Spec(name="cup", rounds=3)

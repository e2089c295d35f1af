"""The native scenario format: one schema, written as YAML or JSON.

See ``docs/scenario-format.md`` for the format. :func:`read_native` / :func:`write_native`
work on files; :func:`scenario_from_document` / :func:`scenario_to_document` on the parsed
data (plain dicts and lists).
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from summitry.errors import ModelError, ScenarioFormatError
from summitry.model import (
    CategoricalIssue,
    ConstrainedUtility,
    ForbiddenCombination,
    IntegerIssue,
    Issue,
    LinearAdditive,
    LinearValue,
    OutcomeSpace,
    Party,
    RealIssue,
    Scenario,
    TableUtility,
    TableValue,
    TriangularValue,
    UtilityFunction,
    Value,
    ValueFunction,
    plain_value,
)

from ._schema import (
    ConstraintSpec,
    IssueSpec,
    LinearAdditiveSpec,
    PartySpec,
    ScenarioSpec,
    TableSpec,
    TableUtilitySpec,
    _LinearForm,
    _TriangularForm,
)
from .atomic import write_text
from .loading import NATIVE_SUFFIXES
from .validation import describe_validation_error
from .yaml_files import YamlDocument, dump_yaml, parse_json, parse_yaml, read_text_file

__all__ = [
    "NATIVE_SUFFIXES",
    "dumps_native",
    "loads_native",
    "read_native",
    "scenario_from_document",
    "scenario_from_yaml",
    "scenario_to_document",
    "write_native",
]


def read_native(path: str | Path) -> Scenario:
    """Return the scenario in a native ``.yaml``/``.yml``/``.json`` file.

    Raises:
        FileNotFoundError: there is no such file.
        ScenarioFormatError: the file is malformed or does not describe a valid scenario
            (the message names the file, the item and its line).
    """
    path = Path(path)
    text = read_text_file(path, what="scenario file (.yaml, .yml or .json)")
    json_syntax = path.suffix.lower() == ".json"
    document = parse_json(text, str(path)) if json_syntax else parse_yaml(text, str(path))
    return scenario_from_yaml(document)


def loads_native(text: str, source: str, *, json_syntax: bool = False) -> Any:
    """Return the parsed data of a native file's text (YAML 1.2 core, or strict JSON).

    Raises:
        ScenarioFormatError: the text is not valid YAML (or JSON); names ``source:line:column``.
    """
    return (parse_json(text, source) if json_syntax else parse_yaml(text, source)).data


def dumps_native(scenario: Scenario, *, json_syntax: bool = False) -> str:
    """Return a scenario as native YAML (or JSON) text."""
    document = scenario_to_document(scenario)
    if json_syntax:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return dump_yaml(document)


def write_native(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario to a native file (JSON if ``path`` ends in ``.json``, YAML otherwise), atomically.

    Returns:
        The path written.
    """
    path = Path(path)
    return write_text(path, dumps_native(scenario, json_syntax=path.suffix.lower() == ".json"))


# -- document -> model ---------------------------------------------------------------------


@contextmanager
def _at(source: str, path: str) -> Iterator[None]:
    try:
        yield
    except ModelError as exc:
        raise ScenarioFormatError(f"{source}: {path}: {exc}") from None


def _fail(source: str, path: str, message: str) -> ScenarioFormatError:
    return ScenarioFormatError(f"{source}: {path}: {message}")


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def scenario_from_document(document: Any, source: str = "<scenario>") -> Scenario:
    """Return the scenario a parsed native document describes.

    Raises:
        ScenarioFormatError: the document breaks the schema or refers to unknown issues/values.
    """
    return scenario_from_yaml(YamlDocument(data=document, source=source))


def scenario_from_yaml(document: YamlDocument) -> Scenario:
    """Return the scenario a parsed native file describes; errors name the item's line when known.

    Raises:
        ScenarioFormatError: the document breaks the schema or refers to unknown issues/values.
    """
    source = document.source
    if document.is_empty:
        raise ScenarioFormatError(f"{source}: the file is empty; expected a scenario with name, issues and parties")
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else f"a single value {document.data!r:.60}"
        raise ScenarioFormatError(f"{source}: expected a mapping with name, issues and parties at the top, got {kind}")
    try:
        spec = ScenarioSpec.model_validate(document.data)
    except ValidationError as exc:
        raise ScenarioFormatError(describe_validation_error(exc, document, ScenarioSpec)) from None
    except RecursionError:
        raise ScenarioFormatError(f"{source}: nested too deeply") from None
    for what, names in (("issues", [i.name for i in spec.issues]), ("parties", [p.name for p in spec.parties])):
        for k, name in enumerate(names):
            if name in names[:k]:
                where = (what, k, "name")
                raise ScenarioFormatError(
                    document.message(where, f"{name!r} is already the name of {what}[{names.index(name)}]")
                )
    issues = tuple(_issue(source, f"issues[{k}]", s) for k, s in enumerate(spec.issues))
    with _at(source, "issues"):
        space = OutcomeSpace(issues=issues)
    constraints = tuple(_constraint(source, f"constraints[{k}]", space, c) for k, c in enumerate(spec.constraints))
    space = space.with_constraints(constraints) if constraints else space
    parties = tuple(_party(source, f"parties[{k}]", space, p) for k, p in enumerate(spec.parties))
    with _at(source, "defaults"):
        return Scenario(
            name=spec.name,
            description=spec.description,
            space=space,
            parties=parties,
            rounds=spec.defaults.rounds,
            seconds=spec.defaults.seconds,
            protocol=spec.defaults.protocol,
        )


def _issue(source: str, path: str, spec: IssueSpec) -> Issue:
    numeric = ("low", "high", "steps")
    with _at(source, path):
        if spec.type == "categorical":
            if spec.values is None:
                raise _fail(source, path, "a categorical issue needs 'values' (or set type: integer / real)")
            stray = [k for k in numeric if getattr(spec, k) is not None]
            if stray:
                raise _fail(source, path, f"a categorical issue takes 'values', not {stray}; set type: integer/real")
            return CategoricalIssue(name=spec.name, options=tuple(str(v) for v in spec.values))
        if spec.values is not None:
            raise _fail(source, path, f"a {spec.type} issue takes low/high, not 'values'")
        if spec.low is None or spec.high is None:
            raise _fail(source, path, f"a {spec.type} issue needs 'low' and 'high'")
        if spec.type == "integer":
            if spec.steps is not None:
                raise _fail(source, path, "an integer issue takes no 'steps'")
            if not (spec.low.is_integer() and spec.high.is_integer()):
                raise _fail(source, path, f"an integer issue needs integer low/high, got {spec.low}, {spec.high}")
            return IntegerIssue(name=spec.name, low=int(spec.low), high=int(spec.high))
        steps = spec.steps if spec.steps is not None else 11
        return RealIssue(name=spec.name, low=spec.low, high=spec.high, steps=steps)


def _value_of(source: str, path: str, issue: Issue, raw: Value) -> Value:
    if isinstance(issue, CategoricalIssue):
        value: Value = str(raw)
    else:
        try:
            number = float(raw)
        except ValueError:
            raise _fail(source, path, f"issue {issue.name!r} is numeric, got {raw!r}") from None
        value = int(number) if isinstance(issue, IntegerIssue) and number.is_integer() else number
    if not issue.contains(value):
        shown = list(issue.values) if issue.cardinality <= 12 else f"{issue.values[0]}..{issue.values[-1]}"
        hint = _suggest(str(value), [str(v) for v in issue.values]) if isinstance(issue, CategoricalIssue) else ""
        raise _fail(source, path, f"{raw!r} is not a value of issue {issue.name!r} (values: {shown}).{hint}")
    return issue.values[issue.level(value)]


def _issue_named(source: str, path: str, space: OutcomeSpace, name: str) -> Issue:
    if name not in space.issue_names:
        hint = _suggest(name, list(space.issue_names))
        raise _fail(source, path, f"no issue named {name!r}; the issues are {list(space.issue_names)}.{hint}")
    return space.issues[space.issue_position(name)]


def _constraint(source: str, path: str, space: OutcomeSpace, spec: ConstraintSpec) -> ForbiddenCombination:
    when: dict[str, tuple[Value, ...]] = {}
    for name, raw_values in spec.forbid.items():
        issue = _issue_named(source, f"{path}.forbid.{name}", space, name)
        when[name] = tuple(_value_of(source, f"{path}.forbid.{name}[{k}]", issue, v) for k, v in enumerate(raw_values))
    with _at(source, path):
        return ForbiddenCombination(when=when, reason=spec.reason)


def _value_function(source: str, path: str, issue: Issue, spec: Any) -> ValueFunction:
    with _at(source, path):
        if isinstance(spec, _LinearForm):
            return LinearValue(slope=spec.linear.slope, offset=spec.linear.offset)
        if isinstance(spec, _TriangularForm):
            t = spec.triangular
            return TriangularValue(low=t.low, peak=t.peak, high=t.high)
        table = spec.table if isinstance(spec, TableSpec) else spec
        evaluations: dict[Value, float] = {}
        for raw, evaluation in table.items():
            evaluations[_value_of(source, f"{path}.{raw}", issue, raw)] = evaluation
        return TableValue(evaluations=evaluations)


def _utility(source: str, path: str, space: OutcomeSpace, spec: PartySpec) -> UtilityFunction:
    u = spec.utility
    base: UtilityFunction
    with _at(source, path):
        if isinstance(u, LinearAdditiveSpec):
            for name in u.weights:
                _issue_named(source, f"{path}.utility.weights.{name}", space, name)
            values: list[ValueFunction] = []
            for issue in space.issues:
                if issue.name in u.values:
                    values.append(
                        _value_function(source, f"{path}.utility.values.{issue.name}", issue, u.values[issue.name])
                    )
                elif u.weights.get(issue.name, 0.0) > 0:
                    raise _fail(source, f"{path}.utility.values", f"issue {issue.name!r} has a weight but no values")
                else:
                    values.append(TableValue(evaluations={}))
            for name in u.values:
                _issue_named(source, f"{path}.utility.values.{name}", space, name)
            base = LinearAdditive(
                space=space,
                weights=tuple(u.weights.get(n, 0.0) for n in space.issue_names),
                values=tuple(values),
                reservation_value=spec.reservation,
                discount_factor=spec.discount,
            )
        else:
            assert isinstance(u, TableUtilitySpec)
            table = np.full(space.cardinality, u.default)
            for k, row in enumerate(u.outcomes):
                where = f"{path}.utility.outcomes[{k}].outcome"
                missing = [n for n in space.issue_names if n not in row.outcome]
                if missing:
                    raise _fail(source, where, f"lacks a value for issue(s) {missing}")
                outcome = {
                    name: _value_of(source, f"{where}.{name}", _issue_named(source, f"{where}.{name}", space, name), v)
                    for name, v in row.outcome.items()
                }
                table[space.index_of(outcome)] = row.utility
            base = TableUtility(
                space=space, table=table, reservation_value=spec.reservation, discount_factor=spec.discount
            )
    if not spec.forbid:
        return base
    constraints = tuple(_constraint(source, f"{path}.forbid[{k}]", space, c) for k, c in enumerate(spec.forbid))
    return ConstrainedUtility(base=base, constraints=constraints)


def _party(source: str, path: str, space: OutcomeSpace, spec: PartySpec) -> Party:
    utility = _utility(source, path, space, spec)
    with _at(source, path):
        return Party(name=spec.name, utility=utility, description=spec.description)


# -- model -> document ---------------------------------------------------------------------


def scenario_to_document(scenario: Scenario) -> dict[str, Any]:
    """Return a scenario as a native document (plain dicts/lists, ready for YAML or JSON).

    Raises:
        ScenarioFormatError: the scenario holds something the format cannot express (a
            constraint other than a forbidden combination, a utility of an unknown kind).
    """
    space = scenario.space
    document: dict[str, Any] = {"name": scenario.name}
    if scenario.description:
        document["description"] = scenario.description
    defaults: dict[str, Any] = {"protocol": scenario.protocol, "rounds": scenario.rounds}
    if scenario.seconds is not None:
        defaults["seconds"] = float(scenario.seconds)
    document["defaults"] = defaults
    document["issues"] = [_issue_document(i) for i in space.issues]
    if space.constraints:
        document["constraints"] = [_constraint_document(c, "the outcome space") for c in space.constraints]
    document["parties"] = [_party_document(p) for p in scenario.parties]
    return document


def _issue_document(issue: Issue) -> dict[str, Any]:
    if isinstance(issue, CategoricalIssue):
        return {"name": issue.name, "values": list(issue.options)}
    if isinstance(issue, IntegerIssue):
        return {"name": issue.name, "type": "integer", "low": issue.low, "high": issue.high}
    return {"name": issue.name, "type": "real", "low": issue.low, "high": issue.high, "steps": issue.cardinality}


def _constraint_document(constraint: object, owner: str) -> dict[str, Any]:
    if not isinstance(constraint, ForbiddenCombination):
        raise ScenarioFormatError(
            f"{owner}: constraint {type(constraint).__name__} cannot be written; "
            "the native format holds forbidden combinations only"
        )
    document: dict[str, Any] = {"forbid": {k: [plain_value(v) for v in vs] for k, vs in constraint.when.items()}}
    if constraint.reason:
        document["reason"] = constraint.reason
    return document


def _party_document(party: Party) -> dict[str, Any]:
    utility = party.utility
    document: dict[str, Any] = {"name": party.name}
    if party.description:
        document["description"] = party.description
    document["reservation"] = float(utility.reservation_value)
    if utility.discount_factor is not None:
        document["discount"] = float(utility.discount_factor)
    forbid: list[dict[str, Any]] = []
    if isinstance(utility, ConstrainedUtility):
        if utility.infeasible != -math.inf:
            raise ScenarioFormatError(
                f"party {party.name!r}: infeasible outcomes worth {utility.infeasible} cannot be written "
                "(the native format uses -inf)"
            )
        forbid = [_constraint_document(c, f"party {party.name!r}") for c in utility.constraints]
        utility = utility.base
    document["utility"] = _utility_document(party.name, utility)
    if forbid:
        document["forbid"] = forbid
    return document


def _utility_document(party: str, utility: UtilityFunction) -> dict[str, Any]:
    space = utility.space
    if isinstance(utility, LinearAdditive):
        weights = {n: w for n, w in zip(space.issue_names, utility.weights, strict=True)}
        values = {
            issue.name: _value_document(vf)
            for issue, vf in zip(space.issues, utility.values, strict=True)
            if not (isinstance(vf, TableValue) and not vf.evaluations)
        }
        return {"type": "linear-additive", "weights": weights, "values": values}
    if isinstance(utility, TableUtility):
        rows = [
            {"outcome": {n: plain_value(v) for n, v in space.as_dict(space.outcome(i)).items()}, "utility": float(u)}
            for i, u in enumerate(utility.table)
            if u != 0.0
        ]
        return {"type": "table", "default": 0.0, "outcomes": rows}
    raise ScenarioFormatError(
        f"party {party!r}: a {type(utility).__name__} utility cannot be written in the native format"
    )


def _value_document(vf: ValueFunction) -> dict[Any, Any]:
    if isinstance(vf, LinearValue):
        return {"linear": {"slope": vf.slope, "offset": vf.offset}}
    if isinstance(vf, TriangularValue):
        return {"triangular": {"low": vf.low, "peak": vf.peak, "high": vf.high}}
    return {plain_value(v): e for v, e in vf.evaluations.items()}

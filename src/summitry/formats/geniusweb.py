"""GeniusWeb JSON: a domain file (``issuesValues``) plus ``LinearAdditiveUtilitySpace`` profiles.

GeniusWeb uses value utilities as given (no division by the largest), so on reading each
issue's weight is multiplied by its largest value utility: the model's utility then equals
GeniusWeb's on every outcome. A ``reservationBid`` becomes a reservation value equal to that
bid's utility. Writing picks, as reservation bid, the outcome whose utility is closest to the
reservation value (none when it is 0 or less); discount factors are not written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from summitry.errors import ModelError, ScenarioFormatError
from summitry.model import (
    CategoricalIssue,
    IntegerIssue,
    Issue,
    LinearAdditive,
    LinearValue,
    OutcomeSpace,
    Party,
    RealIssue,
    Scenario,
    TableValue,
    Value,
    ValueFunction,
)

from .atomic import file_stem, unique_name, write_scenario_folder
from .validation import Weight, describe_validation_error
from .yaml_files import YamlDocument, load_yaml

__all__ = [
    "find_domain_file",
    "is_domain_file",
    "is_profile_file",
    "read_geniusweb",
    "render_geniusweb",
    "write_geniusweb",
]


def _decimal(raw: Any) -> Any:
    number = None
    if isinstance(raw, str | int | float) and not isinstance(raw, bool):
        try:
            number = float(raw)
        except (ValueError, OverflowError):
            number = None
    if number is None or not math.isfinite(number):
        raise PydanticCustomError("number", "expected a finite number")
    return number


Decimal = Annotated[float, BeforeValidator(_decimal)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Range(_Spec):
    low: Decimal
    high: Decimal
    step: Decimal


class _ValueSet(_Spec):
    values: list[str] | None = None
    range: _Range | None = None


class _Domain(_Spec):
    name: str = ""
    issuesValues: dict[str, _ValueSet]


class _DiscreteUtils(_Spec):
    valueUtilities: dict[str, Decimal]


class _NumberUtils(_Spec):
    lowValue: Decimal
    lowUtility: Decimal
    highValue: Decimal
    highUtility: Decimal


class _IssueUtility(_Spec):
    discreteutils: _DiscreteUtils | None = None
    numberutils: _NumberUtils | None = None


class _Bid(_Spec):
    issuevalues: dict[str, str | int | float]


class _LinearAdditiveSpace(_Spec):
    name: str = ""
    domain: _Domain | None = None
    issueUtilities: dict[str, _IssueUtility]
    issueWeights: dict[str, Weight]
    reservationBid: _Bid | None = None


class _Profile(_Spec):
    LinearAdditiveUtilitySpace: _LinearAdditiveSpace


def _load_json(path: Path) -> Any:
    return load_yaml(path, what="GeniusWeb JSON file").data


def is_domain_file(path: Path) -> bool:
    """Return whether ``path`` is a JSON file holding a GeniusWeb domain (``issuesValues`` at the top)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and "issuesValues" in document


def is_profile_file(path: Path) -> bool:
    """Return whether ``path`` is a JSON file holding a GeniusWeb ``LinearAdditiveUtilitySpace`` profile."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and "LinearAdditiveUtilitySpace" in document


def find_domain_file(folder: Path) -> Path | None:
    """Return the GeniusWeb domain file in ``folder``, or None."""
    found = [p for p in sorted(Path(folder).glob("*.json")) if is_domain_file(p)]
    return found[0] if found else None


def _validate(model: type[_Spec], document: Any, source: str) -> Any:
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        located = YamlDocument(data=document, source=source)
        raise ScenarioFormatError(describe_validation_error(exc, located, model)) from None


def _issue(source: str, name: str, spec: _ValueSet) -> Issue:
    where = f"{source}: issuesValues.{name}"
    try:
        if spec.values is not None:
            return CategoricalIssue(name=name, options=tuple(spec.values))
        if spec.range is None:
            raise ScenarioFormatError(f"{where}: expected 'values' or 'range', got neither")
        r = spec.range
        if r.step <= 0:
            raise ScenarioFormatError(f"{where}.range.step: expected a number > 0, got {r.step}")
        if all(float(x).is_integer() for x in (r.low, r.high)) and r.step == 1:
            return IntegerIssue(name=name, low=int(r.low), high=int(r.high))
        steps = (r.high - r.low) / r.step
        if abs(steps - round(steps)) > 1e-9:
            raise ScenarioFormatError(f"{where}.range: (high - low) / step must be a whole number, got {steps}")
        return RealIssue(name=name, low=r.low, high=r.high, steps=round(steps) + 1)
    except ModelError as exc:
        raise ScenarioFormatError(f"{where}: {exc}") from None


def _space(source: str, domain: _Domain) -> OutcomeSpace:
    if not domain.issuesValues:
        raise ScenarioFormatError(f"{source}: issuesValues: expected at least one issue, got none")
    return OutcomeSpace(issues=tuple(_issue(source, n, s) for n, s in domain.issuesValues.items()))


def _value_function(source: str, issue: Issue, spec: _IssueUtility) -> tuple[ValueFunction, float]:
    """Return the value function and the factor its weight must be multiplied by."""
    where = f"{source}: LinearAdditiveUtilitySpace.issueUtilities.{issue.name}"
    if isinstance(issue, CategoricalIssue):
        if spec.discreteutils is None:
            raise ScenarioFormatError(f"{where}: a discrete issue needs 'discreteutils'")
        table = spec.discreteutils.valueUtilities
        unknown = [v for v in table if not issue.contains(v)]
        if unknown:
            raise ScenarioFormatError(
                f"{where}: value(s) {unknown} not in the domain (values: {list(issue.values)}); "
                "does this profile belong to the domain?"
            )
        top = max(table.values(), default=0.0)
        evaluations: dict[Value, float] = {value: utility for value, utility in table.items()}
        return TableValue(evaluations=evaluations), (top if top > 0 else 0.0)
    if spec.numberutils is None:
        raise ScenarioFormatError(f"{where}: a number issue needs 'numberutils'")
    n = spec.numberutils
    slope = 0.0 if n.highValue == n.lowValue else (n.highUtility - n.lowUtility) / (n.highValue - n.lowValue)
    return LinearValue(slope=slope, offset=n.lowUtility - slope * n.lowValue), 1.0


def _party(source: str, name: str, space: OutcomeSpace, domain: _Domain, spec: _LinearAdditiveSpace) -> Party:
    if spec.domain is not None and (
        list(spec.domain.issuesValues) != list(domain.issuesValues)
        or any(spec.domain.issuesValues[k] != v for k, v in domain.issuesValues.items())
    ):
        raise ScenarioFormatError(
            f"{source}: profile does not match its domain: its embedded domain differs from the domain file's"
        )
    for field, mapping in (("issueUtilities", spec.issueUtilities), ("issueWeights", spec.issueWeights)):
        unknown = [k for k in mapping if k not in space.issue_names]
        missing = [k for k in space.issue_names if k not in mapping]
        if unknown or missing:
            raise ScenarioFormatError(
                f"{source}: LinearAdditiveUtilitySpace.{field}: profile does not match its domain "
                f"(unknown issue(s) {unknown}, missing issue(s) {missing})"
            )
    values, weights = [], []
    for issue in space.issues:
        vf, factor = _value_function(source, issue, spec.issueUtilities[issue.name])
        values.append(vf)
        weights.append(spec.issueWeights[issue.name] * factor)
    try:
        utility = LinearAdditive(space=space, weights=tuple(weights), values=tuple(values))
        if spec.reservationBid is not None:
            bid = {k: _bid_value(space, k, v) for k, v in spec.reservationBid.issuevalues.items()}
            reservation = utility(bid)
            utility = LinearAdditive(
                space=space, weights=tuple(weights), values=tuple(values), reservation_value=reservation
            )
        return Party(name=name, utility=utility)
    except ModelError as exc:
        raise ScenarioFormatError(f"{source}: LinearAdditiveUtilitySpace: {exc}") from None


def _bid_value(space: OutcomeSpace, name: str, raw: str | int | float) -> str | int | float:
    issue = space.issues[space.issue_position(name)]
    if isinstance(issue, CategoricalIssue) or isinstance(raw, int | float):
        return raw
    try:
        return float(raw)
    except ValueError:
        raise ScenarioFormatError(f"reservationBid: issue {name!r} is numeric, got {raw!r}") from None


def read_geniusweb(folder: str | Path) -> Scenario:
    """Return the scenario in a GeniusWeb folder: one domain JSON plus the profile JSONs (sorted).

    Raises:
        ScenarioFormatError: malformed JSON (names ``file:line``), no domain, fewer than two
            profiles, or a profile that does not match the domain.
    """
    folder = Path(folder)
    documents = {p: _load_json(p) for p in sorted(folder.glob("*.json"))}
    domains = [p for p, d in documents.items() if isinstance(d, dict) and "issuesValues" in d]
    if len(domains) != 1:
        raise ScenarioFormatError(
            f"{folder}: expected exactly one GeniusWeb domain file (with issuesValues), "
            f"found {[p.name for p in domains]}"
        )
    domain_path = domains[0]
    domain = _validate(_Domain, documents[domain_path], str(domain_path))
    space = _space(str(domain_path), domain)
    parties = []
    for path, document in documents.items():
        if path == domain_path:
            continue
        if not isinstance(document, dict) or "LinearAdditiveUtilitySpace" not in document:
            raise ScenarioFormatError(
                f"{path}: expected a GeniusWeb LinearAdditiveUtilitySpace profile or domain, got keys "
                f"{list(document)[:5] if isinstance(document, dict) else type(document).__name__}"
            )
        profile = _validate(_Profile, document, str(path))
        parties.append(_party(str(path), path.stem, space, domain, profile.LinearAdditiveUtilitySpace))
    if len(parties) < 2:
        raise ScenarioFormatError(f"{folder}: expected at least two GeniusWeb profiles, found {len(parties)}")
    return Scenario(
        name=domain.name or folder.resolve().name,
        description=f"GeniusWeb domain {domain_path.name}",
        space=space,
        parties=tuple(parties),
    )


# -- writing --------------------------------------------------------------------------------


def _domain_document(scenario: Scenario) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for issue in scenario.space.issues:
        if isinstance(issue, CategoricalIssue):
            values[issue.name] = {"values": list(issue.options)}
        elif isinstance(issue, IntegerIssue):
            values[issue.name] = {"range": {"low": issue.low, "high": issue.high, "step": 1}}
        else:
            step = issue.step if issue.step > 0 else 1.0
            values[issue.name] = {"range": {"low": issue.low, "high": issue.high, "step": step}}
    return {"name": scenario.name, "issuesValues": values}


def _reservation_bid(utility: LinearAdditive) -> dict[str, Any] | None:
    if utility.reservation_value <= 0:
        return None
    space = utility.space
    best_index, best_gap = -1, math.inf
    for block in space.chunks():
        gaps = np.abs(utility.batch(block) - utility.reservation_value)
        if gaps.size and float(gaps.min()) < best_gap:
            best_gap, best_index = float(gaps.min()), int(block[int(gaps.argmin())])
    if best_index < 0:
        return None
    return {"issuevalues": space.as_dict(space.outcome(best_index))}


def _profile_document(scenario: Scenario, party: Party, domain: dict[str, Any]) -> dict[str, Any]:
    utility = party.utility
    if not isinstance(utility, LinearAdditive):
        raise ScenarioFormatError(
            f"party {party.name!r}: GeniusWeb holds linear additive utilities only, got "
            f"{type(utility).__name__}; use the native format"
        )
    issue_utilities: dict[str, Any] = {}
    for issue, vf in zip(scenario.space.issues, utility.values, strict=True):
        if isinstance(issue, CategoricalIssue):
            levels = vf.levels(issue)
            issue_utilities[issue.name] = {
                "discreteutils": {"valueUtilities": {v: float(u) for v, u in zip(issue.options, levels, strict=True)}}
            }
        elif isinstance(vf, LinearValue):
            low, high = float(issue.values[0]), float(issue.values[-1])
            issue_utilities[issue.name] = {
                "numberutils": {
                    "lowValue": low,
                    "lowUtility": vf.offset + vf.slope * low,
                    "highValue": high,
                    "highUtility": vf.offset + vf.slope * high,
                }
            }
        else:
            raise ScenarioFormatError(
                f"party {party.name!r}: number issue {issue.name!r}: GeniusWeb holds linear number "
                f"utilities only, got {type(vf).__name__}; use the native format"
            )
    space_doc: dict[str, Any] = {
        "name": party.name,
        "domain": domain,
        "issueUtilities": issue_utilities,
        "issueWeights": dict(zip(scenario.space.issue_names, utility.weights, strict=True)),
    }
    bid = _reservation_bid(utility)
    if bid is not None:
        space_doc["reservationBid"] = bid
    return {"LinearAdditiveUtilitySpace": space_doc}


def render_geniusweb(scenario: Scenario) -> dict[str, str]:
    """Return ``{file name: JSON text}``: the domain file and one profile per party.

    Raises:
        ScenarioFormatError: hard constraints or utilities GeniusWeb cannot hold.
    """
    if scenario.space.constraints:
        raise ScenarioFormatError(
            f"scenario {scenario.name!r} has hard constraints, which GeniusWeb cannot hold; use the native format"
        )
    domain = _domain_document(scenario)
    domain_name = f"{file_stem(scenario.name)}.json"
    files = {domain_name: json.dumps(domain, indent=2, ensure_ascii=False) + "\n"}
    for party in scenario.parties:
        document = _profile_document(scenario, party, domain)
        files[unique_name(file_stem(party.name), ".json", files)] = (
            json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        )
    return files


def write_geniusweb(scenario: Scenario, folder: str | Path) -> list[Path]:
    """Write a scenario as a GeniusWeb folder (domain + one profile per party) and return the files written.

    Raises:
        ScenarioFormatError: see :func:`render_geniusweb`; nothing is written then.
    """
    return write_scenario_folder(folder, render_geniusweb(scenario), kind="GeniusWeb")

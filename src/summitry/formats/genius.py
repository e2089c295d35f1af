"""GENIUS XML: a domain file (``<negotiation_template>``) plus one profile (``<utility_space>``) per party.

Raw evaluations and weights are kept as read (:class:`TableValue` divides by the largest
evaluation when the utility is built, as GENIUS does). Numeric issues read ``<evaluator
ftype="linear">`` in its ``slope``/``offset``, ``parameter1``/``parameter0`` and (utility at
the bounds) ``lowerbound``/``upperbound`` forms. A real issue's ``steps`` attribute is a
summitry extension (GENIUS ignores it); without it a real issue gets 11 values.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

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
    TriangularValue,
    Value,
    ValueFunction,
)

from ._xml import LineElement, parse_xml
from .atomic import file_stem, unique_name, write_scenario_folder

__all__ = ["read_genius", "render_genius", "write_genius"]


@dataclass(frozen=True, slots=True)
class _Document:
    path: Path
    root: LineElement

    def where(self, element: ET.Element | None = None) -> str:
        line = getattr(element if element is not None else self.root, "line", 0)
        return f"{self.path}:{line}" if line else str(self.path)


def _kind(root: ET.Element) -> str | None:
    if root.tag == "negotiation_template":
        return "domain"
    if root.tag != "utility_space":
        return None
    if root.find(".//weight") is not None or any("evaluation" in e.attrib for e in root.iter("item")):
        return "profile"
    return "domain"


def _issue_elements(doc: _Document) -> list[ET.Element]:
    objective = doc.root.find(".//objective")
    if objective is None:
        raise ScenarioFormatError(f"{doc.where()}: expected an <objective> element holding the issues, found none")
    issues = list(objective.iter("issue"))
    if not issues:
        raise ScenarioFormatError(f"{doc.where(objective)}: <objective> holds no <issue> elements")
    return issues


def _number(doc: _Document, element: ET.Element, attribute: str) -> float:
    raw = element.get(attribute)
    if raw is None:
        raise ScenarioFormatError(f"{doc.where(element)}: <{element.tag}> lacks attribute {attribute}=")
    try:
        value = float(raw)
    except ValueError:
        raise ScenarioFormatError(
            f"{doc.where(element)}: <{element.tag}> {attribute}= expected a number, got {raw!r}"
        ) from None
    if not math.isfinite(value):
        raise ScenarioFormatError(
            f"{doc.where(element)}: <{element.tag}> {attribute}= expected a finite number, got {raw!r}"
        )
    return value


def _issue_type(element: ET.Element) -> str:
    return (element.get("type") or element.get("vtype") or element.get("etype") or "discrete").lower()


def _items(element: ET.Element) -> list[ET.Element]:
    return [child for child in element if child.tag == "item"]  # direct children only (not similarity items)


def _domain_issue(doc: _Document, element: ET.Element) -> Issue:
    name = element.get("name")
    if not name:
        raise ScenarioFormatError(f"{doc.where(element)}: <issue> lacks a name= attribute")
    kind = _issue_type(element)
    try:
        if kind == "discrete":
            values = []
            for item in _items(element):
                if item.get("value") is None:
                    raise ScenarioFormatError(f"{doc.where(item)}: issue {name!r}: <item> lacks a value= attribute")
                values.append(item.get("value", ""))
            return CategoricalIssue(name=name, options=tuple(values))
        low, high = _number(doc, element, "lowerbound"), _number(doc, element, "upperbound")
        if kind == "integer":
            if not (low.is_integer() and high.is_integer()):
                raise ScenarioFormatError(f"{doc.where(element)}: integer issue {name!r} needs integer bounds")
            return IntegerIssue(name=name, low=int(low), high=int(high))
        if kind == "real":
            steps = int(_number(doc, element, "steps")) if element.get("steps") is not None else 11
            return RealIssue(name=name, low=low, high=high, steps=steps)
    except ModelError as exc:
        raise ScenarioFormatError(f"{doc.where(element)}: {exc}") from None
    raise ScenarioFormatError(
        f"{doc.where(element)}: issue {name!r}: expected type discrete, integer or real, got {kind!r}"
    )


def _read_domain(doc: _Document) -> OutcomeSpace:
    issues = tuple(_domain_issue(doc, e) for e in _issue_elements(doc))
    try:
        return OutcomeSpace(issues=issues)
    except ModelError as exc:
        raise ScenarioFormatError(f"{doc.where()}: {exc}") from None


def _evaluator(doc: _Document, element: ET.Element, issue: Issue) -> ValueFunction:
    evaluator = element.find("evaluator")
    if evaluator is None:
        raise ScenarioFormatError(f"{doc.where(element)}: numeric issue {issue.name!r} needs an <evaluator>")
    ftype = (evaluator.get("ftype") or "linear").lower()
    has = evaluator.attrib.__contains__
    if ftype == "linear":
        if has("slope"):
            offset = _number(doc, evaluator, "offset") if has("offset") else 0.0
            return LinearValue(slope=_number(doc, evaluator, "slope"), offset=offset)
        if has("parameter1"):
            offset = _number(doc, evaluator, "parameter0") if has("parameter0") else 0.0
            return LinearValue(slope=_number(doc, evaluator, "parameter1"), offset=offset)
        if has("lowerbound") and has("upperbound"):
            at_low, at_high = _number(doc, evaluator, "lowerbound"), _number(doc, evaluator, "upperbound")
            low, high = float(issue.values[0]), float(issue.values[-1])
            slope = 0.0 if high == low else (at_high - at_low) / (high - low)
            return LinearValue(slope=slope, offset=at_low - slope * low)
        raise ScenarioFormatError(
            f"{doc.where(evaluator)}: linear evaluator needs slope/offset, parameter0/parameter1 "
            "or lowerbound/upperbound attributes"
        )
    if ftype == "triangular":
        try:
            return TriangularValue(
                low=_number(doc, evaluator, "parameter0"),
                high=_number(doc, evaluator, "parameter1"),
                peak=_number(doc, evaluator, "parameter2"),
            )
        except ModelError as exc:
            raise ScenarioFormatError(f"{doc.where(evaluator)}: {exc}") from None
    raise ScenarioFormatError(f"{doc.where(evaluator)}: expected ftype linear or triangular, got {ftype!r}")


def _profile_values(doc: _Document, element: ET.Element, issue: Issue) -> ValueFunction:
    if not isinstance(issue, CategoricalIssue):
        if _issue_type(element) == "discrete":
            raise ScenarioFormatError(
                f"{doc.where(element)}: issue {issue.name!r} is discrete here but numeric in the domain; "
                "does this profile belong to the domain?"
            )
        return _evaluator(doc, element, issue)
    evaluations: dict[Value, float] = {}
    for item in _items(element):
        value = item.get("value")
        if value is None or not issue.contains(value):
            raise ScenarioFormatError(
                f"{doc.where(item)}: issue {issue.name!r}: value {value!r} is not in the domain "
                f"(domain values: {list(issue.values)}); does this profile belong to the domain?"
            )
        evaluations[value] = _number(doc, item, "evaluation")
    return TableValue(evaluations=evaluations)


def _scalar(doc: _Document, tag: str) -> float | None:
    element = doc.root.find(f".//{tag}")
    return None if element is None else _number(doc, element, "value")


def _read_profile(doc: _Document, space: OutcomeSpace, name: str) -> Party:
    elements = _issue_elements(doc)
    by_name: dict[str, ET.Element] = {}
    index_to_name: dict[str, str] = {}
    for position, element in enumerate(elements, start=1):
        issue_name = element.get("name", "")
        if issue_name not in space.issue_names:
            raise ScenarioFormatError(
                f"{doc.where(element)}: profile names issue {issue_name!r}, which the domain lacks "
                f"(domain issues: {list(space.issue_names)})"
            )
        by_name[issue_name] = element
        index_to_name[element.get("index", str(position))] = issue_name
    missing = [n for n in space.issue_names if n not in by_name]
    if missing:
        raise ScenarioFormatError(f"{doc.where()}: profile does not match its domain: it lacks issue(s) {missing}")
    weights: dict[str, float] = {}
    for weight in doc.root.iter("weight"):
        index = weight.get("index", "")
        if index not in index_to_name:
            raise ScenarioFormatError(
                f"{doc.where(weight)}: <weight index={index!r}> names no issue of this profile "
                f"(issue indices: {sorted(index_to_name)})"
            )
        value = _number(doc, weight, "value")
        if value < 0:
            raise ScenarioFormatError(
                f"{doc.where(weight)}: weight of issue {index_to_name[index]!r}: expected a number >= 0, got {value}"
            )
        weights[index_to_name[index]] = value
    unweighted = [n for n in space.issue_names if n not in weights]
    if unweighted:
        raise ScenarioFormatError(f"{doc.where()}: profile gives no <weight> for issue(s) {unweighted}")
    values = tuple(_profile_values(doc, by_name[i.name], i) for i in space.issues)
    discount = _scalar(doc, "discount_factor")
    if discount is not None and not 0.0 < discount <= 1.0:
        discount = None  # GENIUS: 0 (or out of range) means no discounting
    try:
        utility = LinearAdditive(
            space=space,
            weights=tuple(weights[n] for n in space.issue_names),
            values=values,
            reservation_value=_scalar(doc, "reservation") or 0.0,
            discount_factor=discount,
        )
        return Party(name=name, utility=utility)
    except ModelError as exc:
        raise ScenarioFormatError(f"{doc.where()}: {exc}") from None


def read_genius(path: str | Path) -> Scenario:
    """Return the scenario in a GENIUS folder (or given by its domain file).

    The folder holds one domain file and the profiles, one per party, named after the
    profile files (sorted). Other XML files in the folder are refused.

    Raises:
        ScenarioFormatError: a file is malformed, there is not exactly one domain, fewer
            than two profiles, or a profile does not match the domain (names ``file:line``).
        UnsafeXMLError: a file carries a DOCTYPE or entities.
    """
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    documents = [_Document(p, parse_xml(p)) for p in sorted(folder.glob("*.xml"))]
    kinds = {d.path: _kind(d.root) for d in documents}
    strangers = [str(p) for p, k in kinds.items() if k is None]
    if strangers:
        raise ScenarioFormatError(
            f"{strangers[0]}: not a GENIUS domain (<negotiation_template>) or profile (<utility_space>)"
        )
    domains = [d for d in documents if kinds[d.path] == "domain"]
    if not path.is_dir():
        if kinds.get(path) != "domain":
            raise ScenarioFormatError(f"{path}: is a GENIUS profile, not a domain; pass its folder or domain file")
        domains = [d for d in domains if d.path == path]
    if len(domains) != 1:
        found = [d.path.name for d in domains] or "none"
        raise ScenarioFormatError(f"{folder}: expected exactly one GENIUS domain file, found {found}")
    domain = domains[0]
    space = _read_domain(domain)
    profiles = [d for d in documents if kinds[d.path] == "profile"]
    if len(profiles) < 2:
        raise ScenarioFormatError(f"{folder}: expected at least two GENIUS profiles, found {len(profiles)}")
    parties = tuple(_read_profile(d, space, d.path.stem) for d in profiles)
    return Scenario(
        name=folder.resolve().name,
        description=f"GENIUS domain {domain.path.name}",
        space=space,
        parties=parties,
    )


# -- writing --------------------------------------------------------------------------------


def _issue_element(parent: ET.Element, index: int, issue: Issue) -> ET.Element:
    kind = (
        "discrete" if isinstance(issue, CategoricalIssue) else "integer" if isinstance(issue, IntegerIssue) else "real"
    )
    attrs = {"index": str(index), "etype": kind, "type": kind, "vtype": kind, "name": issue.name}
    if isinstance(issue, IntegerIssue | RealIssue):
        attrs |= {"lowerbound": repr(issue.low), "upperbound": repr(issue.high)}
        if isinstance(issue, RealIssue):
            attrs["steps"] = str(issue.cardinality)
    return ET.SubElement(parent, "issue", attrs)


def _objective(root: ET.Element, name: str) -> ET.Element:
    attrs = {"index": "0", "etype": "objective", "type": "objective", "description": "", "name": name}
    return ET.SubElement(root, "objective", attrs)


def _to_text(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _domain_text(scenario: Scenario) -> str:
    root = ET.Element("negotiation_template")
    space_el = ET.SubElement(root, "utility_space", {"number_of_issues": str(len(scenario.space.issues))})
    objective = _objective(space_el, scenario.name)
    for index, issue in enumerate(scenario.space.issues, start=1):
        element = _issue_element(objective, index, issue)
        if isinstance(issue, CategoricalIssue):
            for k, value in enumerate(issue.options, start=1):
                ET.SubElement(element, "item", {"index": str(k), "value": value})
    return _to_text(root)


def _profile_text(scenario: Scenario, party: Party) -> str:
    utility = party.utility
    if not isinstance(utility, LinearAdditive):
        raise ScenarioFormatError(
            f"party {party.name!r}: GENIUS XML holds linear additive utilities only, "
            f"got {type(utility).__name__}; use the native format"
        )
    root = ET.Element("utility_space")
    objective = _objective(root, scenario.name)
    for index, (issue, vf) in enumerate(zip(scenario.space.issues, utility.values, strict=True), start=1):
        element = _issue_element(objective, index, issue)
        if isinstance(issue, CategoricalIssue):
            if not isinstance(vf, TableValue):
                raise ScenarioFormatError(f"party {party.name!r}: issue {issue.name!r} needs a table of evaluations")
            for k, value in enumerate(issue.options, start=1):
                evaluation = vf.evaluations.get(value, 0.0)
                ET.SubElement(element, "item", {"index": str(k), "value": value, "evaluation": repr(evaluation)})
        elif isinstance(vf, LinearValue):
            ET.SubElement(element, "evaluator", {"ftype": "linear", "offset": repr(vf.offset), "slope": repr(vf.slope)})
        elif isinstance(vf, TriangularValue):
            params = {"parameter0": repr(vf.low), "parameter1": repr(vf.high), "parameter2": repr(vf.peak)}
            ET.SubElement(element, "evaluator", {"ftype": "triangular", **params})
        else:
            raise ScenarioFormatError(
                f"party {party.name!r}: numeric issue {issue.name!r}: GENIUS XML holds linear or triangular "
                "evaluators only, got a table; use the native format"
            )
    for index, weight in enumerate(utility.weights, start=1):
        ET.SubElement(objective, "weight", {"index": str(index), "value": repr(weight)})
    ET.SubElement(root, "reservation", {"value": repr(utility.reservation_value)})
    if utility.discount_factor is not None:
        ET.SubElement(root, "discount_factor", {"value": repr(float(utility.discount_factor))})
    return _to_text(root)


def render_genius(scenario: Scenario) -> dict[str, str]:
    """Return ``{file name: XML text}``: the domain file and one profile per party.

    Raises:
        ScenarioFormatError: the scenario has hard constraints or non-linear-additive utilities,
            which GENIUS XML cannot hold.
    """
    if scenario.space.constraints:
        raise ScenarioFormatError(
            f"scenario {scenario.name!r} has hard constraints, which GENIUS XML cannot hold; use the native format"
        )
    domain_name = f"{file_stem(scenario.name)}-domain.xml"
    files = {domain_name: _domain_text(scenario)}
    for party in scenario.parties:
        files[unique_name(file_stem(party.name), ".xml", files)] = _profile_text(scenario, party)
    return files


def write_genius(scenario: Scenario, folder: str | Path) -> list[Path]:
    """Write a scenario as a GENIUS folder (domain + one profile per party) and return the files written.

    Raises:
        ScenarioFormatError: see :func:`render_genius`; nothing is written then.
    """
    return write_scenario_folder(folder, render_genius(scenario), kind="GENIUS")

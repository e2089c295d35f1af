"""Reading NegMAS's own scenario folders (YAML or JSON), without NegMAS and without running code.

NegMAS (``Scenario.dumpas(folder, "yml")``/``"json"``) writes one domain file (``type:
DiscreteCartesianOutcomeSpace`` with its ``issues``) and one file per utility function, named
after it. This reader takes the linear-additive (``LinearAdditiveUtilityFunction`` with
``TableFun``, ``LinearFun``, ``AffineFun``, ``IdentityFun`` or ``ConstFun`` per issue), linear
(``LinearUtilityFunction``/``AffineUtilityFunction``) and mapping (``MappingUtilityFunction``:
a value per outcome) utilities, optionally inside ``ExpDiscountedUFun`` over relative time.
Each party's utility becomes a table holding, for every outcome, exactly the value NegMAS
computes (``bias + Σ wᵢ·fᵢ(xᵢ)`` in NegMAS's order), named after its file.

Nothing is ever unpickled, evaluated or imported: a field holding a pickled object (NegMAS's
``__CLOUDPICKLE_START__``/``__LAMBDAOBJ__``/``__FUNCTION_START__`` payloads, YAML
``!!binary`` or ``!!python/...`` tags) or a type that is code (``LambdaFun``,
``LambdaUtilityFunction``, a class outside NegMAS) is refused with
:class:`~summitry.errors.UnsafeScenarioError`, naming the file and field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from summitry.errors import ScenarioFormatError, UnsafeScenarioError
from summitry.model import (
    CategoricalIssue,
    IntegerIssue,
    Issue,
    OutcomeSpace,
    Party,
    RealIssue,
    Scenario,
    TableUtility,
)

__all__ = ["is_negmas_domain_file", "is_negmas_folder", "read_negmas"]

SUFFIXES = (".yml", ".yaml", ".json")
_PICKLE_MARKERS = ("__CLOUDPICKLE_START__:", "__LAMBDAOBJ__:", "__FUNCTION_START__:")
_CODE_TYPES = ("LambdaFun", "LambdaMultiFun", "LambdaUtilityFunction")
_VALUE_FUNCTIONS = ("TableFun", "LinearFun", "AffineFun", "IdentityFun", "ConstFun")
_UTILITIES = (
    "LinearAdditiveUtilityFunction",
    "LinearUtilityFunction",
    "AffineUtilityFunction",
    "MappingUtilityFunction",
    "ExpDiscountedUFun",
)


class _Loader(yaml.SafeLoader):
    """Safe YAML, with sequence keys (NegMAS's outcomes) read as tuples."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list):
                key = tuple(key)
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioFormatError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    try:
        return yaml.load(text, Loader=_Loader)  # reason: _Loader is a SafeLoader
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        if "python/" in str(exc.problem):
            raise UnsafeScenarioError(
                f"{path}{line}: a Python object tag ({exc.problem}); summitry never builds Python objects "
                "from a file (it would run code)"
            ) from None
        raise ScenarioFormatError(f"{path}{line}: malformed YAML: {exc.problem}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ScenarioFormatError(f"{path}{line}: malformed YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioFormatError(f"{path}: malformed YAML: {exc}") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a value PyYAML cannot build (a bad date)
        raise ScenarioFormatError(f"{path}: malformed YAML: {type(exc).__name__}: {exc}") from None


def _refuse_code(value: Any, path: Path, field: str) -> None:
    """Raise UnsafeScenarioError if ``value`` (recursively) holds a pickle or a type that is code."""
    if isinstance(value, bytes | bytearray):
        kind = next((m.rstrip(":") for m in _PICKLE_MARKERS if bytes(value).startswith(m.encode())), "binary data")
        raise UnsafeScenarioError(
            f"{path}: field {field!r} holds {kind} (a pickled Python object); summitry never unpickles "
            "(it would run code). Save the utility as a table or linear-additive function instead"
        )
    if isinstance(value, str):
        if value.startswith(_PICKLE_MARKERS):
            raise UnsafeScenarioError(
                f"{path}: field {field!r} holds a pickled Python object ({value.split(':', 1)[0]}); summitry never "
                "unpickles (it would run code)"
            )
        return
    if isinstance(value, dict):
        type_name = value.get("type")
        if isinstance(type_name, str) and type_name.rsplit(".", 1)[-1] in _CODE_TYPES:
            raise UnsafeScenarioError(
                f"{path}: field {field!r} is a {type_name}, a Python function; summitry does not run code from a file"
            )
        if isinstance(type_name, str) and "." in type_name and not type_name.startswith("negmas."):
            raise UnsafeScenarioError(
                f"{path}: field {field!r} names class {type_name!r} outside NegMAS; "
                "summitry imports nothing from a file"
            )
        for key, item in value.items():
            _refuse_code(key, path, field)
            _refuse_code(item, path, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list | tuple):
        for position, item in enumerate(value):
            _refuse_code(item, path, f"{field}[{position}]")


def _type(document: Any) -> str:
    kind = document.get("type") if isinstance(document, dict) else None
    return kind.rsplit(".", 1)[-1] if isinstance(kind, str) else ""


def is_negmas_domain_file(path: Path) -> bool:
    """Return whether ``path`` is a NegMAS domain file (its ``type`` is an outcome space)."""
    if path.suffix.lower() not in SUFFIXES or path.name.startswith(("_", ".")):
        return False
    try:
        document = _load(path)
    except (ScenarioFormatError, OSError, UnicodeDecodeError):
        return False
    return _type(document).endswith("OutcomeSpace")


def is_negmas_folder(path: Path) -> bool:
    """Return whether the folder ``path`` holds a NegMAS domain file."""
    return path.is_dir() and any(is_negmas_domain_file(p) for p in sorted(path.iterdir()))


# -- the outcome space --------------------------------------------------------------------------


def _issue(raw: Any, path: Path, position: int) -> tuple[Issue, list[Any]]:
    """Return the summitry issue and NegMAS's values of it, in order."""
    where = f"{path}: issues[{position}]"
    if not isinstance(raw, dict):
        raise ScenarioFormatError(f"{where}: expected a mapping with name, type and values, got {raw!r}")
    name = str(raw.get("name") or f"issue{position}")
    kind = _type(raw)
    values: Any = raw.get("values")
    if kind == "ContiguousIssue" or (kind == "" and isinstance(values, int)):
        low, high = (0, int(values) - 1) if isinstance(values, int) else (int(values[0]), int(values[1]))
        return IntegerIssue(name=name, low=low, high=high), list(range(low, high + 1))
    if kind == "ContinuousIssue":
        if not (isinstance(values, list) and len(values) == 2):
            raise ScenarioFormatError(f"{where} ({name!r}): expected values [low, high], got {values!r}")
        issue = RealIssue(name=name, low=float(values[0]), high=float(values[1]))
        return issue, list(issue.values)
    if not isinstance(values, list) or not values:
        raise ScenarioFormatError(f"{where} ({name!r}): expected a non-empty list of values, got {values!r}")
    if all(isinstance(v, str) for v in values):
        return CategoricalIssue(name=name, options=tuple(values)), list(values)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values) and values == list(
        range(values[0], values[0] + len(values))
    ):
        return IntegerIssue(name=name, low=values[0], high=values[-1]), list(values)
    labels = [str(v) for v in values]
    if len(set(labels)) != len(labels):
        raise ScenarioFormatError(f"{where} ({name!r}): values {values!r} cannot be told apart as text")
    return CategoricalIssue(name=name, options=tuple(labels)), list(values)


def _domain(document: Any, path: Path) -> tuple[OutcomeSpace, list[list[Any]]]:
    issues = document.get("issues")
    if not isinstance(issues, list) or not issues:
        raise ScenarioFormatError(f"{path}: field 'issues': expected a non-empty list, got {issues!r}")
    parsed = [_issue(raw, path, position) for position, raw in enumerate(issues)]
    return OutcomeSpace(issues=tuple(issue for issue, _ in parsed)), [values for _, values in parsed]


# -- utility functions --------------------------------------------------------------------------


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioFormatError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _value_function(raw: Any, where: str) -> Callable[[Any], float]:
    kind = _type(raw)
    if kind == "TableFun":
        mapping = raw.get("mapping")
        if not isinstance(mapping, dict):
            raise ScenarioFormatError(f"{where}.mapping: expected a mapping value: utility, got {mapping!r}")
        table = {key: _number(u, f"{where}.mapping[{key!r}]") for key, u in mapping.items()}

        def lookup(x: Any) -> float:
            for key in (x, str(x)):  # JSON keys are text
                if key in table:
                    return table[key]
            raise ScenarioFormatError(f"{where}.mapping: no utility for value {x!r}")

        return lookup
    if kind in ("LinearFun", "AffineFun"):
        slope = _number(raw.get("slope"), f"{where}.slope")
        bias = _number(raw.get("bias", 0.0), f"{where}.bias") if kind == "AffineFun" else 0.0
        return (lambda x: float(x) * slope + bias) if kind == "AffineFun" else (lambda x: float(x) * slope)
    if kind == "IdentityFun":
        return float
    if kind == "ConstFun":
        bias = _number(raw.get("bias"), f"{where}.bias")
        return lambda x: bias
    raise ScenarioFormatError(
        f"{where}: value function type {raw.get('type') if isinstance(raw, dict) else raw!r} is not supported; "
        f"expected one of {', '.join(_VALUE_FUNCTIONS)}"
    )


def _additive(
    space: OutcomeSpace, values: list[list[Any]], bias: float, columns: Sequence[Callable[[Any], float]]
) -> npt.NDArray[np.float64]:
    """Return ``bias + Σ fᵢ(xᵢ)`` over every outcome, summed in NegMAS's order (index order: last issue fastest)."""
    total = np.full(1, bias)
    for issue_values, column in zip(values, columns, strict=True):
        table = np.array([column(v) for v in issue_values], dtype=float)
        total = (total[:, None] + table[None, :]).reshape(-1)
    assert total.shape[0] == space.cardinality
    return total


def _weights(raw: Any, n: int, where: str) -> list[float]:
    if raw is None:
        return [1.0] * n
    if not isinstance(raw, list) or len(raw) != n:
        raise ScenarioFormatError(f"{where}.weights: expected a list of {n} numbers, got {raw!r}")
    return [_number(w, f"{where}.weights[{i}]") for i, w in enumerate(raw)]


def _utility_table(
    document: Any, space: OutcomeSpace, values: list[list[Any]], where: str
) -> tuple[npt.NDArray[np.float64], float | None]:
    """Return every outcome's utility and the discount factor (None: not discounted)."""
    kind = _type(document)
    n = len(space.issues)
    if kind == "ExpDiscountedUFun":
        factor = document.get("factor", "step")
        if factor != "relative_time":
            raise ScenarioFormatError(
                f"{where}.factor: summitry discounts by relative time (u·δ^t); got factor {factor!r}"
            )
        table, _ = _utility_table(document.get("ufun"), space, values, f"{where}.ufun")
        discount = _number(document.get("discount"), f"{where}.discount")
        return table, (None if discount == 1.0 else discount)
    if kind == "LinearAdditiveUtilityFunction":
        functions = document.get("values")
        if isinstance(functions, dict):
            functions = [functions.get(issue.name) for issue in space.issues]
        if not isinstance(functions, list) or len(functions) != n:
            raise ScenarioFormatError(f"{where}.values: expected one value function per issue ({n}), got {functions!r}")
        weights = _weights(document.get("weights"), n, where)
        columns = [
            _weighted(w, _value_function(f, f"{where}.values[{i}]"))
            for i, (w, f) in enumerate(zip(weights, functions, strict=True))
        ]
        return _additive(space, values, _number(document.get("bias", 0.0), f"{where}.bias"), columns), None
    if kind in ("LinearUtilityFunction", "AffineUtilityFunction"):
        weights = _weights(document.get("weights"), n, where)
        columns = [_weighted(w, float) for w in weights]
        return _additive(space, values, _number(document.get("bias", 0.0), f"{where}.bias"), columns), None
    if kind == "MappingUtilityFunction":
        mapping = document.get("mapping")
        if not isinstance(mapping, dict):
            raise ScenarioFormatError(f"{where}.mapping: expected a mapping outcome: utility, got {mapping!r}")
        default = document.get("default", -math.inf)
        table = np.full(space.cardinality, -math.inf if default is None else _number(default, f"{where}.default"))
        index_of = _outcome_index(space, values)
        for outcome, u in mapping.items():
            position = index_of(outcome)
            if position is None:
                raise ScenarioFormatError(f"{where}.mapping: {outcome!r} is not an outcome of the domain")
            table[position] = _number(u, f"{where}.mapping[{outcome!r}]")
        return table, None
    raise ScenarioFormatError(
        f"{where}: utility type {document.get('type') if isinstance(document, dict) else document!r} is not "
        f"supported; expected one of {', '.join(_UTILITIES)}"
    )


def _weighted(weight: float, function: Callable[[Any], float]) -> Callable[[Any], float]:
    return lambda x: weight * function(x)


def _outcome_index(space: OutcomeSpace, values: list[list[Any]]) -> Callable[[Any], int | None]:
    """Return a function giving a NegMAS outcome's index in ``space`` (None: not an outcome)."""
    levels = [{value: level for level, value in enumerate(issue_values)} for issue_values in values]
    strides = [math.prod(len(v) for v in values[i + 1 :]) for i in range(len(values))]

    def index_of(outcome: Any) -> int | None:
        key = tuple(outcome) if isinstance(outcome, list | tuple) else (outcome,)
        if len(key) != len(levels):
            return None
        total = 0
        for table, stride, value in zip(levels, strides, key, strict=True):
            level = table.get(value)
            if level is None:
                return None
            total += level * stride
        return total

    return index_of


def _reservation(document: Any, table: npt.NDArray[np.float64], index_of: Callable[[Any], int], where: str) -> float:
    """Return the reservation value: the reserved outcome's utility, else a finite reserved value.

    A discounted utility's own value comes first, then its inner one's; with none, the worst
    utility (NegMAS's "no reservation": no deal is worth the least).
    """
    layers = [document]
    if _type(document) == "ExpDiscountedUFun" and isinstance(document.get("ufun"), dict):
        layers.append(document["ufun"])
    for layer in layers:
        if layer.get("reserved_outcome") is not None:
            return float(table[index_of(layer["reserved_outcome"])])
    for layer in layers:
        reserved = layer.get("reserved_value")
        if reserved is not None and math.isfinite(_number(reserved, f"{where}.reserved_value")):
            return float(reserved)
    finite = table[np.isfinite(table)]
    return float(finite.min()) if finite.size else 0.0


def read_negmas(path: str | Path) -> Scenario:
    """Return the scenario in a NegMAS scenario folder (or given by its domain file).

    Parties are named after their utility files (sorted), like GENIUS profiles.

    Raises:
        UnsafeScenarioError: a field would run code (a pickle, a lambda, a class outside NegMAS).
        ScenarioFormatError: a file is malformed or uses a type summitry does not read.
    """
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(("_", ".", "stats."))
    )
    documents = {p: _load(p) for p in files}
    for p, document in documents.items():
        _refuse_code(document, p, "")
    domains = [p for p, d in documents.items() if _type(d).endswith("OutcomeSpace")]
    if not path.is_dir():
        domains = [p for p in domains if p == path]
    if len(domains) != 1:
        found = [p.name for p in domains] or "none"
        raise ScenarioFormatError(
            f"{folder}: expected exactly one NegMAS domain file (type ...OutcomeSpace), found {found}"
        )
    space, values = _domain(documents[domains[0]], domains[0])
    find = _outcome_index(space, values)

    def index_of(outcome: Any) -> int:
        position = find(outcome)
        if position is None:
            raise ScenarioFormatError(f"{folder}: reserved outcome {outcome!r} is not an outcome of the domain")
        return position

    parties = []
    for p, document in documents.items():
        if p in domains or "fun" not in _type(document).lower():
            continue
        table, discount = _utility_table(document, space, values, str(p))
        utility = TableUtility(
            space=space,
            table=table,
            reservation_value=_reservation(document, table, index_of, str(p)),
            discount_factor=discount,
        )
        parties.append(Party(name=p.stem, utility=utility))
    if len(parties) < 2:
        raise ScenarioFormatError(f"{folder}: expected at least two NegMAS utility files, found {len(parties)}")
    return Scenario(
        name=folder.resolve().name,
        description=f"NegMAS scenario {domains[0].name}",
        space=space,
        parties=tuple(parties),
    )

"""The one strict base model and the one validation-error formatter of every file kind.

Every file schema (scenario, summit, road-map, tournament) derives from :class:`StrictModel`
(unknown fields refused, frozen, no NaN or infinity) and is checked with :func:`validate`,
which turns pydantic's errors into one line naming the file, the item, what was expected,
what came, and the line::

    from summitry.formats.validation import StrictModel, validate
    from summitry.formats.yaml_files import load_yaml

    class Spec(StrictModel):
        name: str
        rounds: int = 100

    spec = validate(Spec, load_yaml("t.yaml", error=MyError), error=MyError, what="tournament file")
    # MyError: t.yaml: rouds: unknown field; did you mean 'rounds'? (expected one of: name, rounds) (line 2)

This module imports pydantic: import it where a schema is defined, not at start-up.
"""

from __future__ import annotations

import difflib
import math
import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from summitry.errors import SummitryError

from .yaml_files import Location, YamlDocument, describe_location, expect_mapping

__all__ = ["Number", "StrictModel", "Weight", "describe_validation_error", "validate"]

Model = TypeVar("Model", bound=BaseModel)


def _number(raw: Any) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise PydanticCustomError("number", "expected a number")
    try:
        return float(raw)
    except OverflowError:
        raise PydanticCustomError("number", "expected a number of a usable size") from None


def _finite_non_negative(raw: Any) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise PydanticCustomError("non_negative_number", "expected a number >= 0")
    number = _number(raw)
    if not math.isfinite(number) or number < 0:
        raise PydanticCustomError("non_negative_number", "expected a number >= 0")
    return number


Number = Annotated[float, BeforeValidator(_number)]
"""A field holding an int or a float, as a float (not a bool, not a string)."""
Weight = Annotated[float, BeforeValidator(_finite_non_negative)]
"""A field holding a finite number >= 0, as a float."""


class StrictModel(BaseModel):
    """Base of every file schema: unknown fields are errors, instances are frozen, floats are finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def validate(
    model: type[Model],
    document: YamlDocument,
    *,
    error: type[SummitryError],
    what: str,
    fields: str | None = None,
) -> Model:
    """Return ``document.data`` validated as ``model``, or raise ``error`` with one clear line.

    Args:
        model: The schema (a :class:`StrictModel`).
        document: The parsed file (:func:`summitry.formats.yaml_files.load_yaml`).
        error: The error class to raise.
        what: The kind of file, for messages ("summit file").
        fields: The top-level fields, for the message when the file is empty or not a
            mapping (default: the model's required fields).

    Raises:
        error: the file is empty, not a mapping, or breaks the schema; see
            :func:`describe_validation_error`.
    """
    if fields is None:
        required = [f.alias or name for name, f in model.model_fields.items() if f.is_required()]
        fields = _and(required or list(model.model_fields))
    data = expect_mapping(document, error=error, what=what, fields=fields)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(describe_validation_error(exc, document, model)) from None
    except RecursionError:
        raise error(f"{document.source}: nested too deeply") from None


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------- one line per validation error

_PHRASES = {
    "missing": "required field is missing",
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected an integer",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "list_type": "expected a list",
    "string_too_short": "expected a non-empty string",
    "date_type": "expected a date YYYY-MM-DD",
    "date_parsing": "expected a date YYYY-MM-DD",
}
_SAYS_WHAT_CAME = {"missing", "extra_forbidden", "value_error", "too_short", "too_long", "assertion_error"}


def describe_validation_error(
    exc: ValidationError, document: YamlDocument, model: type[BaseModel] | None = None
) -> str:
    """Return one line for a pydantic error: ``file: item: what was expected, got what (line N)``.

    The first problem is described (an unknown field first: a misspelt key also shows up
    as a missing one), with "did you mean" for an unknown field when ``model`` is given, and
    ``(and N more problems)`` when there are others.
    """
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    at = _clean_location(tuple(first["loc"]), document.data)
    text = _describe(first, at, model)
    others = len(errors) - 1
    more = f" (and {others} more problem{'s' if others > 1 else ''})" if others else ""
    line = document.line_of(at)
    where = f" (line {line})" if line is not None and at else ""
    return f"{document.source}: {describe_location(at)}: {text}{where}{more}"


def _describe(error: Any, at: Location, model: type[BaseModel] | None) -> str:
    kind, ctx = str(error["type"]), error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_field(at, model)
    if kind in _PHRASES:
        text = _PHRASES[kind]
    elif kind.startswith(("date_", "datetime_")):
        detail = ctx.get("error")
        text = "expected a date YYYY-MM-DD" + (f" ({detail})" if detail else "")
    elif kind == "greater_than_equal":
        text = f"expected a number >= {ctx.get('ge')}"
    elif kind == "greater_than":
        text = f"expected a number > {ctx.get('gt')}"
    elif kind == "less_than_equal":
        text = f"expected a number <= {ctx.get('le')}"
    elif kind == "less_than":
        text = f"expected a number < {ctx.get('lt')}"
    elif kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s), got {ctx.get('actual_length')}"
    elif kind == "too_long":
        return f"expected at most {ctx.get('max_length')} item(s), got {ctx.get('actual_length')}"
    elif kind == "literal_error":
        text = f"expected {ctx.get('expected')}"
    elif kind == "union_tag_invalid":
        tags = str(ctx.get("expected_tags", "")).replace("<", "").replace(">", "")
        text = f"expected type one of {tags}"
    else:
        message = str(error["msg"])
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        text = message[:1].lower() + message[1:]
    if kind not in _SAYS_WHAT_CAME:
        text += f", got {_show(error.get('input'))}"
    return text


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _clean_location(loc: tuple[Any, ...], data: Any) -> Location:
    """Drop pydantic's own labels (union members, tags, ``[key]``) by walking the data along ``loc``."""
    out: list[str | int] = []
    node = data
    for step in loc:
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_list or (isinstance(node, Mapping) and _has_key(node, step)):
            out.append(step)
            node = node[step]
        elif isinstance(node, Mapping) and isinstance(step, str) and not _is_label(step):
            out.append(step)  # a missing field
            node = None
        # else: a label pydantic adds (a union member, a tag, "[key]"): not part of the file
    return tuple(out)


def _has_key(node: Mapping[Any, Any], step: Any) -> bool:
    try:
        return step in node
    except TypeError:
        return False


def _is_label(step: str) -> bool:
    return step == "[key]" or (step.startswith("<") and step.endswith(">")) or "[" in step


def _unknown_field(at: Location, model: type[BaseModel] | None) -> str:
    known = _fields_at(model, at[:-1]) if model is not None else []
    if not known:
        return "unknown field"
    close = difflib.get_close_matches(str(at[-1]), known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown field{hint} (expected one of: {', '.join(known)})"


def _fields_at(model: type[BaseModel], at: Location) -> list[str]:
    types_here: list[Any] = [model]
    for step in at:
        types_here = [child for tp in types_here for child in _child_types(tp, step)]
    names: list[str] = []
    for candidate in _models(types_here):
        names += [f.alias or name for name, f in candidate.model_fields.items() if (f.alias or name) not in names]
    return names


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _child_types(tp: Any, step: str | int) -> list[Any]:
    tp = _unwrap(tp)
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return [child for arg in get_args(tp) for child in _child_types(arg, step)]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            if step in (name, info.alias):
                return [info.annotation]
        return []
    if origin in (list, tuple, set, frozenset) and isinstance(step, int):
        return list(get_args(tp)[:1])
    if origin in (dict,) or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return list(get_args(tp)[1:2])
    return []


def _models(candidates: list[Any]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for tp in candidates:
        tp = _unwrap(tp)
        if get_origin(tp) in (Union, types.UnionType):
            found += _models(list(get_args(tp)))
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and tp not in found:
            found.append(tp)
    return found

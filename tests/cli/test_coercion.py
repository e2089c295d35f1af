"""The quick conversion of option values gives exactly what typer's pydantic adapter gives, or defers to it."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer._coercion import build_runtime_param, resolve_type_descriptor
from typer.models import OptionInfo

from summitry.cli._coercion import DEFER, quick_converter


class _Colour(enum.Enum):
    RED = "red"
    BLUE = "Blue"


KINDS: dict[str, tuple[Any, dict[str, Any]]] = {
    "str": (str, {}),
    "bool": (bool, {}),
    "int": (int, {}),
    "int >= 1": (int, {"min": 1}),
    "int 1..65535": (int, {"min": 1, "max": 65535}),
    "float": (float, {}),
    "float >= 1.0": (float, {"min": 1.0}),
    "Path": (Path, {}),
    "enum": (_Colour, {}),
    "enum, any case": (_Colour, {"case_sensitive": False}),
}

_NUMBERISH = st.from_regex(r"\A[ +\-]?[0-9_]{0,6}(\.[0-9]{0,4})?([eE][+-]?[0-9]{1,3})?[ ]?\Z")
VALUES = st.one_of(
    st.text(max_size=12),
    _NUMBERISH,
    st.sampled_from(["0", "-0", "007", "1.0", "1e3", "inf", "nan", "red", "RED", "Blue", "blue", ".", "a/b"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.builds(Path, st.sampled_from(["out", "a/b.png", "."])),
    st.sampled_from(list(_Colour)),
)


def _adapter_result(annotation: Any, info: OptionInfo, value: Any) -> tuple[str, Any]:
    runtime = build_runtime_param(resolve_type_descriptor(annotation, info))
    try:
        return "ok", runtime._coerce_value(value, param=None, ctx=None)  # type: ignore[arg-type]
    except Exception as exc:  # the kind and message of typer's error
        return "error", f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("kind", KINDS, ids=str)
@given(value=VALUES)
def test_a_quick_conversion_equals_typers_or_defers(kind: str, value: Any) -> None:
    annotation, options = KINDS[kind]
    info = OptionInfo(**options)
    convert = quick_converter(annotation, info)
    assert convert is not None
    quick = convert(value, None, None)
    if quick is DEFER:
        return
    outcome, expected = _adapter_result(annotation, info, value)
    assert outcome == "ok", expected
    assert type(quick) is type(expected)
    assert quick == expected or (quick != quick and expected != expected)


@pytest.mark.parametrize(
    ("annotation", "value", "expected"),
    [
        (int, "12", 12),
        (int, "-3", -3),
        (float, "2.5", 2.5),
        (float, "7", 7.0),
        (str, "x", "x"),
        (Path, "a/b", Path("a/b")),
    ],
)
def test_plain_values_are_converted_without_the_adapter(annotation: Any, value: str, expected: Any) -> None:
    convert = quick_converter(annotation, OptionInfo())
    assert convert is not None
    result = convert(value, None, None)
    assert type(result) is type(expected) and result == expected


@pytest.mark.parametrize(
    ("annotation", "options"),
    [(int, {"clamp": True, "min": 1}), (str, {"parser": str.upper}), (list[int], {}), (tuple[int, str], {})],
    ids=["clamped", "own parser", "list", "tuple"],
)
def test_other_kinds_are_left_to_typer(annotation: Any, options: dict[str, Any]) -> None:
    assert quick_converter(annotation, OptionInfo(**options)) is None

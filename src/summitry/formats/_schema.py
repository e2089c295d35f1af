"""The native scenario schema (YAML or JSON, same structure), as pydantic models.

These models only check the *shape* of a document; :mod:`summitry.formats.native` turns a
validated document into model objects and reports cross-references (a weight naming an
unknown issue, a value an issue lacks) with the same ``file: path: message`` form.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, Discriminator, Field, Tag
from pydantic_core import PydanticCustomError

from .validation import Number, StrictModel, Weight

__all__ = [
    "ConstraintSpec",
    "DefaultsSpec",
    "IssueSpec",
    "LinearAdditiveSpec",
    "LinearSpec",
    "OutcomeUtilitySpec",
    "PartySpec",
    "ScenarioSpec",
    "TableSpec",
    "TableUtilitySpec",
    "TriangularSpec",
]


def _label(raw: Any) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise PydanticCustomError("label", "expected a string or a number")
    return raw


def _labels(raw: Any) -> Any:
    return raw if isinstance(raw, list) else [raw]


Label = Annotated[Union[str, int, float], BeforeValidator(_label)]


class _Spec(StrictModel):
    pass


class IssueSpec(_Spec):
    """One issue: named ``values`` (categorical), or ``low``..``high`` (integer, or real with ``steps``)."""

    name: Annotated[str, Field(min_length=1)]
    type: Literal["categorical", "integer", "real"] = "categorical"
    values: list[Label] | None = None
    low: Number | None = None
    high: Number | None = None
    steps: Annotated[int, Field(ge=1)] | None = None


class ConstraintSpec(_Spec):
    """A forbidden combination: every listed issue takes one of its listed values."""

    forbid: Annotated[dict[str, Annotated[list[Label], BeforeValidator(_labels)]], Field(min_length=1)]
    reason: str = ""


class LinearSpec(_Spec):
    """``offset + slope * x``."""

    slope: Number
    offset: Number = 0.0


class TriangularSpec(_Spec):
    """0 at ``low`` and ``high``, 1 at ``peak``."""

    low: Number
    peak: Number
    high: Number


class _LinearForm(_Spec):
    linear: LinearSpec


class _TriangularForm(_Spec):
    triangular: TriangularSpec


class TableSpec(_Spec):
    """Raw evaluations per value (divided by the largest, GENIUS semantics)."""

    table: dict[Label, Number]


def _value_kind(raw: Any) -> str:
    if isinstance(raw, dict) and len(raw) == 1:
        (key, inner), *_ = raw.items()
        if key in ("linear", "triangular", "table") and isinstance(inner, dict):
            return f"<{key}>"
    if isinstance(raw, BaseModel):
        return {_LinearForm: "<linear>", _TriangularForm: "<triangular>", TableSpec: "<table>"}.get(
            type(raw), "<evaluations>"
        )
    return "<evaluations>"


ValueSpec = Annotated[
    Union[
        Annotated[_LinearForm, Tag("<linear>")],
        Annotated[_TriangularForm, Tag("<triangular>")],
        Annotated[TableSpec, Tag("<table>")],
        Annotated[dict[Label, Number], Tag("<evaluations>")],
    ],
    Discriminator(_value_kind),
]


class LinearAdditiveSpec(_Spec):
    """Weights times per-issue value functions."""

    type: Literal["linear-additive"] = "linear-additive"
    weights: dict[str, Weight]
    values: dict[str, ValueSpec]


class OutcomeUtilitySpec(_Spec):
    """One row of an explicit utility table."""

    outcome: dict[str, Label]
    utility: Number


class TableUtilitySpec(_Spec):
    """A utility given outcome by outcome; unlisted outcomes get ``default``."""

    type: Literal["table"]
    default: Number = 0.0
    outcomes: list[OutcomeUtilitySpec] = Field(default_factory=list)


def _utility_kind(raw: Any) -> str:
    kind = raw.get("type", "linear-additive") if isinstance(raw, dict) else getattr(raw, "type", "")
    return f"<{kind}>"


UtilitySpec = Annotated[
    Union[
        Annotated[LinearAdditiveSpec, Tag("<linear-additive>")],
        Annotated[TableUtilitySpec, Tag("<table>")],
    ],
    Discriminator(_utility_kind),
]


class PartySpec(_Spec):
    """A party: its utility, reservation value, optional discount and private hard constraints."""

    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    reservation: Number = 0.0
    discount: Number | None = None
    utility: UtilitySpec
    forbid: list[ConstraintSpec] = Field(default_factory=list)


class DefaultsSpec(_Spec):
    """The scenario's default protocol and deadline."""

    protocol: Annotated[str, Field(min_length=1)] = "sao"
    rounds: Annotated[int, Field(ge=1)] | None = 100
    seconds: Annotated[float, Field(gt=0)] | None = None


class ScenarioSpec(_Spec):
    """A whole scenario document."""

    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    defaults: DefaultsSpec = DefaultsSpec()
    issues: Annotated[list[IssueSpec], Field(min_length=1)]
    constraints: list[ConstraintSpec] = Field(default_factory=list)
    parties: Annotated[list[PartySpec], Field(min_length=2)]

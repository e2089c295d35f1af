"""Issues: the things a negotiation settles, each with a finite list of values.

Every issue exposes its values as a tuple, in a fixed order; an outcome refers to a value
of an issue by its *level* (the position in that tuple), which is what lets outcome spaces
index outcomes densely.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Union

import numpy as np

from summitry.errors import InvalidIssueError, InvalidOutcomeError

__all__ = ["CategoricalIssue", "IntegerIssue", "Issue", "RealIssue", "Value"]

Value = Union[str, int, float]


def plain_value(value: Value) -> Value:
    """Return ``value`` as a plain Python ``int``/``float``/``str`` (any numpy scalar unwrapped, for JSON)."""
    if isinstance(value, np.generic):
        plain: Value = value.item()
        return plain
    return value


def finite_or_none(value: float | None) -> float | None:
    """Return ``value`` as a plain ``float``, or None where it is None, NaN or infinite (JSON has none)."""
    return None if value is None or not math.isfinite(float(value)) else float(value)


_MAX_INTEGER_LEVELS = 10**7


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoricalIssue:
    """An issue whose values are named options, e.g. ``dessert: none | fruit | cake``."""

    name: str
    options: tuple[str, ...]
    _positions: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        options = tuple(self.options)
        object.__setattr__(self, "options", options)
        if not options:
            raise InvalidIssueError(f"issue {self.name!r}: needs at least one value, got none")
        if len(set(options)) != len(options):
            dupes = sorted({o for o in options if options.count(o) > 1})
            raise InvalidIssueError(f"issue {self.name!r}: duplicate values {dupes}")
        for option in options:
            if not isinstance(option, str):
                raise InvalidIssueError(f"issue {self.name!r}: values must be strings, got {option!r}")
        object.__setattr__(self, "_positions", {o: i for i, o in enumerate(options)})

    @property
    def values(self) -> tuple[str, ...]:
        """Return the issue's values in level order."""
        return self.options

    @property
    def cardinality(self) -> int:
        """Return the number of values."""
        return len(self.options)

    def contains(self, value: object) -> bool:
        """Return whether ``value`` is one of the issue's values."""
        return isinstance(value, str) and value in self._positions

    def level(self, value: object) -> int:
        """Return the level (position) of ``value``.

        Raises:
            InvalidOutcomeError: the value is not one of the issue's values.
        """
        try:
            return self._positions[value]  # type: ignore[index]
        except (KeyError, TypeError):
            raise InvalidOutcomeError(f"issue {self.name!r}: {value!r} is not one of {list(self.options)}") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class IntegerIssue:
    """An issue whose values are the integers ``low..high`` (both included)."""

    name: str
    low: int
    high: int

    def __post_init__(self) -> None:
        _check_name(self.name)
        for attr in ("low", "high"):
            raw = getattr(self, attr)
            if isinstance(raw, bool) or not isinstance(raw, int | np.integer):
                raise InvalidIssueError(f"issue {self.name!r}: {attr} must be an integer, got {raw!r}")
            object.__setattr__(self, attr, int(raw))
        if self.low > self.high:
            raise InvalidIssueError(f"issue {self.name!r}: low={self.low} > high={self.high}")
        if self.high - self.low + 1 > _MAX_INTEGER_LEVELS:
            raise InvalidIssueError(
                f"issue {self.name!r}: {self.high - self.low + 1} values is more than "
                f"{_MAX_INTEGER_LEVELS}; use a RealIssue with fewer steps"
            )

    @property
    def values(self) -> tuple[int, ...]:
        """Return the issue's values in level order."""
        return tuple(range(self.low, self.high + 1))

    @property
    def cardinality(self) -> int:
        """Return the number of values."""
        return self.high - self.low + 1

    def contains(self, value: object) -> bool:
        """Return whether ``value`` is an integer in ``low..high``."""
        if isinstance(value, bool):
            return False
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return isinstance(value, int | np.integer) and self.low <= int(value) <= self.high

    def level(self, value: object) -> int:
        """Return the level (position) of ``value``.

        Raises:
            InvalidOutcomeError: the value is not an integer in range.
        """
        if not self.contains(value):
            raise InvalidOutcomeError(f"issue {self.name!r}: {value!r} is not an integer in {self.low}..{self.high}")
        return int(value) - self.low  # type: ignore[call-overload,no-any-return]


@dataclass(frozen=True, slots=True, kw_only=True)
class RealIssue:
    """An issue over the real range ``[low, high]``, discretised into ``steps`` evenly spaced values.

    ``steps`` counts the values, ends included: ``low=0, high=1, steps=11`` gives
    0.0, 0.1, ..., 1.0 (a step of ``(high - low) / (steps - 1)``).
    """

    name: str
    low: float
    high: float
    steps: int = 11
    _grid: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        low, high = float(self.low), float(self.high)
        if not (math.isfinite(low) and math.isfinite(high)):
            raise InvalidIssueError(f"issue {self.name!r}: low and high must be finite numbers")
        if low > high:
            raise InvalidIssueError(f"issue {self.name!r}: low={low} > high={high}")
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) or self.steps < 1:
            raise InvalidIssueError(f"issue {self.name!r}: steps must be an integer >= 1, got {self.steps!r}")
        if low < high and self.steps < 2:
            raise InvalidIssueError(f"issue {self.name!r}: a range needs steps >= 2, got {self.steps}")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        grid = (low,) if low == high else tuple(float(v) for v in np.linspace(low, high, self.steps))
        object.__setattr__(self, "_grid", grid)

    @property
    def step(self) -> float:
        """Return the distance between two neighbouring values."""
        return 0.0 if len(self._grid) == 1 else (self.high - self.low) / (len(self._grid) - 1)

    @property
    def values(self) -> tuple[float, ...]:
        """Return the discretised values in level order."""
        return self._grid

    @property
    def cardinality(self) -> int:
        """Return the number of discretised values."""
        return len(self._grid)

    def contains(self, value: object) -> bool:
        """Return whether ``value`` is (within 1e-9 of) one of the discretised values."""
        try:
            self.level(value)
        except InvalidOutcomeError:
            return False
        return True

    def level(self, value: object) -> int:
        """Return the level of the grid value nearest ``value``, if within 1e-9 of it.

        Raises:
            InvalidOutcomeError: the value is not on the grid.
        """
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise InvalidOutcomeError(f"issue {self.name!r}: expected a number, got {value!r}")
        x = float(value)
        position = 0 if self.step == 0 else round((x - self.low) / self.step)
        if 0 <= position < len(self._grid) and abs(self._grid[position] - x) <= 1e-9 * max(1.0, abs(x)):
            return int(position)
        raise InvalidOutcomeError(
            f"issue {self.name!r}: {value!r} is not one of the {len(self._grid)} values "
            f"from {self.low} to {self.high} in steps of {self.step:g}"
        )


Issue = Union[CategoricalIssue, IntegerIssue, RealIssue]


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not name.strip():
        raise InvalidIssueError(f"an issue needs a non-empty name, got {name!r}")

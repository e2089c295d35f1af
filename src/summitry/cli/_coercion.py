"""Command-line values of the common kinds converted without pydantic; anything else as typer does.

typer (0.29 and later) converts every option and argument value through a pydantic
``TypeAdapter`` built for that parameter: importing pydantic and building the adapters costs
more than everything ``summitry analyze --json`` does. Our parameters are plain ``str``,
``int``, ``float``, ``bool``, ``Path`` and enums, whose conversion is one line each.
:func:`quick_coercion` makes typer convert those values here, and defer to its own adapter
whenever a value is anything but the plain case (``"1_000"``, ``"1e3"``, out of range, a bad
enum name, ...): so results and error messages stay typer's, and pydantic is imported only
when an unusual value is given. ``tests/cli/test_coercion.py`` checks, for any text, that the
quick result equals the adapter's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

__all__ = ["DEFER", "quick_coercion", "quick_converter"]

DEFER: Any = object()
"""What a quick converter returns when typer's own adapter must convert the value."""

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")

_installed = False

Converter = Callable[[Any, Any, Any], Any]
"""``(value, param, ctx) -> converted value or DEFER``."""


def _in_range(number: float, info: Any) -> bool:
    return (info.min is None or number >= info.min) and (info.max is None or number <= info.max)


def quick_converter(annotation: Any, info: Any) -> Converter | None:
    """Return a converter for values of ``annotation`` (typer's ``ParameterInfo`` ``info``), or None.

    None means the parameter is of a kind converted only by typer (a custom parser, clamping,
    dates, lists, ...). A converter returns :data:`DEFER` for any value it does not convert
    exactly as typer's adapter would.
    """
    if getattr(info, "parser", None) is not None or getattr(info, "clamp", False):
        return None
    if annotation is str:
        return lambda value, param, ctx: value if type(value) is str else DEFER
    if annotation is bool:
        return lambda value, param, ctx: value if type(value) is bool else DEFER
    if annotation is int:
        return lambda value, param, ctx: _integer(value, info)
    if annotation is float:
        return lambda value, param, ctx: _decimal(value, info)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(tuple(annotation), info)
    if isinstance(annotation, type) and issubclass(annotation, Path) and info.path_type is None:
        return _path(annotation, info)
    return None


def _integer(value: Any, info: Any) -> Any:
    if type(value) is str and _INTEGER.fullmatch(value):
        value = int(value)
    if type(value) is int and _in_range(value, info):
        return value
    return DEFER


def _decimal(value: Any, info: Any) -> Any:
    if type(value) is str and _DECIMAL.fullmatch(value):
        value = float(value)
    if type(value) is float and math.isfinite(value) and _in_range(value, info):
        return value
    return DEFER


def _choice(choices: tuple[Any, ...], info: Any) -> Converter:
    from typer._param_types import coerce_cli_choice

    def convert(value: Any, param: Any, ctx: Any) -> Any:
        try:
            return coerce_cli_choice(value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return DEFER  # typer's adapter words the error

    return convert


def _path(annotation: type[Path], info: Any) -> Converter:
    from typer._param_types import coerce_cli_path

    def convert(value: Any, param: Any, ctx: Any) -> Any:
        if type(value) is str and value and "\0" not in value:
            value = annotation(value)
        if not isinstance(value, annotation):
            return DEFER
        try:
            return coerce_cli_path(value, info, path_type=annotation, param=param, ctx=ctx)
        except Exception:  # reason: typer's adapter raises the very same error, worded by typer
            return DEFER

    return convert


def quick_coercion() -> None:
    """Make typer convert plain ``str``/``int``/``float``/``bool``/``Path``/enum values without pydantic.

    Does nothing on a typer that builds no pydantic adapters (one without ``get_runtime_param``).
    Idempotent.
    """
    global _installed  # reason: install once per process
    if _installed:
        return
    _installed = True
    from typer import _coercion, core

    parameter = getattr(core, "_TyperParameter", None)
    runtime = getattr(_coercion, "RuntimeParam", None)
    build = getattr(_coercion, "build_runtime_param", None)
    if parameter is None or runtime is None or build is None or not hasattr(parameter, "get_runtime_param"):
        return
    adapted: Callable[[Any], Any] = build  # typer's own conversion, for values the quick one defers

    @dataclass(frozen=True)
    class QuickRuntimeParam(runtime):  # type: ignore[misc,valid-type]  # typer's private base class
        """Converts a value with a quick converter, and with typer's adapter when it defers."""

        convert: Converter
        descriptor: Any

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            result = self.convert(value, param, ctx)
            if result is DEFER:
                return adapted(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
            return result

    original = parameter.get_runtime_param

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            descriptor = self.type_descriptor
            convert = (
                None
                if descriptor.file_annotation is not None
                else quick_converter(descriptor.annotation, descriptor.parameter_info)
            )
            if convert is None:
                return original(self)
            self._runtime_param = QuickRuntimeParam(
                parameter_info=descriptor.parameter_info,
                annotation=descriptor.annotation,
                convert=convert,
                descriptor=descriptor,
            )
        return self._runtime_param

    parameter.get_runtime_param = get_runtime_param

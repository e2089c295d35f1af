"""Agents written as text: a registered name with parameters, or a user's class.

Every place that takes an agent as text (``negotiate --agents``, summit files, tournament
specs) goes through :func:`resolve_agent`. The forms are

- ``boulware`` or ``boulware:exponent=0.05`` — a registered agent with parameters;
- ``path/to/file.py:MyAgent`` (relative paths against ``base``) — a class in a Python file;
- ``package.module:MyAgent`` — a class in an importable module;

and a class may take parameters too: ``my_agents.py:MyAgent:patience=3``. Other forms are
added with :func:`register_prefix` (``negmas:...`` is meant to come that way): a prefix
handler receives the text after ``prefix:`` and returns a factory.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summitry.errors import UnknownAgentError

from .base import Negotiator
from .registry import REGISTRY, make_negotiator, parse_agent

__all__ = ["AgentFactory", "negotiator_from_text", "register_prefix", "resolve_agent"]

PrefixHandler = Callable[[str, Path | None], "AgentFactory"]

_PREFIXES: dict[str, PrefixHandler] = {}

_ADAPTERS = {"negmas": "summitry.interop.negmas"}
"""Prefixes whose adapter (above this layer) registers itself when imported, on first use of the prefix."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentFactory:
    """How to make the negotiators an agent text names: ``make()`` returns a fresh one each call.

    ``label`` is the text exactly as written (what reports show); ``params`` the parameters
    given after the name or class.
    """

    label: str
    make_one: Callable[..., Negotiator] = field(repr=False)
    params: dict[str, Any] = field(default_factory=dict)
    registered: bool = False

    def make(self) -> Negotiator:
        """Return a new negotiator (a user's class is named after ``label``, a built-in keeps its name)."""
        negotiator = self.make_one(**self.params)
        if not self.registered:
            with contextlib.suppress(AttributeError):  # a slotted class without ``name`` keeps its own
                negotiator.name = self.label
        return negotiator


def register_prefix(prefix: str, handler: PrefixHandler, *, replace: bool = False) -> None:
    """Make ``prefix:rest`` resolve through ``handler(rest, base)``.

    Raises:
        ValueError: the prefix is taken (pass ``replace=True``) or is a registered agent's name.
    """
    if prefix in REGISTRY:
        raise ValueError(f"prefix {prefix!r} is the name of a registered agent")
    if prefix in _PREFIXES and not replace:
        raise ValueError(f"prefix {prefix!r} is already registered; pass replace=True to overwrite it")
    _PREFIXES[prefix] = handler


def resolve_agent(text: str, *, base: Path | None = None) -> AgentFactory:
    """Return the factory of the agent ``text`` names (see the module docstring for the forms).

    Nothing is imported from user files until this is called; a file is imported once per
    process and its class reused.

    Raises:
        UnknownAgentError: no registered agent, file, module or class of that name.
        AgentParameterError: a malformed or unknown parameter.
    """
    stripped = text.strip()
    head, sep, rest = stripped.partition(":")
    if sep and head in _ADAPTERS and head not in _PREFIXES:
        importlib.import_module(_ADAPTERS[head])  # registers the prefix (negmas: needs summitry[negmas])
    if sep and head in _PREFIXES:
        return _PREFIXES[head](rest, base)
    if head.endswith(".py"):
        klass, params = _class_and_params(stripped, rest, head)
        return AgentFactory(label=stripped, make_one=_class_from_file(stripped, head, klass, base), params=params)
    if sep and "=" not in rest.split(":", 1)[0] and head not in REGISTRY:
        klass, params = _class_and_params(stripped, rest, head)
        return AgentFactory(label=stripped, make_one=_class_from_module(stripped, head, klass), params=params)
    name, params = parse_agent(stripped)
    make_negotiator(name, **params)  # checks the name and parameters now, with their own messages
    return AgentFactory(label=stripped, make_one=_Registered(name), params=params, registered=True)


def negotiator_from_text(text: str, *, base: Path | None = None) -> Negotiator:
    """Return a new negotiator from any form :func:`resolve_agent` reads."""
    return resolve_agent(text, base=base).make()


@dataclass(frozen=True, slots=True)
class _Registered:
    name: str

    def __call__(self, **params: Any) -> Negotiator:
        return make_negotiator(self.name, **params)


def _class_and_params(text: str, rest: str, where: str) -> tuple[str, dict[str, Any]]:
    klass, _, params_text = rest.partition(":")
    if not klass.isidentifier():
        raise UnknownAgentError(f"agent {text!r}: expected {where}:ClassName, got {klass!r} after the colon")
    params = parse_agent(f"x:{params_text}")[1] if params_text else {}
    return klass, params


def _class_from_module(text: str, module_name: str, klass: str) -> Callable[..., Negotiator]:
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UnknownAgentError(f"agent {text!r}: cannot import module {module_name!r}: {exc}") from None
    return _class_in(text, module, klass)


def _class_from_file(text: str, file: str, klass: str, base: Path | None) -> Callable[..., Negotiator]:
    path = Path(file)
    if not path.is_absolute() and base is not None:
        path = base / path
    path = path.resolve()
    if not path.is_file():
        raise UnknownAgentError(f"agent {text!r}: no such file {str(path)!r}")
    module_name = "summitry_user_agents_" + hashlib.sha256(str(path).encode()).hexdigest()[:16]
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise UnknownAgentError(f"agent {text!r}: {str(path)!r} cannot be imported as Python")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # a user's file failing to import is reported as such, in one line
            del sys.modules[module_name]
            raise UnknownAgentError(
                f"agent {text!r}: importing {str(path)!r} failed: {type(exc).__name__}: {exc}"
            ) from None
    return _class_in(text, module, klass)


def _class_in(text: str, module: Any, klass: str) -> Callable[..., Negotiator]:
    found = getattr(module, klass, None)
    if found is None or not callable(found):
        names = sorted(n for n, v in vars(module).items() if isinstance(v, type) and not n.startswith("_"))
        raise UnknownAgentError(f"agent {text!r}: no class {klass!r} there (classes: {', '.join(names) or 'none'})")
    return found  # type: ignore[no-any-return]

"""``summitry agents``: every agent name with its parameters, their defaults and one line on what it does."""

from __future__ import annotations

import importlib.util
import inspect
from typing import TYPE_CHECKING, Any

import typer

from summitry.cli import app
from summitry.cli._render import console, handles_errors, print_json

if TYPE_CHECKING:  # the registry (and numpy) is imported when the command runs: `agents --help` stays quick
    from summitry.agents import AgentSpec

__all__ = ["agent_parameters", "agents"]

NEGMAS_FORM = "negmas:package.module:Class[:param=value...]"


def agent_parameters(spec: AgentSpec) -> dict[str, Any]:
    """Return the keyword parameters ``spec``'s factory takes, with the defaults the registry uses.

    Follows ``**kwargs`` up a class's bases (as the registry does when checking parameters);
    the spec's own defaults override the class's.
    """
    factory = spec.factory
    functions = (
        [klass.__dict__["__init__"] for klass in factory.__mro__ if "__init__" in klass.__dict__]
        if isinstance(factory, type)
        else [factory]
    )
    found: dict[str, Any] = {}
    for function in functions:
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):
            break
        forwards = False
        for parameter in signature.parameters.values():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                forwards = True
            elif (
                parameter.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                and parameter.name not in ("self", "name")
                and parameter.name not in found
            ):
                default = parameter.default
                found[parameter.name] = None if default is inspect.Parameter.empty else default
        if not forwards:
            break
    found.update(spec.params or {})
    return found


def _negmas_installed() -> bool:
    return importlib.util.find_spec("negmas") is not None


@app.command("agents")
@handles_errors
def agents(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the list."),
) -> None:
    """List every agent name with its parameters, their defaults and what it does."""
    from summitry.agents import REGISTRY

    rows: list[dict[str, Any]] = [
        {
            "name": spec.name,
            "parameters": agent_parameters(spec),
            "description": spec.description,
            "protocols": list(spec.protocols),
        }
        for spec in REGISTRY.values()
    ]
    negmas = _negmas_installed()
    if as_json:
        print_json({"agents": rows, "negmas": NEGMAS_FORM if negmas else None})
        return
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        params = ", ".join(f"{key}={value}" for key, value in row["parameters"].items()) or "(no parameters)"
        console.print(f"{row['name']:<{width}}  {params}", markup=False)
        console.print(f"{'':<{width}}  {row['description']}", markup=False)
    console.print(
        "\nWrite an agent as name or name:param=value:param=value (boulware:exponent=0.1); "
        "your own class as file.py:Class or package.module:Class.",
        markup=False,
    )
    if negmas:
        console.print(
            f"NegMAS negotiators are accepted too (summitry[negmas] is installed): {NEGMAS_FORM}, "
            "e.g. negmas:negmas.sao:BoulwareTBNegotiator",
            markup=False,
        )
    else:
        from summitry.interop import INSTALL_HINT

        console.print(f"NegMAS negotiators (negmas:package.module:Class) need: {INSTALL_HINT}", markup=False)

"""Reading and writing scenario files: native YAML/JSON, GENIUS XML and GeniusWeb JSON.

The names below are loaded on first use, so that ``import summitry.formats`` stays cheap (no
pydantic schema is built until a file is read). Every file kind is read through
:func:`summitry.formats.yaml_files.load_yaml` (one YAML 1.2 dialect, line numbers kept) and
checked with :func:`summitry.formats.validation.validate` (one strict base model, one error
formatter).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .genius import read_genius, write_genius
    from .geniusweb import read_geniusweb, write_geniusweb
    from .loading import Format, conversion_notes, detect_format, load_scenario, save_scenario, shipped_scenarios
    from .native import dumps_native, read_native, scenario_from_document, scenario_to_document, write_native

__all__ = [
    "Format",
    "conversion_notes",
    "detect_format",
    "dumps_native",
    "load_scenario",
    "read_genius",
    "read_geniusweb",
    "read_native",
    "save_scenario",
    "scenario_from_document",
    "scenario_to_document",
    "shipped_scenarios",
    "write_genius",
    "write_geniusweb",
    "write_native",
]

_HOME = {
    "read_genius": "genius",
    "write_genius": "genius",
    "read_geniusweb": "geniusweb",
    "write_geniusweb": "geniusweb",
    "Format": "loading",
    "conversion_notes": "loading",
    "detect_format": "loading",
    "load_scenario": "loading",
    "save_scenario": "loading",
    "shipped_scenarios": "loading",
    "dumps_native": "native",
    "read_native": "native",
    "scenario_from_document": "native",
    "scenario_to_document": "native",
    "write_native": "native",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'summitry.formats' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

"""Reading and writing scenario files: native YAML/JSON, GENIUS XML and GeniusWeb JSON."""

from __future__ import annotations

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

"""Load and save scenarios by reference: a file, a folder, or the name of a shipped scenario."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from summitry.errors import ScenarioFormatError, UnknownScenarioError

if TYPE_CHECKING:
    from summitry.model import Scenario

__all__ = [
    "NATIVE_SUFFIXES",
    "Format",
    "conversion_notes",
    "detect_format",
    "load_scenario",
    "save_scenario",
    "select_profiles",
    "shipped_scenarios",
]

Format = Literal["native", "genius", "geniusweb", "negmas"]
FORMATS: tuple[Format, ...] = ("native", "genius", "geniusweb")
"""The formats summitry writes (it also reads NegMAS scenario folders)."""
NATIVE_SUFFIXES = (".yaml", ".yml", ".json")


def _shipped_folder() -> resources.abc.Traversable:
    return resources.files("summitry").joinpath("data", "scenarios")


def shipped_scenarios() -> list[str]:
    """Return the names of the scenarios shipped with summitry, sorted."""
    folder = _shipped_folder()
    if not folder.is_dir():
        return []
    return sorted(entry.name.rsplit(".", 1)[0] for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def _load_shipped(name: str) -> Scenario:
    entry = _shipped_folder().joinpath(f"{name}.yaml")
    return _parse_shipped(entry.read_text(encoding="utf-8"), f"{name}.yaml")


@functools.lru_cache(maxsize=16)
def _parse_shipped(text: str, source: str) -> Scenario:
    """Return the scenario of a shipped file's ``text``, parsed once per process and text.

    A shipped scenario is read for every server session made from it, and parsing its YAML
    took 10-30 ms (PyYAML's reader in Python, kept for its line numbers in messages); a
    :class:`Scenario` is immutable, so all of them share one. Keyed on the text, an edited
    file is parsed again.
    """
    from .native import scenario_from_yaml
    from .yaml_files import parse_yaml

    return scenario_from_yaml(parse_yaml(text, source))


def _looks_like_path(ref: str) -> bool:
    return os.sep in ref or "/" in ref or Path(ref).suffix.lower() in (*NATIVE_SUFFIXES, ".xml")


def detect_format(path: Path) -> Format:
    """Return the format of an existing file or folder.

    A folder holding XML files is GENIUS; one holding a JSON domain (``issuesValues``) is
    GeniusWeb. An ``.xml`` file is a GENIUS domain or profile; a ``.json`` file holding
    ``issuesValues`` or ``LinearAdditiveUtilitySpace`` is a GeniusWeb domain or profile (its
    folder is read); any other ``.yaml``/``.yml``/``.json`` is native.

    Raises:
        ScenarioFormatError: nothing recognisable is there.
    """
    if path.is_dir():
        if any(path.glob("*.xml")):
            return "genius"
        from . import geniusweb  # each reader is imported only when its format is at hand

        if geniusweb.find_domain_file(path) is not None:
            return "geniusweb"
        from . import negmas_files

        if negmas_files.is_negmas_folder(path):
            return "negmas"
        raise ScenarioFormatError(
            f"{path}: folder holds neither GENIUS XML files nor a GeniusWeb JSON domain, nor a NegMAS domain file "
            "(to load a native scenario, name its .yaml/.json file)"
        )
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "genius"
    if suffix == ".json":
        from . import geniusweb

        if geniusweb.is_domain_file(path) or geniusweb.is_profile_file(path):
            return "geniusweb"
    from . import negmas_files

    if suffix in negmas_files.SUFFIXES and negmas_files.is_negmas_domain_file(path):
        return "negmas"
    if suffix in NATIVE_SUFFIXES:
        return "native"
    raise ScenarioFormatError(
        f"{path}: unknown file type {suffix or '(no suffix)'!r}; expected .yaml, .yml, .json, "
        "a GENIUS .xml domain or a folder"
    )


def load_scenario(ref: str | os.PathLike[str], *, profiles: Sequence[str] | None = None) -> Scenario:
    """Return the scenario ``ref`` names.

    ``ref`` is a native ``.yaml``/``.yml``/``.json`` file, a GENIUS folder or domain file,
    a GeniusWeb folder or domain file, a NegMAS scenario folder or domain file, or the name
    of a shipped scenario (see :func:`shipped_scenarios`). ``profiles`` chooses which
    parties take part and in which order (see :func:`select_profiles`).

    Raises:
        UnknownScenarioError: no such file or folder, and no shipped scenario of that name.
        ScenarioFormatError: the file exists but cannot be read as a scenario, or a profile
            is not one of its parties.
    """
    scenario = _load(ref)
    return scenario if profiles is None else select_profiles(scenario, profiles)


def select_profiles(scenario: Scenario, profiles: Sequence[str]) -> Scenario:
    """Return ``scenario`` with only the parties named by ``profiles``, in that order.

    A profile is a party's name or its file (``a.xml`` and ``profiles/a.json`` name party
    ``a``: GENIUS, GeniusWeb and NegMAS parties are named after their profile files).

    Raises:
        ScenarioFormatError: an unknown profile (the message lists them), one given twice,
            or fewer than two.
    """
    names = [part.strip() for part in profiles if part.strip()]
    chosen = []
    for name in names:
        match = name if name in scenario.party_names else Path(name).stem
        if match not in scenario.party_names:
            raise ScenarioFormatError(
                f"profiles: {name!r} is not a profile of {scenario.name!r}; its profiles: {list(scenario.party_names)}"
            )
        chosen.append(match)
    if len(set(chosen)) != len(chosen):
        raise ScenarioFormatError(f"profiles: a profile is given twice in {names}")
    if len(chosen) < 2:
        raise ScenarioFormatError(f"profiles: expected at least two profiles, got {names}")
    return dataclasses.replace(scenario, parties=tuple(scenario.party(name) for name in chosen))


def _load(ref: str | os.PathLike[str]) -> Scenario:
    text = os.fspath(ref)
    path = Path(text).expanduser()
    if path.exists():
        kind = detect_format(path)  # then only that format's reader (and its schemas) is imported
        if kind == "genius":
            from .genius import read_genius

            return read_genius(path)
        if kind == "geniusweb":
            from .geniusweb import read_geniusweb

            return read_geniusweb(path if path.is_dir() else path.parent)
        if kind == "negmas":
            from .negmas_files import read_negmas

            return read_negmas(path)
        from .native import read_native

        return read_native(path)
    shipped = shipped_scenarios()
    if not _looks_like_path(text) and text in shipped:
        return _load_shipped(text)
    listing = ", ".join(shipped) or "(none)"
    if _looks_like_path(text):
        raise UnknownScenarioError(f"{text}: no such file or folder (shipped scenarios: {listing})")
    close = difflib.get_close_matches(text, shipped, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownScenarioError(f"No scenario file or shipped scenario named {text!r}.{hint} Shipped: {listing}.")


def _format_for(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix in NATIVE_SUFFIXES:
        return "native"
    if path.is_dir() or not suffix:
        raise ScenarioFormatError(
            f"{path}: a folder can hold GENIUS or GeniusWeb files; "
            "say which format (--format genius or geniusweb; format= in Python)"
        )
    raise ScenarioFormatError(f"{path}: cannot tell the format from suffix {suffix!r}; use .yaml, .yml or .json")


def save_scenario(scenario: Scenario, path: str | os.PathLike[str], format: Format | None = None) -> list[Path]:
    """Write ``scenario`` to ``path`` and return the files written.

    ``format`` defaults from ``path``: ``.yaml``/``.yml``/``.json`` mean native. GENIUS and
    GeniusWeb write a folder (a domain file plus one profile per party). Everything is
    rendered before anything is written, and each file is replaced atomically.

    Raises:
        ScenarioFormatError: the format cannot hold this scenario, or cannot be told from ``path``.
    """
    from . import genius, geniusweb
    from .native import write_native

    target = Path(os.fspath(path)).expanduser()
    kind = format or _format_for(target)
    if kind not in FORMATS:
        raise ScenarioFormatError(f"unknown format {kind!r}; expected one of {list(FORMATS)}")
    if kind == "native":
        if target.suffix.lower() not in NATIVE_SUFFIXES:
            raise ScenarioFormatError(f"{target}: a native scenario is a .yaml, .yml or .json file")
        return [write_native(scenario, target)]
    if target.suffix.lower() in (*NATIVE_SUFFIXES, ".xml"):
        raise ScenarioFormatError(f"{target}: {kind} writes a folder (a domain plus profiles); give a folder path")
    if kind == "genius":
        return genius.write_genius(scenario, target)
    return geniusweb.write_geniusweb(scenario, target)


def conversion_notes(scenario: Scenario, format: Format) -> list[str]:
    """Return what writing ``scenario`` in ``format`` leaves out (empty for the native format)."""
    if format == "native":
        return []
    notes = [f"{format} files hold no default protocol/deadline or description; they were left out"]
    if format == "geniusweb":
        discounted = [p.name for p in scenario.parties if p.utility.discount_factor is not None]
        if discounted:
            notes.append(f"GeniusWeb has no discount factor; dropped for {discounted}")
        reserved = [p.name for p in scenario.parties if p.reservation_value > 0]
        if reserved:
            notes.append(
                f"GeniusWeb stores a reservation *bid*: the outcome closest to the reservation value "
                f"was written for {reserved}"
            )
    return notes

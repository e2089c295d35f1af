"""The one YAML (and JSON) reader of every summitry file kind, with line numbers kept.

Scenario, summit, road-map (commitments, plan, events, catalogue) and tournament files are
all read here, in one dialect: YAML 1.2's *core* schema.

* ``yes``, ``no``, ``on``, ``off`` are strings; only ``true``/``false`` (any case style) are
  booleans; ``~``, ``null`` and an empty value are null.
* ``18:30`` is the string ``'18:30'`` (YAML 1.1 read it as 1110 minutes), ``2019-02-27`` is a
  string (validation turns it into a date, and an impossible date is a named error, not a
  crash), ``010`` is ten, ``1_000`` is text.
* A key given twice in one mapping is an error naming both lines.
* Only the core tags (``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``, ``!!map``,
  ``!!seq``) are accepted; no merge keys (``<<``); aliases may not expand a document past
  :data:`MAX_NODES` nodes, and nesting stops at :data:`MAX_DEPTH` levels.

:func:`load_yaml` reads a file and returns a :class:`YamlDocument`: the data (plain dicts,
lists, strings, numbers, booleans, None) and the line of every item, so that an error found
later — by validation (:mod:`summitry.formats.validation`) or by the domain — names the file,
the item and its line::

    document = load_yaml("summit.yaml", error=SummitFileError)
    document.data["meetings"][0]["title"]
    document.message(("meetings", 0, "title"), "too long")
    # 'summit.yaml: meetings[0].title: too long (line 7)'

A ``.json`` file is read as strict JSON (duplicate keys, ``NaN`` and ``Infinity`` refused);
JSON keeps no line numbers of items.

This module imports no pydantic, so importing it is cheap.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from summitry.errors import ScenarioFormatError, SummitryError

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "Location",
    "YamlDocument",
    "describe_location",
    "dump_yaml",
    "expect_mapping",
    "load_yaml",
    "parse_json",
    "parse_yaml",
    "read_text_file",
]

Location = tuple[str | int, ...]
"""Where an item is in a document: keys and list positions from the top, e.g. ``("meetings", 2, "end")``."""

MAX_DEPTH = 100
"""The deepest nesting of lists and mappings a document may have."""

MAX_NODES = 1_000_000
"""The most nodes a document may hold once its aliases are expanded (a guard against alias bombs)."""

_ErrorType = type[SummitryError]


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed file: its data, the name used in messages, and the line of every item.

    Attributes:
        data: The parsed document: dicts, lists, str, int, float, bool or None (None for an
            empty file).
        source: How messages name the file (usually its path).
        lines: ``{location: 1-based line}``; a mapping entry's line is its key's line. Empty
            for JSON.
    """

    data: Any
    source: str
    lines: Mapping[Location, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when the file holds no document at all (only blanks or comments)."""
        return self.data is None

    def line_of(self, at: Location) -> int | None:
        """Return the line of the item at ``at``, or of its nearest enclosing item that has one."""
        probe = tuple(at)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return None

    def message(self, at: Location, text: str) -> str:
        """Return ``source: item: text (line N)`` for the item at ``at``."""
        line = self.line_of(at)
        suffix = f" (line {line})" if line is not None and at else ""
        return f"{self.source}: {describe_location(at)}: {text}{suffix}"


def describe_location(at: Location) -> str:
    """Return a location as ``parties[1].utility.weights.yongbyon`` (``(top level)`` for the root)."""
    text = ""
    for part in at:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        elif isinstance(part, str) and re.fullmatch(r"[A-Za-z0-9_-]+", part):
            text += f".{part}" if text else part
        else:
            text += f"[{str(part)!r}]"
    return text or "(top level)"


# ---------------------------------------------------------------- the YAML 1.2 core dialect


_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _CoreLoader(yaml.SafeLoader):
    """PyYAML's safe loader narrowed to YAML 1.2's core schema, refusing duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    "a key cannot be a list or a mapping",
                    key_node.start_mark,
                ) from None
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first on line {first})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def flatten_mapping(self, node: yaml.MappingNode) -> None:  # no YAML 1.1 merge keys
        """Leave ``<<`` keys as they are (YAML 1.2 has no merge keys)."""

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        """Refuse flow collections (``[``, ``{``) nested deeper than :data:`MAX_DEPTH`."""
        if self.flow_level >= MAX_DEPTH:
            raise yaml.scanner.ScannerError(
                None,
                None,
                f"nested deeper than {MAX_DEPTH} levels",
                self.get_mark(),
            )
        super().fetch_flow_collection_start(TokenClass)

    def add_indent(self, column: int) -> bool:
        """Refuse block collections nested deeper than :data:`MAX_DEPTH`."""
        if len(self.indents) >= MAX_DEPTH:
            raise yaml.scanner.ScannerError(
                None,
                None,
                f"nested deeper than {MAX_DEPTH} levels",
                self.get_mark(),
            )
        return bool(super().add_indent(column))


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.lstrip("+"))
    try:
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        return sign * int(digits, 10)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"expected an integer, got {_short(text)} ({exc})", node.start_mark
        ) from None


def _construct_float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    lowered = text.lower()
    if lowered in (".inf", "+.inf"):
        return math.inf
    if lowered == "-.inf":
        return -math.inf
    if lowered == ".nan":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"expected a number, got {_short(text)}", node.start_mark
        ) from None


def _refuse_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"the tag {tag!r} is not supported (only YAML's core types: text, numbers, booleans, null, "
        "lists and mappings); write the value as plain text",
        node.start_mark,
    )


_CoreLoader.yaml_implicit_resolvers = {}
_CoreLoader.yaml_constructors = {
    tag: constructor for tag, constructor in yaml.SafeLoader.yaml_constructors.items() if tag in _CORE_TAGS
}
_CoreLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_CoreLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_CoreLoader.add_constructor(None, _refuse_tag)
_CoreLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


class _CoreDumper(yaml.SafeDumper):
    """PyYAML's safe writer, quoting every string that YAML 1.2 core *or* YAML 1.1 would read as another type."""


_CoreDumper.yaml_implicit_resolvers = {}
for _first in set(_CoreLoader.yaml_implicit_resolvers) | set(yaml.SafeDumper.yaml_implicit_resolvers):
    _CoreDumper.yaml_implicit_resolvers[_first] = [
        *_CoreLoader.yaml_implicit_resolvers.get(_first, []),
        *yaml.SafeDumper.yaml_implicit_resolvers.get(_first, []),
    ]


def dump_yaml(data: Any) -> str:
    """Return ``data`` as YAML text that :func:`parse_yaml` (and YAML 1.1 readers) read back equal.

    Keys keep their order; text is written as UTF-8, lines up to 100 characters.
    """
    return yaml.dump(data, Dumper=_CoreDumper, sort_keys=False, allow_unicode=True, width=100)


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


# ---------------------------------------------------------------- reading


def read_text_file(path: str | os.PathLike[str], *, error: _ErrorType = ScenarioFormatError, what: str = "file") -> str:
    """Return the UTF-8 text of a file (a leading byte-order mark is dropped).

    Raises:
        error: ``path`` is a folder, or the file is not UTF-8 text (the message names the
            line and the byte).
        FileNotFoundError, PermissionError: the file cannot be opened.
    """
    path = Path(path)
    if path.is_dir():
        raise error(f"{path}: is a folder; expected a {what}")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: expected UTF-8 text, got a byte 0x{raw[exc.start]:02x}") from None


def load_yaml(
    path: str | os.PathLike[str], *, error: _ErrorType = ScenarioFormatError, what: str = "YAML file"
) -> YamlDocument:
    """Read a YAML file (or, for a ``.json`` suffix, a strict JSON file) into a :class:`YamlDocument`.

    Args:
        path: The file.
        error: The :class:`~summitry.errors.SummitryError` subclass raised for a bad file
            (``SummitFileError`` for summits, ``RoadmapFileError`` for road-map files...).
        what: What kind of file was expected, for messages ("summit file").

    Raises:
        error: the file is a folder, is not UTF-8, or is not well-formed YAML/JSON (the
            message names ``file:line:column``), has a duplicate key, an unsupported tag, or
            is nested or aliased past the limits.
        FileNotFoundError, PermissionError: the file cannot be opened.
    """
    path = Path(path)
    text = read_text_file(path, error=error, what=what)
    if path.suffix.lower() == ".json":
        return parse_json(text, str(path), error=error)
    return parse_yaml(text, str(path), error=error)


def parse_yaml(text: str, source: str, *, error: _ErrorType = ScenarioFormatError) -> YamlDocument:
    """Parse YAML ``text`` in the core dialect; ``source`` names it in messages.

    Raises:
        error: as :func:`load_yaml`.
    """
    try:
        loader = _CoreLoader(text)
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow
        raise error(f"{source}: malformed YAML: {' '.join(str(exc).split())}") from None
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark is not None else source
        problem = (exc.problem or exc.context or "not valid YAML").removeprefix("but ")
        context = ""
        if exc.context and exc.problem and exc.context_mark is not None and exc.context_mark is not mark:
            context = f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise error(f"{where}: malformed YAML: {problem}{context}") from None
    except yaml.YAMLError as exc:  # a ReaderError: a character YAML does not allow
        raise error(f"{source}: malformed YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise error(f"{source}: malformed YAML: nested too deeply") from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    if node is not None:
        try:
            if _expanded_size(node, {}) > MAX_NODES:
                raise error(f"{source}: the document expands to more than {MAX_NODES:,} items (through its aliases)")
            _collect_lines(node, data, (), lines)
        except RecursionError:
            raise error(f"{source}: malformed YAML: nested too deeply") from None
    return YamlDocument(data=data, source=source, lines=lines)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Return how many nodes ``node`` holds once aliases are expanded (linear in the nodes written)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, memo) for item in node.value)
    memo[id(node)] = size
    return size


def _collect_lines(node: yaml.Node, value: Any, at: Location, lines: dict[Location, int]) -> None:
    lines.setdefault(at, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        for (key_node, value_node), (key, item) in zip(node.value, value.items(), strict=False):
            if not isinstance(key, str | int):
                continue  # a float or null key: not addressable in a location
            _collect_lines(value_node, item, (*at, key), lines)
            lines[(*at, key)] = key_node.start_mark.line + 1  # an entry's line is its key's line
    elif isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        for index, (item_node, item) in enumerate(zip(node.value, value, strict=False)):
            _collect_lines(item_node, item, (*at, index), lines)


def parse_json(text: str, source: str, *, error: _ErrorType = ScenarioFormatError) -> YamlDocument:
    """Parse strict JSON ``text`` (no duplicate keys, no NaN or Infinity) into a :class:`YamlDocument`.

    Raises:
        error: the text is not JSON (``file:line:column`` named), or repeats a key.
    """
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise error(f"{source}:{exc.lineno}:{exc.colno}: malformed JSON: {exc.msg}") from None
    except _JsonProblem as exc:
        raise error(f"{source}: malformed JSON: {exc}") from None
    except RecursionError:
        raise error(f"{source}: malformed JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise error(f"{source}: malformed JSON: {exc}") from None
    return YamlDocument(data=data, source=source)


class _JsonProblem(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonProblem(f"duplicate key {key!r}")
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise _JsonProblem(f"{name} is not a JSON number")


def expect_mapping(document: YamlDocument, *, error: _ErrorType, what: str, fields: str) -> dict[str, Any]:
    """Return the document's top-level mapping, or raise ``error`` saying what the file should hold.

    Args:
        document: The parsed file.
        error: The error class to raise.
        what: The kind of file expected ("summit file").
        fields: The top-level fields it needs, for the message ("name, timezone and meetings").

    Raises:
        error: ``the file is empty`` or ``expected a mapping ..., got a list``.
    """
    data = document.data
    if data is None:
        raise error(f"{document.source}: the file is empty; expected a {what} with {fields}")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value {_short(data)}"
        raise error(f"{document.source}: expected a {what}: a mapping with {fields} at the top, got {kind}")
    return data

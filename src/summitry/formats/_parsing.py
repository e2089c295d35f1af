"""Parsing native YAML/JSON text, with errors that name the file and line.

The YAML dialect is safe (no Python objects) and treats only ``true``/``false`` as booleans,
so ``values: [no, yes]`` stays two strings; a key given twice in one mapping is an error.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from summitry.errors import ScenarioFormatError

__all__ = ["loads_native"]


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            if isinstance(key, list | dict):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def loads_native(text: str, source: str, *, json_syntax: bool = False) -> Any:
    """Return the parsed document of a native file's text.

    Raises:
        ScenarioFormatError: the text is not valid YAML (or JSON); names ``source:line``.
    """
    if json_syntax:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScenarioFormatError(
                f"{source}:{exc.lineno}: malformed JSON: {exc.msg} (column {exc.colno})"
            ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise ScenarioFormatError(f"{source}{line}: malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioFormatError(f"{source}: malformed YAML: {exc}") from None

"""Safe XML parsing (defusedxml, no DOCTYPE or entities) that keeps each element's line number."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from summitry.errors import ScenarioFormatError, UnsafeXMLError

__all__ = ["LineElement", "parse_xml"]


class LineElement(ET.Element):
    """An element that remembers the line it starts on (``line``)."""

    line: int = 0


class _LineTreeBuilder(ET.TreeBuilder):
    def __init__(self) -> None:
        super().__init__(element_factory=LineElement)
        self.expat: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        element.line = self.expat.CurrentLineNumber if self.expat is not None else 0  # type: ignore[attr-defined]
        return element


def parse_xml(path: Path) -> LineElement:
    """Return the root element of the XML file at ``path``, each element carrying its ``line``.

    Raises:
        UnsafeXMLError: the document has a DOCTYPE, an entity declaration or an external reference.
        ScenarioFormatError: the document is not well-formed XML (names ``file:line``).
        FileNotFoundError: there is no such file.
    """
    data = Path(path).read_bytes()
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        line = parser.parser.CurrentLineNumber
        raise UnsafeXMLError(
            f"{path}:{line}: refused unsafe XML ({type(exc).__name__}): DOCTYPE, entity declarations and "
            "external references are not allowed in scenario files"
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise ScenarioFormatError(f"{path}:{line}: malformed XML: {reason} (column {column + 1})") from None
    except (LookupError, ValueError) as exc:  # the XML declaration names an unknown encoding
        raise ScenarioFormatError(f"{path}: malformed XML: {exc}") from None
    if not isinstance(root, LineElement):  # pragma: no cover - the builder makes only LineElements
        raise ScenarioFormatError(f"{path}: could not parse XML")
    return root

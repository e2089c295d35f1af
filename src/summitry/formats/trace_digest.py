"""The hash chain that makes a trace file tamper-evident (and a server's session log exportable).

Every line of a trace file (a JSON object: the header, each event, the result) is *sealed*:
it carries ``prev``, the digest of the line before it, and ``digest``, the SHA-256 of its own
canonical JSON (every field but ``digest``, keys sorted, no spaces, UTF-8). The header's
``prev`` is the digest of the scenario's content (:func:`scenario_digest`), so the first
line is chained to the scenario it was run on::

    scenario ──► header ──► event 0 ──► event 1 ──► … ──► result
    (content     prev=scenario digest, prev=header digest, …
     digest)

Editing a line breaks its own digest; removing, inserting or reordering lines breaks the
``prev`` link of the first line after the change. Reading checks both, line by line, and
names the first line that does not hold (see ``trace_files``).

What it does and does not prove: the chain detects accidental and casual edits and pins the
scenario, but there is no secret in it, so whoever rewrites a file can recompute every
digest. Publish (or store elsewhere) the digest of the last line to anchor a trace.

Reuse (the server's event log does exactly this)::

    previous = scenario_digest(scenario)            # or GENESIS when there is no scenario
    for record in records:                          # plain JSON objects, header first
        sealed = seal(record, previous)             # adds "prev" and "digest"
        previous = sealed["digest"]
    problem = check_seal(sealed, previous)          # None when the line holds

Digests are written ``"sha256:<64 hex digits>"``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from summitry.errors import ScenarioFormatError
from summitry.model import Scenario

from .native import scenario_to_document

__all__ = ["GENESIS", "canonical_json", "check_seal", "record_digest", "scenario_digest", "seal"]

GENESIS = "sha256:" + "0" * 64
"""The ``prev`` of a header whose scenario has no content digest (it cannot be written natively)."""

_PREFIX = "sha256:"


def canonical_json(record: Mapping[str, Any]) -> bytes:
    """Return the canonical UTF-8 JSON of ``record``: keys sorted, no spaces, ``digest`` left out.

    Values must be plain JSON (str, int, float, bool, None, lists and objects of them); the
    same record read back from its JSON line gives the same bytes.

    Raises:
        TypeError: a value is not plain JSON.
    """
    plain = {key: value for key, value in record.items() if key != "digest"}
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_digest(record: Mapping[str, Any]) -> str:
    """Return ``"sha256:…"`` of ``record``'s canonical JSON (its own ``digest`` field excluded)."""
    return _PREFIX + hashlib.sha256(canonical_json(record)).hexdigest()


def seal(record: Mapping[str, Any], previous: str) -> dict[str, Any]:
    """Return a copy of ``record`` chained to ``previous``: with ``prev`` = previous and its ``digest``.

    ``previous`` is the digest of the line before (for a header: :func:`scenario_digest`
    of its scenario, or :data:`GENESIS`).
    """
    sealed = {key: value for key, value in record.items() if key not in ("prev", "digest")}
    sealed["prev"] = previous
    sealed["digest"] = record_digest(sealed)
    return sealed


def check_seal(record: Mapping[str, Any], previous: str) -> str | None:
    """Return None if ``record`` is sealed and follows ``previous``; else what is wrong with it.

    The answer is ``"unsealed"`` (no ``prev``/``digest``), ``"edited"`` (the digest does not
    match the content) or ``"out of place"`` (a valid line, but not the one that followed
    ``previous``: a line was removed, inserted or reordered before it). Content is checked
    before place, so an edited line is reported as edited.
    """
    digest, prev = record.get("digest"), record.get("prev")
    if not isinstance(digest, str) or not isinstance(prev, str):
        return "unsealed"
    try:
        if record_digest(record) != digest:
            return "edited"
    except (TypeError, ValueError):
        return "edited"
    if prev != previous:
        return "out of place"
    return None


def scenario_digest(scenario: Scenario) -> str | None:
    """Return the content digest of ``scenario`` (its native document), or None if it has none.

    Two scenarios with the same issues, parties, utilities and defaults have the same digest
    wherever they were loaded from; a scenario the native format cannot express (a custom
    utility class) has no digest.
    """
    try:
        document = scenario_to_document(scenario)
    except ScenarioFormatError:
        return None
    return record_digest(json.loads(json.dumps(document, default=_number)))


def _number(value: object) -> object:
    # numpy scalars inside a document: plain int or float
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")

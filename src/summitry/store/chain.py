"""The hash chain of a session's log: each entry's hash covers the previous hash and the entry.

``chain_hash(previous, record)`` is SHA-256 over the previous entry's hash and the entry's
canonical JSON (sorted keys, no spaces). A letter enters the chain by the SHA-256 of its
text (``data.text_sha256``) rather than the text itself (:func:`chained_form`), so that the
log can be published and checked without the letters' private texts. Changing, removing, reordering or inserting any
entry changes every later hash, so a log whose last hash is known is tamper-evident.

.. note:: the trace files of ``summitry.formats`` are getting the same kind of chain; when
   its public chaining function lands, :func:`chain_hash` becomes a call to it (this is the
   one place to change).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from summitry.errors import TraceError

__all__ = ["GENESIS", "canonical_json", "chain_hash", "chained_form", "verify_chain"]

GENESIS = "0" * 64
"""The "previous hash" of a log's first entry."""


def canonical_json(record: Mapping[str, Any]) -> str:
    """Return ``record`` as canonical JSON: sorted keys, no whitespace, UTF-8 text kept as is."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chained_form(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return ``record`` as the chain covers it: a letter's text replaced by its SHA-256 (``text_sha256``)."""
    data = record.get("data")
    if record.get("kind") != "letter" or not isinstance(data, Mapping) or "text" not in data:
        return record
    text = str(data["text"])
    hidden = {k: v for k, v in data.items() if k != "text"}
    hidden["text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {**record, "data": hidden}


def chain_hash(previous: str, record: Mapping[str, Any]) -> str:
    """Return the hash of ``record`` (in its :func:`chained_form`) chained after the entry hashed ``previous``."""
    digest = hashlib.sha256(previous.encode("ascii"))
    digest.update(canonical_json(chained_form(record)).encode("utf-8"))
    return digest.hexdigest()


def verify_chain(entries: Iterable[tuple[Mapping[str, Any], str]], start: str = GENESIS) -> str:
    """Return the last hash after checking each ``(record, hash)`` pair against the chain.

    Raises:
        TraceError: an entry's hash does not match (names the entry's position).
    """
    previous = start
    for position, (record, recorded) in enumerate(entries):
        expected = chain_hash(previous, record)
        if expected != recorded:
            raise TraceError(
                f"log entry {position}: hash {recorded[:12]}… does not match the chain (expected {expected[:12]}…); "
                "the log was changed"
            )
        previous = recorded
    return previous

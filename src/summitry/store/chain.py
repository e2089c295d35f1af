"""The hash chain of a session's log: the trace files' chain (``summitry.formats.trace_digest``).

Each entry is sealed as a trace file's line is: its hash is the digest of the entry (in its
:func:`chained_form`) with ``prev`` set to the previous entry's hash, by the one function
:func:`summitry.formats.trace_digest.record_digest`. Hashes are stored as 64 hex digits (the
digest without its ``sha256:`` prefix); the first entry's ``prev`` is :data:`GENESIS`, the
trace files' genesis. A letter enters the chain by the SHA-256 of its text
(``data.text_sha256``) rather than the text itself, so that the log can be published and
checked without the letters' private texts. Changing, removing, reordering or inserting any
entry changes every later hash, so a log whose last hash is known is tamper-evident.

.. versionchanged:: 0.1  The store used its own chain (SHA-256 over the previous hash and the
   entry); it is now the trace files' seal, so that one function checks both. Logs stored
   before this change no longer verify.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from summitry.errors import TraceError
from summitry.formats.trace_digest import GENESIS as TRACE_GENESIS
from summitry.formats.trace_digest import record_digest

__all__ = ["GENESIS", "chain_hash", "chained_form", "verify_chain"]

_PREFIX = "sha256:"

GENESIS = TRACE_GENESIS.removeprefix(_PREFIX)
"""The "previous hash" of a log's first entry (64 zeros: the trace files' genesis)."""


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
    """Return the hash of ``record`` (in its :func:`chained_form`) chained after the entry hashed ``previous``.

    It is the trace files' digest of the entry sealed with ``prev`` = ``sha256:`` + previous,
    written without the ``sha256:`` prefix.
    """
    sealed = {**chained_form(record), "prev": _PREFIX + previous}
    return record_digest(sealed).removeprefix(_PREFIX)


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

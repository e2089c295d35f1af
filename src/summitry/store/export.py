"""A stored session as a trace file: the JSON Lines that ``summitry replay`` checks and replays.

The trace holds the session's mechanism events (letters are not part of a negotiation's
trace) sealed into the trace files' hash chain, and embeds the session's scenario, so that
the file replays anywhere, also for a scenario that was uploaded to the server.
"""

from __future__ import annotations

from summitry.formats import scenario_from_document
from summitry.formats.trace_files import trace_to_lines

from .repository import SessionStore

__all__ = ["trace_lines"]


def trace_lines(store: SessionStore, session_id: str, *, verify: bool = True) -> list[str]:
    """Return session ``session_id`` as the sealed JSON Lines of its trace, its scenario embedded.

    Args:
        store: where the session is stored.
        session_id: the session's id.
        verify: check the stored log's hash chain first.

    Raises:
        UnknownSessionError: no such session.
        TraceError: the stored log does not match its hash chain (it was changed).
        StoreError: the stored head is not the log's end.
    """
    if verify:
        store.verify(session_id)
    record = store.session(session_id)
    trace = store.trace(session_id)
    scenario = scenario_from_document(dict(record.scenario), f"session {session_id}")
    return trace_to_lines(trace, scenario=scenario, embed=True)

"""What each token may see: the session's state and its log entries, rendered per viewer.

Privacy (DESIGN §8): a party sees its own utility function and the public trace; an
observer or the admin sees the public trace only. Other parties' utilities, weights,
reservation values and hard constraints are never shown — the utilities that the mechanism
records in ``agreement``/``timeout`` events are removed — unless the session was created
with ``reveal: "after_end"`` and is over. A letter's text is shown to its sender and its
addressees only; everyone else sees who wrote to whom.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from summitry.formats.native import scenario_to_document
from summitry.model import Scenario, plain_value
from summitry.protocols import Request

from .runtime import LiveSession
from .tokens import Access

__all__ = [
    "FIXED_KEYS",
    "LEGAL_NAMES",
    "PRIVATE_DATA_KEYS",
    "compact_json",
    "entry_json",
    "entry_view",
    "fixed_state_json",
    "public_scenario",
    "revealed",
    "state_json",
    "state_view",
]

PRIVATE_DATA_KEYS = frozenset({"utilities", "draft_utilities"})
"""Event data fields that hold every party's utilities or reservation values."""

LEGAL_NAMES = {
    "Offer": "offer",
    "Accept": "accept",
    "Reject": "reject",
    "EndNegotiation": "end",
    "Vote": "vote",
    "Amend": "amend",
}
"""The API's name of each action type."""


def revealed(live: LiveSession) -> bool:
    """Return whether every party's preferences may now be shown (reveal "after_end", and over)."""
    return live.record.reveal == "after_end" and not live.running


def public_scenario(scenario: Scenario) -> dict[str, Any]:
    """Return the public part of a scenario: name, description, issues and the space's constraints."""
    document = scenario_to_document(scenario)
    public = {
        "name": document["name"],
        "description": document.get("description", ""),
        "issues": document["issues"],
        "constraints": document.get("constraints", []),
        "parties": [p.name for p in scenario.parties],
    }
    return public


def party_documents(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Return each party's private document (reservation, utility, own constraints), by name."""
    return {p["name"]: p for p in scenario_to_document(scenario)["parties"]}


def outcome_view(scenario: Scenario, outcome: Sequence[Any] | None) -> dict[str, Any] | None:
    """Return an outcome as ``{issue: value}`` (None stays None)."""
    if outcome is None:
        return None
    return {name: plain_value(value) for name, value in zip(scenario.space.issue_names, outcome, strict=False)}


def entry_view(
    live: LiveSession, record: Mapping[str, Any], access: Access, *, open_: bool | None = None
) -> dict[str, Any]:
    """Return one log entry as ``access`` may see it."""
    show_all = revealed(live) if open_ is None else open_
    kind = str(record["kind"])
    view: dict[str, Any] = {
        "index": record["position"],
        "kind": kind,
        "party": record.get("party"),
        "time": record.get("time"),
    }
    data = dict(record.get("data") or {})
    if kind == "letter":
        to = list(data.get("to", []))
        readers = {record.get("party"), *to}
        letter: dict[str, Any] = {"to": to}
        if access.is_party and access.party in readers:
            letter["text"] = data.get("text", "")
        view["data"] = letter
        return view
    view["round"] = record.get("round")
    view["step"] = record.get("step")
    view["outcome"] = outcome_view(live.scenario, record.get("outcome"))
    if not show_all:
        data = {k: v for k, v in data.items() if k not in PRIVATE_DATA_KEYS}
    if "late" in data and isinstance(data["late"], Mapping) and isinstance(data["late"].get("outcome"), list):
        data["late"] = {**data["late"], "outcome": outcome_view(live.scenario, data["late"]["outcome"])}
    view["data"] = data
    return view


def entry_json(live: LiveSession, record: Mapping[str, Any], access: Access, *, open_: bool) -> str:
    """Return :func:`entry_view` as :func:`compact_json` text (``open_``: whether the session is revealed).

    Every viewer sees the same view of an entry that is not a letter, so that text is kept
    (for the session's latest entries) and rendered once for the stream of each party, the
    observers and the action's answer.
    """
    if record["kind"] == "letter":
        return compact_json(entry_view(live, record, access, open_=open_))
    rendered: dict[tuple[int, bool], str] = live.cache.setdefault("entries_json", {})
    key = (int(record["position"]), open_)
    text = rendered.get(key)
    if text is None:
        if len(rendered) >= _RENDERED_ENTRIES:
            rendered.clear()
        text = rendered[key] = compact_json(entry_view(live, record, access, open_=open_))
    return text


_RENDERED_ENTRIES = 256
"""Entries whose text a session keeps (they are read again soon after they are logged, if at all)."""


def state_view(
    live: LiveSession,
    access: Access,
    documents: Mapping[str, Mapping[str, Any]],
    *,
    appended: int = 0,
    fixed: bool = True,
) -> dict[str, Any]:
    """Return the session's state as ``access`` may see it (``documents``: the parties' private documents).

    ``appended``: entries of the change being written, not yet in ``live.entries`` (an
    action's answer is rendered before its entries are committed, and stored with them).
    ``fixed=False`` leaves out what is the same in every state of the session for this token
    (:data:`FIXED_KEYS`: the public scenario and the party's own utility).
    """
    mechanism, record, scenario = live.mechanism, live.record, live.scenario
    state = mechanism.state()
    next_party = mechanism.next_party
    request = live.request()
    observation = mechanism.observe(next_party) if next_party is not None else None
    seconds = live.deadline.seconds
    now = live.clock.now()
    view: dict[str, Any] = {
        "id": record.id,
        "status": live.status,
        "reason": state.reason,
        "protocol": record.protocol,
        "amendments": bool(record.settings.get("amendments", False)),
        "scenario_name": record.scenario_name,
        "parties": [
            {"name": name, "kind": spec.get("kind"), **({"agent": spec["agent"]} if spec.get("agent") else {})}
            for name, spec in record.parties.items()
        ],
        "round": state.round,
        "step": state.step,
        "deadline": {
            "rounds": live.deadline.rounds,
            "seconds": seconds,
            "elapsed": round(now, 3),
            "remaining_seconds": None if seconds is None else round(max(0.0, seconds - now), 3),
            "time_limit": mechanism.time_limit,
            "turn_deadline": None
            if mechanism.time_limit is None or next_party is None
            else round(live.turn_started + mechanism.time_limit, 3),
        },
        "next_party": next_party,
        "request": None if request is None else request.value,
        "standing_offer": None,
        "standing_offer_by": None,
        "accepted_by": list(state.accepted_by),
        "draft": None,
        "proposal": None,
        "agreement": outcome_view(scenario, state.agreement),
        "events": len(live.entries) + appended,
        "last_index": len(live.entries) + appended - 1,
        "reveal": record.reveal,
        "role": access.role,
    }
    if record.protocol == "mediation":
        view["draft"] = outcome_view(scenario, observation.draft if observation else state.standing_offer)
        view["proposal"] = outcome_view(scenario, observation.proposal if observation else None)
    else:
        view["standing_offer"] = outcome_view(scenario, state.standing_offer)
        view["standing_offer_by"] = state.standing_offer_by
    if record.result is not None or not live.running:
        result = mechanism.result()
        view["result"] = {"reason": result.reason, "rounds": result.rounds, "steps": result.steps}
    if access.is_party and access.party is not None:
        view["you"] = access.party
        view["your_turn"] = next_party == access.party
        view["legal"] = [LEGAL_NAMES[t.__name__] for t in mechanism.legal_actions(access.party)]
        if request is Request.APPROVE and next_party == access.party:
            view["legal"] = [k for k in view["legal"] if k != "amend"]
    if fixed:
        view.update(_fixed_members(live, access, documents))
    if revealed(live):
        view["utilities"] = {name: dict(doc) for name, doc in documents.items()}
        if not live.running:
            result = mechanism.result()
            view["result"]["utilities"] = dict(zip(record.parties, result.utilities, strict=True))
    return view


def compact_json(content: Any, *, sort_keys: bool = False) -> str:
    """Return ``content`` as the API renders JSON: compact, UTF-8 text as is, numpy scalars as plain values.

    orjson (about a tenth of the server's CPU per action went to the standard library's
    encoder) writes NaN and infinity as ``null``: JSON has neither.
    """
    option = orjson.OPT_SERIALIZE_NUMPY | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    return orjson.dumps(content, default=_plain, option=option).decode()


def _plain(value: Any) -> Any:
    """Return what orjson cannot write itself as a plain value (a numpy scalar of a kind it does not know)."""
    plain = plain_value(value)
    if plain is value:
        raise TypeError(f"not JSON: {type(value).__name__}")
    return plain


def state_json(
    live: LiveSession,
    access: Access,
    documents: Mapping[str, Mapping[str, Any]],
    *,
    appended: int = 0,
    fixed: bool = True,
) -> str:
    """Return :func:`state_view` as :func:`compact_json` text, its unchanging parts rendered once per session.

    The public scenario and the party's own utility are most of a state's text and the same
    in every answer of a session; they are rendered once, kept, and put at the end of the
    object (the same JSON, its keys in another order: :func:`fixed_state_json`). With
    ``fixed=False`` they are left out.
    """
    text = compact_json(state_view(live, access, documents, appended=appended, fixed=False))
    return text[:-1] + fixed_state_json(live, access, documents) + "}" if fixed else text


FIXED_KEYS = ("scenario", "utility")
"""The keys of a state that are the same in every state of a session for one token."""


def fixed_state_json(live: LiveSession, access: Access, documents: Mapping[str, Mapping[str, Any]]) -> str:
    """Return the state's unchanging members for ``access`` as JSON text: ``,"scenario":…[,"utility":…]``.

    Rendered once per session (and party) and kept, their keys sorted: the same text before
    and after a restart, whose reloaded scenario may list a mapping's keys in another order
    (an action's answer is kept without these members and replayed with them). A state
    without them (``state_json(fixed=False)``) takes them back just before its closing brace.
    """
    name = f"fixed_json:{access.party}" if access.is_party and access.party is not None else "fixed_json"
    text = live.cache.get(name)
    if text is None:
        members = _fixed_members(live, access, documents)
        text = live.cache[name] = "," + compact_json(members, sort_keys=True)[1:-1]
    return text


def _fixed_members(live: LiveSession, access: Access, documents: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Return the state's :data:`FIXED_KEYS` for ``access``: the public scenario, and a party's own utility."""
    members: dict[str, Any] = {"scenario": _public_scenario(live)}
    if access.is_party and access.party is not None:
        members["utility"] = dict(documents[access.party])
    return members


def _public_scenario(live: LiveSession) -> dict[str, Any]:
    public = live.cache.get("public_scenario")
    if public is None:  # the same for the whole session: built once (read-only, shared by the answers)
        public = live.cache["public_scenario"] = public_scenario(live.scenario)
    return dict(public)

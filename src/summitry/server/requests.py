"""Reading request bodies: JSON checked field by field, with a message naming the field.

Bodies are parsed by hand rather than by FastAPI's validation so that every malformed
request is a 400 with one clear line (an invalid scenario is a 422, a too large one a 413).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, cast

from summitry.agents import REGISTRY, negotiator_from_text
from summitry.errors import SummitryError
from summitry.formats import scenario_from_document, scenario_to_document, shipped_scenarios
from summitry.formats.loading import load_scenario
from summitry.model import Scenario
from summitry.protocols import Accept, Action, Amend, EndNegotiation, Offer, Reject, Vote
from summitry.protocols.state import deadline_for
from summitry.store import SessionRecord

from .limits import Limits
from .problems import BadRequest, Forbidden, InvalidScenario, TooLarge

__all__ = ["ACTION_KINDS", "parse_action", "parse_comment", "parse_json", "parse_letter", "parse_session"]

ACTION_KINDS = ("offer", "accept", "reject", "end", "amend", "vote")
"""The ``kind`` values an action body may have."""

_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"']{1,255}\.[^@\s<>\"'.]{1,63}$")
_REVEAL = ("never", "after_end")
_KINDS = ("human", "agent", "envoy")
_CREATE_FIELDS = {"scenario", "protocol", "amendments", "rounds", "seconds", "parties", "reveal", "seed", "time_limit"}
DEFAULT_HUMAN_TIME_LIMIT = 600.0
"""Seconds a person (or an envoy, in a session with people) may take for one action."""
DEFAULT_TIME_LIMIT = 60.0
"""Seconds an envoy or agent may take for one action when no person takes part."""


def parse_json(body: bytes) -> Any:
    """Return the JSON value of ``body``.

    Raises:
        BadRequest: the body is empty or not JSON.
    """
    if not body.strip():
        raise BadRequest("request body: expected a JSON object, got nothing")
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"request body: not valid JSON ({exc})") from None


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadRequest(f"{what}: expected a JSON object, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _number(body: Mapping[str, Any], key: str, *, integer: bool) -> float | int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        raise BadRequest(f"{key}: expected {'an integer' if integer else 'a number'}, got {json.dumps(value)[:40]}")
    if not math.isfinite(value) or value <= 0:
        raise BadRequest(f"{key}: expected a positive number, got {value}")
    return value


def parse_session(raw: Any, limits: Limits) -> SessionRecord:
    """Return the session record a ``POST /api/sessions`` body asks for (id still empty).

    Raises:
        BadRequest: a field is missing or malformed.
        InvalidScenario: the scenario cannot be read, or the parties do not fit it.
        TooLarge: the scenario has more outcomes than the server takes.
    """
    body = _object(raw, "request body")
    unknown = sorted(set(body) - _CREATE_FIELDS)
    if unknown:
        raise BadRequest(f"{unknown[0]}: unknown field; the fields are {sorted(_CREATE_FIELDS)}")
    scenario = _scenario(body.get("scenario"), limits)
    protocol = body.get("protocol", scenario.protocol)
    if protocol not in ("sao", "mediation"):
        raise BadRequest(f"protocol: expected 'sao' or 'mediation', got {json.dumps(protocol)[:40]}")
    amendments = body.get("amendments", False)
    if not isinstance(amendments, bool):
        raise BadRequest(f"amendments: expected true or false, got {json.dumps(amendments)[:40]}")
    if amendments and protocol != "mediation":
        raise BadRequest("amendments: only the 'mediation' protocol has amendments")
    rounds = _number(body, "rounds", integer=True)
    seconds = _number(body, "seconds", integer=False)
    if rounds is not None and rounds > 100_000:
        raise BadRequest(f"rounds: at most 100000, got {rounds}")
    if seconds is not None and seconds > 30 * 86_400:
        raise BadRequest(f"seconds: at most 30 days (2592000), got {seconds}")
    rounds, seconds = deadline_for(scenario, None if rounds is None else int(rounds), seconds)
    reveal = body.get("reveal", "never")
    if reveal not in _REVEAL:
        raise BadRequest(f"reveal: expected 'never' or 'after_end', got {json.dumps(reveal)[:40]}")
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31):
        raise BadRequest(f"seed: expected an integer in 0..2147483647, got {json.dumps(seed)[:40]}")
    if seed is None:
        import secrets

        seed = secrets.randbelow(2**31)
    parties = _parties(body.get("parties"), scenario)
    has_people = any(spec["kind"] == "human" for spec in parties.values())
    time_limit: float | int | None = DEFAULT_HUMAN_TIME_LIMIT if has_people else DEFAULT_TIME_LIMIT
    if "time_limit" in body:
        time_limit = _number(body, "time_limit", integer=False)
    settings: dict[str, Any] = {"rounds": rounds, "seconds": seconds, "time_limit": time_limit}
    if protocol == "mediation":
        settings["amendments"] = amendments
    return SessionRecord(
        id="",
        source="server",
        created_at=0.0,
        scenario_name=scenario.name,
        scenario=scenario_to_document(scenario),
        protocol=protocol,
        settings=settings,
        seed=seed,
        parties=parties,
        reveal=reveal,
    )


def _scenario(value: Any, limits: Limits) -> Scenario:
    if value is None:
        raise BadRequest(f"scenario: required: a shipped name ({', '.join(shipped_scenarios())}) or a native document")
    if isinstance(value, str):
        if value not in shipped_scenarios():
            raise InvalidScenario(f"scenario: no shipped scenario {value!r}; shipped: {', '.join(shipped_scenarios())}")
        return load_scenario(value)
    if not isinstance(value, dict):
        raise BadRequest(f"scenario: expected a shipped name or a native scenario object, got {_kind(value)}")
    issues = value.get("issues")
    if isinstance(issues, list):
        estimate = 1
        for issue in issues:
            if isinstance(issue, dict):
                values = issue.get("values")
                size = len(values) if isinstance(values, list) else _range_size(issue)
                estimate *= max(1, size)
        if estimate > limits.max_outcomes:
            raise TooLarge(f"scenario: at most {limits.max_outcomes} outcomes, this one has about {estimate}")
    try:
        scenario = scenario_from_document(value, "scenario")
        scenario_to_document(scenario)  # it must be storable as it is
    except SummitryError as exc:
        raise InvalidScenario(str(exc)) from None
    if scenario.space.cardinality > limits.max_outcomes:
        raise TooLarge(f"scenario: at most {limits.max_outcomes} outcomes, got {scenario.space.cardinality}")
    return scenario


def _range_size(issue: Mapping[str, Any]) -> int:
    low, high, steps = issue.get("low"), issue.get("high"), issue.get("steps")
    if isinstance(steps, int):
        return steps
    if isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool):
        return max(1, high - low + 1)
    return 1


def _built_in(agent: str, field: str) -> None:
    """Refuse an agent the server would have to import from a file or module named by the client.

    A server-side agent is a registered agent (with parameters) or a NegMAS class from the
    ``negmas`` package; ``file.py:Class`` and ``module:Class`` would make the server run code
    from wherever the request says, so such a negotiator joins as an envoy instead.

    Raises:
        BadRequest: any other form.
    """
    head, _, rest = agent.strip().partition(":")
    module = rest.partition(":")[0]
    if head in REGISTRY or (head == "negmas" and (module == "negmas" or module.startswith("negmas."))):
        return
    raise BadRequest(
        f"{field}: the server runs its built-in agents only ({', '.join(REGISTRY)}, or negmas:negmas.MODULE:CLASS), "
        f"got {json.dumps(agent)[:80]}; a class of your own joins as an envoy: "
        "summitry envoy URL --session ID --token TOKEN --agent my_agent.py:MyAgent"
    )


def _parties(value: Any, scenario: Scenario) -> dict[str, dict[str, Any]]:
    names = list(scenario.party_names)
    if value is None:
        raise BadRequest(f'parties: required: for each of {names}, {{"kind": "human"|"agent"|"envoy"}}')
    parties = _object(value, "parties")
    if sorted(parties) != sorted(names):
        raise InvalidScenario(f"parties: expected exactly the scenario's parties {names}, got {sorted(parties)}")
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        spec = _object(parties[name], f"parties.{name}")
        kind = spec.get("kind")
        if kind not in _KINDS:
            raise BadRequest(f"parties.{name}.kind: expected 'human', 'agent' or 'envoy', got {json.dumps(kind)[:40]}")
        entry: dict[str, Any] = {"kind": kind}
        if kind == "agent":
            agent = spec.get("agent", "boulware")
            if not isinstance(agent, str) or not agent.strip() or len(agent) > 200:
                raise BadRequest(f"parties.{name}.agent: expected an agent such as 'boulware:exponent=0.2'")
            _built_in(agent, f"parties.{name}.agent")
            try:
                negotiator_from_text(agent)
            except SummitryError as exc:
                raise BadRequest(f"parties.{name}.agent: {exc}") from None
            entry["agent"] = agent.strip()
        out[name] = entry
    return out


def parse_action(raw: Any, party: str) -> Action:
    """Return the action an action body asks for, taken by ``party``.

    Raises:
        BadRequest: the body is malformed.
        Forbidden: the body names another party.
    """
    body = _object(raw, "request body")
    if "party" in body and body["party"] != party:
        raise Forbidden(f"party: your token acts for {party!r} only")
    kind = body.get("kind")
    if kind not in ACTION_KINDS:
        raise BadRequest(f"kind: expected one of {list(ACTION_KINDS)}, got {json.dumps(kind)[:40]}")
    if kind == "offer":
        outcome = body.get("outcome")
        if not isinstance(outcome, dict | list) or not outcome:
            raise BadRequest("outcome: an offer needs {ISSUE: VALUE, ...} for every issue")
        _check_values(outcome.values() if isinstance(outcome, dict) else outcome)
        return Offer(party=party, outcome=cast(Any, dict(outcome) if isinstance(outcome, dict) else tuple(outcome)))
    if kind == "amend":
        changes = body.get("outcome", body.get("changes", {}))
        if not isinstance(changes, dict):
            raise BadRequest("outcome: an amendment needs {ISSUE: VALUE} for the issues it changes ({} for none)")
        _check_values(changes.values())
        return Amend(party=party, changes=dict(changes))
    if kind == "vote":
        approve = body.get("approve")
        if not isinstance(approve, bool):
            raise BadRequest(f"approve: a vote needs true or false, got {json.dumps(approve)[:40]}")
        return Vote(party=party, accept=approve)
    if kind == "accept":
        return Accept(party=party)
    if kind == "reject":
        return Reject(party=party)
    return EndNegotiation(party=party)


def _check_values(values: Any) -> None:
    for value in values:
        if isinstance(value, dict | list) or value is None:
            raise BadRequest(f"outcome: values must be strings or numbers, got {_kind(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise BadRequest("outcome: values must be finite numbers")


def parse_letter(raw: Any, sender: str, parties: list[str], limits: Limits) -> tuple[list[str], str]:
    """Return the addressees and text of a letter body.

    Raises:
        BadRequest: no addressee, an unknown one, the sender itself, or no text.
        TooLarge: the text is too long.
    """
    body = _object(raw, "request body")
    to, text = body.get("to"), body.get("text")
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not to or not all(isinstance(name, str) for name in to):
        raise BadRequest(f"to: expected a list of party names from {[p for p in parties if p != sender]}")
    unknown = [name for name in to if name not in parties]
    if unknown:
        raise BadRequest(f"to: no party {unknown[0]!r}; the parties are {parties}")
    if sender in to:
        raise BadRequest("to: a letter goes to other parties, not to its sender")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("text: a letter needs some text")
    if len(text) > limits.max_text_chars:
        raise TooLarge(f"text: at most {limits.max_text_chars} characters, got {len(text)}")
    return list(dict.fromkeys(to)), text


def parse_comment(raw: Any, limits: Limits) -> tuple[str, str, str]:
    """Return the name, email and text of a comment body.

    Raises:
        BadRequest: a field is missing or malformed (the email must look like one).
        TooLarge: a field is too long.
    """
    body = _object(raw, "request body")
    name, email, text = body.get("name"), body.get("email"), body.get("text")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("name: required")
    if len(name) > limits.max_name_chars:
        raise TooLarge(f"name: at most {limits.max_name_chars} characters, got {len(name)}")
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        raise BadRequest("email: required, as name@example.org (it is stored and never shown)")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest("text: required")
    if len(text) > limits.max_text_chars:
        raise TooLarge(f"text: at most {limits.max_text_chars} characters, got {len(text)}")
    return name.strip(), email.strip(), text

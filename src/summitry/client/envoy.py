"""Envoy: a negotiator speaking to a summitry server (see docs/protocol.md for the wire protocol).

The loop: read the session (``GET /api/sessions/{id}``: the party's own utility and the
public state), start the negotiator with its private view, then until the negotiation is
over either act (when it is this party's turn: ``POST .../actions`` with a fresh
Idempotency-Key, resent unchanged until answered; the answer holds the new state) or wait for
news (``GET .../events?after=N&wait=S&state=true``: the events and the state they lead to, in
one request). Connection errors and 5xx answers are retried with
exponential backoff (up to ``give_up`` seconds without an answer); 401, 403 and 404 stop the
envoy with an :class:`~summitry.errors.EnvoyError`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from summitry._rng import make_rng
from summitry.errors import EnvoyError
from summitry.formats import scenario_from_document
from summitry.model import plain_value
from summitry.protocols import (
    Accept,
    Action,
    Amend,
    Deadline,
    EndNegotiation,
    NegotiatorProtocol,
    Observation,
    Offer,
    PrivateView,
    Reject,
    Request,
    Vote,
)

__all__ = ["Envoy", "EnvoyResult", "Letter", "action_body", "private_view_of"]

log = logging.getLogger(__name__)

_LEGAL: dict[str, type] = {
    "offer": Offer,
    "accept": Accept,
    "reject": Reject,
    "end": EndNegotiation,
    "vote": Vote,
    "amend": Amend,
}
_FATAL = (401, 403, 404)


@dataclass(frozen=True, slots=True, kw_only=True)
class Letter:
    """A letter between parties: who wrote it, to whom, and its text (None if not addressed to us)."""

    index: int
    sender: str
    to: tuple[str, ...]
    text: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvoyResult:
    """How the session ended, for this party."""

    session: str
    party: str
    status: str
    reason: str
    agreement: Mapping[str, Any] | None
    utility: float
    rounds: int
    actions: int
    events: int
    letters: tuple[Letter, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON values."""
        return {
            "session": self.session,
            "party": self.party,
            "status": self.status,
            "reason": self.reason,
            "agreement": None if self.agreement is None else dict(self.agreement),
            "utility": self.utility,
            "rounds": self.rounds,
            "actions": self.actions,
            "events": self.events,
            "letters": [{"index": x.index, "from": x.sender, "to": list(x.to), "text": x.text} for x in self.letters],
        }


def private_view_of(state: Mapping[str, Any]) -> PrivateView:
    """Return the private view a party's session state gives its negotiator (space, own utility, deadline)."""
    scenario_doc = state["scenario"]
    own = dict(state["utility"])
    own["name"] = state["you"]
    placeholder = {
        "name": f"{state['you']}-other",
        "reservation": 0.0,
        "utility": {"type": "table", "default": 0.0, "outcomes": []},
    }
    document = {
        "name": scenario_doc["name"],
        "issues": scenario_doc["issues"],
        "constraints": scenario_doc.get("constraints", []),
        "parties": [own, placeholder],
    }
    scenario = scenario_from_document(document, f"session {state['id']}")
    party = scenario.parties[0]
    parties = tuple(p["name"] for p in state["parties"])
    deadline = state["deadline"]
    return PrivateView(
        party=state["you"],
        index=parties.index(state["you"]),
        parties=parties,
        space=scenario.space,
        utility=party.utility,
        reservation_value=party.reservation_value,
        deadline=Deadline(rounds=deadline.get("rounds"), seconds=deadline.get("seconds")),
        protocol=str(state["protocol"]),
        discount_factor=party.utility.discount_factor,
    )


def action_body(action: Action, issues: Sequence[str]) -> dict[str, Any]:
    """Return the JSON body of ``action`` for ``POST .../actions``."""
    if isinstance(action, Offer):
        outcome = action.outcome
        values = outcome if isinstance(outcome, Mapping) else dict(zip(issues, outcome, strict=True))
        return {"kind": "offer", "outcome": {k: plain_value(v) for k, v in values.items()}}
    if isinstance(action, Accept):
        return {"kind": "accept"}
    if isinstance(action, Reject):
        return {"kind": "reject"}
    if isinstance(action, EndNegotiation):
        return {"kind": "end"}
    if isinstance(action, Vote):
        return {"kind": "vote", "approve": bool(action.accept)}
    if isinstance(action, Amend):
        return {"kind": "amend", "outcome": {k: plain_value(v) for k, v in dict(action.changes).items()}}
    raise EnvoyError(f"the negotiator returned {type(action).__name__}, not an action")


class Envoy:
    """A negotiator taking part in a server session (see the module docstring).

    Args:
        url: the server, e.g. ``http://127.0.0.1:8000``.
        session_id: the session's id.
        token: this party's token.
        negotiator: any negotiator (built-in or user-written).
        pace: seconds to wait before each action (demonstrations, tests).
        seed: seeds the negotiator's random generator (default: from the session id).
        client: an ``httpx.Client`` to use instead of a new one (tests pass an in-process one).
        give_up: seconds without any answer from the server before giving up.
        on_event: called with every event (as JSON) the envoy receives, in order.
    """

    def __init__(
        self,
        url: str,
        session_id: str,
        token: str,
        negotiator: NegotiatorProtocol,
        *,
        pace: float = 0.0,
        seed: int | None = None,
        client: httpx.Client | None = None,
        give_up: float = 120.0,
        on_event: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> None:
        self.session_id = session_id
        self.negotiator = negotiator
        self.pace = float(pace)
        self.seed = seed if seed is not None else int(uuid.uuid5(uuid.NAMESPACE_URL, session_id).int % 2**31)
        self.give_up = float(give_up)
        self.on_event = on_event
        headers = {"Authorization": f"Bearer {token}"}
        if client is None:
            self._client = httpx.Client(
                base_url=url.rstrip("/"), headers=headers, timeout=httpx.Timeout(40.0, connect=5.0)
            )
        else:
            self._client = client
            self._client.headers.update(headers)
        self._base = f"/api/sessions/{session_id}"
        self.last = -1
        self.events: list[Mapping[str, Any]] = []
        self.letters: list[Letter] = []
        self.history: list[tuple[str, tuple[Any, ...]]] = []
        self.actions = 0
        self._issues: tuple[str, ...] = ()

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> EnvoyResult:
        """Play the session to its end; return how it ended for this party.

        Raises:
            EnvoyError: the server refused the token or the session, stayed unreachable for
                ``give_up`` seconds, or kept refusing the negotiator's actions.
        """
        state = self._request("GET", self._base)
        if "you" not in state:
            raise EnvoyError("this token is not a party's token: an envoy needs its party's token")
        view = private_view_of(state)
        self._issues = tuple(view.space.issue_names)
        self.negotiator.start(view, make_rng(self.seed))
        # The history so far, and the state as of it: another party may have acted since the
        # state was read, and a stale "not your turn" would wait for news that cannot come.
        state = self._catch_up(wait=0.0) or self._request("GET", self._base)
        refusals = 0
        while state["status"] == "running":
            if state.get("your_turn"):
                observation = self._observation(state, view)
                action = self.negotiator.act(observation)
                if self.pace > 0:
                    time.sleep(self.pace)
                answer = self._act(action)
                if answer is None:  # refused (409): look again
                    refusals += 1
                    if refusals > 5:
                        raise EnvoyError("the server refused the negotiator's actions five times in a row")
                    state = self._request("GET", self._base)
                    continue
                refusals = 0
                self.actions += 1
                produced = answer.get("events", [])
                if produced and int(produced[0]["index"]) > self.last + 1:  # entries logged meanwhile (letters)
                    self._catch_up(wait=0.0)
                self._take(produced)
                state = answer["state"]
                continue
            state = self._catch_up(wait=20.0) or self._request("GET", self._base)
        self._catch_up(wait=0.0)
        return self._result(state, view)

    def send_letter(self, to: Sequence[str], text: str) -> Letter:
        """Send a letter to the parties ``to``; return it as logged."""
        answer = self._request(
            "POST", f"{self._base}/letters", json={"to": list(to), "text": text}, key=str(uuid.uuid4())
        )
        event = answer["event"]
        return Letter(index=int(event["index"]), sender=str(event["party"]), to=tuple(event["data"]["to"]), text=text)

    @property
    def url(self) -> str:
        """The server's URL as the envoy talks to it now (the owning worker's, after ``serve --workers`` relayed)."""
        return str(self._client.base_url).rstrip("/")

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    # -- pieces -----------------------------------------------------------------------------

    def _act(self, action: Action) -> dict[str, Any] | None:
        body = action_body(action, self._issues)
        key = str(uuid.uuid4())
        try:
            return self._request("POST", f"{self._base}/actions", json=body, key=key)
        except _Refused as refused:
            log.info("action refused: %s", refused)
            return None

    def _catch_up(self, wait: float) -> dict[str, Any] | None:
        """Take every event after the last one seen (waiting up to ``wait`` s for one); return the state with them.

        The state comes with the last page (``state=true``) and matches it; None if the server
        sent none (a server from before ``state=true``): then ``GET`` it.
        """
        while True:
            params = {"after": self.last, "wait": wait, "state": "true"}
            page = self._request("GET", f"{self._base}/events", params=params)
            events = page.get("events", [])
            self._take(events)
            if not events or self.last >= int(page.get("last_index", self.last)):
                state = page.get("state")
                if isinstance(state, dict) and int(state.get("last_index", -2)) == self.last:
                    return state
                return None
            wait = 0.0

    def _take(self, events: Sequence[Mapping[str, Any]]) -> None:
        for event in events:
            index = int(event["index"])
            if index <= self.last:
                continue
            self.last = index
            self.events.append(event)
            kind = event.get("kind")
            if kind == "offer" and event.get("outcome") is not None:
                self.history.append((str(event["party"]), self._tuple(event["outcome"])))
            elif kind == "letter":
                data = event.get("data") or {}
                letter = Letter(
                    index=index, sender=str(event["party"]), to=tuple(data.get("to", ())), text=data.get("text")
                )
                self.letters.append(letter)
                receive = getattr(self.negotiator, "receive_letter", None)
                if callable(receive) and letter.text is not None:
                    receive(letter)
            if self.on_event is not None:
                self.on_event(event)

    def _observation(self, state: Mapping[str, Any], view: PrivateView) -> Observation:
        deadline = view.deadline
        time_ = deadline.relative_time(int(state["round"]), float(state["deadline"].get("elapsed") or 0.0))
        standing = state.get("standing_offer") if state["protocol"] == "sao" else state.get("draft")
        return Observation(
            request=Request(state["request"]),
            party=view.party,
            round=int(state["round"]),
            step=int(state["step"]),
            time=time_,
            standing_offer=None if standing is None else self._tuple(standing),
            standing_offer_by=state.get("standing_offer_by"),
            history=tuple(self.history),
            draft=None if state.get("draft") is None else self._tuple(state["draft"]),
            proposal=None if state.get("proposal") is None else self._tuple(state["proposal"]),
            legal=tuple(_LEGAL[name] for name in state.get("legal", []) if name in _LEGAL),
        )

    def _tuple(self, outcome: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(outcome[name] for name in self._issues)

    def _result(self, state: Mapping[str, Any], view: PrivateView) -> EnvoyResult:
        agreement = state.get("agreement")
        utility = view.reservation_value if agreement is None else float(view.utility(self._tuple(agreement)))
        result = state.get("result") or {}
        return EnvoyResult(
            session=self.session_id,
            party=view.party,
            status=str(state["status"]),
            reason=str(state.get("reason", "")),
            agreement=agreement,
            utility=utility,
            rounds=int(result.get("rounds", state.get("round", 0))),
            actions=self.actions,
            events=self.last + 1,
            letters=tuple(self.letters),
        )

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Idempotency-Key": key} if key is not None else {}
        started = time.monotonic()
        delay = 0.1
        while True:
            try:
                response = self._client.request(method, path, json=json, params=params, headers=headers)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                owner = response.headers.get(OWNER_HEADER)
                if owner:  # relayed by another worker of `serve --workers`: talk to the owner from now on
                    self._move(httpx.URL(owner))
                if response.status_code < 300:
                    answer: dict[str, Any] = response.json()
                    return answer
                message = _error_of(response)
                if response.status_code in _FATAL:
                    raise EnvoyError(f"{method} {path}: {response.status_code} {message}")
                if response.status_code == 409:
                    raise _Refused(message)
                if response.status_code < 500 and response.status_code != 429:
                    raise EnvoyError(f"{method} {path}: {response.status_code} {message}")
                problem = f"{response.status_code} {message}"
            if time.monotonic() - started > self.give_up:
                raise EnvoyError(f"{method} {path}: no answer for {self.give_up:g} s ({problem})")
            log.info("%s %s: %s; retrying in %.1f s", method, path, problem, delay)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _move(self, owner: httpx.URL) -> None:
        base = self._client.base_url
        if (owner.scheme, owner.host) == (base.scheme, base.host):  # another port of the same server only
            self._client.base_url = owner


OWNER_HEADER = "Summitry-Owner"
"""The header by which a worker of ``summitry serve --workers`` names the one that owns the session."""


class _Refused(EnvoyError):
    """A 409 answer: not allowed now."""


def _error_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("error", body)) if isinstance(body, dict) else str(body)[:200]

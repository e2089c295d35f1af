"""The JSON API under ``/api`` (docs/protocol.md is its reference): thin routes over the hub.

Each route authenticates the token, parses the body, asks the hub, and renders what the
token may see (``views``). Changes run in a worker thread (they write to the database);
the live routes (``events?wait=``, ``stream``) wait on the event loop without a thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from summitry.store import chained_form, trace_lines
from summitry.store.repository import ActionKey

from .debrief import debrief_view
from .hub import Hub
from .limits import Limits, RateLimiter, read_body
from .problems import BadRequest, Conflict, Forbidden, Unauthorized
from .requests import parse_action, parse_comment, parse_json, parse_letter, parse_session
from .runtime import LiveSession
from .tokens import Access, parse_bearer
from .views import FIXED_KEYS, compact_json, entry_json, entry_view, fixed_state_json, revealed, state_json

__all__ = ["make_router"]

MAX_WAIT = 30.0
"""The longest ``events?wait=`` may hold a request, in seconds."""
KEEPALIVE = 15.0
"""Seconds between keep-alive comments on an idle stream."""
OVER_POLL = 1.0
"""Seconds between looks for new letters on the stream of a session that is over."""
PAGE = 1000
"""Entries per page of ``events``."""


def make_router(hub: Hub, limits: Limits, admin_key: str | None, rates: RateLimiter) -> APIRouter:
    """Return the API routes bound to ``hub``."""
    router = APIRouter()

    def access(request: Request, session_id: str, *, rate: str = "read") -> tuple[LiveSession, Access]:
        live = hub.live(session_id)
        who = hub.authenticate(session_id, parse_bearer(request.headers.get("authorization")))
        if rate == "read":
            rates.check(f"read:{who.role}:{who.party}:{session_id}", limits.read_rate, limits.read_burst)
        else:
            rates.check(f"act:{who.role}:{who.party}:{session_id}", limits.action_rate, limits.action_burst)
        return live, who

    @router.post("/api/sessions", status_code=201)
    async def create_session(request: Request) -> JSONResponse:
        """Create a session; answer its id, tokens and links."""
        if admin_key is not None:
            token = parse_bearer(request.headers.get("authorization"))
            if token is None or not _same(token, admin_key):
                raise Unauthorized("this server creates sessions for its admin key only (Authorization: Bearer KEY)")
        rates.check(f"create:{_client(request)}", limits.create_rate, limits.create_burst)
        raw = await read_body(request, limits.max_body_bytes)
        # Off the loop: reading a scenario (an upload up to max_outcomes, or YAML) can take tens
        # of milliseconds, a stall of every live session's actions and streams.
        record = await run_in_threadpool(lambda: parse_session(parse_json(raw), limits))
        created = await run_in_threadpool(hub.create, _stamp(record))
        links = {
            "admin": f"/sessions/{created.id}/observe#token={created.admin_token}",
            "observer": f"/sessions/{created.id}/observe#token={created.observer_token}",
            "parties": {name: f"/sessions/{created.id}/party#token={t}" for name, t in created.party_tokens.items()},
            "debrief": f"/sessions/{created.id}/debrief",
        }
        return JSONResponse(
            {
                "id": created.id,
                "admin_token": created.admin_token,
                "observer_token": created.observer_token,
                "party_tokens": dict(created.party_tokens),
                "links": links,
            },
            status_code=201,
        )

    @router.get("/api/sessions/{session_id}")
    async def get_session(session_id: str, request: Request) -> Response:
        """Return the session's state as the token may see it."""
        live, who = access(request, session_id)
        text = await _locked(live, lambda session: state_json(session, who, hub.documents(session_id)))
        return Response(text, media_type="application/json")

    @router.post("/api/sessions/{session_id}/actions")
    async def post_action(session_id: str, request: Request) -> Response:
        """Apply the token's party's action (once per Idempotency-Key); answer the resulting events.

        The answer holds the events and the state they lead to, or with ``Prefer:
        return=minimal`` (RFC 7240) only the events, for a client that follows the stream
        (its state messages tell it what it needs), and says so (``Preference-Applied``).
        """
        live, who = access(request, session_id, rate="act")
        if not who.is_party or who.party is None:
            raise Forbidden(f"{_a(who.role)} token cannot act; only a party's token can")
        party = who.party
        key = request.headers.get("idempotency-key", "")
        if not key or len(key) > 200 or not key.isascii() or not key.isprintable():
            raise BadRequest("Idempotency-Key: required header: a unique text (up to 200 characters) per action")
        raw = await read_body(request, limits.max_action_bytes)
        body = parse_json(raw)
        request_hash = _request_hash(body)
        known = live.keys.get((party, key))
        if known is not None:
            return _replayed(live, who, hub.documents(session_id), known, request_hash)
        action = parse_action(body, party)
        minimal = _prefers_minimal(request.headers.getlist("prefer"))

        def answer(session: LiveSession, entries: list[Any]) -> ActionKey:
            # Kept (and stored) without the state's fixed members; _answer_body puts them back.
            open_ = revealed(session)
            events = "[" + ",".join(entry_json(session, e.record, who, open_=open_) for e in entries) + "]"
            if minimal:
                body = f'{{"events":{events}}}'.encode()
            else:
                state = state_json(session, who, hub.documents(session_id), appended=len(entries), fixed=False)
                body = f'{{"events":{events},"state":{state}}}'.encode()
            return ActionKey(party=party, key=key, request_hash=request_hash, status=200, body=body)

        def compute(session: LiveSession) -> list[Any]:
            again = session.keys.get((party, key))
            if again is not None:
                raise _Replay(again)
            return session.act(party, action)

        try:
            live, _ = await hub.change_async(session_id, compute, key=answer)
        except _Replay as replay:
            return _replayed(live, who, hub.documents(session_id), replay.key, request_hash)
        stored = live.keys[(party, key)]
        if minimal:
            return Response(stored.body, media_type="application/json", headers=_MINIMAL_APPLIED)
        return Response(
            _answer_body(live, who, hub.documents(session_id), stored.body),
            status_code=200,
            media_type="application/json",
        )

    @router.get("/api/sessions/{session_id}/events")
    async def get_events(
        session_id: str, request: Request, after: int = -1, wait: float = 0.0, state: bool = False
    ) -> Response:
        """Return the entries after index ``after`` (waiting up to ``wait`` seconds for one).

        With ``state=true`` the answer also holds the session's ``state`` as ``GET
        /api/sessions/{id}`` answers it for this token, taken with the entries (its
        ``last_index`` is the answer's), so that an envoy needs no second request per turn.
        """
        live, who = access(request, session_id)
        if wait > 0:
            await hub.wait(session_id, after, min(wait, MAX_WAIT))

        def page(session: LiveSession) -> str:
            status, next_party = session.settled  # as of the committed entries, read first
            entries = hub.entries(session_id, after, PAGE)
            open_ = revealed(session)
            events = ",".join(entry_json(session, e.record, who, open_=open_) for e in entries)  # as the stream
            last = len(session.entries) - 1
            rest = compact_json({"last_index": last, "status": status, "next_party": next_party})
            return f'{{"events":[{events}],{rest[1:-1]}'

        if not state:
            return Response(page(live) + "}", media_type="application/json")

        def with_state(session: LiveSession) -> str:  # under the session's lock: no change half-written
            return page(session) + f',"state":{state_json(session, who, hub.documents(session_id))}}}'

        text = await _locked(hub.live(session_id), with_state)
        return Response(text, media_type="application/json")

    @router.get("/api/sessions/{session_id}/stream")
    async def stream(
        session_id: str, request: Request, after: int | None = None, state: bool = False
    ) -> StreamingResponse:
        """Stream the entries after ``after`` (or the Last-Event-ID) as server-sent events, live.

        With ``state=true`` an ``event: state`` message follows each batch of entries (and any
        change of the turn): ``{"last_index", "status", "next_party"}`` as the ``events`` route
        answers them, so that an envoy learns of its turn without another request.
        """
        _, who = access(request, session_id)
        if after is None:
            last = request.headers.get("last-event-id", "-1")
            try:
                after = int(last)
            except ValueError:
                raise BadRequest(f"Last-Event-ID: expected an event index, got {last!r}") from None

        async def events(position: int) -> AsyncIterator[bytes]:
            yield b": summitry stream\n\n"
            quiet = 0.0
            told: tuple[str, str | None] | None = None
            while True:
                current = hub.live(session_id)  # the hub's (a failed write has it reloaded from the store)
                settled = current.settled  # as of the committed entries, read first: never ahead of them
                entries = current.entries[position + 1 : position + 1 + PAGE]  # position >= -1
                chunk = []
                if entries:
                    open_ = revealed(current)
                    for entry in entries:
                        view = entry_json(current, entry.record, who, open_=open_)
                        chunk.append(f"id: {entry.position}\ndata: {view}\n\n")
                        position = entry.position
                if state and settled != told and len(entries) < PAGE:
                    told = settled
                    turn = {"last_index": position, "status": settled[0], "next_party": settled[1]}
                    chunk.append(f"event: state\ndata: {compact_json(turn)}\n\n")
                if chunk:
                    yield "".join(chunk).encode("utf-8")
                    quiet = 0.0
                    continue
                started = time.monotonic()
                if settled[0] == "running":
                    await hub.wait(session_id, position, KEEPALIVE, settled=settled if state else None)
                else:  # over: hub.wait answers at once (it would spin) and only letters can still come
                    await asyncio.sleep(OVER_POLL)
                quiet += time.monotonic() - started
                if quiet >= KEEPALIVE - 0.01:
                    if await request.is_disconnected():
                        return
                    quiet = 0.0
                    yield b": keep-alive\n\n"

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(max(after, -1)), media_type="text/event-stream", headers=headers)

    @router.post("/api/sessions/{session_id}/letters", status_code=201)
    async def post_letter(session_id: str, request: Request) -> JSONResponse:
        """Log a letter from the token's party to other parties; answer it as the sender sees it."""
        live, who = access(request, session_id, rate="act")
        if not who.is_party or who.party is None:
            raise Forbidden(f"{_a(who.role)} token cannot write letters; only a party's token can")
        sender = who.party
        body = parse_json(await read_body(request, limits.max_action_bytes))
        to, text = parse_letter(body, sender, list(live.record.parties), limits)
        _, entries = await run_in_threadpool(hub.change, session_id, lambda s: s.letter(sender, to, text))
        return JSONResponse({"event": entry_view(live, entries[0].record, who)}, status_code=201)

    @router.get("/api/sessions/{session_id}/debrief")
    async def get_debrief(session_id: str, request: Request) -> dict[str, Any]:
        """Return the debrief (agreement, utilities where revealed, frontier, Nash point, distances)."""
        live, who = access(request, session_id)
        if live.running:
            raise Conflict("the debrief opens when the negotiation is over")
        return await run_in_threadpool(debrief_view, live, who, hub.documents(session_id))

    @router.get("/api/sessions/{session_id}/comments")
    def get_comments(session_id: str, request: Request) -> dict[str, Any]:
        """Return the replies under the debrief (names and texts; never emails)."""
        access(request, session_id)
        return {
            "comments": [
                {"id": c.id, "name": c.name, "text": c.text, "created_at": c.created_at}
                for c in hub.store.comments(session_id)
            ]
        }

    @router.post("/api/sessions/{session_id}/comments", status_code=201)
    async def post_comment(session_id: str, request: Request) -> JSONResponse:
        """Store a reply (with its email, which is never returned); answer it without the email."""
        access(request, session_id)
        rates.check(f"comment:{_client(request)}", limits.comment_rate, limits.comment_burst)
        body = parse_json(await read_body(request, limits.max_action_bytes))
        name, email, text = parse_comment(body, limits)
        comment = await run_in_threadpool(hub.store.add_comment, session_id, name=name, email=email, text=text)
        return JSONResponse(
            {"id": comment.id, "name": comment.name, "text": comment.text, "created_at": comment.created_at},
            status_code=201,
        )

    @router.post("/api/sessions/{session_id}/tokens", status_code=201)
    async def reissue_token(session_id: str, request: Request) -> JSONResponse:
        """Admin: revoke a party's (or the observer's) tokens and answer a new one."""
        live, who = access(request, session_id)
        _admin_only(who)
        body = parse_json(await read_body(request, limits.max_action_bytes))
        role, party = _holder(body, list(live.record.parties))
        token = await run_in_threadpool(hub.reissue, session_id, role, party)
        page = "party" if role == "party" else "observe"
        return JSONResponse(
            {"role": role, "party": party, "token": token, "link": f"/sessions/{session_id}/{page}#token={token}"},
            status_code=201,
        )

    @router.delete("/api/sessions/{session_id}/tokens/{holder}")
    async def revoke_token(session_id: str, holder: str, request: Request) -> dict[str, Any]:
        """Admin: revoke the tokens of a party (by name) or of the observer (``observer``)."""
        live, who = access(request, session_id)
        _admin_only(who)
        body = {"role": "observer"} if holder == "observer" else {"party": holder}
        role, party = _holder(body, list(live.record.parties))
        revoked = await run_in_threadpool(hub.revoke, session_id, role, party)
        return {"revoked": revoked}

    @router.get("/api/sessions/{session_id}/trace")
    async def get_trace(session_id: str, request: Request) -> Response:
        """Return the session's trace as JSON Lines, its scenario embedded (admin; everyone once revealed).

        ``summitry replay FILE`` checks and replays it anywhere.
        """
        live, who = access(request, session_id)
        if who.role != "admin" and not revealed(live):
            raise Forbidden("the trace holds every party's utilities: the admin's token only (or after a revealed end)")
        lines = await run_in_threadpool(trace_lines, hub.store, session_id, verify=False)
        return Response("\n".join(lines) + "\n", media_type="application/x-ndjson")

    @router.get("/api/sessions/{session_id}/log")
    async def get_log(session_id: str, request: Request) -> Response:
        """Admin: the hash-chained log (every entry with its hash; letters by their text's hash), as JSON Lines."""
        _, who = access(request, session_id)
        _admin_only(who)
        entries = await run_in_threadpool(hub.store.entries, session_id)
        lines = [json.dumps({"record": chained_form(e.record), "hash": e.hash}, ensure_ascii=False) for e in entries]
        return Response("\n".join(lines) + ("\n" if lines else ""), media_type="application/x-ndjson")

    @router.get("/healthz")
    async def health() -> dict[str, Any]:
        """Return liveness and the store's state."""
        store = await run_in_threadpool(hub.store.health)
        return {"status": "ok", "store": store, "live_sessions": len(hub.sessions())}

    return router


async def _locked(live: LiveSession, render: Callable[[LiveSession], str]) -> str:
    """Return ``render(live)`` under the session's lock: at once if it is free, else from a worker thread.

    A change holds the lock from computing its entries until they are committed (on the event
    loop, across the commit), so waiting for it on the loop would stall every request.
    """
    if live.lock.acquire(blocking=False):
        try:
            return render(live)
        finally:
            live.lock.release()

    def wait_and_render() -> str:
        with live.lock:
            return render(live)

    return await run_in_threadpool(wait_and_render)


class _Replay(Exception):
    def __init__(self, key: ActionKey) -> None:
        super().__init__(key.key)
        self.key = key


def _request_hash(body: Any) -> str:
    """Return the SHA-256 of ``body`` in a canonical form (keys sorted), to tell a retry from another request.

    orjson renders it (the standard library's encoder was a visible part of an action's CPU);
    what orjson cannot render (an integer beyond 64 bits) the standard library does.
    """
    try:
        canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        canonical = json.dumps(body, sort_keys=True).encode()
    return hashlib.sha256(canonical).hexdigest()


def _replayed(
    live: LiveSession, who: Access, documents: Mapping[str, Mapping[str, Any]], known: ActionKey, request_hash: str
) -> Response:
    if known.request_hash != request_hash:
        raise Conflict("Idempotency-Key: already used for a different action; use a new key per action")
    # The first answer, as it was sent: with the state (kept without its fixed members; an
    # answer stored before 0.1 has them) or, if the first request preferred it, without.
    body, headers = known.body, {"Idempotent-Replayed": "true"}
    if known.status == 200:
        state = orjson.loads(body).get("state")
        if state is None:
            headers.update(_MINIMAL_APPLIED)
        elif not set(FIXED_KEYS) & state.keys():
            body = _answer_body(live, who, documents, body)
    return Response(body, status_code=known.status, media_type="application/json", headers=headers)


_MINIMAL_APPLIED = {"Preference-Applied": "return=minimal"}


def _prefers_minimal(prefer: list[str]) -> bool:
    """Return whether ``Prefer`` headers ask for ``return=minimal``.

    RFC 7240: comma-separated ``token[=value]`` preferences, each with parameters after ``;``.
    """
    for header in prefer:
        for item in header.split(","):
            name, _, value = item.split(";", 1)[0].partition("=")
            if name.strip().lower() == "return" and value.strip().strip('"').lower() == "minimal":
                return True
    return False


def _answer_body(live: LiveSession, who: Access, documents: Mapping[str, Mapping[str, Any]], kept: bytes) -> bytes:
    """Return an action's answer as sent: the kept ``{"events":…,"state":{…}}`` with the state's fixed members.

    Those members (the public scenario and the party's own utility) are the same in every
    answer of the session and were two thirds of each answer's bytes; an answer is kept in
    memory and stored without them, so they go back in just before the state's closing brace.
    """
    return kept[:-2] + fixed_state_json(live, who, documents).encode() + b"}}"


def _admin_only(who: Access) -> None:
    if who.role != "admin":
        raise Forbidden(f"only the session's admin token may do this, not {_a(who.role)} token")


def _holder(body: Any, parties: list[str]) -> tuple[str, str | None]:
    if not isinstance(body, dict):
        raise BadRequest('request body: expected {"party": NAME} or {"role": "observer"}')
    if body.get("role") == "observer":
        return "observer", None
    party = body.get("party")
    if party not in parties:
        raise BadRequest(f"party: expected one of {parties} (or role 'observer'), got {json.dumps(party)[:40]}")
    return "party", str(party)


def _a(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "?"


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _stamp(record: Any) -> Any:
    from dataclasses import replace

    return replace(record, created_at=time.time())

"""One server's sessions shared out between worker processes (``summitry serve --workers K``).

A session lives in the memory of one process: its lock, its mechanism, the clients waiting
on it and its agents. To use more than one core, ``summitry serve --workers K`` starts K
worker processes on one store, worker ``i`` listening on port ``PORT + i``. Each session
belongs to one worker, fixed by its id (:func:`shard_of`, the same in every process and
after every restart), and every request about it must reach that worker: any other worker
relays it there and streams the answer back, adding a ``Summitry-Owner`` header with the
owner's URL, so that a client that wants to can talk to the owner directly from then on (the
envoy SDK does). A redirect would be cheaper, but HTTP clients drop the ``Authorization``
header when a redirect changes the port (curl, httpx and browsers alike). ``POST
/api/sessions`` is shared out in turn: a worker relays it to the next worker (with
``?shard=N``, which that worker takes as its own), which draws the new session an id it owns.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from dataclasses import dataclass
from urllib.parse import parse_qs, quote

import httpx
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from .limits import read_body
from .problems import ApiError, error_response

__all__ = ["OWNER_HEADER", "ShardRouter", "Shards", "reachable_host", "shard_of"]


def shard_of(session_id: str, count: int) -> int:
    """Return the worker (0 to ``count - 1``) that owns ``session_id``: the same in every process."""
    digest = hashlib.blake2b(session_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


@dataclass(frozen=True, slots=True)
class Shards:
    """Where one worker stands among ``count``: its ``index``, and worker 0's ``port`` (worker i's is port + i)."""

    index: int
    count: int
    port: int
    host: str = "127.0.0.1"  # the address the workers listen on (where one relays to another)

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ValueError(f"worker {self.index} of {self.count}: expected 0 <= index < count")

    def owns(self, session_id: str) -> bool:
        """Return whether this worker owns ``session_id``."""
        return shard_of(session_id, self.count) == self.index

    def port_of(self, index: int) -> int:
        """Return the port worker ``index`` listens on."""
        return self.port + index

    @classmethod
    def parse(cls, text: str) -> Shards:
        """Read ``INDEX/COUNT/PORT`` (how ``summitry serve`` tells a worker its place).

        Raises:
            ValueError: ``text`` is not three integers with 0 <= INDEX < COUNT.
        """
        parts = text.split("/")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            raise ValueError(f"expected INDEX/COUNT/PORT (three whole numbers), got {text!r}")
        index, count, port = (int(p) for p in parts)
        return cls(index, count, port)


_CREATE = "/api/sessions"
_SESSION_PREFIXES = ("/api/sessions/", "/sessions/")


OWNER_HEADER = "Summitry-Owner"
"""Answer header of a relayed request: the URL of the worker that owns the session (clients may go there)."""

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"}
)
_NOT_RELAYED_BACK = _HOP_BY_HOP | {"content-length"}  # the answer is streamed back in chunks


class ShardRouter:
    """ASGI middleware: a request about another worker's session is relayed there (see the module docstring)."""

    def __init__(self, app: ASGIApp, shards: Shards, max_body: int) -> None:
        self.app = app
        self.shards = shards
        self.max_body = max_body
        self._turn = itertools.cycle(range(shards.count))
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Relay to the owning worker, or pass the request on."""
        if scope["type"] == "http":
            target = self._target(scope)
            if target is not None and target != self.shards.index:
                await self._relay(scope, receive, send, target)
                return
        await self.app(scope, receive, send)

    def _target(self, scope: Scope) -> int | None:
        path: str = scope["path"]
        if path in (_CREATE, _CREATE + "/"):
            if scope["method"] != "POST":
                return None
            asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("shard")
            if asked and asked[-1].isdigit() and int(asked[-1]) < self.shards.count:
                return int(asked[-1])  # already sent here by another worker: create it here
            return next(self._turn)
        for prefix in _SESSION_PREFIXES:
            if path.startswith(prefix):
                session_id = path[len(prefix) :].split("/", 1)[0]
                if not session_id:
                    return None
                return shard_of(session_id, self.shards.count)
        return None

    async def _relay(self, scope: Scope, receive: Receive, send: Send, target: int) -> None:
        """Send the request on to worker ``target`` (on this machine) and its answer back, streamed as it comes."""
        if self._client is None:
            # Streams and long-polls stay open as long as they last; a request waits at most 10 s
            # for one of the connections to the other workers (then 503, and the client retries).
            timeout = httpx.Timeout(None, connect=5.0, pool=10.0)
            self._client = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=1000))
        raw = scope.get("raw_path")
        path = raw.decode("latin-1") if raw else quote(scope["path"])  # as the client sent it
        query = scope.get("query_string", b"").decode("latin-1")
        if path.rstrip("/") == _CREATE:
            query = "&".join(q for q in (query, f"shard={target}") if q)
        owner = f"http://{reachable_host(self.shards.host)}:{self.shards.port_of(target)}"
        try:  # read whole, up to the largest body any route takes (the owner applies its own limits)
            body = await read_body(Request(scope, receive), self.max_body)
        except ApiError as exc:
            await error_response(exc.status, exc.message, exc.headers)(scope, receive, send)
            return
        except ClientDisconnect:
            return
        headers = [(k, v) for k, v in scope["headers"] if k.decode("latin-1").lower() not in _HOP_BY_HOP]
        headers.append((b"host", f"{_hostname(scope)}:{self.shards.port_of(target)}".encode("latin-1")))
        client = scope.get("client")
        if client:  # the owner's rate limits count the caller, not this worker (uvicorn trusts 127.0.0.1)
            headers = [(k, v) for k, v in headers if k.lower() != b"x-forwarded-for"]
            headers.append((b"x-forwarded-for", str(client[0]).encode("latin-1")))
        request = self._client.build_request(
            scope["method"], f"{owner}{path}" + (f"?{query}" if query else ""), headers=headers, content=body
        )
        try:
            answer = await self._client.send(request, stream=True)
        except httpx.TransportError as exc:
            port = self.shards.port_of(target)
            message = f"the worker that owns this session (port {port}) is not answering ({type(exc).__name__})"
            await error_response(503, f"{message}; retry shortly")(scope, receive, send)
            return
        try:
            out = [
                (k.encode("latin-1"), v.encode("latin-1"))
                for k, v in answer.headers.multi_items()
                if k.lower() not in _NOT_RELAYED_BACK
            ]
            public = f"{scope.get('scheme', 'http')}://{_hostname(scope)}:{self.shards.port_of(target)}"
            out.append((OWNER_HEADER.lower().encode(), public.encode("latin-1")))
            await send({"type": "http.response.start", "status": answer.status_code, "headers": out})
            gone = asyncio.get_running_loop().create_future()

            async def watch() -> None:  # the client hanging up ends the relay (a stream would go on forever)
                while (await receive())["type"] != "http.disconnect":
                    pass
                if not gone.done():
                    gone.set_result(None)

            watcher = asyncio.ensure_future(watch())
            try:
                async for chunk in answer.aiter_raw():
                    if gone.done():
                        break
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                if not gone.done():
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                watcher.cancel()
        finally:
            await answer.aclose()


def reachable_host(host: str) -> str:
    """Return an address at which a worker listening on ``host`` is reached from the same machine."""
    if host in ("", "0.0.0.0"):  # every address: the loopback one too
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _hostname(scope: Scope) -> str:
    """Return the host the client asked for, without its port (``[...]`` kept around IPv6)."""
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host = str(value.decode("latin-1"))
            if host.startswith("["):
                return host[: host.index("]") + 1] if "]" in host else host
            return host.rsplit(":", 1)[0] if ":" in host else host
    server = scope.get("server")
    if server:
        address = str(server[0])
        return f"[{address}]" if ":" in address else address
    return "127.0.0.1"

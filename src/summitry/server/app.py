"""The app factory: ``create_app(settings)`` builds the FastAPI app on a store (no globals).

On start-up the database is migrated, every open session resumes from its log, and a
clock task applies deadlines and per-action time limits; built-in agents act in worker
threads as soon as it is their turn.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from summitry import __version__
from summitry.store import SessionStore, make_engine

from .api import make_router
from .hub import Hub
from .limits import Limits, RateLimiter
from .pages import router as pages_router
from .problems import ApiError, error_response, install_handlers
from .shards import ShardRouter, Shards

__all__ = ["GC_THRESHOLDS", "ActionShortcut", "ServerSettings", "create_app", "per_worker"]

log = logging.getLogger(__name__)

CLOCK_PERIOD = 0.2
"""Seconds between two looks of the server clock at the sessions' deadlines."""

GC_THRESHOLDS = (50_000, 50, 100)
"""The cycle collector's thresholds while the server runs (Python's defaults: 700, 10, 10).

An action allocates hundreds of short-lived containers (the request, its coroutines, the
answer), nearly all freed by reference counting; at the defaults the collector still ran
about once per action over everything in flight, and took a sixth of the server's CPU
under load (server_bench, 200 sessions: 0.55-0.63 ms of CPU per action at the defaults,
0.46-0.50 ms with these). Cyclic garbage waits a little longer to be collected.
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerSettings:
    """How a server runs: where it stores sessions, who may create them, and its limits."""

    database_url: str = "sqlite:///./summitry.db"
    admin_key: str | None = None  # if set, creating a session needs it as the bearer token
    limits: Limits = field(default_factory=Limits)
    shards: Shards | None = None  # one worker of `summitry serve --workers K`: the sessions it owns


def per_worker(limits: Limits, count: int) -> Limits:
    """Return ``limits`` as one of ``count`` workers applies them: session creation at 1/count of the rate.

    Each worker keeps its own buckets. Every other rate is per token (one session's, which
    one worker serves) and holds as it is; creation is per client address, and the workers
    share a client's creations out in turn, so each one allows its share (and a client that
    sends them all to one worker gets that share, not the whole).
    """
    burst = max(1, math.ceil(limits.create_burst / count))
    return replace(limits, create_rate=limits.create_rate / count, create_burst=burst)


def create_app(settings: ServerSettings | None = None, *, store: SessionStore | None = None) -> FastAPI:
    """Return the server's app for ``settings`` (or on an already opened ``store``)."""
    settings = settings or ServerSettings()
    store = store or SessionStore(make_engine(settings.database_url))
    shards = settings.shards
    hub = Hub(store, owns=None if shards is None else shards.owns)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        await run_in_threadpool(store.upgrade)
        hub.start()
        resumed = await run_in_threadpool(hub.resume_all)
        if resumed:
            log.info("resumed %d open session(s) from their logs", len(resumed))
        clock = loop.create_task(_clock(hub))
        # Everything loaded so far lives as long as the server: keep it out of the garbage
        # collector's full passes, which otherwise walk it all (~0.1 s, a stall of every request).
        gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLDS)
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            clock.cancel()
            await run_in_threadpool(hub.stop)

    app = FastAPI(
        title="summitry",
        version=__version__,
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        # summitry sets up no OpenTelemetry; FastAPI's check for a provider, on every request,
        # took 4% of the event loop under load (server_bench).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.hub = hub
    app.state.settings = settings
    install_handlers(app)
    limits = settings.limits if shards is None else per_worker(settings.limits, shards.count)
    api = make_router(hub, limits, settings.admin_key, RateLimiter())
    app.include_router(api)
    app.include_router(pages_router)
    (act,) = [r for r in api.routes if isinstance(r, APIRoute) and r.path == _ACTIONS and "POST" in (r.methods or ())]
    app.add_middleware(ActionShortcut, endpoint=act.endpoint)
    if shards is not None and shards.count > 1:
        # Added last: the outermost, before anything else.
        app.add_middleware(ShardRouter, shards=shards, max_body=settings.limits.max_body_bytes)
    return app


_ACTIONS = "/api/sessions/{session_id}/actions"
_PREFIX, _SUFFIX = _ACTIONS.split("{session_id}")


class ActionShortcut:
    """ASGI middleware: ``POST /api/sessions/{id}/actions`` goes straight to its endpoint.

    Every action takes this route, and FastAPI's layers between the middleware and the
    endpoint (exception middleware, exit stack, routing, dependency solving) cost more CPU
    than the action itself, for a route that has nothing for them to do: its parameters are
    the path's session id and the request. The endpoint is the route's own function, and its
    errors are answered as the app's handlers answer them (an :class:`ApiError` as
    ``{"error": ...}`` with its status; anything else goes up to the server-error handler),
    so the route's contract is unchanged. Every other request goes on to the app.
    """

    def __init__(self, app: ASGIApp, endpoint: Callable[[str, Request], Awaitable[Response]]) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer an action request directly; pass anything else on."""
        if scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path"):
            path: str = scope["path"]
            if path.startswith(_PREFIX) and path.endswith(_SUFFIX):
                session_id = path[len(_PREFIX) : -len(_SUFFIX)]
                if session_id and "/" not in session_id:
                    try:
                        response = await self.endpoint(session_id, Request(scope, receive))
                    except ApiError as exc:
                        response = error_response(exc.status, exc.message, exc.headers)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


async def _clock(hub: Hub) -> None:
    while True:
        await asyncio.sleep(CLOCK_PERIOD)
        try:
            await run_in_threadpool(hub.expire_due)
        except Exception:  # the clock must keep ticking whatever one session does
            log.exception("the server clock failed once")

"""Load on `summitry serve`: N concurrent sessions, each between two envoys offering as fast as the server allows.

The server runs as its own process (uvicorn, one worker) on loopback, on SQLite (a fresh file)
or PostgreSQL (a fresh database on 127.0.0.1:5432), with its rate limits raised for the run.
One client process drives every session with plain asyncio, one keep-alive HTTP/1.1
connection per party spoken by hand (:class:`Connection`: httpx cost more CPU per request
than the server's own work, on the same two cores). Each party follows its session's stream
(``stream?state=true``: the events, each batch followed by whose turn it is; ``--feed poll``:
long-polls of ``events?after=N&wait=S`` instead) and, on its turn, posts an offer (never
accepting), so each session runs its full ``--rounds`` rounds (2 × rounds actions) and times out.

The measured phase starts once every party is ready (its stream open; opening 2 × N streams
at once is a burst a running server does not see on every action). Reported per N: actions
per second (all sessions, wall clock); the p50 and p99 latency of
``POST .../actions`` as the client saw it; events lost or duplicated (every index each party
received must be 0..n-1 once each, in order: from its stream alone, or from its polls and its
actions' answers) and
bad logs (each session's stored log, read back through ``/log``, must hold exactly those
entries with its hash chain intact); the CPU time per action of the server (and the kernel's
part of it), of the client and of PostgreSQL's processes; how busy the machine's cores were
(in cores); how many actions shared one commit (group commit); the 1-minute load average
before and after; the time to create a session (one after another, before the measured
phase); and the disk's fsync latency over the measured phase (:class:`DiskProbe`: a stall of
the disk holds every action in flight). The knee is the first N whose p99 passes 100 ms (the
last line says which).

Run: ``.venv/bin/python benchmarks/server_bench.py --store sqlite --sessions 10 50 100 200 --rounds 20``
(``--profile FILE`` writes the server's cProfile stats, all threads; ``--wrap 'py-spy record
-o F --'`` runs the server under a sampling profiler; ``--floor`` measures only the framework:
the server CPU per request of a constant route in FastAPI and in a bare ASGI app, same client).
Every run first measures FastAPI's floor and gives each row's server CPU per action in
*floors* too: the machine's speed divided out, so that runs on faster or slower hosts (or on a
busy one) compare (``--no-floor`` skips it). ``--servers K`` starts K servers, each on a store of
its own, and shares the sessions out between them, the client sending each session to its own
server: the best a server sharded into K processes could do on this machine, with no relay and
nothing shared. ``--workers K`` runs the server as ``summitry serve --workers K`` does: K
workers on one store, each session created on and played at the worker that owns it.

``--client node`` plays the measured phase with ``benchmarks/envoys.mjs`` on Node.js (20 or
later, its built-in modules only, written from docs/protocol.md alone) instead of this
process: the same parties on the same streams, acting by the same rule (:func:`stream_party`).
The client shares the cores with the server, so what it spends the server does not get: the
asyncio client costs 0.16-0.21 ms of CPU per action at 200 sessions, the node one 0.10-0.13
ms (raw sockets; on node:http it cost 0.28 ms). Warm-up, session creation and every check
(events lost or duplicated, the stored logs, the latency percentiles) stay here, the same for
both; the ``client`` column is then the node process's CPU over the measured phase, read from
/proc. It follows the stream only (no ``--feed poll``).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from summitry.errors import TraceError
from summitry.store import verify_chain

SERVER_CODE = """
import os, sys, uvicorn
from summitry.server.app import ServerSettings, create_app
from summitry.server.shards import Shards
from summitry.server.limits import Limits
limits = Limits(create_rate=10000.0, create_burst=10000, action_rate=10000.0, action_burst=10000,
                read_rate=10000.0, read_burst=10000)
shard = os.environ.get("SUMMITRY_BENCH_SHARD")  # --workers: this process is one worker: INDEX/COUNT/PORT
shards = None if shard is None else Shards.parse(shard)
app = create_app(ServerSettings(database_url=sys.argv[1], limits=limits, shards=shards))
profilers = []
if len(sys.argv) > 3:  # --profile: the server's time by function, every thread, written when it stops
    import cProfile, pstats, threading

    def profile_thread(*_):
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()

    threading.setprofile(profile_thread)
    profile_thread()
try:
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)  # as serve
except KeyboardInterrupt:
    pass
finally:
    if profilers:
        for profiler in profilers:
            profiler.disable()
        stats = pstats.Stats(profilers[0])
        for profiler in profilers[1:]:
            try:
                stats.add(profiler)
            except TypeError:  # a thread that never ran anything
                pass
        stats.dump_stats(sys.argv[3])
"""

FLOOR_CODE = """
import sys, uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
ANSWER = {"events": [], "status": "running", "next_party": "usa"}
if sys.argv[2] == "fastapi":
    app = FastAPI(telemetry={"tracing": False, "metrics": False, "logs": False})

    @app.get("/api/sessions/{session_id}/events")
    async def events(session_id: str, request: Request, after: int = -1, wait: float = 0.0) -> JSONResponse:
        return JSONResponse(ANSWER)
else:
    import json
    BODY = json.dumps(ANSWER).encode()

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": BODY})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


STALL_MS = 50
"""An fsync slower than this is counted as a stall of the disk."""


class DiskProbe:
    """The fsync latency of the disk under a folder, sampled over the measured phase.

    Every acknowledged action waits for an fsync (SQLite's WAL with ``synchronous=FULL``;
    PostgreSQL's commit), so a stall of the disk holds every action in flight: at 200
    sessions and ~3,000 actions/s, one stall of 100 ms or more puts ~200 actions (1.7%) past
    100 ms by itself. A thread writes 4 KiB and fsyncs it every 10 ms (about the rate of the
    server's commits) to a file of its own in the folder (the SQLite store's; /tmp, on the same
    disk here, for PostgreSQL), so that each row says whether the disk stalled under it.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder / "fsync-probe.bin"
        self.times: list[float] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fsync-probe", daemon=True)
        self._thread.start()

    def stop(self) -> np.ndarray:
        """Stop sampling; return every fsync's time in milliseconds."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.path.unlink(missing_ok=True)
        return np.array(self.times) * 1000

    def _run(self) -> None:
        block = os.urandom(4096)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while not self._stop.wait(0.01):
                os.write(descriptor, block)
                started = time.perf_counter()
                os.fsync(descriptor)
                self.times.append(time.perf_counter() - started)
        finally:
            os.close(descriptor)


def free_ports(count: int) -> int:
    """Return a port P with P to P+count-1 all free on 127.0.0.1."""
    for _ in range(200):
        first = free_port()
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise SystemExit("no run of free ports")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    db: str, profile: str | None = None, wrap: str = "", *, port: int | None = None, shard: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = port or free_port()
    command = [*wrap.split(), sys.executable, "-c", SERVER_CODE, db, str(port), *([profile] if profile else [])]
    environment = {**os.environ, **({"SUMMITRY_BENCH_SHARD": shard} if shard else {})}
    process = subprocess.Popen(command, env=environment)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds process ``pid`` has used (Linux /proc)."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """Return the user and the system (kernel) CPU seconds process ``pid`` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def database_seconds() -> float:
    """Return the CPU seconds used so far by the PostgreSQL server's processes (0 without one)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        if text.split(" (", 1)[1].startswith("postgres)"):
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine_ticks() -> tuple[int, int]:
    """Return the machine's busy and total CPU ticks so far, all cores (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


class Connection:
    """One keep-alive HTTP/1.1 connection, spoken by hand over asyncio streams.

    The benchmark's client shares the machine's cores with the server; httpx costs about a
    millisecond of CPU per request, which at a few hundred actions per second is the
    client, not the server, being measured. This is the least a client can do: write the
    request, read the status line, the headers and Content-Length bytes. A dropped
    connection is reopened and the request sent again (safe: reads, and actions carry
    their Idempotency-Key).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: str = "", body: bytes = b"") -> tuple[int, Any]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{headers}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        for attempt in range(5):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                assert self.reader is not None
                self.writer.write(head + body)
                status_and_headers = await self.reader.readuntil(b"\r\n\r\n")
                lines = status_and_headers.split(b"\r\n")
                status = int(lines[0].split()[1])
                length = 0
                for line in lines[1:]:
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                payload = await self.reader.readexactly(length)
                return status, json.loads(payload) if payload else None
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                await self.close()
                await asyncio.sleep(0.05 * (attempt + 1))
        raise ConnectionError(f"{method} {path}: the server did not answer")

    async def connect(self) -> None:
        """Open the connection now (not on the first request, which would then time the connect)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def party(
    connection: Connection,
    sid: str,
    token: str,
    me: str,
    offer: dict[str, Any],
    latencies: list[float],
    start: Start,
) -> tuple[int, list[int]]:
    """Play ``me`` in ``sid`` to the end: long-poll, offer on each turn; return the actions and every index seen."""
    await start.arrive()
    auth = f"Authorization: Bearer {token}\r\n"
    body = json.dumps({"kind": "offer", "outcome": offer}).encode()
    last, acted = -1, 0
    seen: list[int] = []
    while True:
        status, page = await connection.request("GET", f"/api/sessions/{sid}/events?after={last}&wait=20", auth)
        if status != 200:
            raise RuntimeError(f"events: {status} {page}")
        seen.extend(e["index"] for e in page["events"])
        if page["events"]:
            last = page["events"][-1]["index"]
        if page["status"] != "running":
            return acted, seen
        if page["next_party"] != me:
            continue
        answer = await post_offer(connection, sid, auth, body, latencies)
        acted += 1
        seen.extend(e["index"] for e in answer["events"])
        last = max(last, answer["events"][-1]["index"])


class Start:
    """Holds every party until all are ready (their stream open), then starts the measured phase.

    Opening 2 × N streams at once costs the server a burst of work that a running server
    does not see on every action; the first actions would wait behind it.
    """

    def __init__(self, parties: int, on_start: Callable[[], None]) -> None:
        self.waiting = parties
        self.on_start = on_start
        self.event = asyncio.Event()

    async def arrive(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.on_start()
            self.event.set()
        await self.event.wait()


class Stream:
    """One ``GET .../stream`` (server-sent events over chunked HTTP/1.1) read by hand: messages as (event, data)."""

    def __init__(self, host: str, port: int, path: str, headers: str) -> None:
        self.host, self.port, self.path, self.headers = host, port, path, headers
        self.writer: asyncio.StreamWriter | None = None

    async def messages(self) -> AsyncIterator[tuple[str, Any]]:
        reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\n{self.headers}\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if int(head.split(b" ", 2)[1]) != 200 or b"chunked" not in head.lower():
            raise RuntimeError(f"stream: {head!r}")
        buffer = b""
        while True:
            size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
            if size == 0:
                raise RuntimeError("stream: the server ended it")
            buffer += (await reader.readexactly(size + 2))[:-2]
            *complete, buffer = buffer.split(b"\n\n")
            for message in complete:
                event, data = "message", None
                for line in message.split(b"\n"):
                    if line.startswith(b"event: "):
                        event = line[7:].decode()
                    elif line.startswith(b"data: "):
                        data = json.loads(line[6:])
                if data is not None:
                    yield event, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def post_offer(
    connection: Connection, sid: str, auth: str, body: bytes, latencies: list[float], *, minimal: bool = False
) -> dict[str, Any]:
    """Post an offer under a fresh idempotency key (resent after a 5xx); record its latency; return the answer.

    ``minimal``: ask for the events only (``Prefer: return=minimal``), not the state with them.
    """
    headers = f"{auth}Idempotency-Key: {uuid.uuid4()}\r\n" + ("Prefer: return=minimal\r\n" if minimal else "")
    while True:
        started = time.perf_counter()
        status, answer = await connection.request("POST", f"/api/sessions/{sid}/actions", headers, body)
        if status < 500:
            break
    latencies.append(time.perf_counter() - started)
    if status != 200:
        raise RuntimeError(f"action: {status} {answer}")
    return dict(answer)


async def stream_party(
    connection: Connection,
    sid: str,
    token: str,
    me: str,
    offer: dict[str, Any],
    latencies: list[float],
    start: Start,
    minimal: bool = False,
) -> tuple[int, list[int]]:
    """Play ``me`` in ``sid`` from the stream (``?state=true``); return the actions and every index it delivered.

    Only the stream's indices count: it must deliver every event once, in order (the
    actions' answers are not added to them). The party acts when a state message says it
    is its turn after the events of its previous action (``minimal``: its actions ask for
    answers without the state, which the stream's state messages make unneeded).
    """
    auth = f"Authorization: Bearer {token}\r\n"
    body = json.dumps({"kind": "offer", "outcome": offer}).encode()
    acted, done_at, started_ = 0, -1, False
    seen: list[int] = []
    stream = Stream(connection.host, connection.port, f"/api/sessions/{sid}/stream?after=-1&state=true", auth)
    await connection.connect()
    try:
        async for event, data in stream.messages():
            if event != "state":
                seen.append(data["index"])
                continue
            if not started_:  # the stream is open: wait for the others'
                started_ = True
                await start.arrive()
            if data["status"] != "running":
                return acted, seen
            if data["next_party"] != me or data["last_index"] <= done_at:
                continue
            answer = await post_offer(connection, sid, auth, body, latencies, minimal=minimal)
            acted += 1
            done_at = answer["events"][-1]["index"]
    finally:
        await stream.close()
    raise RuntimeError("stream: ended before the negotiation")


async def create_sessions(
    client: httpx.AsyncClient, count: int, rounds: int, shard: int | None = None
) -> list[dict[str, Any]]:
    """Create ``count`` sessions at ``client``'s server (``shard``: on that worker of ``serve --workers``)."""
    body = {
        "scenario": "hanoi-deal",
        "rounds": rounds,
        "parties": {"dprk": {"kind": "envoy"}, "usa": {"kind": "envoy"}},
    }
    path = "/api/sessions" if shard is None else f"/api/sessions?shard={shard}"
    return [(await client.post(path, json=body)).json() for _ in range(count)]


async def play(
    addresses: list[tuple[str, int]],
    created: list[dict[str, Any]],
    offers: dict[str, Any],
    latencies: list[float],
    feed: str,
    on_start: Callable[[], None] = lambda: None,
    minimal: bool = False,
) -> tuple[list[tuple[int, list[int]]], list[Connection]]:
    """Play every session of ``created`` (session i on the server at ``addresses[i]``).

    ``minimal``: on the stream feed, actions ask for their events only (``Prefer: return=minimal``).
    """
    connections = [Connection(*addresses[i]) for i in range(len(created)) for _ in range(2)]
    player = functools.partial(stream_party, minimal=minimal) if feed == "stream" else party
    start = Start(2 * len(created), on_start)
    tasks = [
        player(connections[2 * i + j], s["id"], s["party_tokens"][p], p, offers[p], latencies, start)
        for i, s in enumerate(created)
        for j, p in enumerate(("dprk", "usa"))
    ]
    return list(await asyncio.gather(*tasks)), connections


ENVOYS = Path(__file__).with_name("envoys.mjs")


async def play_node(
    addresses: list[tuple[str, int]],
    created: list[dict[str, Any]],
    offers: dict[str, Any],
    latencies: list[float],
    on_start: Callable[[], None],
    minimal: bool = False,
) -> tuple[list[tuple[int, list[int]]], float]:
    """Play every session of ``created`` as :func:`play` does (stream feed), with ``node envoys.mjs`` as the client.

    Return each party's actions and the indices its stream delivered, as :func:`play` does,
    and the CPU seconds the node process used in the measured phase: from its ``START`` line
    (when ``on_start`` is called) to its result line. After that line it waits, idle, for its
    stdin to close, so that its CPU time can still be read from /proc.
    """
    node = shutil.which("node")
    if node is None:
        raise SystemExit("--client node: no `node` on PATH (Node.js 20 or later)")
    sessions = [
        {
            "host": host,
            "port": port,
            "id": s["id"],
            "parties": {p: {"token": s["party_tokens"][p], "offer": offers[p]} for p in ("dprk", "usa")},
        }
        for (host, port), s in zip(addresses, created, strict=True)
    ]
    process = await asyncio.create_subprocess_exec(
        node, str(ENVOYS), stdin=subprocess.PIPE, stdout=subprocess.PIPE, limit=1 << 26
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(json.dumps({"sessions": sessions, "minimal": minimal}).encode() + b"\n")
        await process.stdin.drain()
        first = await process.stdout.readline()
        if first != b"START\n":
            raise RuntimeError(f"envoys.mjs: expected START, got {first!r} (its stderr is above)")
        on_start()
        cpu_at_start = cpu_seconds(process.pid)
        line = await process.stdout.readline()
        cpu = cpu_seconds(process.pid) - cpu_at_start if line else 0.0
        process.stdin.close()
        if await process.wait() != 0 or not line:
            raise RuntimeError(f"envoys.mjs: exit code {process.returncode} (its stderr is above)")
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    result = json.loads(line)
    latencies.extend(result["latencies"])
    return [(p["acted"], p["seen"]) for p in result["parties"]], cpu


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def _servers_cpu(pids: list[int]) -> tuple[float, float]:
    splits = [cpu_split(pid) for pid in pids]
    return sum(u for u, _ in splits), sum(k for _, k in splits)


async def _commits(clients: list[httpx.AsyncClient]) -> dict[str, int] | None:
    """Return the appends and transactions of every server's group commit, summed (None if a store says none)."""
    total = {"appends": 0, "transactions": 0}
    for client in clients:
        commits = (await client.get("/healthz")).json()["store"].get("commits")
        if not commits:
            return None
        total["appends"] += commits["appends"]
        total["transactions"] += commits["transactions"]
    return total


async def one_level(
    urls: list[str],
    sessions: int,
    rounds: int,
    server_pids: list[int],
    feed: str,
    *,
    workers: bool = False,
    client: str = "python",
    disk: DiskProbe | None = None,
    minimal: bool = False,
) -> dict[str, Any]:
    """Measure ``sessions`` sessions, shared out in turn between the servers at ``urls`` (usually one).

    ``workers``: the servers are the workers of one sharded server, the k-th at ``urls[k]``.
    ``client``: who plays the measured phase, this process (``python``) or ``node envoys.mjs``.
    ``disk``: times the disk's fsyncs over the measured phase.
    ``minimal``: on the stream feed, actions ask for their events only (``Prefer: return=minimal``).
    """
    clients = [httpx.AsyncClient(base_url=url, timeout=120) for url in urls]
    try:
        return await _one_level(clients, sessions, rounds, server_pids, feed, workers, client, disk, minimal)
    finally:
        for each in clients:
            await each.aclose()


async def _one_level(
    clients: list[httpx.AsyncClient],
    sessions: int,
    rounds: int,
    server_pids: list[int],
    feed: str,
    workers: bool,
    client: str,
    disk: DiskProbe | None,
    minimal: bool = False,
) -> dict[str, Any]:
    addresses = [_address(str(c.base_url).rstrip("/")) for c in clients]
    state: dict[str, Any] = {}
    for k, each in enumerate(clients):  # first-use costs of every server, not measured
        warm = await create_sessions(each, 2, 5, k if workers else None)
        state = (
            await each.get(
                f"/api/sessions/{warm[0]['id']}",
                headers={"Authorization": f"Bearer {warm[0]['party_tokens']['dprk']}"},
            )
        ).json()
        issues = state["scenario"]["issues"]
        offers = {
            "dprk": {i["name"]: i["values"][0] for i in issues},
            "usa": {i["name"]: i["values"][-1] for i in issues},
        }
        warm_at = [_address(str(each.base_url).rstrip("/"))] * len(warm)
        _, warm_connections = await play(warm_at, warm, offers, [], feed)
        for connection in warm_connections:
            await connection.close()
    owner = [i % len(clients) for i in range(sessions)]
    creating = time.perf_counter()  # one after another: each creation's own time, shipped scenario and all
    created = [(await create_sessions(clients[k], 1, rounds, k if workers else None))[0] for k in owner]
    create_ms = 1000 * (time.perf_counter() - creating) / sessions
    session_at = [addresses[k] for k in owner]
    latencies: list[float] = []
    commits_before = await _commits(clients)
    at_start: dict[str, Any] = {}

    def mark() -> None:  # every party ready: the measured phase starts
        if disk is not None:
            disk.start()
        at_start.update(
            load=os.getloadavg()[0],
            client=time.process_time(),
            server=_servers_cpu(server_pids),
            database=database_seconds(),
            ticks=machine_ticks(),
            time=time.perf_counter(),
        )

    connections: list[Connection] = []
    if client == "node":  # the same sessions, the same measures; the client's CPU is the node process's
        played, cpu_client = await play_node(session_at, created, offers, latencies, mark, minimal)
    else:
        played, connections = await play(session_at, created, offers, latencies, feed, mark, minimal)
        cpu_client = time.process_time() - at_start["client"]
    wall = time.perf_counter() - at_start["time"]
    fsyncs = disk.stop() if disk is not None else np.zeros(0)
    load_before = at_start["load"]
    user, system = _servers_cpu(server_pids)
    server_user, server_system = user - at_start["server"][0], system - at_start["server"][1]
    database = database_seconds() - at_start["database"]
    (busy, ticks), (busy_now, ticks_now) = at_start["ticks"], machine_ticks()
    machine_busy = (busy_now - busy) / max(1, ticks_now - ticks)
    load_after = os.getloadavg()[0]
    commits_after = await _commits(clients)
    for connection in connections:
        await connection.close()
    expected = list(range(1 + 2 * rounds + 1))  # start, the offers, the timeout
    lost = duplicated = bad_logs = 0
    for acted_seen in played:  # what each party saw: every index once, in order
        seen = acted_seen[1]
        lost += len(set(expected) - set(seen))
        duplicated += len(seen) - len(set(seen))
        bad_logs += seen != sorted(seen)
    for s, k in zip(created, owner, strict=True):  # what the server stored: the whole log, its hash chain intact
        log = (
            await clients[k].get(
                f"/api/sessions/{s['id']}/log", headers={"Authorization": f"Bearer {s['admin_token']}"}
            )
        ).text
        records = [json.loads(line) for line in log.splitlines()]
        try:
            verify_chain((r["record"], r["hash"]) for r in records)
        except TraceError:
            bad_logs += 1
        bad_logs += [r["record"]["position"] for r in records] != expected
    ms = np.array(latencies) * 1000
    actions = int(sum(a for a, _ in played))
    commits = None
    if commits_before and commits_after:
        commits = (commits_after["appends"] - commits_before["appends"]) / max(
            1, commits_after["transactions"] - commits_before["transactions"]
        )
    return {
        "sessions": sessions,
        "actions": actions,
        "actions_per_s": actions / wall,
        "p50_ms": float(np.percentile(ms, 50)),
        "p90_ms": float(np.percentile(ms, 90)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
        "lost": lost,
        "duplicated": duplicated,
        "bad_logs": bad_logs,
        "wall_s": wall,
        "server_cpu_ms": 1000 * (server_user + server_system) / actions,
        "server_system_ms": 1000 * server_system / actions,
        "database_cpu_ms": 1000 * database / actions,
        "machine_busy": machine_busy * (os.cpu_count() or 1),
        "client_cpu_ms": 1000 * cpu_client / actions,
        "per_commit": commits,
        "create_ms": create_ms,
        "fsync_p99_ms": float(np.percentile(fsyncs, 99)) if fsyncs.size else math.nan,
        "fsync_max_ms": float(fsyncs.max()) if fsyncs.size else math.nan,
        "fsync_stalls": int((fsyncs > STALL_MS).sum()),
        "load": (load_before, load_after),
    }


def postgres_database() -> tuple[str, str]:
    import psycopg

    name = f"summitry_bench_{secrets.token_hex(4)}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}", name


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def floor(
    requests: int = 5000, connections: int = 20, kinds: tuple[str, ...] = ("fastapi", "asgi")
) -> dict[str, float]:
    """Print and return the server CPU per request (ms) of a constant route: FastAPI, a bare ASGI app, on uvicorn."""
    costs: dict[str, float] = {}
    for kind in kinds:
        port = free_port()
        process = subprocess.Popen([sys.executable, "-c", FLOOR_CODE, str(port), kind])
        try:
            for _ in range(600):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/api/sessions/x/events", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            pool = [Connection("127.0.0.1", port) for _ in range(connections)]

            async def load(pool: list[Connection] = pool) -> None:
                async def one(connection: Connection) -> None:
                    for _ in range(requests // connections):
                        await connection.request("GET", "/api/sessions/abc/events?after=3&wait=0")
                    await connection.close()

                await asyncio.gather(*(one(c) for c in pool))

            before, load_before = cpu_seconds(process.pid), os.getloadavg()[0]
            asyncio.run(load())
            used = cpu_seconds(process.pid) - before
            costs[kind] = 1000 * used / requests
            print(
                f"floor {kind:8} server CPU per request {costs[kind]:.3f} ms "
                f"load={load_before:.2f}->{os.getloadavg()[0]:.2f}",
                flush=True,
            )
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 50, 100, 200])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--profile", help="write the server's cProfile stats to PROFILE.N (one file per N)")
    parser.add_argument("--wrap", default="", help="run the server under this command (e.g. 'py-spy record -o F --')")
    parser.add_argument(
        "--feed",
        choices=["stream", "poll"],
        default="stream",
        help="how a party learns of its turn: the stream (?state=true) or long-polls of events?wait=",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="start this many servers, each on its own store, and share the sessions out between them "
        "(the client sends each session to its own): what sharding could give at best, without a relay",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="run the server as this many workers on one store, as `summitry serve --workers K` does; each "
        "session's envoys talk to the worker that owns it, as the envoy SDK does after its first request",
    )
    parser.add_argument(
        "--client",
        choices=["python", "node"],
        default="python",
        help="who plays the measured phase: this process (asyncio) or benchmarks/envoys.mjs on Node.js, "
        "which costs the shared cores less CPU per action (stream feed only)",
    )
    parser.add_argument(
        "--answers",
        choices=["minimal", "full"],
        default="minimal",
        help="on the stream feed, what an action's answer holds: its events only (Prefer: return=minimal; the "
        "stream's state messages tell a party its turn) or the events and the state (the poll feed: always)",
    )
    parser.add_argument("--floor", action="store_true", help="only measure a constant route (FastAPI; bare ASGI)")
    parser.add_argument(
        "--no-floor",
        action="store_true",
        help="skip measuring FastAPI's floor first (it gives each row's server CPU per action in floors)",
    )
    args = parser.parse_args()
    if args.floor:
        floor()
        return
    if args.client == "node" and args.feed != "stream":
        raise SystemExit("--client node follows the stream only: drop --feed poll")
    unit = None if args.no_floor else floor(kinds=("fastapi",))["fastapi"]
    measured: list[tuple[int, float]] = []  # (N, p99 in ms), for the knee
    for n in args.sessions:
        folder = tempfile.mkdtemp(prefix="summitry-bench-")
        pg_names: list[str] = []
        servers: list[tuple[subprocess.Popen[bytes], str]] = []
        try:
            if args.workers > 1 and args.servers > 1:
                raise SystemExit("--workers and --servers: one or the other")
            count = max(args.servers, args.workers)
            first_port = free_ports(count) if args.workers > 1 else None
            for k in range(count):  # --servers: each on a store of its own; --workers: one store
                if k == 0 or args.servers > 1:
                    if args.store == "sqlite":
                        db = f"sqlite:///{Path(folder) / f'bench{k}.db'}"
                    else:
                        db, pg_name = postgres_database()
                        pg_names.append(pg_name)
                profile = f"{args.profile}.{n}" + (f".{k}" if count > 1 else "") if args.profile else None
                if first_port is None:
                    servers.append(start_server(db, profile, args.wrap))
                else:
                    shard = f"{k}/{count}/{first_port}"
                    servers.append(start_server(db, profile, args.wrap, port=first_port + k, shard=shard))
            pids = []
            for process, _ in servers:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
                pids.append(int(children[0]) if args.wrap and children else process.pid)  # under a wrapper: its child
            urls = [url for _, url in servers]
            disk = DiskProbe(Path(folder))
            row = asyncio.run(
                one_level(
                    urls,
                    n,
                    args.rounds,
                    pids,
                    args.feed,
                    workers=args.workers > 1,
                    client=args.client,
                    disk=disk,
                    minimal=args.answers == "minimal" and args.feed == "stream",
                )
            )
        finally:
            for process, _ in servers:
                process.send_signal(signal.SIGINT)
            for process, _ in servers:
                process.wait(timeout=60)
            for pg_name in pg_names:
                drop_postgres(pg_name)
            shutil.rmtree(folder, ignore_errors=True)
        per_commit = "" if row["per_commit"] is None else f" actions/commit={row['per_commit']:.1f}"
        print(
            f"{args.store:10} {args.feed:6} "
            + ("" if args.servers == 1 else f"servers={args.servers} ")
            + ("" if args.workers == 1 else f"workers={args.workers} ")
            + ("" if args.client == "python" else f"envoys={args.client} ")
            + ("answers=full " if args.answers == "full" and args.feed == "stream" else "")
            + f"sessions={row['sessions']:4d} actions={row['actions']:6d} "
            f"actions/s={row['actions_per_s']:7.1f} p50={row['p50_ms']:6.1f} ms p99={row['p99_ms']:6.1f} ms "
            f"(p90={row['p90_ms']:.1f} max={row['max_ms']:.1f}) "
            f"lost={row['lost']} duplicated={row['duplicated']} bad_logs={row['bad_logs']} wall={row['wall_s']:.1f} s "
            f"cpu/action: server={row['server_cpu_ms']:.2f} ms (kernel {row['server_system_ms']:.2f}) "
            + ("" if unit is None else f"= {row['server_cpu_ms'] / unit:.1f} floors ")
            + f"client={row['client_cpu_ms']:.2f} ms postgres={row['database_cpu_ms']:.2f} ms "
            f"cores busy={row['machine_busy']:.2f}{per_commit} create={row['create_ms']:.1f} ms/session "
            f"disk fsync: p99={row['fsync_p99_ms']:.1f} max={row['fsync_max_ms']:.1f} ms, "
            f"{row['fsync_stalls']} over {STALL_MS} ms "
            f"load={row['load'][0]:.2f}->{row['load'][1]:.2f}",
            flush=True,
        )
        measured.append((n, row["p99_ms"]))
    print(knee(measured), flush=True)


def knee(measured: list[tuple[int, float]], limit_ms: float = 100.0) -> str:
    """Return the line that names the knee: the first N (in the order run) whose p99 passes ``limit_ms``.

    >>> knee([(50, 40.0), (100, 80.5), (150, 120.0), (200, 90.0)])
    'knee: N=150 (p99 120.0 ms > 100 ms; the N before it, 100: 80.5 ms)'
    >>> knee([(10, 12.0)])
    'knee: none (p99 under 100 ms at every N run, up to 10)'
    """
    for i, (n, p99) in enumerate(measured):
        if p99 > limit_ms:
            before = f"; the N before it, {measured[i - 1][0]}: {measured[i - 1][1]:.1f} ms" if i else ""
            return f"knee: N={n} (p99 {p99:.1f} ms > {limit_ms:g} ms{before})"
    top = max((n for n, _ in measured), default=0)
    return f"knee: none (p99 under {limit_ms:g} ms at every N run, up to {top})"


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()

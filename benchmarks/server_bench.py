"""Load on `summitry serve`: N concurrent sessions, each between two envoys offering as fast as the server allows.

The server runs as its own process (uvicorn, one worker) on loopback, on SQLite (a fresh file)
or PostgreSQL (a fresh database on 127.0.0.1:5432), with its rate limits raised for the run.
One client process drives every session with asyncio + httpx: each party long-polls the
events (``events?after=N&wait=S``) and, on its turn, posts an offer (never accepting), so
each session runs its full ``--rounds`` rounds (2 × rounds actions) and times out. Reported per
N: actions per second (all sessions, wall clock), the p50 and p99 latency of ``POST
.../actions`` as the client saw it, and a check that every session's log has exactly the
expected entries, indices 0..n-1 with none missing or twice. The knee is the first N whose
p99 passes 100 ms.

Run: ``.venv/bin/python benchmarks/server_bench.py --store sqlite --sessions 10 50 100 200 --rounds 10``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np

SERVER_CODE = """
import sys, uvicorn
from summitry.server.app import ServerSettings, create_app
from summitry.server.limits import Limits
limits = Limits(create_rate=10000.0, create_burst=10000, action_rate=10000.0, action_burst=10000,
                read_rate=10000.0, read_burst=10000)
uvicorn.run(create_app(ServerSettings(database_url=sys.argv[1], limits=limits)), host="127.0.0.1",
            port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER_CODE, db, str(port)])
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


async def party(
    client: httpx.AsyncClient, sid: str, token: str, me: str, offer: dict[str, Any], latencies: list[float]
) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    last, acted = -1, 0
    while True:
        page = (
            await client.get(f"/api/sessions/{sid}/events", params={"after": last, "wait": 20}, headers=headers)
        ).json()
        if page["events"]:
            last = page["events"][-1]["index"]
        if page["status"] != "running":
            return acted
        if page["next_party"] != me:
            continue
        key = str(uuid.uuid4())
        while True:
            started = time.perf_counter()
            response = await client.post(
                f"/api/sessions/{sid}/actions", json={"kind": "offer", "outcome": offer},
                headers={**headers, "Idempotency-Key": key},
            )  # fmt: skip
            if response.status_code < 500:
                break
        latencies.append(time.perf_counter() - started)
        if response.status_code == 200:
            acted += 1
            last = max(last, response.json()["events"][-1]["index"])


async def one_level(url: str, sessions: int, rounds: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=4 * sessions + 10, max_keepalive_connections=4 * sessions + 10)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        created = []
        for _ in range(sessions):
            body = {
                "scenario": "hanoi-deal",
                "rounds": rounds,
                "parties": {"dprk": {"kind": "envoy"}, "usa": {"kind": "envoy"}},
            }
            created.append((await client.post("/api/sessions", json=body)).json())
        state = (
            await client.get(
                f"/api/sessions/{created[0]['id']}",
                headers={"Authorization": f"Bearer {created[0]['party_tokens']['dprk']}"},
            )
        ).json()
        issues = state["scenario"]["issues"]
        offers = {
            "dprk": {i["name"]: i["values"][0] for i in issues},
            "usa": {i["name"]: i["values"][-1] for i in issues},
        }
        latencies: list[float] = []
        started = time.perf_counter()
        tasks = [
            party(client, s["id"], s["party_tokens"][p], p, offers[p], latencies)
            for s in created
            for p in ("dprk", "usa")
        ]
        acted = await asyncio.gather(*tasks)
        wall = time.perf_counter() - started
        expected = 1 + 2 * rounds + 1  # start, the offers, the timeout
        bad = 0
        for s in created:
            page = (
                await client.get(
                    f"/api/sessions/{s['id']}/events", headers={"Authorization": f"Bearer {s['observer_token']}"}
                )
            ).json()
            indices = [e["index"] for e in page["events"]]
            bad += indices != list(range(expected))
    ms = np.array(latencies) * 1000
    return {
        "sessions": sessions,
        "actions": int(sum(acted)),
        "actions_per_s": sum(acted) / wall,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "bad_logs": bad,
        "wall_s": wall,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 50, 100, 200])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    for n in args.sessions:
        folder = tempfile.mkdtemp(prefix="summitry-bench-")
        pg_name = None
        if args.store == "sqlite":
            db = f"sqlite:///{Path(folder) / 'bench.db'}"
        else:
            db, pg_name = postgres_database()
        process, url = start_server(db)
        try:
            row = asyncio.run(one_level(url, n, args.rounds))
        finally:
            process.terminate()
            process.wait(timeout=30)
            if pg_name is not None:
                drop_postgres(pg_name)
        print(
            f"{args.store:10} sessions={row['sessions']:4d} actions={row['actions']:6d} "
            f"actions/s={row['actions_per_s']:8.1f} p50={row['p50_ms']:7.1f} ms p99={row['p99_ms']:7.1f} ms "
            f"bad_logs={row['bad_logs']} wall={row['wall_s']:.1f} s",
            flush=True,
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()

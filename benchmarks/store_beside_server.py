"""A CLI run storing its trace in a running server's SQLite database: how long the server's sessions wait.

A server (the app `summitry serve` runs, one process, started as ``server_bench.py`` starts it) on a
fresh SQLite file; one session played by its two
parties as fast as they can (an offer every 5 ms); a second session's state read every 10 ms.
Two seconds in, `summitry negotiate hanoi-deal --agents hardliner,hardliner --rounds N --store
THE SAME DATABASE` runs to its end (its trace, 2N entries, is stored in one transaction, under
the store's write lock). Reported: how long the command took, and the slowest action and the
slowest read of the other session that began while it ran. An action must wait for the lock
(the store has one writer); a read of another session need not.

Run: ``.venv/bin/python benchmarks/store_beside_server.py --rounds 20000``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from server_bench import start_server  # this folder is on sys.path when a benchmark runs


async def measure(url: str, command: list[str]) -> str:
    body = {
        "scenario": "hanoi-deal",
        "rounds": 100_000,
        "parties": {"dprk": {"kind": "envoy"}, "usa": {"kind": "envoy"}},
    }
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        played = (await client.post("/api/sessions", json=body)).json()
        other = (await client.post("/api/sessions", json=body)).json()
        tokens = played["party_tokens"]
        state = (await client.get(f"/api/sessions/{played['id']}", headers=_bearer(tokens["dprk"]))).json()
        issues = state["scenario"]["issues"]
        offers = {
            "dprk": {i["name"]: i["values"][0] for i in issues},
            "usa": {i["name"]: i["values"][-1] for i in issues},
        }
        actions: list[tuple[float, float]] = []
        reads: list[tuple[float, float]] = []
        stop = asyncio.Event()

        async def play() -> None:
            turn = 0
            while not stop.is_set():
                party = ("dprk", "usa")[turn % 2]
                headers = {**_bearer(tokens[party]), "Idempotency-Key": str(uuid.uuid4())}
                started = time.perf_counter()
                answer = await client.post(
                    f"/api/sessions/{played['id']}/actions",
                    json={"kind": "offer", "outcome": offers[party]},
                    headers=headers,
                )
                answer.raise_for_status()
                actions.append((started, time.perf_counter() - started))
                turn += 1
                await asyncio.sleep(0.005)

        async def read() -> None:
            while not stop.is_set():
                started = time.perf_counter()
                answer = await client.get(f"/api/sessions/{other['id']}", headers=_bearer(other["observer_token"]))
                answer.raise_for_status()
                reads.append((started, time.perf_counter() - started))
                await asyncio.sleep(0.01)

        tasks = [asyncio.create_task(play()), asyncio.create_task(read())]
        await asyncio.sleep(2)
        began = time.perf_counter()
        process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL)
        if await process.wait() != 0:
            raise SystemExit(f"the command failed: {' '.join(command)}")
        ended = time.perf_counter()
        await asyncio.sleep(1)
        stop.set()
        await asyncio.gather(*tasks)

    def slowest(samples: list[tuple[float, float]]) -> float:
        return 1000 * max(d for t, d in samples if began <= t <= ended)

    return (
        f"the command took {ended - began:.1f} s; meanwhile the slowest action took {slowest(actions):.0f} ms "
        f"and the slowest read of another session {slowest(reads):.0f} ms"
    )


def _bearer(token: str) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20_000, help="the stored run's rounds (its trace: 2N entries)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="summitry-beside-") as folder:
        db = f"sqlite:///{Path(folder) / 'server.db'}"
        server, url = start_server(db)
        try:
            command = [sys.executable, "-m", "summitry", "negotiate", "hanoi-deal", "--agents", "hardliner,hardliner"]
            command += ["--rounds", str(args.rounds), "--json", "--store", db]
            print(asyncio.run(measure(url, command)))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

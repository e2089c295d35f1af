"""`summitry serve --workers K`: sessions shared out between worker processes, requests redirected to the owner."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from summitry.agents import make_negotiator
from summitry.client.envoy import Envoy
from summitry.server.app import ServerSettings, create_app, per_worker
from summitry.server.limits import Limits
from summitry.server.shards import Shards, shard_of

from .._served import Workers, envoy, free_ports, logged_events, serving_workers

ROOT = Path(__file__).resolve().parents[2]
BODY: dict[str, Any] = {
    "scenario": "hanoi-deal",
    "rounds": 12,
    "parties": {"dprk": {"kind": "envoy"}, "usa": {"kind": "envoy"}},
}


# -- the owner of a session ---------------------------------------------------------------


def test_every_session_id_has_one_owner_the_same_in_every_process() -> None:
    ids = [f"session-{i}" for i in range(3000)]
    owners = [shard_of(i, 3) for i in ids]
    assert set(owners) == {0, 1, 2}
    assert all(900 <= owners.count(k) <= 1100 for k in range(3))  # shared out evenly
    code = "from summitry.server.shards import shard_of; print([shard_of(f'session-{i}', 3) for i in range(3000)])"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "123"}
    )
    assert json.loads(other.stdout) == owners  # not Python's per-process string hash


@pytest.mark.parametrize("text", ["", "1/2", "2/2/8000", "a/2/8000", "0/0/8000", "-1/2/8000"])
def test_a_worker_place_other_than_index_count_port_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        Shards.parse(text)


@pytest.fixture
def worker0(tmp_path: Path) -> Iterator[TestClient]:
    """Worker 0 of 2 (worker 1 would listen on port 8001), in process."""
    settings = ServerSettings(database_url=f"sqlite:///{tmp_path / 'w.db'}", shards=Shards(0, 2, 8000))
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000", follow_redirects=False) as client:
        yield client


def test_a_worker_creates_every_other_session_itself_with_ids_it_owns(worker0: TestClient) -> None:
    answers = [worker0.post("/api/sessions", json=BODY) for _ in range(4)]
    assert [a.status_code for a in answers] == [201, 503, 201, 503]  # the others go to worker 1 (not running here)
    for made in answers[0::2]:
        assert shard_of(made.json()["id"], 2) == 0  # drawn to be its own
    assert "port 8001" in answers[1].json()["error"]
    sent_here = worker0.post("/api/sessions?shard=0", json=BODY)  # as worker 1 relays one
    assert sent_here.status_code == 201 and shard_of(sent_here.json()["id"], 2) == 0


def test_a_worker_allows_its_share_of_a_client_s_creations(tmp_path: Path) -> None:
    # Each worker keeps its own buckets and the workers share a client's creations out in
    # turn: each allows 1/K of the rate and burst, so that K workers together allow them once.
    limits = Limits(create_rate=0.01, create_burst=4)
    assert per_worker(limits, 2) == replace(limits, create_rate=0.005, create_burst=2)
    assert per_worker(limits, 8).create_burst == 1 and per_worker(limits, 1) == limits
    settings = ServerSettings(database_url=f"sqlite:///{tmp_path / 'w.db'}", limits=limits, shards=Shards(0, 2, 8000))
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as worker:
        made = [worker.post("/api/sessions?shard=0", json=BODY).status_code for _ in range(3)]
    assert made == [201, 201, 429]


def test_a_body_too_large_for_any_route_is_refused_before_it_is_relayed(worker0: TestClient) -> None:
    theirs = next(f"x{i}" for i in range(100) if shard_of(f"x{i}", 2) == 1)
    huge = b"x" * 2_000_001
    answer = worker0.post(f"/api/sessions/{theirs}/comments", content=huge, headers={"content-type": "text/plain"})
    assert answer.status_code == 413 and "2000000 bytes" in answer.json()["error"]


def test_a_request_about_another_workers_session_is_never_answered_here(worker0: TestClient) -> None:
    ours = worker0.post("/api/sessions", json=BODY).json()
    theirs = next(f"x{i}" for i in range(100) if shard_of(f"x{i}", 2) == 1)
    for path in (
        f"/api/sessions/{theirs}/stream?after=4&state=true",
        f"/api/sessions/{theirs}",
        f"/sessions/{theirs}/party",
    ):
        answer = worker0.get(path)
        assert answer.status_code == 503 and "port 8001" in answer.json()["error"]  # relayed, to a worker that is down
    assert worker0.get("/healthz").status_code == 200  # not about a session: answered here
    state = worker0.get(f"/api/sessions/{ours['id']}", headers={"Authorization": f"Bearer {ours['observer_token']}"})
    assert state.status_code == 200 and state.json()["id"] == ours["id"] and "summitry-owner" not in state.headers


# -- real processes -------------------------------------------------------------------------


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    yield from serving_workers(f"sqlite:///{tmp_path / 'workers.db'}", tmp_path, 2)


@pytest.mark.slow
def test_envoys_given_the_first_workers_url_finish_sessions_owned_by_every_worker(workers: Workers) -> None:
    sessions = [httpx.post(f"{workers.url}/api/sessions", json=BODY, timeout=30) for _ in range(4)]
    assert all(s.status_code == 201 for s in sessions), [s.text for s in sessions]
    made = [s.json() for s in sessions]
    assert [shard_of(m["id"], 2) for m in made] == [0, 1, 0, 1]  # shared out in turn
    second = f"http://127.0.0.1:{workers.port + 1}"
    assert [s.headers.get("summitry-owner") for s in sessions] == [None, second] * 2  # relayed: says by whom
    players = [envoy(workers.url, m, party, "boulware") for m in made for party in ("dprk", "usa")]
    outputs = [p.communicate(timeout=240) for p in players]
    assert all(p.returncode == 0 for p in players), [err[-2000:] for _, err in outputs]
    results = [json.loads(out) for out, _ in outputs]
    for number, session in enumerate(made):
        first, other = results[2 * number], results[2 * number + 1]
        owner = f"http://127.0.0.1:{workers.port + shard_of(session['id'], 2)}"
        events = logged_events(workers.url, session)
        assert events == logged_events(owner, session)  # relayed by worker 0, or its own
        assert first["status"] == other["status"] != "running" and first["agreement"] == other["agreement"]
        assert [e["index"] for e in events] == list(range(len(events))) == list(range(first["events"]))
    relayed = made[1]
    with httpx.stream(
        "GET",
        f"{workers.url}/api/sessions/{relayed['id']}/stream?after=-1",
        headers={"Authorization": f"Bearer {relayed['observer_token']}"},
        timeout=30,
    ) as stream:  # the stream, relayed as it comes
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        indices: list[int] = []
        for line in stream.iter_lines():
            if line.startswith("id: "):
                indices.append(int(line[4:]))
            if len(indices) == len(logged_events(workers.url, relayed)):
                break
    assert indices == list(range(len(indices)))


@pytest.mark.slow
def test_the_envoy_sdk_moves_to_the_worker_that_owns_its_session(workers: Workers) -> None:
    body = {**BODY, "parties": {"dprk": {"kind": "agent", "agent": "conceder"}, "usa": {"kind": "envoy"}}}
    made = [httpx.post(f"{workers.url}/api/sessions", json=body, timeout=30).json() for _ in range(2)]
    for session in made:
        player = Envoy(workers.url, session["id"], session["party_tokens"]["usa"], make_negotiator("boulware"))
        try:
            result = player.run()
            assert result.status != "running"
            assert player.url == f"http://127.0.0.1:{workers.port + shard_of(session['id'], 2)}"
        finally:
            player.close()


def kill_a_worker_mid_session(workers: Workers) -> None:
    """SIGKILL the worker that owns a session mid-negotiation: the supervisor restarts it and the envoys carry on."""
    session = httpx.post(f"{workers.url}/api/sessions", json=BODY, timeout=30).json()
    owner = shard_of(session["id"], 2)
    players = [
        envoy(workers.url, session, party, "boulware", "--pace", "0.15", "--give-up", "120")
        for party in ("dprk", "usa")
    ]
    deadline = time.monotonic() + 60
    while len(logged_events(workers.url, session)) < 6:
        assert time.monotonic() < deadline, "the envoys did not start negotiating"
        time.sleep(0.05)
    before = logged_events(workers.url, session)
    pids = workers.worker_pids()
    victim = next(
        pid for pid in pids if f"--shard {owner}/2/" in Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    )
    os.kill(victim, signal.SIGKILL)
    outputs = [p.communicate(timeout=240) for p in players]
    assert all(p.returncode == 0 for p in players), [err[-2000:] for _, err in outputs]
    after = logged_events(workers.url, session)
    assert before[-1]["kind"] not in ("agreement", "timeout", "end", "failure")  # killed mid-session
    assert after[: len(before)] == before and [e["index"] for e in after] == list(range(len(after)))
    moves = [(e["round"], e["step"]) for e in after if e["kind"] in ("offer", "accept", "end")]
    assert len(moves) == len(set(moves))  # no action applied twice
    assert victim not in workers.worker_pids() and len(workers.worker_pids()) == 2
    assert "starting it again" in workers.log.read_text()


@pytest.mark.slow
def test_a_killed_worker_is_started_again_and_its_session_completes(workers: Workers) -> None:
    kill_a_worker_mid_session(workers)


@pytest.mark.slow
def test_a_killed_worker_is_started_again_and_its_session_completes_on_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    served = Workers(postgres_url, 2, tmp_path / "serve.log")
    served.start()
    try:
        kill_a_worker_mid_session(served)
    finally:
        served.stop()


@pytest.mark.slow
def test_a_sigkilled_supervisor_takes_its_workers_with_it(workers: Workers) -> None:
    pids = workers.worker_pids()
    assert len(pids) == 2
    assert workers.process is not None
    workers.process.send_signal(signal.SIGKILL)
    workers.process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in pids):
        assert time.monotonic() < deadline, "a worker outlived its supervisor"
        time.sleep(0.1)


@pytest.mark.slow
def test_a_worker_whose_port_is_taken_stops_them_all_with_one_error_line(tmp_path: Path) -> None:
    port = free_ports(2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1))
        taken.listen()
        done = subprocess.run(
            [sys.executable, "-m", "summitry", "serve", "--db", f"sqlite:///{tmp_path / 'w.db'}", "--port", str(port),
             "--workers", "2"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(f"error: worker 1: cannot listen on 127.0.0.1:{port + 1}: the address is in use")
    )
    assert "serving" not in done.stdout  # refused before any worker started
    with socket.socket() as again:  # worker 0 never started: its port is free
        again.bind(("127.0.0.1", port))


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"

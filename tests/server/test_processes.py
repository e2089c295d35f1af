"""Real processes: `summitry serve` on a free port, `summitry envoy` processes, the stream, and a SIGKILL crash.

The crash test kills the server with SIGKILL while two paced envoys negotiate, restarts it on
the same database, and checks that the session completes with every event it had before
intact, no event twice, and a log that `summitry replay` accepts. It runs on SQLite and on a
real PostgreSQL server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .._served import Server, envoy, logged_events, serving

pytestmark = pytest.mark.slow


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'served.db'}"


@pytest.fixture
def server(sqlite_db: str, tmp_path: Path) -> Iterator[Server]:
    yield from serving(sqlite_db, tmp_path)


def create(url: str, **body: Any) -> dict[str, Any]:
    payload = {
        "scenario": "hanoi-deal",
        "rounds": 20,
        "seed": 5,
        "parties": {"dprk": {"kind": "envoy"}, "usa": {"kind": "envoy"}},
    }
    payload.update(body)
    response = httpx.post(f"{url}/api/sessions", json=payload, timeout=30)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_two_envoy_processes_finish_a_session_on_a_served_process(server: Server) -> None:
    session = create(server.url)
    first, second = envoy(server.url, session, "dprk", "boulware"), envoy(server.url, session, "usa", "conceder")
    out_first, err_first = first.communicate(timeout=180)
    out_second, err_second = second.communicate(timeout=180)
    assert first.returncode == 0 and second.returncode == 0, err_first + err_second
    dprk, usa = json.loads(out_first), json.loads(out_second)
    assert dprk["status"] == usa["status"] != "running" and dprk["agreement"] == usa["agreement"]
    logged = logged_events(server.url, session)
    assert [e["index"] for e in logged] == list(range(len(logged))) and dprk["events"] == len(logged)


def test_the_negotiator_of_writing_agents_md_joins_a_served_session_as_an_envoy(server: Server, tmp_path: Path) -> None:
    """The user-written class of docs/writing-agents.md, saved as a file, plays through `summitry envoy`."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "writing-agents.md").read_text(encoding="utf-8")
    block = doc.split("```python\n", 1)[1].split("```", 1)[0]
    agent_file = tmp_path / "split.py"
    agent_file.write_text(block.split("\n# Run it", 1)[0], encoding="utf-8")  # the class, as a user saves it
    session = create(server.url, parties={"dprk": {"kind": "envoy"}, "usa": {"kind": "envoy"}})
    players = [
        envoy(server.url, session, "dprk", f"{agent_file}:SplitTheDifference"),
        envoy(server.url, session, "usa", "boulware"),
    ]
    outputs = [p.communicate(timeout=180) for p in players]
    assert all(p.returncode == 0 for p in players), [err[-2000:] for _, err in outputs]
    dprk, usa = (json.loads(out) for out, _ in outputs)
    assert dprk["status"] == usa["status"] != "running" and dprk["agreement"] == usa["agreement"]
    assert dprk["actions"] > 0 and dprk["events"] == len(logged_events(server.url, session))
    offers = [e for e in logged_events(server.url, session) if e["kind"] == "offer" and e["party"] == "dprk"]
    assert offers  # the user's class made the offers


def test_the_stream_delivers_every_event_once_in_order_and_resumes(server: Server) -> None:
    session = create(server.url, parties={"dprk": {"kind": "envoy"}, "usa": {"kind": "agent"}})
    player = envoy(server.url, session, "dprk", "boulware")
    player.communicate(timeout=180)
    assert player.returncode == 0
    logged = logged_events(server.url, session)
    headers = {"Authorization": f"Bearer {session['observer_token']}"}

    def read(after: int, count: int) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []
        with httpx.stream(
            "GET", f"{server.url}/api/sessions/{session['id']}/stream?after={after}", headers=headers, timeout=30
        ) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            for line in r.iter_lines():
                if line.startswith("data: "):
                    got.append(json.loads(line[6:]))
                    if len(got) == count:
                        break
        return got

    half = len(logged) // 2
    first = read(-1, half)
    rest = read(first[-1]["index"], len(logged) - half)
    assert first + rest == logged


def test_the_stream_with_state_tells_each_party_its_turn_after_the_events(server: Server) -> None:
    """``?state=true``: after each batch of events, a ``state`` message with the turn as of those events."""
    session = create(server.url)
    base = f"{server.url}/api/sessions/{session['id']}"

    def act(party: str, body: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {session['party_tokens'][party]}", "Idempotency-Key": f"k-{party}"}
        answer = httpx.post(f"{base}/actions", json=body, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text

    state = httpx.get(base, headers={"Authorization": f"Bearer {session['party_tokens']['dprk']}"}, timeout=30).json()
    offer = {issue["name"]: issue["values"][0] for issue in state["scenario"]["issues"]}
    messages: list[tuple[str, dict[str, Any]]] = []
    headers = {"Authorization": f"Bearer {session['party_tokens']['dprk']}"}
    with httpx.stream("GET", f"{base}/stream?after=-1&state=true", headers=headers, timeout=30) as answer:
        kind = "message"
        for line in answer.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                messages.append((kind, json.loads(line[6:])))
                kind = "message"
                if messages[-1][0] != "state":
                    continue
                turn = messages[-1][1]
                if turn["status"] != "running":
                    break
                act(
                    str(turn["next_party"]),
                    {"kind": "offer", "outcome": offer} if turn["last_index"] == 0 else {"kind": "end"},
                )
    logged = logged_events(server.url, session)
    assert [m for m in messages if m[0] == "message"] == [("message", e) for e in logged]
    turns = [(data["last_index"], data["status"], data["next_party"]) for kind, data in messages if kind == "state"]
    assert turns == [(0, "running", "dprk"), (1, "running", "usa"), (len(logged) - 1, "ended", None)]
    assert messages[1][0] == messages[3][0] == "state" and messages[-1][0] == "state"  # each after its batch


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the server's CPU time from /proc")
def test_the_stream_of_a_finished_session_stays_open_idle_and_delivers_a_later_letter(server: Server) -> None:
    """Once over, hub.wait answers at once; the stream must not spin on it (it used a core while a page was open)."""
    session = create(server.url, rounds=4, parties={"dprk": {"kind": "agent"}, "usa": {"kind": "agent"}})
    deadline = time.monotonic() + 60
    while logged_events(server.url, session)[-1]["kind"] not in ("agreement", "timeout", "deadline", "end"):
        assert time.monotonic() < deadline, "the agents did not finish"
        time.sleep(0.05)
    logged = logged_events(server.url, session)
    received: list[dict[str, Any]] = []

    def follow() -> None:
        headers = {"Authorization": f"Bearer {session['observer_token']}"}
        url = f"{server.url}/api/sessions/{session['id']}/stream?after=-1"
        with httpx.stream("GET", url, headers=headers, timeout=60) as answer:
            for line in answer.iter_lines():
                if line.startswith("data: "):
                    received.append(json.loads(line[6:]))
                    if received[-1]["kind"] == "letter":
                        return

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    while len(received) < len(logged):
        assert reader.is_alive() and time.monotonic() < deadline + 60, "the stream did not deliver the log"
        time.sleep(0.05)
    assert server.process is not None
    before = _cpu_seconds(server.process.pid)
    time.sleep(4.0)  # the stream is open and idle
    used = _cpu_seconds(server.process.pid) - before
    assert used < 1.0, f"the server used {used:.2f} s of CPU in 4 s serving one idle stream"
    letter = httpx.post(
        f"{server.url}/api/sessions/{session['id']}/letters",
        json={"to": ["usa"], "text": "Thank you for the talks."},
        headers={"Authorization": f"Bearer {session['party_tokens']['dprk']}"},
        timeout=30,
    )
    assert letter.status_code == 201, letter.text
    reader.join(timeout=30)
    assert not reader.is_alive() and received[: len(logged)] == logged
    assert received[-1]["kind"] == "letter" and received[-1]["index"] == len(logged)


def crash_and_resume(server: Server, tmp_path: Path) -> None:
    session = create(server.url, rounds=12)
    players = [
        envoy(server.url, session, "dprk", "boulware", "--pace", "0.15", "--give-up", "120"),
        envoy(server.url, session, "usa", "boulware", "--pace", "0.15", "--give-up", "120"),
    ]
    deadline = time.monotonic() + 60
    while len(logged_events(server.url, session)) < 8:
        assert time.monotonic() < deadline, "the envoys did not start negotiating"
        time.sleep(0.05)
    before = logged_events(server.url, session)
    server.kill()
    assert before[-1]["kind"] not in ("agreement", "timeout", "end", "failure")  # killed mid-session
    time.sleep(0.5)
    server.start()
    outputs = [p.communicate(timeout=240) for p in players]
    assert all(p.returncode == 0 for p in players), [o[1][-2000:] for o in outputs]
    results = [json.loads(o[0]) for o in outputs]
    after = logged_events(server.url, session)
    assert after[: len(before)] == before  # every earlier event intact
    assert [e["index"] for e in after] == list(range(len(after)))  # none twice, none missing
    moves = [(e["round"], e["step"]) for e in after if e["kind"] in ("offer", "accept", "end")]
    assert len(moves) == len(set(moves))  # no action applied twice
    assert results[0]["status"] == results[1]["status"] != "running" and results[0]["events"] == len(after)
    trace = httpx.get(
        f"{server.url}/api/sessions/{session['id']}/trace",
        headers={"Authorization": f"Bearer {session['admin_token']}"},
        timeout=30,
    )
    path = tmp_path / "crashed.jsonl"
    path.write_text(trace.text, encoding="utf-8")
    replayed = subprocess.run(
        [sys.executable, "-m", "summitry", "replay", str(path), "--json"], capture_output=True, text=True, timeout=120
    )
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout)["reason"] == results[0]["reason"]


def test_a_sigkilled_server_restarts_and_the_session_completes_intact_on_sqlite(server: Server, tmp_path: Path) -> None:
    crash_and_resume(server, tmp_path)


def test_a_sigkilled_server_restarts_and_the_session_completes_intact_on_postgresql(
    postgres_url: str,
    tmp_path: Path,
) -> None:
    for server in serving(postgres_url, tmp_path):
        crash_and_resume(server, tmp_path)


def test_envoy_with_a_refused_token_prints_one_error_line(server: Server) -> None:
    session = create(server.url)
    session["party_tokens"]["dprk"] = "forged" * 8
    process = envoy(server.url, session, "dprk", "boulware")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and out == ""
    assert err.strip().count("\n") == 0 and err.startswith("error: ") and "401" in err
    assert os.path.exists(server.log)

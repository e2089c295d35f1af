"""The hub's long-poll: who waits for what, and when a wait ends."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ._sessions import act, bearer, create, first_offer, state


def run_apart(coroutine: Any) -> Any:
    """Run ``coroutine`` on a new event loop in a thread of its own (the test's thread may have one running)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_a_long_poll_on_a_finished_session_answers_without_waiting_for_news(client: TestClient) -> None:
    session = create(client)
    act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    act(client, session, "usa", {"kind": "accept"})
    last = client.get(f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])).json()
    assert last["status"] == "agreed"
    hub = client.app.state.hub  # type: ignore[attr-defined]
    # nothing can come after the end: a wait of an hour must return at once, not time out the guard
    run_apart(asyncio.wait_for(hub.wait(session["id"], last["last_index"], 3600.0), timeout=60.0))


def test_a_long_poll_returns_with_the_next_entry(client: TestClient) -> None:
    session = create(client)
    hub = client.app.state.hub  # type: ignore[attr-defined]
    before = len(hub.live(session["id"]).entries) - 1

    async def poll_then_act() -> None:
        waiting = asyncio.create_task(hub.wait(session["id"], before, 3600.0))
        await asyncio.sleep(0)
        outcome = first_offer(client, session, "dprk")
        await asyncio.to_thread(act, client, session, "dprk", {"kind": "offer", "outcome": outcome})
        await asyncio.wait_for(waiting, timeout=60.0)

    run_apart(poll_then_act())
    assert len(hub.live(session["id"]).entries) - 1 > before


def test_while_an_action_is_being_written_the_events_show_the_state_before_it(client: TestClient) -> None:
    session = create(client, rounds=1)
    act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    url, observer = f"/api/sessions/{session['id']}/events", bearer(session["observer_token"])
    before = client.get(url, headers=observer).json()
    assert before["status"] == "running" and before["next_party"] == "usa"
    group_commit = client.app.state.hub.store._appends  # type: ignore[attr-defined]
    # The writer thread, as on PostgreSQL: on SQLite the loop writes (group_commit, "On the loop"),
    # and reads wait for the write instead of answering beside it.
    group_commit._on_loop = False
    write, gate = group_commit._write, threading.Event()

    def held_write(group: Any) -> None:  # the database takes its time over the last action
        gate.wait(60)
        write(group)

    group_commit._write = held_write
    outcome = first_offer(client, session, "usa")
    last = threading.Thread(target=act, args=(client, session, "usa", {"kind": "offer", "outcome": outcome}))
    last.start()
    try:
        while client.app.state.hub.live(session["id"]).running:  # type: ignore[attr-defined]
            time.sleep(0.01)  # the mechanism has taken the action; its entries are not stored yet
        during = client.get(url, headers=observer).json()
        waited = client.get(url, params={"after": before["last_index"], "wait": 0.2}, headers=observer).json()
    finally:
        gate.set()
        last.join()
    assert during == before  # neither the end nor the next party ran ahead of the stored entries
    assert waited["events"] == [] and waited["status"] == "running"
    after = client.get(url, headers=observer).json()
    assert after["status"] != "running" and after["last_index"] > before["last_index"]
    assert after["events"][: len(before["events"])] == before["events"]


def test_an_action_whose_write_fails_is_not_kept_and_can_be_sent_again(client: TestClient) -> None:
    session = create(client)
    group_commit = client.app.state.hub.store._appends  # type: ignore[attr-defined]
    write = group_commit._write

    def failing_write(group: Any) -> None:
        raise OSError("disk full")

    group_commit._write = failing_write
    offer = {"kind": "offer", "outcome": first_offer(client, session, "dprk")}
    with pytest.raises(OSError, match="disk full"):  # the test client raises what the server met
        act(client, session, "dprk", offer, key="first-try")
    group_commit._write = write
    seen = state(client, session, session["observer_token"])
    assert seen["next_party"] == "dprk" and seen["last_index"] == 0  # memory did not run ahead of the store
    answer = act(client, session, "dprk", offer, key="first-try")  # the same key: applied now, once
    assert answer.status_code == 200 and "Idempotent-Replayed" not in answer.headers
    again = act(client, session, "dprk", offer, key="first-try")
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == answer.json()
    hub = client.app.state.hub  # type: ignore[attr-defined]
    assert hub.store.verify(session["id"]) == hub.live(session["id"]).head

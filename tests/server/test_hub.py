"""The hub's long-poll: who waits for what, and when a wait ends."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from ._sessions import act, bearer, create, first_offer


def test_a_long_poll_on_a_finished_session_answers_without_waiting_for_news(client: TestClient) -> None:
    session = create(client)
    act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    act(client, session, "usa", {"kind": "accept"})
    last = client.get(f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])).json()
    assert last["status"] == "agreed"
    hub = client.app.state.hub  # type: ignore[attr-defined]
    # nothing can come after the end: a wait of an hour must return at once, not time out the guard
    asyncio.run(asyncio.wait_for(hub.wait(session["id"], last["last_index"], 3600.0), timeout=60.0))


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

    asyncio.run(poll_then_act())
    assert len(hub.live(session["id"]).entries) - 1 > before

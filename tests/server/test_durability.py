"""Durability in-process: a session resumes from its log on a new app over the same database."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from summitry.server.app import ServerSettings, create_app

from ._sessions import act, bearer, create, first_offer, state, wait_until


def test_a_restarted_server_resumes_an_open_session_where_it_was(db_url: str) -> None:
    parties = {"dprk": {"kind": "human"}, "usa": {"kind": "agent", "agent": "hardheaded"}}
    with TestClient(create_app(ServerSettings(database_url=db_url))) as first:
        session = create(first, parties=parties, rounds=20)
        for _ in range(3):
            act(first, session, "dprk", {"kind": "offer", "outcome": first_offer(first, session, "dprk")})
        before = first.get(f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])).json()
        replay_key = act(
            first, session, "dprk", {"kind": "offer", "outcome": first_offer(first, session, "dprk")}, key="kept"
        )
    with TestClient(create_app(ServerSettings(database_url=db_url))) as second:
        after = second.get(f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])).json()
        assert after["events"][: len(before["events"])] == before["events"]
        again = act(
            second, session, "dprk", {"kind": "offer", "outcome": first_offer(second, session, "dprk")}, key="kept"
        )
        assert again.json() == replay_key.json()  # the idempotency answer survived the restart
        answer = act(second, session, "dprk", {"kind": "offer", "outcome": first_offer(second, session, "dprk")})
        assert [e["party"] for e in answer.json()["events"]] == ["dprk", "usa"]  # the agent carries on
        indices = [e["index"] for e in second.get(
            f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])
        ).json()["events"]]  # fmt: skip
        assert indices == list(range(len(indices)))
        hub = second.app.state.hub  # type: ignore[attr-defined]
        assert hub.store.verify(session["id"]) == hub.live(session["id"]).head


def test_a_session_of_agents_interrupted_by_a_restart_finishes_after_it(db_url: str) -> None:
    parties = {"dprk": {"kind": "agent", "agent": "boulware"}, "usa": {"kind": "agent", "agent": "boulware"}}
    with TestClient(create_app(ServerSettings(database_url=db_url))) as first:
        session = create(first, parties=parties, rounds=200)
    with TestClient(create_app(ServerSettings(database_url=db_url))) as second:
        wait_until(lambda: state(second, session, session["observer_token"])["status"] != "running")
        events = second.get(f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])).json()
        assert [e["index"] for e in events["events"]] == list(range(len(events["events"])))


def test_the_wall_clock_deadline_closes_a_session_nobody_acts_in(client: TestClient) -> None:
    session = create(client, rounds=None, seconds=0.5)
    wait_until(lambda: state(client, session, session["observer_token"])["status"] != "running")
    final = state(client, session, session["observer_token"])
    assert final["status"] == "timed_out" and final["reason"] == "deadline"
    events = client.get(f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])).json()
    timeout = events["events"][-1]
    assert timeout["kind"] == "late" and timeout["data"]["late"] == {"kind": "end"}


def test_a_party_that_lets_its_time_limit_pass_fails(client: TestClient) -> None:
    session = create(client, time_limit=0.3)
    wait_until(lambda: state(client, session, session["observer_token"])["status"] != "running")
    final = state(client, session, session["observer_token"])
    assert final["status"] == "failed"
    last = client.get(f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])).json()[
        "events"
    ][-1]
    assert last["kind"] == "failure" and last["party"] == "dprk" and last["data"]["reason"] == "slow"


def test_mediation_with_amendments_between_two_people(client: TestClient) -> None:
    session = create(client, scenario="hanoi-dinner", protocol="mediation", amendments=True, rounds=2, parties={
        "dprk": {"kind": "human"}, "usa": {"kind": "human"}})  # fmt: skip
    seen = state(client, session, session["party_tokens"]["dprk"])
    assert seen["request"] == "amend" and seen["draft"] is not None and seen["legal"] == ["amend", "end"]
    issue = seen["scenario"]["issues"][0]
    act(client, session, "dprk", {"kind": "amend", "outcome": {issue["name"]: issue["values"][-1]}})
    act(client, session, "usa", {"kind": "amend", "outcome": {}})
    voting = state(client, session, session["party_tokens"]["dprk"])
    assert voting["request"] == "vote" and voting["proposal"] is not None
    while True:
        current: dict[str, Any] = state(client, session, session["observer_token"])
        if current["status"] != "running":
            break
        party = current["next_party"]
        body = {"kind": "amend", "outcome": {}} if current["request"] == "amend" else {"kind": "vote", "approve": True}
        assert act(client, session, party, body).status_code == 200
    assert current["status"] == "agreed" and current["agreement"] is not None


def test_an_answer_is_stored_without_its_fixed_state_and_replayed_whole(db_url: str) -> None:
    import sqlalchemy as sa

    def stored(key: str) -> str:
        engine = sa.create_engine(db_url)
        with engine.connect() as connection:
            text = connection.execute(sa.text('SELECT response FROM action_keys WHERE "key" = :k'), {"k": key}).scalar()
        engine.dispose()
        return str(text)

    def set_stored(key: str, text: str) -> None:
        engine = sa.create_engine(db_url)
        with engine.begin() as connection:
            connection.execute(sa.text('UPDATE action_keys SET response = :r WHERE "key" = :k'), {"r": text, "k": key})
        engine.dispose()

    with TestClient(create_app(ServerSettings(database_url=db_url))) as first:
        session = create(first, rounds=20)
        offer = {"kind": "offer", "outcome": first_offer(first, session, "dprk")}
        answer = act(first, session, "dprk", offer, key="short")
        counter = {"kind": "offer", "outcome": first_offer(first, session, "usa")}
        old_form = act(first, session, "usa", counter, key="whole")
    kept = json.loads(stored("short"))
    assert kept["events"] == answer.json()["events"]
    assert not {"scenario", "utility"} & set(kept["state"])  # the same in every answer: not stored each time
    assert {"scenario", "utility"} <= set(answer.json()["state"]) and len(stored("short")) < len(answer.content) / 2
    set_stored("whole", old_form.text)  # as a server before the change stored it: whole
    with TestClient(create_app(ServerSettings(database_url=db_url))) as second:
        again = act(second, session, "dprk", offer, key="short")
        assert again.headers["idempotent-replayed"] == "true" and again.content == answer.content
        old_again = act(second, session, "usa", counter, key="whole")
        assert old_again.headers["idempotent-replayed"] == "true" and old_again.content == old_form.content

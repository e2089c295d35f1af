"""API routes: each route's answer, and each refusal with its status and JSON error."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ._sessions import act, bearer, create, first_offer, state, wait_until


def error_of(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    return str(body["error"])


def test_create_returns_id_tokens_and_links(client: TestClient) -> None:
    session = create(client)
    assert set(session) == {"id", "admin_token", "observer_token", "party_tokens", "links"}
    tokens = [session["admin_token"], session["observer_token"], *session["party_tokens"].values()]
    assert len(set(tokens)) == 4 and all(len(t) >= 43 for t in tokens)  # 256 bits, URL-safe base64
    assert set(session["links"]["parties"]) == {"dprk", "usa"}
    assert session["links"]["parties"]["dprk"].endswith(session["party_tokens"]["dprk"])


def test_state_for_a_party_has_its_own_utility(client: TestClient) -> None:
    session = create(client)
    seen = state(client, session, session["party_tokens"]["dprk"])
    assert seen["you"] == "dprk" and seen["utility"]["name"] == "dprk"
    assert seen["status"] == "running" and seen["next_party"] == "dprk" and seen["legal"] == ["offer", "end"]
    assert seen["deadline"]["rounds"] == 10
    watched = state(client, session, session["observer_token"])
    assert "utility" not in watched and "you" not in watched and watched["role"] == "observer"


def test_an_offer_then_an_accept_reaches_an_agreement(client: TestClient) -> None:
    session = create(client)
    offer = first_offer(client, session, "dprk")
    answer = act(client, session, "dprk", {"kind": "offer", "outcome": offer})
    assert answer.status_code == 200
    assert [e["kind"] for e in answer.json()["events"]] == ["offer"]
    assert answer.json()["state"]["next_party"] == "usa"
    done = act(client, session, "usa", {"kind": "accept"})
    assert [e["kind"] for e in done.json()["events"]] == ["accept", "agreement"]
    final = state(client, session, session["observer_token"])
    assert final["status"] == "agreed" and final["agreement"] == offer


def test_an_actions_answer_carries_the_same_state_as_the_state_route(client: TestClient) -> None:
    """The answer's state is rendered with its scenario and utility kept as text: the same JSON as GET's."""
    session = create(client)
    for turn, party in enumerate(("dprk", "usa", "dprk")):
        answer = act(client, session, party, {"kind": "offer", "outcome": first_offer(client, session, party)})
        got = answer.json()["state"]
        expected = state(client, session, session["party_tokens"][party])
        for timing in ("elapsed", "remaining_seconds", "turn_deadline"):  # the server's clock moved in between
            got["deadline"].pop(timing), expected["deadline"].pop(timing)
        assert got == expected and got["you"] == party and got["utility"]["name"] == party
        assert got["step"] == turn + 1 and got["last_index"] == answer.json()["events"][-1]["index"]


def test_an_agent_replies_at_once(client: TestClient) -> None:
    session = create(
        client, parties={"dprk": {"kind": "human"}, "usa": {"kind": "agent", "agent": "boulware:exponent=0.2"}}
    )
    answer = act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    assert [(e["kind"], e["party"]) for e in answer.json()["events"]] == [("offer", "dprk"), ("offer", "usa")]
    assert answer.json()["state"]["your_turn"] is True


def test_a_session_of_agents_runs_to_its_end_by_itself(client: TestClient) -> None:
    session = create(client, parties={"dprk": {"kind": "agent", "agent": "conceder"}, "usa": {"kind": "agent"}})
    wait_until(lambda: state(client, session, session["observer_token"])["status"] != "running")
    final = state(client, session, session["observer_token"])
    assert final["status"] in ("agreed", "timed_out") and final["events"] > 2


def test_the_same_idempotency_key_applies_once_and_answers_the_same(client: TestClient) -> None:
    session = create(client)
    body = {"kind": "offer", "outcome": first_offer(client, session, "dprk")}
    first = act(client, session, "dprk", body, key="same-key")
    again = act(client, session, "dprk", body, key="same-key")
    assert again.status_code == 200 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    events = client.get(f"/api/sessions/{session['id']}/events", headers=bearer(session["observer_token"])).json()
    assert [e["kind"] for e in events["events"]] == ["start", "offer"]
    other = act(client, session, "dprk", {"kind": "end"}, key="same-key")
    assert "different action" in error_of(other, 409)


def test_prefer_return_minimal_answers_the_events_only_and_a_retry_the_same(client: TestClient) -> None:
    session = create(client)
    offer = {"kind": "offer", "outcome": first_offer(client, session, "dprk")}
    minimal = act(client, session, "dprk", offer, key="m1", prefer="respond-async, return=minimal; x=1")
    assert minimal.status_code == 200 and minimal.headers["preference-applied"] == "return=minimal"
    assert set(minimal.json()) == {"events"} and [e["kind"] for e in minimal.json()["events"]] == ["offer"]
    again = act(client, session, "dprk", offer, key="m1")  # the first answer, whatever the retry prefers
    assert again.content == minimal.content and again.headers["idempotent-replayed"] == "true"
    assert again.headers["preference-applied"] == "return=minimal"
    counter = {"kind": "offer", "outcome": first_offer(client, session, "usa")}
    full = act(client, session, "usa", counter, prefer="return=representation")
    assert set(full.json()) == {"events", "state"} and "preference-applied" not in full.headers
    assert full.json()["state"]["utility"]["name"] == "usa" and full.json()["state"]["scenario"]["issues"]


def test_a_retry_is_told_by_its_content_not_its_spelling(client: TestClient) -> None:
    session = create(client)
    outcome = first_offer(client, session, "dprk")
    first = act(client, session, "dprk", {"kind": "offer", "outcome": outcome}, key="k1")
    reordered = {"outcome": dict(reversed(list(outcome.items()))), "kind": "offer"}  # the same action, keys reordered
    again = act(client, session, "dprk", reordered, key="k1")
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    huge = act(client, session, "usa", {"kind": "offer", "outcome": {"x": 2**70}}, key="k2")  # beyond 64 bits
    assert huge.status_code in (400, 409) and "error" in huge.json()
    retried = act(client, session, "usa", {"kind": "offer", "outcome": {"x": 2**70 + 1}}, key="k2")
    assert retried.status_code in (400, 409) and "idempotent-replayed" not in retried.headers


def test_an_action_needs_an_idempotency_key(client: TestClient) -> None:
    session = create(client)
    response = client.post(
        f"/api/sessions/{session['id']}/actions", json={"kind": "end"}, headers=bearer(session["party_tokens"]["dprk"])
    )
    assert "Idempotency-Key" in error_of(response, 400)


def test_events_after_an_index_and_the_pages(client: TestClient) -> None:
    session = create(client)
    act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    act(client, session, "usa", {"kind": "offer", "outcome": first_offer(client, session, "usa")})
    url = f"/api/sessions/{session['id']}/events"
    every = client.get(url, headers=bearer(session["observer_token"])).json()
    assert [e["index"] for e in every["events"]] == [0, 1, 2] and every["last_index"] == 2
    later = client.get(url, params={"after": 1}, headers=bearer(session["observer_token"])).json()
    assert [e["index"] for e in later["events"]] == [2]
    assert (
        client.get(url, params={"after": 2, "wait": 0.2}, headers=bearer(session["observer_token"])).json()["events"]
        == []
    )


def test_events_with_state_carry_the_state_route_s_answer_taken_with_the_entries(client: TestClient) -> None:
    """events?state=true: the page and the token's own state in one answer, the state's last_index the page's."""
    session = create(client)
    act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    url = f"/api/sessions/{session['id']}/events"
    for token, you in ((session["party_tokens"]["usa"], "usa"), (session["observer_token"], None)):
        page = client.get(url, params={"after": 0, "state": "true"}, headers=bearer(token)).json()
        got, expected = page["state"], state(client, session, token)
        for timing in ("elapsed", "remaining_seconds", "turn_deadline"):  # the server's clock moved in between
            got["deadline"].pop(timing), expected["deadline"].pop(timing)
        assert got == expected and got.get("you") == you and ("utility" in got) == (you is not None)
        assert got["last_index"] == page["last_index"] == page["events"][-1]["index"] == 1
        assert page["status"] == got["status"] and page["next_party"] == got["next_party"] == "usa"
    plain = client.get(url, params={"after": 0}, headers=bearer(session["observer_token"])).json()
    assert "state" not in plain and [e["index"] for e in plain["events"]] == [1]


def _answers_within(seconds: float, call: Any) -> Any:
    """Return ``call()``'s answer, failing if it takes longer than ``seconds`` (it runs in a thread)."""
    answers: list[Any] = []
    worker = threading.Thread(target=lambda: answers.append(call()), daemon=True)
    worker.start()
    worker.join(timeout=seconds)
    assert answers, f"no answer within {seconds} s: the request waited out its long-poll"
    return answers[0]


def test_a_long_poll_on_a_finished_session_answers_at_once(client: TestClient) -> None:
    """events?wait= on a session that is over returns now (nothing more will come), not after the wait."""
    session = create(client)
    act(client, session, "dprk", {"kind": "end"})
    url = f"/api/sessions/{session['id']}/events"
    seen = client.get(url, headers=bearer(session["observer_token"])).json()
    assert seen["status"] == "ended"
    params = {"after": seen["last_index"], "wait": 30}
    page = _answers_within(10, lambda: client.get(url, params=params, headers=bearer(session["observer_token"])))
    assert page.status_code == 200 and page.json()["events"] == [] and page.json()["status"] == "ended"


def test_a_long_poll_with_entries_already_after_n_answers_at_once(client: TestClient) -> None:
    session = create(client)
    act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    url = f"/api/sessions/{session['id']}/events"
    params = {"after": 0, "wait": 30}
    page = _answers_within(10, lambda: client.get(url, params=params, headers=bearer(session["observer_token"])))
    assert [e["index"] for e in page.json()["events"]] == [1] and page.json()["status"] == "running"


def test_a_long_poll_wakes_when_the_other_party_acts(client: TestClient) -> None:
    session = create(client)
    url = f"/api/sessions/{session['id']}/events"
    params = {"after": 0, "wait": 30}
    answers: list[Any] = []
    waiter = threading.Thread(
        target=lambda: answers.append(client.get(url, params=params, headers=bearer(session["party_tokens"]["usa"])))
    )
    waiter.start()
    act(client, session, "dprk", {"kind": "end"})
    waiter.join(timeout=10)
    assert answers and [e["kind"] for e in answers[0].json()["events"]] == ["end"]


def test_debrief_after_the_end_and_409_before(client: TestClient) -> None:
    session = create(client, reveal="after_end")
    url = f"/api/sessions/{session['id']}/debrief"
    assert "over" in error_of(client.get(url, headers=bearer(session["observer_token"])), 409)
    act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    act(client, session, "usa", {"kind": "accept"})
    debrief = client.get(url, headers=bearer(session["observer_token"])).json()
    assert debrief["revealed"] is True and debrief["reason"] == "agreed"
    assert set(debrief["utilities"]) == {"dprk", "usa"} and debrief["frontier"] and debrief["nash"] is not None
    assert debrief["distances"]["to_frontier"] >= 0.0


def test_comments_store_the_email_and_never_return_it(client: TestClient) -> None:
    session = create(client)
    url = f"/api/sessions/{session['id']}/comments"
    posted = client.post(
        url, json={"name": "Ana", "email": "ana@example.org", "text": "<script>alert(1)</script>"},
        headers=bearer(session["observer_token"]),
    )  # fmt: skip
    assert posted.status_code == 201 and "email" not in posted.json() and "ana@example.org" not in posted.text
    listed = client.get(url, headers=bearer(session["party_tokens"]["usa"]))
    assert listed.json()["comments"][0]["text"] == "<script>alert(1)</script>"
    for route in ("", "/events", "/comments", "/log", "/trace"):
        body = client.get(f"/api/sessions/{session['id']}{route}", headers=bearer(session["admin_token"])).text
        assert "ana@example.org" not in body
    assert "email" in error_of(
        client.post(url, json={"name": "Bo", "text": "hi"}, headers=bearer(session["observer_token"])), 400
    )
    assert "email" in error_of(
        client.post(
            url, json={"name": "Bo", "email": "not-an-email", "text": "hi"}, headers=bearer(session["observer_token"])
        ),
        400,
    )


def test_healthz_says_the_store_answers(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["store"]["database"] == "sqlite" and health["store"]["ok"] is True


def test_the_server_raises_the_collectors_thresholds_while_it_runs_and_restores_them(make_client: Any) -> None:
    import gc

    from summitry.server.app import GC_THRESHOLDS

    before = gc.get_threshold()
    assert before != GC_THRESHOLDS
    with make_client() as client:
        assert client.get("/healthz").status_code == 200 and gc.get_threshold() == GC_THRESHOLDS
    assert gc.get_threshold() == before


# -- refusals --------------------------------------------------------------------------------


def test_malformed_bodies_are_400(client: TestClient) -> None:
    assert "JSON" in error_of(client.post("/api/sessions", content=b"{not json"), 400)
    assert "scenario" in error_of(client.post("/api/sessions", json={"parties": {}}), 400)
    assert "colour" in error_of(client.post("/api/sessions", json={"scenario": "hanoi-deal", "colour": 1}), 400)
    bad_kind = {"scenario": "hanoi-deal", "parties": {"dprk": {"kind": "robot"}, "usa": {"kind": "human"}}}
    assert "parties.dprk.kind" in error_of(client.post("/api/sessions", json=bad_kind), 400)
    bad_agent = {
        "scenario": "hanoi-deal",
        "parties": {"dprk": {"kind": "agent", "agent": "bouleware"}, "usa": {"kind": "human"}},
    }
    assert "boulware" in error_of(client.post("/api/sessions", json=bad_agent), 400)
    session = create(client)
    assert "kind" in error_of(act(client, session, "dprk", {"kind": "dance"}), 400)
    assert "approve" in error_of(act(client, session, "dprk", {"kind": "vote"}), 400)


def test_a_session_s_request_is_read_off_the_event_loop(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a scenario can take tens of milliseconds: on the loop, it would stall every live session."""
    from summitry.server import api

    on_loop: list[bool] = []

    def parse_session(raw: Any, limits: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:  # no running loop in this thread: a worker thread
            on_loop.append(False)
        return real(raw, limits)

    real = api.parse_session
    monkeypatch.setattr(api, "parse_session", parse_session)
    assert client.post("/api/sessions", json={"scenario": "hanoi-deal", "parties": {}}).status_code == 422
    session = create(client)
    assert on_loop == [False, False]
    assert state(client, session, session["observer_token"])["status"] == "running"


def test_invalid_scenarios_are_422(client: TestClient) -> None:
    assert "no shipped scenario" in error_of(
        client.post("/api/sessions", json={"scenario": "atlantis", "parties": {}}), 422
    )
    broken = {"name": "x", "issues": [{"name": "a", "values": ["p"]}], "parties": [{"name": "solo"}]}
    error_of(client.post("/api/sessions", json={"scenario": broken, "parties": {"solo": {"kind": "human"}}}), 422)
    wrong = {"scenario": "hanoi-deal", "parties": {"dprk": {"kind": "human"}}}
    assert "expected exactly" in error_of(client.post("/api/sessions", json=wrong), 422)


def test_too_large_is_413(make_client: Any) -> None:
    with make_client(max_body_bytes=1000, max_outcomes=50) as small:
        big = {"scenario": "hanoi-deal", "parties": {}, "padding": "x" * 2000}
        assert "bytes" in error_of(small.post("/api/sessions", json=big), 413)
        wide = {
            "name": "wide",
            "issues": [{"name": f"i{n}", "values": ["a", "b", "c"]} for n in range(5)],
            "parties": [],
        }
        assert "outcomes" in error_of(small.post("/api/sessions", json={"scenario": wide, "parties": {}}), 413)
    with make_client(max_text_chars=20) as short:
        session = create(short)
        letter = short.post(
            f"/api/sessions/{session['id']}/letters", json={"to": ["usa"], "text": "y" * 21},
            headers=bearer(session["party_tokens"]["dprk"]),
        )  # fmt: skip
        assert "characters" in error_of(letter, 413)


def test_tokens_missing_forged_or_of_another_session_are_401(client: TestClient) -> None:
    one, two = create(client), create(client)
    url = f"/api/sessions/{one['id']}"
    assert "missing token" in error_of(client.get(url), 401)
    assert "unknown token" in error_of(client.get(url, headers=bearer("forged-" + "x" * 40)), 401)
    error_of(client.get(url, headers={"Authorization": "Basic abc"}), 401)
    assert "unknown token" in error_of(client.get(url, headers=bearer(two["party_tokens"]["dprk"])), 401)


def test_an_unknown_session_is_404(client: TestClient) -> None:
    session = create(client)
    assert "no session" in error_of(client.get("/api/sessions/nope", headers=bearer(session["admin_token"])), 404)
    error_of(client.get("/no/such/route"), 404)


def test_tokens_that_may_not_do_this_are_403(client: TestClient) -> None:
    session = create(client)
    observer = client.post(
        f"/api/sessions/{session['id']}/actions", json={"kind": "end"},
        headers={**bearer(session["observer_token"]), "Idempotency-Key": "o1"},
    )  # fmt: skip
    assert "cannot act" in error_of(observer, 403)
    as_other = act(client, session, "dprk", {"kind": "end", "party": "usa"})
    assert "dprk" in error_of(as_other, 403)
    trace = client.get(f"/api/sessions/{session['id']}/trace", headers=bearer(session["party_tokens"]["dprk"]))
    error_of(trace, 403)
    revoke = client.delete(f"/api/sessions/{session['id']}/tokens/usa", headers=bearer(session["party_tokens"]["dprk"]))
    assert "admin" in error_of(revoke, 403)


def test_illegal_now_is_409(client: TestClient) -> None:
    session = create(client)
    assert "not your turn" in error_of(act(client, session, "usa", {"kind": "end"}), 409)
    assert "accept is not legal" in error_of(act(client, session, "dprk", {"kind": "accept"}), 409)
    assert "outcome space" in error_of(
        act(client, session, "dprk", {"kind": "offer", "outcome": {"yongbyon": "maybe"}}), 409
    )
    act(client, session, "dprk", {"kind": "end"})
    assert "over" in error_of(act(client, session, "usa", {"kind": "end"}), 409)


def test_too_many_requests_is_429(make_client: Any) -> None:
    with make_client(create_rate=0.01, create_burst=2) as limited:
        create(limited)
        create(limited)
        response = limited.post("/api/sessions", json={"scenario": "hanoi-deal", "parties": {}})
        assert "too many" in error_of(response, 429) and int(response.headers["retry-after"]) >= 1


def test_the_admin_revokes_and_reissues_a_token(client: TestClient) -> None:
    session = create(client)
    admin = bearer(session["admin_token"])
    old = session["party_tokens"]["usa"]
    revoked = client.delete(f"/api/sessions/{session['id']}/tokens/usa", headers=admin)
    assert revoked.json() == {"revoked": 1}
    assert "revoked" in error_of(client.get(f"/api/sessions/{session['id']}", headers=bearer(old)), 401)
    fresh = client.post(f"/api/sessions/{session['id']}/tokens", json={"party": "usa"}, headers=admin)
    assert fresh.status_code == 201
    assert state(client, session, fresh.json()["token"])["you"] == "usa"
    observer = client.delete(f"/api/sessions/{session['id']}/tokens/observer", headers=admin)
    assert observer.json() == {"revoked": 1}
    assert client.get(f"/api/sessions/{session['id']}", headers=bearer(session["observer_token"])).status_code == 401


@pytest.mark.parametrize("reveal", ["never", "after_end"])
def test_the_trace_export_replays(client: TestClient, reveal: str, tmp_path: Any) -> None:
    from summitry.formats import load_scenario
    from summitry.formats.trace_files import read_trace
    from summitry.protocols import replay

    session = create(client, reveal=reveal, parties={"dprk": {"kind": "human"}, "usa": {"kind": "agent"}})
    for _ in range(3):
        act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    act(client, session, "dprk", {"kind": "end"})
    text = client.get(f"/api/sessions/{session['id']}/trace", headers=bearer(session["admin_token"])).text
    path = tmp_path / "trace.jsonl"
    path.write_text(text, encoding="utf-8")
    trace = read_trace(path)
    final = replay(trace, load_scenario("hanoi-deal"))
    assert (
        final.reason == "ended" and trace.result is not None and len(trace.events) == 8
    )  # start, 3 × (offer, reply), end


def test_a_session_cannot_make_the_server_import_a_file_or_module(client: TestClient, tmp_path: Any) -> None:
    """Server-side agents are built-in ones; ``file.py:Class`` and ``module:Class`` are refused before any import."""
    marker = tmp_path / "imported"
    agent_file = tmp_path / "evil.py"
    agent_file.write_text(
        f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n"
        "from summitry.agents import Negotiator\n"
        "class Evil(Negotiator):\n    pass\n",
        encoding="utf-8",
    )
    for agent in (f"{agent_file}:Evil", "summitry_not_imported_module:Evil", "negmas:os:system", "json.tool:main"):
        body = {
            "scenario": "hanoi-deal",
            "parties": {"dprk": {"kind": "human"}, "usa": {"kind": "agent", "agent": agent}},
        }
        message = error_of(client.post("/api/sessions", json=body), 400)
        assert message.startswith("parties.usa.agent: the server runs its built-in agents only") and "envoy" in message
    assert not marker.exists()
    accepted = {"dprk": {"kind": "human"}, "usa": {"kind": "agent", "agent": "boulware:exponent=0.2"}}
    assert client.post("/api/sessions", json={"scenario": "hanoi-deal", "parties": accepted}).status_code == 201


def test_tokens_and_session_ids_never_begin_with_a_dash() -> None:
    """A token or id read as an option (`export URL -Mx…`) would break the CLI one time in 64."""
    from summitry.server.tokens import TOKEN_BYTES, new_session_id, new_token

    tokens = [new_token() for _ in range(3000)]
    ids = [new_session_id() for _ in range(3000)]
    assert not [t for t in tokens if t.startswith("-")] and not [i for i in ids if i.startswith("-")]
    assert min(len(t) for t in tokens) >= TOKEN_BYTES * 4 // 3  # still 256 bits of URL-safe text
    assert len(set(tokens)) == len(tokens) and len(set(ids)) == len(ids)


def test_the_api_renders_json_compact_with_numpy_scalars_plain_and_no_nan() -> None:
    """What every answer and stream message goes through: parseable back to the same plain values."""
    import numpy as np

    from summitry.server.views import compact_json

    content = {"név": "Hà Nội", "u": np.float64(0.25), "n": np.int64(3), "s": np.str_("x"), "l": [1, 2.5, None]}
    text = compact_json(content)
    assert " " not in text.replace("Hà Nội", "") and "Hà Nội" in text
    assert json.loads(text) == {"név": "Hà Nội", "u": 0.25, "n": 3, "s": "x", "l": [1, 2.5, None]}
    assert json.loads(compact_json({"nan": float("nan"), "inf": float("inf")})) == {"nan": None, "inf": None}
    with pytest.raises(TypeError):
        compact_json({"x": object()})

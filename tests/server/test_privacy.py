"""Privacy (DESIGN §8): no token sees another party's preferences; letters reach their addressees only."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summitry.formats import load_scenario, scenario_to_document

from ._sessions import act, bearer, create, first_offer, state, three_party_scenario


def usa_secrets() -> list[str]:
    """Return text fragments only usa's private document holds (its description and weights)."""
    usa = next(p for p in scenario_to_document(load_scenario("hanoi-deal"))["parties"] if p["name"] == "usa")
    weights = usa["utility"]["weights"]
    return [
        usa["description"],
        json.dumps(weights, separators=(",", ":"))[:40],
        '"reservation": 0.45',
        '"reservation":0.45',
    ]


def every_answer(client: TestClient, session: dict[str, Any], token: str) -> str:
    """Return all a token can read of a session, concatenated (state, events, debrief, errors)."""
    base = f"/api/sessions/{session['id']}"
    parts = []
    for route in ("", "/events", "/events?state=true", "/debrief", "/comments", "/trace", "/log"):
        parts.append(client.get(base + route, headers=bearer(token)).text)
    return "\n".join(parts)


def play_to_the_end(client: TestClient, session: dict[str, Any]) -> None:
    act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    act(client, session, "usa", {"kind": "accept"})


def test_party_a_never_reads_party_b_utility_before_or_after_the_end(client: TestClient) -> None:
    session = create(client)
    for token in (session["party_tokens"]["dprk"], session["observer_token"]):
        before = every_answer(client, session, token)
        assert not [s for s in usa_secrets() if s in before]
    play_to_the_end(client, session)
    for token in (session["party_tokens"]["dprk"], session["observer_token"]):
        after = every_answer(client, session, token)
        assert not [s for s in usa_secrets() if s in after]
        assert "0.45" not in after  # usa's reservation value, recorded by the engine at the end


def test_the_stream_hides_what_the_events_hide(client: TestClient) -> None:
    from summitry.server.views import entry_view

    session = create(client)
    play_to_the_end(client, session)
    hub = client.app.state.hub  # type: ignore[attr-defined]
    live = hub.live(session["id"])
    access = hub.authenticate(session["id"], session["party_tokens"]["dprk"])
    rendered = json.dumps([entry_view(live, e.record, access) for e in live.entries])
    assert "utilities" not in rendered and "0.45" not in rendered


def test_reveal_after_end_shows_everything_once_over(client: TestClient) -> None:
    session = create(client, reveal="after_end")
    assert "utilities" not in state(client, session, session["observer_token"])
    play_to_the_end(client, session)
    seen = state(client, session, session["observer_token"])
    assert set(seen["utilities"]) == {"dprk", "usa"} and seen["utilities"]["usa"]["reservation"] == 0.45
    assert "0.45" in every_answer(client, session, session["party_tokens"]["dprk"])


def test_a_party_cannot_act_as_another_nor_an_observer_act(client: TestClient) -> None:
    session = create(client)
    url = f"/api/sessions/{session['id']}/actions"
    as_usa = client.post(
        url,
        json={"kind": "end", "party": "usa"},
        headers={**bearer(session["party_tokens"]["dprk"]), "Idempotency-Key": "a"},
    )
    assert as_usa.status_code == 403
    usa_token_on_dprk_turn = act(client, session, "usa", {"kind": "end"})
    assert usa_token_on_dprk_turn.status_code == 409
    observer = client.post(
        url, json={"kind": "end"}, headers={**bearer(session["observer_token"]), "Idempotency-Key": "b"}
    )
    admin = client.post(url, json={"kind": "end"}, headers={**bearer(session["admin_token"]), "Idempotency-Key": "c"})
    assert observer.status_code == 403 and admin.status_code == 403
    assert state(client, session, session["observer_token"])["status"] == "running"


def test_letters_reach_sender_and_addressees_only(client: TestClient) -> None:
    trio = three_party_scenario()
    session = create(client, scenario=trio, parties={p["name"]: {"kind": "human"} for p in trio["parties"]})
    secret = "Meet me after the dinner."
    sent = client.post(
        f"/api/sessions/{session['id']}/letters", json={"to": ["bob"], "text": secret},
        headers=bearer(session["party_tokens"]["ann"]),
    )  # fmt: skip
    assert sent.status_code == 201 and sent.json()["event"]["data"]["text"] == secret

    def letters(token: str) -> list[dict[str, Any]]:
        events = client.get(f"/api/sessions/{session['id']}/events", headers=bearer(token)).json()["events"]
        return [e for e in events if e["kind"] == "letter"]

    for reader in ("ann", "bob"):
        assert letters(session["party_tokens"][reader])[0]["data"] == {"to": ["bob"], "text": secret}
    for other in (session["party_tokens"]["cid"], session["observer_token"], session["admin_token"]):
        (seen,) = letters(other)
        assert seen["party"] == "ann" and seen["data"] == {"to": ["bob"]}
        assert secret not in every_answer(client, session, other)


def test_letters_are_refused_to_observers_and_to_unknown_addressees(client: TestClient) -> None:
    session = create(client)
    url = f"/api/sessions/{session['id']}/letters"
    assert (
        client.post(url, json={"to": ["usa"], "text": "hi"}, headers=bearer(session["observer_token"])).status_code
        == 403
    )
    assert (
        client.post(
            url, json={"to": ["nobody"], "text": "hi"}, headers=bearer(session["party_tokens"]["dprk"])
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, json={"to": ["dprk"], "text": "hi"}, headers=bearer(session["party_tokens"]["dprk"])
        ).status_code
        == 400
    )
    assert (
        client.post(url, json={"to": ["usa"], "text": ""}, headers=bearer(session["party_tokens"]["dprk"])).status_code
        == 400
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
action_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["offer", "accept", "reject", "end", "amend", "vote", "x"])},
        optional={
            "outcome": st.one_of(
                json_values, st.dictionaries(st.sampled_from(["yongbyon", "remains", "zzz"]), json_values)
            ),
            "approve": json_values,
            "party": st.sampled_from(["dprk", "usa", "eve"]),
        },
    ),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=action_bodies)
def test_generated_action_bodies_never_make_a_500(client: TestClient, body: Any) -> None:
    session = getattr(test_generated_action_bodies_never_make_a_500, "session", None)
    if session is None or session.get("client") is not client:
        session = {"client": client, **create(client, protocol="mediation", amendments=True)}
        test_generated_action_bodies_never_make_a_500.session = session  # type: ignore[attr-defined]
    response = act(client, session, "dprk", body)
    assert response.status_code < 500, response.text
    assert "error" in response.json() or response.status_code == 200

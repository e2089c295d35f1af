"""The envoy SDK, in-process: two envoys finish a session; a user-written negotiator joins; letters."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from summitry.agents import make_negotiator
from summitry.client import Envoy, EnvoyResult
from summitry.errors import EnvoyError
from summitry.server.app import ServerSettings, create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return create_app(ServerSettings(database_url=f"sqlite:///{tmp_path / 'envoys.db'}"))


def new_session(client: TestClient, **body: Any) -> dict[str, Any]:
    payload = {
        "scenario": "hanoi-deal",
        "rounds": 30,
        "seed": 2,
        "parties": {"dprk": {"kind": "envoy"}, "usa": {"kind": "envoy"}},
    }
    payload.update(body)
    response = client.post("/api/sessions", json=payload)
    assert response.status_code == 201, response.text
    return dict(response.json())


def play(app: Any, session: dict[str, Any], negotiators: dict[str, Any]) -> dict[str, EnvoyResult]:
    results: dict[str, EnvoyResult] = {}
    failures: list[BaseException] = []

    def run(party: str) -> None:
        try:
            client = TestClient(app)  # no `with`: the test's own client has started the app
            token = session["party_tokens"][party]
            results[party] = Envoy("http://testserver", session["id"], token, negotiators[party], client=client).run()
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(party,)) for party in negotiators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return results


def test_two_envoys_finish_a_session_and_agree_on_how_it_ended(app: Any) -> None:
    with TestClient(app) as client:
        session = new_session(client)
        results = play(app, session, {"dprk": make_negotiator("boulware"), "usa": make_negotiator("conceder")})
        final = client.get(
            f"/api/sessions/{session['id']}", headers={"Authorization": f"Bearer {session['observer_token']}"}
        )
    dprk, usa = results["dprk"], results["usa"]
    assert dprk.status == usa.status == final.json()["status"] != "running"
    assert dprk.agreement == usa.agreement == final.json()["agreement"]
    assert dprk.events == usa.events == final.json()["events"]


def writing_agents_negotiator() -> Any:
    """Return the SplitTheDifference class of docs/writing-agents.md, by running the doc's example."""
    doc = (ROOT / "docs" / "writing-agents.md").read_text("utf-8")
    block = re.search(r"```python\n(.*?)```", doc, re.S)
    assert block is not None
    namespace: dict[str, Any] = {}
    exec(compile(block.group(1), "docs/writing-agents.md", "exec"), namespace)
    return namespace["SplitTheDifference"]


def test_the_negotiator_of_writing_agents_md_joins_as_an_envoy(app: Any) -> None:
    split = writing_agents_negotiator()
    with TestClient(app) as client:
        session = new_session(
            client, parties={"dprk": {"kind": "envoy"}, "usa": {"kind": "agent", "agent": "boulware"}}
        )
        results = play(app, session, {"dprk": split()})
    assert results["dprk"].status in ("agreed", "timed_out") and results["dprk"].actions > 0


def test_letters_travel_between_envoys(app: Any) -> None:
    with TestClient(app) as client:
        session = new_session(client, parties={"dprk": {"kind": "envoy"}, "usa": {"kind": "agent"}})
        writer = Envoy(
            "http://testserver",
            session["id"],
            session["party_tokens"]["dprk"],
            make_negotiator("boulware"),
            client=client,
        )
        letter = writer.send_letter(["usa"], "The remains will be returned.")
        assert letter.sender == "dprk" and letter.to == ("usa",)
        result = writer.run()
    assert [(x.sender, x.text) for x in result.letters] == [("dprk", "The remains will be returned.")]


def test_a_refused_token_stops_the_envoy_with_one_error(app: Any) -> None:
    with TestClient(app) as client:
        session = new_session(client)
        envoy = Envoy("http://testserver", session["id"], "forged" * 8, make_negotiator("boulware"), client=client)
        with pytest.raises(EnvoyError, match="401 unknown token"):
            envoy.run()
        observer = Envoy(
            "http://testserver", session["id"], session["observer_token"], make_negotiator("boulware"), client=client
        )
        with pytest.raises(EnvoyError, match="party's token"):
            observer.run()


def test_an_unreachable_server_is_given_up_on(tmp_path: Path) -> None:
    envoy = Envoy("http://127.0.0.1:9", "x", "t", make_negotiator("boulware"), give_up=0.5)
    with pytest.raises(EnvoyError, match="no answer"):
        envoy.run()


class _LetterBeforeEachAction:
    """A boulware whose every action is preceded by a letter from the other party (written meanwhile)."""

    def __init__(self, write: Any) -> None:
        self.inner = make_negotiator("boulware")
        self.write = write
        self.name = "boulware"

    def start(self, view: Any, rng: Any) -> None:
        self.inner.start(view, rng)

    def act(self, observation: Any) -> Any:
        self.write()
        return self.inner.act(observation)


def test_the_envoy_sees_every_entry_once_even_when_a_letter_comes_between_its_polls_and_its_action(
    app: Any,
) -> None:
    """An action's answer holds only the action's entries; the envoy must not skip the letter logged before them."""
    with TestClient(app) as client:
        session = new_session(client, rounds=4, parties={"dprk": {"kind": "envoy"}, "usa": {"kind": "envoy"}})

        def letter() -> None:
            response = client.post(
                f"/api/sessions/{session['id']}/letters",
                json={"to": ["dprk"], "text": "noted"},
                headers={"Authorization": f"Bearer {session['party_tokens']['usa']}"},
            )
            assert response.status_code == 201, response.text

        negotiators = {"dprk": _LetterBeforeEachAction(letter), "usa": make_negotiator("boulware")}
        results = play(app, session, negotiators)
        logged = client.get(
            f"/api/sessions/{session['id']}/events", headers={"Authorization": f"Bearer {session['observer_token']}"}
        ).json()["events"]
    dprk = results["dprk"]
    assert dprk.actions > 0 and len(dprk.letters) >= dprk.actions
    assert dprk.events == len(logged)
    assert all(x.text == "noted" and x.sender == "usa" for x in dprk.letters)


def test_an_envoy_sends_two_requests_per_action_its_poll_bringing_the_state(app: Any) -> None:
    """Waiting for its turn, an envoy long-polls events with state=true: no state request per turn."""
    with TestClient(app) as client:
        session = new_session(client, rounds=6)
        seen: list[tuple[str, str]] = []
        results: dict[str, EnvoyResult] = {}

        def run(party: str) -> None:
            own = TestClient(app)
            if party == "dprk":
                own.event_hooks["request"].append(lambda r: seen.append((r.method, r.url.path)))
            token, negotiator = session["party_tokens"][party], make_negotiator("boulware")
            results[party] = Envoy("http://testserver", session["id"], token, negotiator, client=own).run()

        threads = [threading.Thread(target=run, args=(party,)) for party in ("dprk", "usa")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    dprk = results["dprk"]
    assert dprk.actions >= 5 and results["usa"].events == dprk.events
    states = [path for method, path in seen if method == "GET" and path.endswith(session["id"])]
    actions = [path for method, path in seen if method == "POST"]
    assert len(actions) == dprk.actions and len(states) == 1  # the state read once, at the start
    assert len(seen) <= 2 * dprk.actions + 3


def test_an_envoy_whose_turn_comes_while_it_reads_the_history_acts_at_once(app: Any) -> None:
    """The other party acts between the envoy's first state read and its first events poll.

    The envoy must take the state that comes with the history (its turn), not keep the one it
    read first ("not your turn") and wait for news that cannot come (the other party waits for it).
    """
    with TestClient(app) as client:
        session = new_session(client, rounds=1)
        dprk = bearer_of(session, "dprk")
        sent: list[str] = []

        def after(response: Any) -> None:
            if not sent and response.request.method == "GET" and response.request.url.path.endswith(session["id"]):
                response.read()
                assert response.json()["next_party"] == "dprk"
                offer = {i["name"]: i["values"][0] for i in response.json()["scenario"]["issues"]}
                acted = client.post(
                    f"/api/sessions/{session['id']}/actions",
                    json={"kind": "offer", "outcome": offer},
                    headers={**dprk, "Idempotency-Key": "dprk-0"},
                )
                assert acted.status_code == 200, acted.text
            sent.append(f"{response.request.method} {response.request.url.path.rsplit('/', 1)[-1]}")

        own = TestClient(app)
        own.event_hooks["response"].append(after)
        token = session["party_tokens"]["usa"]
        result = Envoy("http://testserver", session["id"], token, make_negotiator("boulware"), client=own).run()
    assert result.actions == 1 and result.status == "timed_out"
    assert sent == [f"GET {session['id']}", "GET events", "POST actions", "GET events"]


def bearer_of(session: dict[str, Any], party: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {session['party_tokens'][party]}"}

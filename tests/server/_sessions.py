"""Helpers of the server tests: create sessions, act, read the state, wait for a condition."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

HANOI_HUMANS = {"dprk": {"kind": "human"}, "usa": {"kind": "human"}}


def three_party_scenario() -> dict[str, Any]:
    """Return a small native scenario with three parties (shipped ones have two)."""

    def party(name: str, best: str) -> dict[str, Any]:
        values = {v: (10.0 if v == best else 2.0) for v in ("a", "b", "c")}
        return {
            "name": name,
            "reservation": 0.1,
            "utility": {
                "type": "linear-additive",
                "weights": {"x": 0.7, "y": 0.3},
                "values": {"x": values, "y": values},
            },
        }

    return {
        "name": "trio",
        "issues": [{"name": "x", "values": ["a", "b", "c"]}, {"name": "y", "values": ["a", "b", "c"]}],
        "parties": [party("ann", "a"), party("bob", "b"), party("cid", "c")],
    }


def bearer(token: str) -> dict[str, str]:
    """Return the Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


def create(client: TestClient, **body: Any) -> dict[str, Any]:
    """Create a session (hanoi-deal between two people unless told otherwise) and return the answer."""
    payload: dict[str, Any] = {"scenario": "hanoi-deal", "parties": HANOI_HUMANS, "rounds": 10, "seed": 3}
    payload.update(body)
    response = client.post("/api/sessions", json=payload)
    assert response.status_code == 201, response.text
    return dict(response.json())


_KEYS = iter(range(10**9))


def act(
    client: TestClient,
    session: dict[str, Any],
    party: str,
    body: dict[str, Any],
    key: str | None = None,
    prefer: str | None = None,
) -> Any:
    """Post an action for ``party`` with a fresh Idempotency-Key (or ``key``); return the response."""
    headers = {**bearer(session["party_tokens"][party]), "Idempotency-Key": key or f"k{next(_KEYS)}"}
    if prefer is not None:
        headers["Prefer"] = prefer
    return client.post(f"/api/sessions/{session['id']}/actions", json=body, headers=headers)


def state(client: TestClient, session: dict[str, Any], token: str) -> dict[str, Any]:
    """Return the session's state as ``token`` sees it."""
    response = client.get(f"/api/sessions/{session['id']}", headers=bearer(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait until ``predicate()`` holds (polling), failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        time.sleep(0.05)


def first_offer(client: TestClient, session: dict[str, Any], party: str) -> dict[str, Any]:
    """Return an outcome (every issue's first value) for ``party`` to offer."""
    issues = state(client, session, session["party_tokens"][party])["scenario"]["issues"]
    return {issue["name"]: issue["values"][0] for issue in issues}

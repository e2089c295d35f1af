"""NegMAS negotiators named ``negmas:...`` as envoys and as server-side agents of a session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("negmas", reason="NegMAS (dev extra) is needed for the interop tests")
pytest.importorskip("fastapi", reason="the server is needed for envoys")
pytestmark = pytest.mark.negmas

from fastapi.testclient import TestClient  # noqa: E402

from summitry.agents import negotiator_from_text  # noqa: E402
from summitry.server.app import ServerSettings, create_app  # noqa: E402

from ..client.test_envoy import new_session, play  # noqa: E402

BOULWARE = "negmas:negmas.sao:BoulwareTBNegotiator"


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return create_app(ServerSettings(database_url=f"sqlite:///{tmp_path / 'envoys.db'}"))


def test_a_negmas_negotiator_plays_as_an_envoy(app: Any) -> None:
    """An envoy driven by a NegMAS negotiator finishes a session against a server-side summitry agent."""
    with TestClient(app) as client:
        session = new_session(
            client, parties={"dprk": {"kind": "envoy"}, "usa": {"kind": "agent", "agent": "conceder"}}
        )
        results = play(app, session, {"dprk": negotiator_from_text(BOULWARE)})
    assert results["dprk"].status in ("agreed", "timed_out") and results["dprk"].actions > 0


def test_a_session_can_seat_a_negmas_agent(app: Any) -> None:
    """A session's server-side agent may be a negmas: name; an envoy negotiates with it to the end."""
    with TestClient(app) as client:
        session = new_session(client, parties={"dprk": {"kind": "envoy"}, "usa": {"kind": "agent", "agent": BOULWARE}})
        results = play(app, session, {"dprk": negotiator_from_text("conceder")})
    assert results["dprk"].status in ("agreed", "timed_out") and results["dprk"].actions > 0

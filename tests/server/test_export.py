"""A finished session's exported log is a trace that ``summitry replay`` accepts and replays to the same result.

Sessions with letters, comments, mediation votes and amendments, people and server-side
agents, and an uploaded scenario: ``GET .../trace`` is written to a file and given to the
``replay`` command, whose result must be the session's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app

from ._sessions import act, bearer, create, first_offer, state, three_party_scenario, wait_until

summitry.cli._register()
runner = CliRunner()


def letter(client: TestClient, session: dict[str, Any], sender: str, to: list[str], text: str) -> None:
    response = client.post(
        f"/api/sessions/{session['id']}/letters",
        json={"to": to, "text": text},
        headers=bearer(session["party_tokens"][sender]),
    )
    assert response.status_code == 201, response.text


def comment(client: TestClient, session: dict[str, Any]) -> None:
    body = {"name": "Ana", "email": "ana@example.org", "text": "<b>A fine menu</b>"}
    response = client.post(
        f"/api/sessions/{session['id']}/comments", json=body, headers=bearer(session["observer_token"])
    )
    assert response.status_code == 201, response.text


def replayed(client: TestClient, session: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Return ``summitry replay --json`` of the session's exported trace (after checking the export)."""
    response = client.get(f"/api/sessions/{session['id']}/trace", headers=bearer(session["admin_token"]))
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    path = tmp_path / f"{session['id']}.jsonl"
    path.write_text(response.text, encoding="utf-8")
    kinds = [json.loads(line)["type"] for line in response.text.splitlines()]
    assert kinds[0] == "header" and kinds[-1] == "result" and set(kinds[1:-1]) == {"event"}
    assert "ana@example.org" not in response.text and "letter" not in response.text
    result = runner.invoke(app, ["replay", str(path), "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    return dict(json.loads(result.stdout))


def the_same(final: dict[str, Any], again: dict[str, Any]) -> None:
    assert again["agreement"] == final["agreement"]
    assert again["reason"] == final["reason"] and again["rounds"] == final["result"]["rounds"]


def test_mediation_with_amendments_votes_letters_and_a_comment_replays_to_its_result(
    client: TestClient, tmp_path: Path
) -> None:
    session = create(client, scenario="hanoi-dinner", protocol="mediation", amendments=True, rounds=3, parties={
        "dprk": {"kind": "human"}, "usa": {"kind": "human"}})  # fmt: skip
    letter(client, session, "dprk", ["usa"], "No shellfish, please.")
    votes = 0
    while True:
        current = state(client, session, session["observer_token"])
        if current["status"] != "running":
            break
        party = current["next_party"]
        if current["request"] == "amend":
            issue = current["scenario"]["issues"][votes % 4]
            body: dict[str, Any] = {"kind": "amend", "outcome": {issue["name"]: issue["values"][0]}}
        else:
            body = {"kind": "vote", "approve": votes % 3 != 1}  # some yes, some no
            votes += 1
            if votes == 2:
                letter(client, session, "usa", ["dprk"], "Agreed on the drinks.")
        assert act(client, session, party, body).status_code == 200
    comment(client, session)
    assert votes >= 3 and current["status"] != "running"
    the_same(current, replayed(client, session, tmp_path))


def test_alternating_offers_with_an_agent_and_letters_replays_to_its_result(client: TestClient, tmp_path: Path) -> None:
    session = create(
        client, rounds=4, parties={"dprk": {"kind": "human"}, "usa": {"kind": "agent", "agent": "conceder"}}
    )
    for number in range(10):
        current = state(client, session, session["party_tokens"]["dprk"])
        if current["status"] != "running":
            break
        letter(client, session, "dprk", ["usa"], f"letter {number}")
        act(client, session, "dprk", {"kind": "offer", "outcome": first_offer(client, session, "dprk")})
    wait_until(lambda: state(client, session, session["observer_token"])["status"] != "running")
    comment(client, session)
    final = state(client, session, session["observer_token"])
    the_same(final, replayed(client, session, tmp_path))


def test_an_uploaded_three_party_scenario_replays_from_the_trace_alone(client: TestClient, tmp_path: Path) -> None:
    parties = {"ann": {"kind": "human"}, "bob": {"kind": "agent", "agent": "boulware"}, "cid": {"kind": "agent"}}
    session = create(client, scenario=three_party_scenario(), rounds=3, parties=parties)
    letter(client, session, "ann", ["bob", "cid"], "Shall we?")
    act(client, session, "ann", {"kind": "offer", "outcome": {"x": "a", "y": "b"}})
    act(client, session, "ann", {"kind": "end"})
    final = state(client, session, session["observer_token"])
    assert final["status"] == "ended"
    again = replayed(client, session, tmp_path)
    the_same(final, again)
    assert again["scenario"] == "trio"


def test_the_log_checks_out_by_the_recipe_of_docs_protocol_md(client: TestClient) -> None:
    """sha256(canonical JSON of {**record, "prev": "sha256:" + previous}) == hash, from 64 zeros, letters included."""
    import hashlib

    session = create(client, rounds=3, parties={"dprk": {"kind": "human"}, "usa": {"kind": "agent"}})
    letter(client, session, "dprk", ["usa"], "A private word.")
    act(client, session, "dprk", {"kind": "end"})
    lines = client.get(f"/api/sessions/{session['id']}/log", headers=bearer(session["admin_token"])).text.splitlines()
    previous = "0" * 64
    for line in lines:
        item = json.loads(line)
        sealed = {**item["record"], "prev": "sha256:" + previous}
        canonical = json.dumps(sealed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == item["hash"]
        previous = item["hash"]
    kinds = [json.loads(line)["record"]["kind"] for line in lines]
    assert "letter" in kinds and "A private word." not in "".join(lines)

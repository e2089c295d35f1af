"""The pages' own routes, in-process: pages, static files, the lobby's catalogue and upload."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from summitry.formats.loading import load_scenario, save_scenario
from summitry.server.pages import MAX_UPLOAD_BYTES, router

STATIC = Path(__file__).resolve().parents[2] / "src" / "summitry" / "server" / "static"


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    app.include_router(router)
    return TestClient(app)


@pytest.mark.parametrize(
    ("path", "script"),
    [
        ("/", "lobby.js"),
        ("/sessions/abc/party", "party.js"),
        ("/sessions/abc/observe", "observer.js"),
        ("/sessions/abc/debrief", "debrief.js"),
    ],
)
def test_each_page_is_served_with_its_script_and_a_strict_policy(client: TestClient, path: str, script: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f'src="/static/pages/{script}"' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"


def test_pages_load_nothing_from_outside_the_server() -> None:
    for file in STATIC.iterdir():
        text = file.read_text("utf-8")
        external = re.findall(r"""(?:src|href)=["'](?:https?:)?//""", text) + re.findall(r"url\(\s*['\"]?https?:", text)
        assert not external, f"{file.name} loads {external}"
        assert "innerHTML" not in text, f"{file.name}: text is only ever set with textContent"


def test_every_static_file_is_served_and_nothing_else(client: TestClient) -> None:
    names = sorted(p.name for p in STATIC.iterdir() if p.suffix in (".js", ".css", ".svg"))
    for name in names:
        assert client.get(f"/static/pages/{name}").status_code == 200, name
    assert client.get("/static/pages/pages.py").status_code == 404
    assert client.get("/static/pages/..%2Fpages.py").status_code == 404


def test_the_buttons_and_fields_carry_the_names_the_issue_gives() -> None:
    party = (STATIC / "party.html").read_text("utf-8")
    for name in (
        "Send offer",
        "Accept",
        "End negotiation",
        "Propose amendment",
        "Approve",
        "Reject",
        "Write letter",
        "Send letter",
    ):
        assert re.search(rf"<button[^>]*>{name}</button>", party), name
    debrief = (STATIC / "debrief.html").read_text("utf-8")
    assert re.search(r"<button[^>]*>Post reply</button>", debrief)
    for label, field in (("Name", "reply-name"), ("Email", "reply-email"), ("Comment", "reply-text")):
        assert f'<label for="{field}">{label}</label>' in debrief
    assert "will not be published" in debrief


def test_catalogue_lists_shipped_scenarios_without_preferences(client: TestClient) -> None:
    data = client.get("/lobby/catalogue").json()
    names = [s["name"] for s in data["scenarios"]]
    assert {"hanoi-deal", "hanoi-dinner"} <= set(names)
    dinner = next(s for s in data["scenarios"] if s["name"] == "hanoi-dinner")
    assert dinner["parties"] == ["dprk", "usa"]
    assert dinner["issues"][0] == {"name": "starter", "values": ["none", "spring_rolls", "pho", "green_papaya_salad"]}
    for scenario in data["scenarios"]:
        assert set(scenario) == {"name", "description", "protocol", "rounds", "seconds", "parties", "issues"}
        assert all(isinstance(party, str) for party in scenario["parties"])
        assert "0.55" not in json.dumps(scenario)  # the dinner's reservation values
    agents = {a["name"]: a for a in data["agents"]}
    assert agents["boulware"]["params"] == {"exponent": 0.2}


def test_upload_native_yaml_returns_the_document(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "dinner.yaml"
    save_scenario(load_scenario("hanoi-dinner"), path)
    response = client.post("/lobby/scenario", content=path.read_bytes(), headers={"X-Filename": "dinner.yaml"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"]["name"] == "hanoi-dinner"
    assert [p["name"] for p in body["document"]["parties"]] == ["dprk", "usa"]


def test_upload_genius_folder_as_zip(client: TestClient, tmp_path: Path) -> None:
    folder = tmp_path / "genius"
    save_scenario(load_scenario("hanoi-deal"), folder, format="genius")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, f"deal/{file.name}")
    response = client.post("/lobby/scenario", content=buffer.getvalue(), headers={"X-Filename": "deal.zip"})
    assert response.status_code == 200, response.text
    assert len(response.json()["summary"]["issues"]) == 8


@pytest.mark.parametrize(
    ("filename", "body", "status", "says"),
    [
        ("bad.yaml", b"name: x\nissues: 3\n", 422, "bad.yaml"),
        ("notes.txt", b"hello", 422, "expected a .yaml"),
        ("broken.zip", b"PK not a zip", 422, "broken.zip"),
        ("big.yaml", b"#" * (MAX_UPLOAD_BYTES + 1), 413, "limit"),
    ],
)
def test_upload_refusals_are_one_clear_line(
    client: TestClient, filename: str, body: bytes, status: int, says: str
) -> None:
    response = client.post("/lobby/scenario", content=body, headers={"X-Filename": filename})
    assert response.status_code == status
    message = response.json()["error"]
    assert says in message and "\n" not in message.strip()


def test_upload_refuses_a_zip_that_escapes_its_folder(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.xml", "<x/>")
    response = client.post("/lobby/scenario", content=buffer.getvalue(), headers={"X-Filename": "evil.zip"})
    assert response.status_code == 422
    assert "unsafe path" in response.json()["error"]


def test_roadmap_of_an_agreement_from_the_shipped_catalogue(client: TestClient) -> None:
    agreement = {
        "yongbyon": "full",
        "other_sites": "declared",
        "remains": "some",
        "test_moratorium": "missiles",
        "liaison_offices": "yes",
        "cultural_exchange": "broad",
        "end_of_war": "yes",
        "sanctions_relief": "partial",
    }
    road_map = client.post("/lobby/roadmap", json={"scenario": "hanoi-deal", "agreement": agreement}).json()["roadmap"]
    owners = {c["owner"] for phase in road_map["phases"] for c in phase["commitments"]}
    assert owners == {"dprk", "usa"}
    assert [p["number"] for p in road_map["phases"]] == list(range(1, len(road_map["phases"]) + 1))


def test_roadmap_is_null_without_a_catalogue(client: TestClient) -> None:
    answer = client.post("/lobby/roadmap", json={"scenario": "hanoi-dinner", "agreement": {"main": "bun_cha"}}).json()
    assert answer["roadmap"] is None and "no catalogue" in answer["note"]
    assert client.post("/lobby/roadmap", content=b"[1]").status_code == 400

"""``summitry session create`` and ``session export`` against a real ``summitry serve`` process.

Two ``summitry envoy`` processes join a session that ``session create`` made, play it to the
end, and the trace that ``session export`` fetches is accepted by ``summitry replay`` with the
same result; a scenario file is uploaded as a native document; refusals are one error line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app

from .._served import Server, free_port, serving
from ..server._sessions import three_party_scenario

pytestmark = pytest.mark.slow

summitry.cli._register()
runner = CliRunner()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("served")
    yield from serving(f"sqlite:///{folder / 'sessions.db'}", folder)


def _invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _envoy(url: str, session: str, token: str, agent: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "summitry", "envoy", url, "--session", session, "--token", token,
         "--agent", agent, "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_create_prints_the_id_every_token_and_link_and_the_envoy_commands(server: Server) -> None:
    out = _invoke(
        "session", "create", server.url, "--scenario", "hanoi-deal", "--rounds", "20",
        "--party", "dprk=envoy", "--party", "usa=agent:boulware:exponent=0.2",
    ).stdout  # fmt: skip
    session = re.match(r"session (\S+) on " + re.escape(server.url) + "\n", out)
    assert session is not None, out
    sid = session.group(1)
    for label in ("admin", "observer", "dprk (envoy)", "usa (boulware:exponent=0.2)"):
        assert re.search(rf"^  {re.escape(label)} +[A-Za-z0-9_-]{{43}}$", out, re.M), label
    assert f"{server.url}/sessions/{sid}/party#token=" in out and f"{server.url}/sessions/{sid}/observe#token=" in out
    join = re.search(r"^join as dprk: (summitry envoy .*)$", out, re.M)
    assert join is not None and f"--session {sid} --token " in join.group(1)
    assert "join as usa" not in out  # a server-side agent needs no envoy


def test_two_envoys_finish_a_created_session_and_its_export_replays_to_their_result(
    server: Server, tmp_path: Path
) -> None:
    created = json.loads(
        _invoke(
            "session", "create", server.url, "--scenario", "hanoi-deal", "--rounds", "20", "--seed", "3",
            "--party", "dprk=envoy", "--party", "usa=envoy", "--json",
        ).stdout
    )  # fmt: skip
    assert set(created) >= {"id", "admin_token", "observer_token", "party_tokens", "links"}
    players = [
        _envoy(server.url, created["id"], created["party_tokens"][party], agent)
        for party, agent in (("dprk", "boulware"), ("usa", "conceder"))
    ]
    outputs = [player.communicate(timeout=180) for player in players]
    assert all(p.returncode == 0 for p in players), [err for _, err in outputs]
    dprk, usa = (json.loads(out) for out, _ in outputs)
    assert dprk["status"] == usa["status"] != "running" and dprk["agreement"] == usa["agreement"]
    path = tmp_path / "session.jsonl"
    wrote = _invoke("session", "export", server.url, created["id"], "--token", created["admin_token"], "-o", str(path))
    assert wrote.stdout.startswith(f"wrote {path}: ")
    replayed = json.loads(_invoke("replay", str(path), "--json").stdout)
    agreement = replayed["agreement"]
    assert agreement == dprk["agreement"] and replayed["reason"] == dprk["reason"]
    assert replayed["rounds"] == dprk["rounds"] and replayed["agents"] == ["envoy", "envoy"]


def test_a_scenario_file_is_uploaded_and_its_session_replays_anywhere(server: Server, tmp_path: Path) -> None:
    scenario = tmp_path / "trio.json"
    scenario.write_text(json.dumps(three_party_scenario()), encoding="utf-8")
    created = json.loads(
        _invoke(
            "session", "create", server.url, "--scenario", str(scenario), "--rounds", "6", "--seed", "1",
            "--party", "ann=agent:boulware", "--party", "bob=agent:conceder", "--party", "cid=agent:linear", "--json",
        ).stdout
    )  # fmt: skip
    exported = ""
    for _ in range(200):  # the server's agents play it by themselves
        exported = _invoke("session", "export", server.url, created["id"], "--token", created["admin_token"]).stdout
        if '"type":"result"' in exported:
            break
        time.sleep(0.1)
    assert '"type":"result"' in exported
    scenario.unlink()  # the trace embeds the uploaded scenario: it replays without the file
    path = tmp_path / "trio.jsonl"
    path.write_text(exported, encoding="utf-8")
    replayed = json.loads(_invoke("replay", str(path), "--json").stdout)
    assert replayed["scenario"] == "trio" and replayed["agents"] == ["boulware", "conceder", "linear"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--party", "dprk=human"],
            r"^error: POST http://127\.0\.0\.1:\d+/api/sessions: 422 parties: expected exactly",
        ),
        (["--party", "dprk=robot", "--party", "usa=human"], r"^error: --party 'dprk=robot': expected NAME=human"),
        (["--party", "dprk=human", "--party", "dprk=envoy"], r"^error: --party: 'dprk' is given twice"),
        (["--party", "dprk=envoy:boulware", "--party", "usa=human"], r"only an agent takes a name after a colon"),
        (["--party", "dprk=agent:nobody", "--party", "usa=human"], r"400 parties\.dprk\.agent: .*nobody"),
        ([], r"^error: --party: give one per party"),
        (["--scenario", "nowhere/deal.yaml", "--party", "dprk=human"], r"^error: --scenario: no such file or folder"),
        (["--scenario", "hanoi-lunch", "--party", "dprk=human"], r"422 scenario: no shipped scenario 'hanoi-lunch'"),
    ],
)
def test_refusals_are_one_error_line_and_exit_2(server: Server, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["session", "create", server.url, "--scenario", "hanoi-deal", *args])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), result.stderr
    assert result.stdout == ""


def test_an_unreachable_server_and_a_wrong_token_are_one_error_line(server: Server) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["session", "create", nobody, "--scenario", "hanoi-deal", "--party", "dprk=human"])
    assert result.exit_code == 2 and re.match(r"error: POST .*: cannot reach the server \(ConnectError", result.stderr)
    created = json.loads(
        _invoke(
            "session", "create", server.url, "--scenario", "hanoi-deal",
            "--party", "dprk=human", "--party", "usa=human", "--json",
        ).stdout
    )  # fmt: skip
    refused = runner.invoke(app, ["session", "export", server.url, created["id"], "--token", created["observer_token"]])
    assert refused.exit_code == 2 and "403 the trace holds every party's utilities" in refused.stderr


def test_a_server_with_an_admin_key_creates_sessions_for_that_key_only(tmp_path: Path) -> None:
    args = ["session", "create", "", "--scenario", "hanoi-deal", "--party", "dprk=human", "--party", "usa=human"]
    for keyed in serving(f"sqlite:///{tmp_path / 'keyed.db'}", tmp_path, "--admin-key", "k3y-for-tests"):
        args[2] = keyed.url
        refused = runner.invoke(app, args)
        assert refused.exit_code == 2 and "401 this server creates sessions for its admin key only" in refused.stderr
        wrong = runner.invoke(app, [*args, "--admin-key", "not-the-key"])
        assert wrong.exit_code == 2 and "401" in wrong.stderr
        assert runner.invoke(app, [*args, "--admin-key", "k3y-for-tests", "--json"]).exit_code == 0
        from_env = runner.invoke(app, [*args, "--json"], env={"SUMMITRY_ADMIN_KEY": "k3y-for-tests"})
        assert from_env.exit_code == 0 and "admin_token" in json.loads(from_env.stdout)

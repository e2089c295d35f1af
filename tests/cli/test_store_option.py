"""``negotiate``/``mediate --store URL``: the run's trace is stored as a session (SQLite and PostgreSQL),
exported by ``db export`` and replayed by ``replay`` to the same result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import summitry.cli
from summitry.cli import app
from summitry.store import open_store

from .._postgres import postgres_url  # noqa: F401  # reason: the fixture, for this module's tests

summitry.cli._register()
runner = CliRunner()

RUNS = {
    "negotiate": ["negotiate", "hanoi-deal", "--agents", "boulware,conceder", "--seed", "4", "--rounds", "20"],
    "mediate --amendments": ["mediate", "hanoi-dinner", "--amendments", "--seed", "2", "--rounds", "15"],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'runs.db'}"
    return str(request.getfixturevalue("postgres_url"))


def _invoke(args: list[str]) -> Any:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


@pytest.mark.parametrize("run", list(RUNS))
def test_a_stored_run_exports_and_replays_to_the_same_result(run: str, store_url: str, tmp_path: Path) -> None:
    ran = json.loads(_invoke([*RUNS[run], "--store", store_url, "--json"]).stdout)
    session = ran["stored"]["session"]
    store = open_store(store_url)
    try:
        record = store.session(session)
        assert record.source == "cli" and record.status == ran["reason"].replace("deadline", "timed_out")
        store.verify(session)  # the log is hash-chained and whole
    finally:
        store.close()
    exported = tmp_path / "exported.jsonl"
    assert "wrote" in _invoke(["db", "export", session, "--db", store_url, "-o", str(exported)]).stdout
    replayed = json.loads(_invoke(["replay", str(exported), "--rerun", "--json"]).stdout)
    for key in ("agreement", "utilities", "reason", "rounds", "agents", "seed"):
        assert replayed[key] == ran[key], key


def test_the_live_view_says_where_the_run_was_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    first = _invoke([*RUNS["negotiate"], "--store", url]).stdout.splitlines()[-1]
    second = _invoke([*RUNS["negotiate"], "--store", url]).stdout.splitlines()[-1]
    assert first.startswith("stored session run-") and first.endswith(f" in {url}")
    store = open_store(url)
    try:
        ids = [record.id for record in store.sessions(source="cli")]
    finally:
        store.close()
    assert len(ids) == 2 and first.split()[2] in ids and second.split()[2] in ids


def test_db_export_refuses_a_changed_log(tmp_path: Path) -> None:
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'runs.db'}"
    session = json.loads(_invoke([*RUNS["negotiate"], "--store", url, "--json"]).stdout)["stored"]["session"]
    store = open_store(url)
    try:
        with store.engine.begin() as connection:
            row = connection.execute(
                text("SELECT record FROM entries WHERE session_id = :s AND position = 2"), {"s": session}
            ).scalar_one()
            changed = json.loads(row)
            changed["round"] = 7
            connection.execute(
                text("UPDATE entries SET record = :r WHERE session_id = :s AND position = 2"),
                {"r": json.dumps(changed), "s": session},
            )
    finally:
        store.close()
    result = runner.invoke(app, ["db", "export", session, "--db", url, "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2 and result.stderr.startswith("error: log entry 2: ")
    assert not (tmp_path / "x.jsonl").exists()

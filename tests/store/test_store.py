"""The store: migrations, the hash-chained log, tokens, comments and traces, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from summitry.agents import make_negotiator
from summitry.errors import StoreError, TraceError, UnknownSessionError
from summitry.formats import load_scenario, scenario_to_document
from summitry.protocols import negotiate, replay
from summitry.store import GENESIS, chain_hash, open_store, verify_chain
from summitry.store.schema import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_url"))


def finished_trace(seed: int = 1):  # type: ignore[no-untyped-def]
    scenario = load_scenario("hanoi-deal")
    trace = negotiate(scenario, [make_negotiator("boulware"), make_negotiator("conceder")], rounds=30, seed=seed)
    return scenario, trace


def test_migrations_create_exactly_the_models_tables(url: str) -> None:
    store = open_store(url)
    try:
        tables = set(inspect(store.engine).get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
        for name, table in Base.metadata.tables.items():
            columns = {c["name"] for c in inspect(store.engine).get_columns(name)}
            assert columns == {c.name for c in table.columns}, name
        assert store.upgrade() == "0001"  # running it again changes nothing
    finally:
        store.close()


def test_a_stored_trace_comes_back_equal_and_replays(url: str) -> None:
    scenario, trace = finished_trace()
    store = open_store(url)
    try:
        store.save_trace(trace, scenario_to_document(scenario), session_id="run-1")
        again = store.trace("run-1")
        assert again == trace
        assert replay(again, scenario).agreement == trace.result.agreement
        assert store.verify("run-1") == store.session("run-1").head
        with pytest.raises(UnknownSessionError):
            store.session("nope")
    finally:
        store.close()


def test_a_changed_log_entry_breaks_the_chain(url: str) -> None:
    scenario, trace = finished_trace()
    store = open_store(url)
    try:
        store.save_trace(trace, scenario_to_document(scenario), session_id="run-2")
        with store.engine.begin() as connection:
            row = connection.execute(
                text("SELECT record FROM entries WHERE session_id='run-2' AND position=3")
            ).scalar_one()
            forged = json.loads(row)
            forged["party"] = "usa" if forged["party"] == "dprk" else "dprk"
            connection.execute(
                text("UPDATE entries SET record=:r WHERE session_id='run-2' AND position=3"), {"r": json.dumps(forged)}
            )
        with pytest.raises(TraceError, match="log entry 3"):
            store.verify("run-2")
    finally:
        store.close()


def test_append_refuses_entries_that_do_not_continue_the_log(url: str) -> None:
    scenario, trace = finished_trace()
    store = open_store(url)
    try:
        store.save_trace(trace, scenario_to_document(scenario), session_id="run-3")
        stale = store.entries("run-3")[:1]
        with pytest.raises(StoreError, match="do not continue"):
            store.append("run-3", stale, status="agreed", result=None)
    finally:
        store.close()


def test_comments_keep_their_email_in_the_table_only(url: str) -> None:
    scenario, trace = finished_trace()
    store = open_store(url)
    try:
        store.save_trace(trace, scenario_to_document(scenario), session_id="run-4")
        shown = store.add_comment("run-4", name="Ana", email="ana@example.org", text="<b>hi</b>")
        assert not hasattr(shown, "email") and store.comments("run-4") == [shown]
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT email FROM comments")).scalar_one() == "ana@example.org"
    finally:
        store.close()


def test_tokens_are_stored_hashed_and_revocable(url: str) -> None:
    scenario, trace = finished_trace()
    store = open_store(url)
    try:
        store.save_trace(trace, scenario_to_document(scenario), session_id="run-5")
        store.add_token("run-5", "h" * 64, "party", "dprk")
        assert store.token("h" * 64) is not None and not store.token("h" * 64).revoked  # type: ignore[union-attr]
        assert store.revoke("run-5", "party", "dprk") == ["h" * 64]
        assert store.token("h" * 64).revoked  # type: ignore[union-attr]
        assert store.token("x" * 64) is None
    finally:
        store.close()


def test_the_chain_hash_covers_a_letter_by_its_text_digest() -> None:
    letter = {"position": 0, "kind": "letter", "party": "a", "time": 0.0, "data": {"to": ["b"], "text": "secret"}}
    digest = chain_hash(GENESIS, letter)
    from summitry.store import chained_form

    public = chained_form(letter)
    assert "secret" not in json.dumps(public) and chain_hash(GENESIS, public) == digest
    assert verify_chain([(public, digest)]) == digest
    changed = {**letter, "data": {"to": ["b"], "text": "Secret"}}
    assert chain_hash(GENESIS, changed) != digest


def test_a_bad_database_url_is_one_clear_error() -> None:
    with pytest.raises(StoreError, match="expected sqlite"):
        open_store("mysql://root@localhost/test")


def test_a_stored_log_is_sealed_as_a_trace_file_is(url: str) -> None:
    """Each entry's hash is the trace files' digest of the entry with ``prev`` = the hash before it."""
    from summitry.formats.trace_digest import GENESIS as TRACE_GENESIS
    from summitry.formats.trace_digest import check_seal

    scenario, trace = finished_trace()
    store = open_store(url)
    try:
        store.save_trace(trace, scenario_to_document(scenario), session_id="sealed")
        entries = store.entries("sealed")
    finally:
        store.close()
    previous = TRACE_GENESIS
    for entry in entries:
        line = {**entry.record, "prev": previous, "digest": "sha256:" + entry.hash}
        assert check_seal(line, previous) is None, entry.position
        previous = line["digest"]
    first, second = ("sha256:" + entry.hash for entry in entries[:2])
    edited = {**entries[1].record, "round": 99, "prev": first, "digest": second}
    assert check_seal(edited, first) == "edited"

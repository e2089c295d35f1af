"""`--store postgresql+psycopg://...`: a tournament stored in the real PostgreSQL server, resumable there too."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from summitry.tournament import InProcessBackend, load_tournament_spec, open_results, run_tournament

from .conftest import comparable, write_spec

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL server, dropped afterwards (skips where none answers)."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at 127.0.0.1:5432 ({exc.__class__.__name__})")
    name = f"summitry_t_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{SERVER}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgres_store_holds_the_same_results_and_resumes(spec_folder: Path, tmp_path: Path, database: str) -> None:
    spec = load_tournament_spec(write_spec(spec_folder, agents=["boulware", "conceder", "misbehaving.py:Raiser"]))
    run_tournament(spec, tmp_path / "sqlite", InProcessBackend())
    first = run_tournament(spec, tmp_path / "pg", InProcessBackend(), store_url=database)
    assert first.store == database and not (tmp_path / "pg" / "results.db").exists()
    again = run_tournament(spec, tmp_path / "pg", InProcessBackend())  # the folder remembers the store
    assert (again.already, again.ran) == (6, 0)

    def records(folder: Path) -> list[dict[str, object]]:
        results = open_results(folder)
        try:
            return list(results.store.records(results.digest))
        finally:
            results.store.close()

    stored = records(tmp_path / "pg")
    assert comparable(stored) == comparable(records(tmp_path / "sqlite"))
    results = open_results(tmp_path / "pg")
    try:
        assert results.store.add(results.digest, stored) == 0  # a second writer's duplicates are skipped
        assert results.store.count(results.digest) == 6
    finally:
        results.store.close()

"""A PostgreSQL database of its own for one test: created on the server at 127.0.0.1:5432, dropped after.

Tests that use it skip, saying how to point them at a server, when none answers there
(``SUMMITRY_TEST_POSTGRES`` may name another server as a libpq connection string).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

SERVER = os.environ.get("SUMMITRY_TEST_POSTGRES", "host=127.0.0.1 port=5432 user=postgres dbname=test")


def _parts() -> dict[str, str]:
    return dict(part.split("=", 1) for part in SERVER.split())


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, uniquely named PostgreSQL database (dropped afterwards)."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(
            f"no PostgreSQL answers at {SERVER!r} ({str(exc).strip().splitlines()[0]}); start one, or set "
            "SUMMITRY_TEST_POSTGRES to a libpq connection string (trust auth, a user that may create databases)"
        )
    name = f"summitry_t_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        parts = _parts()
        user, host, port = parts.get("user", "postgres"), parts.get("host", "127.0.0.1"), parts.get("port", "5432")
        try:
            yield f"postgresql://{user}@{host}:{port}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

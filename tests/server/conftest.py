"""Server fixtures: an in-process app on a fresh SQLite store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from summitry.server.app import ServerSettings, create_app
from summitry.server.limits import Limits

from .._postgres import postgres_url  # noqa: F401  # reason: the fixture, for this folder's tests


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh SQLite database under the test's tmp_path."""
    return f"sqlite:///{tmp_path / 'summitry.db'}"


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    """An in-process client of a server on a fresh store."""
    with TestClient(create_app(ServerSettings(database_url=db_url))) as test_client:
        yield test_client


@pytest.fixture
def make_client(db_url: str) -> Callable[..., TestClient]:
    """Build a client with custom limits (the caller enters it)."""

    def make(**limits: Any) -> TestClient:
        return TestClient(create_app(ServerSettings(database_url=db_url, limits=Limits(**limits))))

    return make

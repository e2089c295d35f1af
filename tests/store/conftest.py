"""Store fixtures: a PostgreSQL database of its own (see tests/_postgres.py)."""

from __future__ import annotations

from .._postgres import postgres_url  # noqa: F401  # reason: the fixture, for this folder's tests

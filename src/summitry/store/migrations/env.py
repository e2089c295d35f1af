"""Alembic environment: migrations run on the connection that ``summitry.store.upgrade`` passes in."""

from __future__ import annotations

from alembic import context

from summitry.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through the alembic command itself
    raise RuntimeError("run the migrations with `summitry db upgrade` (summitry.store.upgrade)")
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()

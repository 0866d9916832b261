"""Alembic environment, run programmatically by ``app.storage.migrate`` on a connection it owns."""

from __future__ import annotations

from alembic import context

from app.model import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - we never run alembic from its own CLI
    raise RuntimeError("Run migrations through app.storage.migrate, which passes a connection.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite has almost no ALTER TABLE
    transactional_ddl=True,  # our driver setup makes DDL transactional: one revision set, one transaction
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

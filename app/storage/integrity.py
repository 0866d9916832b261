"""Integrity report of a database: SQLite checks, schema revision and row counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from app.model import Base
from app.storage.database import Database, corrupt_error


@dataclass
class IntegrityReport:
    location: str
    schema_version: str | None
    integrity: list[str]
    foreign_key_problems: int
    counts: dict[str, int] = field(default_factory=dict)
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and self.foreign_key_problems == 0


def check_database(db: Database) -> IntegrityReport:
    """Run SQLite's checks; a file too damaged to even be checked is a ``DatabaseCorrupt``."""
    try:
        return _check(db)
    except DBAPIError as exc:
        if db.path is None:
            raise
        raise corrupt_error(db.path, str(exc.orig)) from exc


SERVER_NOTE = (
    "Base sur un serveur PostgreSQL : le serveur garantit lui-même l'intégrité des pages et des clés "
    "étrangères ; seuls la version du schéma et le contenu sont vérifiés ici."
)


def _counts(session) -> dict[str, int]:  # noqa: ANN001
    return {
        name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for name, table in sorted(Base.metadata.tables.items())
    }


def _check(db: Database) -> IntegrityReport:
    with db.session(write=False) as session:
        conn = session.connection()
        if conn.dialect.name != "sqlite":
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            return IntegrityReport(db.location, version, ["ok"], 0, _counts(session), note=SERVER_NOTE)
        integrity = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        counts = _counts(session)
    return IntegrityReport(db.location, version, integrity, len(fk), counts)

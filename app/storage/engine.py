"""SQLAlchemy engine with the PRAGMAs every connection needs.

The stdlib sqlite3 driver's legacy transaction handling autocommits DDL and never begins before a
SELECT; we switch it off (``isolation_level=None``) and emit our own ``BEGIN``: ``BEGIN IMMEDIATE``
for write units so that a writer takes the lock up front instead of failing on upgrade
(RELIABILITY.md §1), plain ``BEGIN`` for read units.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

from app.storage.limits import BUSY_TIMEOUT_MS

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=DELETE",  # WAL does not work over network file systems
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA trusted_schema=OFF",
    "PRAGMA cell_size_check=ON",
    "PRAGMA mmap_size=0",
)


def sqlite_url(path: Path, *, read_only: bool = False) -> str:
    uri = Path(path).resolve().as_uri().replace("file://", "file:", 1)
    return f"sqlite+pysqlite:///{uri}?mode={'ro' if read_only else 'rw'}&uri=true"


def make_engine(target: str | Path, *, read_only: bool = False) -> Engine:
    """Engine on a file path (our PRAGMAs, NullPool) or on a database URL (PostgreSQL...)."""
    if isinstance(target, str) and "://" in target:
        from app.storage.server import server_engine

        return server_engine(target)
    engine = create_engine(sqlite_url(Path(target), read_only=read_only), poolclass=NullPool)
    _install_sqlite_hooks(engine, read_only=read_only)
    return engine


def _install_sqlite_hooks(engine: Engine, *, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: the PRAGMAs below may wait
        for pragma in SQLITE_PRAGMAS:
            # Changing the journal mode needs the file to itself; asking only when it differs keeps
            # every connection from contending for a lock (a WAL file is dealt with at opening).
            if pragma.startswith("PRAGMA journal_mode") and (
                read_only or cursor.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            ):
                continue
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "handle_error")
    def _after_io_error(context):  # noqa: ANN001
        _roll_back_now(context)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":  # VACUUM, PRAGMAs outside a transaction
            return
        mode = options.get("sqlite_begin", "IMMEDIATE")
        if read_only:
            mode = "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


SQLITE_IOERR, SQLITE_FULL = 10, 13


def _roll_back_now(context) -> None:  # noqa: ANN001
    """After a disk-full or I/O error SQLite abandons the transaction but leaves its journal hot
    until this connection reads again; read once now, so that the file is restored at once instead
    of waiting for the next opener (who may be a reader without the right to roll it back)."""
    orig = context.original_exception
    if (getattr(orig, "sqlite_errorcode", 0) or 0) & 0xFF not in (SQLITE_IOERR, SQLITE_FULL):
        return
    try:
        dbapi = context.connection.connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            dbapi.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception:  # noqa: BLE001 - best effort: the next opener rolls the journal back anyway
        return

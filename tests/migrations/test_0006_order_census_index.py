"""Schema 0006 puts the census of orders on a covering index: a file at 0005 upgrades to it with its
orders kept, SQLite then answers the census from the index alone, the schema matches the model
(``alembic check``), and the downgrade gives back the 0005 index."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.model import Base
from app.storage import migrate, open_database
from app.storage.database import _set_application_id
from app.storage.engine import make_engine

CENSUS = (
    "SELECT family_id, contract_id, count(*) FROM purchase_order "
    "WHERE organisation_id = ? AND order_date >= ? AND order_date <= ? GROUP BY family_id, contract_id"
)
STAMP = "2026-01-01 00:00:00.000000"


def _migrate(path, revision: str, *, down: bool = False) -> None:
    """Bring the file to ``revision`` in one transaction with foreign keys off, as the app does."""
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            with conn.begin():
                if down:
                    cfg = migrate.alembic_config()
                    cfg.attributes["connection"] = conn
                    command.downgrade(cfg, revision)
                else:
                    migrate.upgrade(conn, revision)
    finally:
        engine.dispose()


def _indexes(con: sqlite3.Connection) -> dict[str, list[str]]:
    names = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='purchase_order'"
        )
        if not r[0].startswith("sqlite_")
    ]
    return {n: [c[2] for c in con.execute(f"PRAGMA index_info('{n}')")] for n in names}


def _file_at_0005_with_orders(path) -> tuple[str, int]:  # noqa: ANN001
    _set_application_id(path)
    _migrate(path, "0005")
    org = uuid.uuid4().hex
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO organisation (id, name, kind, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)",
        (org, "Commune test", "commune", STAMP, STAMP),
    )
    con.executemany(
        "INSERT INTO purchase_order (id, organisation_id, number, order_date, amount, created_at, updated_at, "
        "version) VALUES (?, ?, ?, ?, '10', ?, ?, 1)",
        [
            (
                uuid.uuid4().hex,
                org,
                f"C{i:05}",
                (dt.date(2025, 1, 1) + dt.timedelta(days=i % 700)).isoformat(),
                STAMP,
                STAMP,
            )
            for i in range(300)
        ],
    )
    con.commit()
    con.close()
    return org, 300


def _plan(con: sqlite3.Connection, org: str) -> str:
    return " ".join(
        r[-1] for r in con.execute("EXPLAIN QUERY PLAN " + CENSUS, (org, "2025-01-01", "2025-12-31"))
    )


def test_0005_file_upgrades_to_the_covering_census_index_and_downgrades_back(tmp_path):
    path = tmp_path / "at-0005.sqlite"
    org, orders = _file_at_0005_with_orders(path)
    con = sqlite3.connect(path)
    assert _indexes(con)["ix_order_org_date"] == ["organisation_id", "order_date"]
    assert "COVERING INDEX" not in _plan(con, org)
    before = con.execute(CENSUS, (org, "2025-01-01", "2025-12-31")).fetchall()
    con.close()

    open_database(path).dispose()  # the application's own upgrade path
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.HEAD == "0006"
        indexes = _indexes(con)
        assert indexes["ix_order_census"] == ["organisation_id", "order_date", "family_id", "contract_id"]
        assert "ix_order_org_date" not in indexes  # replaced: an import maintains one index, not two
        assert "COVERING INDEX ix_order_census" in _plan(con, org)
        assert con.execute("SELECT count(*) FROM purchase_order").fetchone()[0] == orders
        assert con.execute(CENSUS, (org, "2025-01-01", "2025-12-31")).fetchall() == before
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()

    engine = make_engine(path)  # ``alembic check``: the upgraded file has exactly the model's schema
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
    finally:
        engine.dispose()
    assert diff == []

    _migrate(path, "0005", down=True)
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0005"
        assert set(_indexes(con)) == {"ix_order_org_date", "ix_order_contract"}
        assert con.execute("SELECT count(*) FROM purchase_order").fetchone()[0] == orders
    finally:
        con.close()

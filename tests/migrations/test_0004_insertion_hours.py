"""Schema 0004 adds the insertion hours: a file of schema 0001 migrates to it with every row kept,
and the new table enforces one figure per contract and year, never negative, gone with its contract."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from app.storage import open_database
from app.storage.migrate import HEAD

OLD = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "demo_0001.sqlite"


def _counts(con: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _row(contract_id: str, year: int, hours: str) -> tuple:
    return (uuid.uuid4().hex, contract_id, year, hours, "Bilan PLIE", "2026-01-01", "2026-01-01", 1)


_INSERT = (
    "INSERT INTO insertion_hours (id, contract_id, year, hours, source, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def test_0001_file_gains_the_insertion_hours_table_with_every_row_kept(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(OLD, path)
    con = sqlite3.connect(path)
    before = _counts(con)
    con.close()
    assert "insertion_hours" not in before and before["contract"] > 0
    open_database(path).dispose()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        after = _counts(con)
        for table, count in before.items():
            if table not in ("alembic_version", "setting"):  # 0003 drops the copies of shipped settings
                assert after[table] == count, table
        assert after["insertion_hours"] == 0
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        first, second = [r[0] for r in con.execute("SELECT id FROM contract ORDER BY reference LIMIT 2")]
        con.execute(_INSERT, _row(first, 2025, "350"))
        con.execute(_INSERT, _row(first, 2026, "120.5"))
        with pytest.raises(sqlite3.IntegrityError):  # one figure per contract and year
            con.execute(_INSERT, _row(first, 2025, "10"))
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(_INSERT, _row(second, 2025, "-3"))
        with pytest.raises(sqlite3.IntegrityError):  # no hours for a contract that is not there
            con.execute(_INSERT, _row(uuid.uuid4().hex, 2025, "3"))
        con.execute("DELETE FROM contract_clause WHERE contract_id = ?", (first,))
        con.execute("DELETE FROM contract WHERE id = ?", (first,))
        assert con.execute("SELECT count(*) FROM insertion_hours").fetchone()[0] == 0
    finally:
        con.close()

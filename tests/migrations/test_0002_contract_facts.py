"""A file of schema 0001 (the first release's demo) opens at the current schema with every row kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from app.storage import open_database
from app.storage.migrate import HEAD

OLD = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "demo_0001.sqlite"


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def test_migration_keeps_every_row_and_makes_facts_nullable(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(OLD, path)
    before = _counts(path)
    assert before["assessment"] > 0 and before["lot"] > 0  # children that a cascading DROP would lose
    db = open_database(path)
    db.dispose()
    after = _counts(path)
    for table, count in before.items():
        if table not in ("alembic_version", "setting"):  # 0003 drops the copies of shipped settings
            assert after[table] == count, table
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        columns = {r[1]: r for r in con.execute("PRAGMA table_info(contract)")}
        for name in ("nature", "procedure", "recurrent", "renewable"):
            assert columns[name][3] == 0, f"{name} still NOT NULL"
        assert (
            con.execute("SELECT count(*) FROM contract WHERE fact_sources = '{}'").fetchone()[0]
            == before["contract"]
        )
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()

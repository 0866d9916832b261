"""RELIABILITY R11: a file at every released revision upgrades to head with every row kept, the
result has exactly the ORM's schema (what ``alembic check`` compares), and a backup was made first.

The fixture of each revision is the town file of schema 0001 (``fixtures/schemas/demo_0001.sqlite``,
written by the release of 0001) brought to that revision by the migrations of that release, as a
town that installed each release in turn has it. Revisions are read from the script directory, so a
new migration is covered without touching this test. Each test ends with ``integrity_check`` and
``foreign_key_check``."""

from __future__ import annotations

import shutil
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.storage import migrate, open_database
from tests.sqlite_checks import assert_sound

OLD = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "demo_0001.sqlite"
# Tables whose rows a revision legitimately changes (0003 drops the copies of the shipped settings).
REWRITTEN = {"0003": {"setting"}}


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def at_revision(path: Path, revision: str) -> None:
    """Bring the 0001 file at ``path`` to ``revision`` in one transaction, as that release did."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            with conn.begin():
                migrate.upgrade(conn, revision)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("revisions")
    made = {}
    for revision in revisions():
        path = folder / f"demo_{revision}.sqlite"
        shutil.copyfile(OLD, path)
        if revision != "0001":
            at_revision(path, revision)
        made[revision] = path
    return made


def counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        con.close()


def spot_rows(path: Path) -> list[tuple]:
    """Rows a user would notice: contracts with their amounts and dates, orders with theirs."""
    con = sqlite3.connect(path)
    try:
        return [
            *con.execute(
                "SELECT reference, object, notified_amount, end_date FROM contract ORDER BY reference"
            ),
            *con.execute("SELECT number, order_date, amount FROM purchase_order ORDER BY number"),
        ]
    finally:
        con.close()


def schema_diff(path: Path) -> list:
    """What ``alembic check`` reports: the differences between the file's schema and the ORM."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.model import Base

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
    finally:
        engine.dispose()


def test_every_released_revision_is_covered(fixtures):
    assert list(fixtures) == revisions()
    assert revisions()[0] == "0001" and revisions()[-1] == migrate.HEAD
    assert {"0001", "0002", "0003", "0004", "0005"} <= set(fixtures)
    for revision, path in fixtures.items():
        con = sqlite3.connect(path)
        stamped = con.execute("SELECT version_num FROM alembic_version").fetchall()
        con.close()
        assert stamped == [(revision,)]


@pytest.mark.parametrize("revision", [r for r in revisions() if r != migrate.HEAD])
def test_each_revision_upgrades_to_head_with_its_rows(fixtures, tmp_path, monkeypatch, revision):
    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    path = tmp_path / "mairie.sqlite"
    shutil.copyfile(fixtures[revision], path)
    before, rows = counts(path), spot_rows(path)
    assert before["contract"] > 0 and before["purchase_order"] > 0
    open_database(path).dispose()
    after = counts(path)
    later = {r for r in revisions() if r > revision}
    rewritten = set().union(*(REWRITTEN.get(r, set()) for r in later))
    for table, count in before.items():
        if table not in rewritten and table != "alembic_version":
            assert after[table] == count, table
    assert spot_rows(path) == rows
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD,)]
    con.close()
    assert schema_diff(path) == []
    backups = list((tmp_path / "home").rglob("*avant-mise-a-jour*"))
    assert len(backups) == 1 and counts(backups[0]) == before  # the file as it was, whole
    assert_sound(backups[0])
    assert_sound(path)


def test_head_fixture_matches_the_model(fixtures):
    assert schema_diff(fixtures[migrate.HEAD]) == []
    assert_sound(fixtures[migrate.HEAD])


def grow(path: Path, megabytes: int) -> None:
    """Copies of the file's orders until it weighs ``megabytes`` MB (rows of the 0001 schema)."""
    con = sqlite3.connect(path)
    columns = [r[1] for r in con.execute("PRAGMA table_info(purchase_order)")]
    rows = con.execute(f"SELECT {', '.join(columns)} FROM purchase_order").fetchall()  # noqa: S608
    at_id, at_number = columns.index("id"), columns.index("number")
    marks = ", ".join("?" * len(columns))
    copy = 0
    while path.stat().st_size < megabytes * 1024 * 1024:
        copy += 1
        batch = []
        for row in rows:
            row = list(row)
            row[at_id] = uuid.uuid4().hex
            row[at_number] = f"{row[at_number]}-{copy}"
            batch.append(row)
        con.executemany(f"INSERT INTO purchase_order ({', '.join(columns)}) VALUES ({marks})", batch)  # noqa: S608
        con.commit()
    con.close()


@pytest.mark.slow
def test_a_50_mb_file_of_0001_upgrades_in_under_30_s(tmp_path, monkeypatch):
    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    path = tmp_path / "grosse.sqlite"
    shutil.copyfile(OLD, path)
    grow(path, 50)
    size = path.stat().st_size / 1024 / 1024
    before = counts(path)
    start = time.perf_counter()
    open_database(path).dispose()
    seconds = time.perf_counter() - start
    print(f"R11: upgrade 0001 -> {migrate.HEAD} of a {size:.0f} MB file: {seconds:.1f} s (limit 30 s)")
    assert seconds < 30
    assert counts(path)["purchase_order"] == before["purchase_order"]
    assert_sound(path)

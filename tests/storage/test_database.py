"""Creating, opening and refusing database files (RELIABILITY R9/R10)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat

import pytest
from sqlalchemy import text

from app import errors
from app.storage import APPLICATION_ID, create_database, migrate, open_database


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_then_open(tmp_path):
    path = tmp_path / "a.sqlite"
    create_database(path).dispose()
    db = open_database(path)
    assert db.schema_revision() == migrate.HEAD
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    db.dispose()


def test_head_constant_matches_alembic():
    assert migrate.script_head() == migrate.HEAD
    assert migrate.HEAD in migrate.known_revisions()


def test_migrations_from_empty_file_match_the_model(tmp_path):
    """Upgrading an empty file to head gives exactly the ORM's schema (no autogenerate diff)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.model import Base

    path = tmp_path / "m.sqlite"
    db = create_database(path)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    db.dispose()
    assert diff == []


def test_create_refuses_existing_file(tmp_path):
    path = tmp_path / "a.sqlite"
    path.write_text("precious")
    with pytest.raises(errors.UserError, match="existe déjà"):
        create_database(path)
    assert path.read_text() == "precious"


def _foreign_sqlite(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t(x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()


def _corrupt_copy(tmp_path):
    path = tmp_path / "corrupt.sqlite"
    create_database(path).dispose()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page, len(data), 97):  # scribble over the b-tree pages, keep the header
        data[offset] = (data[offset] + 0x5A) % 256
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda p: p.write_text("Nom;Montant\nA;1\n", encoding="utf-8"), errors.NotADatabase, "pas une base"),
        (lambda p: p.write_bytes(b""), errors.NotADatabase, "vide"),
        (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20), errors.NotADatabase, "pas une base"),
        (_foreign_sqlite, errors.NotADatabase, "autre programme"),
    ],
    ids=["text", "empty", "truncated", "foreign-sqlite"],
)
def test_bad_files_are_refused_and_left_untouched(tmp_path, make, error, words):
    path = tmp_path / "bad.sqlite"
    make(path)
    before = digest(path)
    with pytest.raises(error, match=words):
        open_database(path)
    assert digest(path) == before
    assert not (tmp_path / "bad.sqlite-journal").exists()


def test_corrupt_file_is_refused_and_left_untouched(tmp_path):
    path = _corrupt_copy(tmp_path)
    before = digest(path)
    with pytest.raises((errors.DatabaseCorrupt, errors.NotADatabase)) as info:
        open_database(path)
    assert "endommagé" in info.value.message or "pas une base" in info.value.message
    assert digest(path) == before


def test_missing_folder_and_missing_file(tmp_path):
    with pytest.raises(errors.DatabaseUnavailable, match="dossier"):
        open_database(tmp_path / "nowhere" / "a.sqlite")
    with pytest.raises(errors.DatabaseUnavailable, match="n'existe pas"):
        open_database(tmp_path / "a.sqlite")
    with pytest.raises(errors.DatabaseUnavailable, match="dossier"):
        create_database(tmp_path / "nowhere" / "a.sqlite")


def test_directory_is_refused(tmp_path):
    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(errors.NotADatabase, match="dossier"):
        open_database(tmp_path / "dir.sqlite")


def test_read_only_file_opens_read_only_without_change(tmp_path):
    path = tmp_path / "ro.sqlite"
    create_database(path).dispose()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    before = digest(path)
    try:
        db = open_database(path)
        assert db.read_only
        with pytest.raises(errors.DatabaseReadOnly, match="lecture seule"), db.session() as session:
            session.execute(text("INSERT INTO department (id, organisation_id, name) VALUES (1, 1, 'x')"))
        db.dispose()
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert digest(path) == before


def test_newer_schema_is_refused_and_file_unchanged(tmp_path):
    path = tmp_path / "new.sqlite"
    create_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(errors.DatabaseTooNew, match="version plus récente"):
        open_database(path)
    assert digest(path) == before


def test_older_file_is_backed_up_then_upgraded(tmp_path, monkeypatch):
    """A file at an older revision (simulated: no revision stamped yet) is backed up, then migrated."""
    from app.paths import backups_dir

    path = tmp_path / "old.sqlite"
    create_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0000'")
    con.commit()
    con.close()
    monkeypatch.setattr(migrate, "known_revisions", lambda: {"0000", migrate.HEAD})
    # 0000 is not a real revision: upgrading must fail cleanly, leaving the file as it was.
    before = digest(path)
    with pytest.raises(Exception):  # noqa: B017 - alembic's own error for an unknown revision
        open_database(path)
    assert digest(path) == before
    assert any("avant-mise-a-jour" in p.name for p in backups_dir().iterdir())


def test_write_units_use_begin_immediate(new_db):
    """A write unit takes the write lock up front: a second writer cannot start meanwhile."""
    other = sqlite3.connect(new_db.path, timeout=0.1)
    with new_db.session() as session:
        session.execute(text("SELECT 1"))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.rollback()
    other.close()


def test_busy_database_gives_french_error(new_db, monkeypatch):
    from app.model import Department

    monkeypatch.setattr("app.storage.engine.BUSY_TIMEOUT_MS", 50)
    fast = open_database(new_db.path)
    blocker = sqlite3.connect(new_db.path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(errors.DatabaseBusy, match="autre poste"), fast.session() as session:
            session.add(Department(organisation_id=new_db.organisation_id, name="X"))
    finally:
        blocker.rollback()
        blocker.close()
        fast.dispose()

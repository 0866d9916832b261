"""Backups through the SQLite backup API: identical content, rotation, restore."""

from __future__ import annotations

import sqlite3

from app.model import Department
from app.storage import open_database
from app.storage.backup import list_backups
from app.storage.database import backup_database
from app.storage.restore import restore_backup


def dump(path):
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_backup_restores_to_an_identical_database(new_db, tmp_path):
    backup = backup_database(new_db, tmp_path / "bk")
    original = dump(new_db.path)
    assert dump(backup) == original
    with new_db.session() as session:
        session.add(
            Department(organisation_id=new_db.organisation_id, name="Service ajouté après la sauvegarde")
        )
    assert dump(new_db.path) != original
    new_db.dispose()
    restore_backup(backup, new_db.path)
    assert dump(new_db.path) == original
    reopened = open_database(new_db.path)
    reopened.dispose()


def test_backup_rotation_keeps_the_last_ten(new_db, tmp_path):
    folder = tmp_path / "bk"
    made = [backup_database(new_db, folder) for _ in range(13)]
    kept = list_backups(folder, new_db.path)
    assert len(kept) == 10
    assert kept == sorted(made)[-10:]
    assert not list(folder.glob("*.tmp"))


def test_backup_of_demo_passes_integrity(demo_db, tmp_path):
    backup = backup_database(demo_db, tmp_path)
    con = sqlite3.connect(backup)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM purchase_order").fetchone()[0] > 3000
    con.close()

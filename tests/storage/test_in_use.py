"""Migrations and restores wait while another window has the file open, on any file (RELIABILITY
§2.7, R12): a fresh presence entry or a fresh lease blocks them, a stale one does not, and the
refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest

from app.model import utcnow
from app.storage import create_database, open_database
from app.storage.in_use import FileInUse, occupants, refuse_if_in_use
from app.storage.migrate import HEAD
from app.storage.presence import STALE_AFTER_S, Presence
from app.storage.restore import restore_backup


def digest(path) -> str:  # noqa: ANN001
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stamp(path, revision: str) -> None:  # noqa: ANN001
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()


@pytest.fixture
def local_file(tmp_path):
    path = tmp_path / "mairie.sqlite"
    create_database(path).dispose()
    return path


def test_another_window_blocks_restore_and_migration_on_a_local_file(local_file, tmp_path):
    backup = tmp_path / "sauvegarde.sqlite"
    source = sqlite3.connect(local_file)
    target = sqlite3.connect(backup)
    source.backup(target)
    source.close()
    target.close()
    db = open_database(local_file, backup=False)
    window = Presence(db, user_name="Marie Martin", workstation="PC-MAIRIE")
    assert window.join()

    before = digest(local_file)
    with pytest.raises(
        FileInUse, match="Impossible de restaurer .*ouvert par Marie Martin sur PC-MAIRIE depuis"
    ):
        restore_backup(backup, local_file)
    assert digest(local_file) == before

    stamp(local_file, "0004")
    stamped = digest(local_file)
    with pytest.raises(FileInUse, match="Impossible de mettre à jour"):
        open_database(local_file)
    assert digest(local_file) == stamped
    stamp(local_file, HEAD)

    window.leave()  # closed: both may run
    assert occupants(local_file) == []
    restore_backup(backup, local_file)
    db.dispose()
    con = sqlite3.connect(local_file)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()


def test_a_stale_window_does_not_block(local_file):
    db = open_database(local_file, backup=False)
    long_ago = utcnow() - dt.timedelta(seconds=STALE_AFTER_S + 1)
    Presence(db, user_name="Planté", clock=lambda: long_ago).join()
    db.dispose()
    assert occupants(local_file) == []
    refuse_if_in_use(local_file, "restaurer")
    assert [o.user_name for o in occupants(local_file, now=long_ago)] == ["Planté"]


def test_a_file_without_presence_table_or_unreadable_has_no_occupant(tmp_path):
    old = tmp_path / "ancien.sqlite"
    sqlite3.connect(old).close()
    assert occupants(old) == []
    junk = tmp_path / "abime.sqlite"
    junk.write_bytes(b"pas une base" * 100)
    assert occupants(junk) == []

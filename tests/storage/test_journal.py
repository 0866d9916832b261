"""The hot-journal ownership check (``app.storage.journal``) on journals that hold page 1."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from app.storage import journal

APP_ID = 0x41434844


def _file(path: Path, rows: int) -> None:
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id={APP_ID}")
    con.execute("CREATE TABLE t (x)")
    con.executemany("INSERT INTO t VALUES (?)", [("y" * 300,)] * rows)
    con.commit()
    con.close()


def _killed_writer(path: Path) -> Path:
    """A transaction that changes page 1 (the schema lives there), killed before its commit."""
    code = f"""
import os, sqlite3
con = sqlite3.connect({str(path)!r}, isolation_level=None)
con.execute("PRAGMA cache_size=1")
con.execute("BEGIN IMMEDIATE")
con.execute("CREATE TABLE u (y)")
for i in range(200):
    con.execute("INSERT INTO t VALUES (?)", ("z" * 500,))
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    return Path(f"{path}-journal")


def test_own_journal_with_page_one_belongs_and_anothers_does_not(tmp_path):
    mine, other = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    _file(mine, 5)
    _file(other, 50)  # another history: another size on page 1
    foreign = _killed_writer(other)
    verdict = journal.journal_belongs(mine, foreign, APP_ID)
    assert verdict.belongs is False, verdict
    own = _killed_writer(mine)
    content = journal.read_journal(own)
    assert content is not None and content.page_one is not None
    assert journal.journal_belongs(mine, own, APP_ID).belongs is True
    assert journal.journal_belongs(mine, own, APP_ID + 1).belongs is False  # another program's page 1


def test_a_copy_of_the_file_that_moved_on_does_not_own_the_old_journal(tmp_path):
    """Same history up to a point (same counter, same pages), then two more commits: not its journal."""
    first = tmp_path / "a.sqlite"
    _file(first, 5)
    copy = tmp_path / "copie.sqlite"
    shutil.copyfile(first, copy)
    con = sqlite3.connect(copy)
    for _ in range(2):
        con.execute("INSERT INTO t VALUES ('w')")
        con.commit()
    con.close()
    own = _killed_writer(first)
    assert journal.journal_belongs(copy, own, APP_ID).belongs is False


def test_set_aside_renames_and_never_deletes(tmp_path):
    j = tmp_path / "a.sqlite-journal"
    j.write_bytes(b"data")
    first = journal.set_aside(j)
    j.write_bytes(b"data2")
    second = journal.set_aside(j)
    assert first != second and first.read_bytes() == b"data" and second.read_bytes() == b"data2"
    assert ".etranger-" in first.name and not j.exists()

"""The check every reliability test ends with (RELIABILITY.md §6): the file is sound."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def assert_sound(path: Path) -> None:
    """``PRAGMA integrity_check`` is ``ok`` and ``foreign_key_check`` finds nothing. Opened
    read-write, as the app would: a hot journal left by a killed writer is rolled back first."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()

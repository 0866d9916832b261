"""RELIABILITY R10 — a file written by a newer version is refused, naming the versions, and not one
byte of it changes: by the storage layer, by every command (read ones included), with or without a
window holding it."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from app import errors
from app.cli import main
from app.storage import create_database, open_database
from app.storage.migrate import HEAD


def digest(path) -> str:  # noqa: ANN001
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def newer_file(tmp_path):
    path = tmp_path / "OneDrive" / "plus-recent.sqlite"
    path.parent.mkdir()
    create_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")  # a revision this version never shipped
    con.commit()
    con.close()
    return path


def test_r10_newer_schema_refused_naming_both_versions(newer_file):
    before = digest(newer_file)
    with pytest.raises(errors.DatabaseTooNew) as caught:
        open_database(newer_file)
    assert "schéma 9999" in caught.value.message
    assert f"jusqu'au schéma {HEAD}" in caught.value.message
    assert "Installez la dernière version" in caught.value.message
    assert digest(newer_file) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["backup"],
        ["export", "contracts", "--out", "{tmp}/x.xlsx"],
        ["cotation", "due", "--year", "2027"],
    ],
)
def test_r10_every_command_refuses_it_and_leaves_it_untouched(newer_file, tmp_path, capsys, argv):
    before = digest(newer_file)
    code = main([a.format(tmp=tmp_path) for a in argv] + ["--db", str(newer_file)])
    err = capsys.readouterr().err
    assert code == 1
    assert "version plus récente" in err and "schéma 9999" in err and "Traceback" not in err
    assert digest(newer_file) == before
    con = sqlite3.connect(newer_file)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()

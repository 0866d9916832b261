"""A PostgreSQL server instead of a file: URLs, French errors, schema gate, what does not apply.

The tests needing a server use the ``pg_database``/``pg_server`` fixtures (``tests/conftest.py``):
skipped with a reason without ``ACHATS_TEST_PG_URL`` locally, an error under CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app import errors
from app.storage import open_database
from app.storage.server import display_url

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )


def test_password_is_never_shown():
    assert (
        display_url("postgresql://marie:secret@serveur:5432/achats")
        == "postgresql://marie@serveur:5432/achats"
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u:p@serveur/achats", "seul PostgreSQL"),
        ("postgresql://u:p@serveur", "nom de la base manque"),
        ("postgresql://u:p@serveur:notaport/achats", "mal formée"),
    ],
)
def test_a_wrong_url_is_a_french_error(url, words):
    with pytest.raises(errors.DatabaseUnavailable) as caught:
        open_database(url)
    assert words in caught.value.message
    assert ":p@" not in caught.value.message


def test_an_unreachable_server_is_a_french_error():
    with pytest.raises(errors.DatabaseUnavailable) as caught:
        open_database("postgresql://achats:secret@127.0.0.1:1/achats")
    assert "ne répond pas" in caught.value.message and "secret" not in caught.value.message


def test_without_the_driver_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg → ImportError, as in the bundle
    with pytest.raises(errors.DatabaseUnavailable) as caught:
        open_database("postgresql://achats:secret@127.0.0.1:1/achats")
    assert "installation complète" in caught.value.message


def test_cli_unreachable_server_no_traceback():
    result = run_cli("check", "--db", "postgresql://achats:secret@127.0.0.1:1/achats")
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : Le serveur de base de données")
    assert "Traceback" not in result.stderr and "inattendue" not in result.stderr


# --- with a server ------------------------------------------------------------------------------


@pytest.fixture
def empty_base(pg_server):
    """``make(name)``: the URL of a new, empty base on the test server (dropped after the test)."""
    made = []

    def make(suffix: str) -> str:
        name = f"{pg_server.prefix}{suffix}"
        pg_server.drop(name)
        pg_server._sql(f"CREATE DATABASE {name}")
        made.append(name)
        return pg_server.url(name)

    yield make
    for name in made:
        pg_server.drop(name)


@pytest.mark.postgresql
def test_wrong_password_and_missing_database(pg_server):
    bad = pg_server.base.set(password="not-the-password").render_as_string(hide_password=False)
    with pytest.raises(errors.DatabaseUnavailable) as caught:
        open_database(bad)
    assert "mot de passe" in caught.value.message
    with pytest.raises(errors.DatabaseUnavailable) as caught:
        open_database(pg_server.url("achats_no_such_base"))
    assert "n'existe pas sur le serveur" in caught.value.message


@pytest.mark.postgresql
def test_empty_base_refused_then_init_then_init_again_refused(pg_server, empty_base):
    url = empty_base("init")
    with pytest.raises(errors.NotADatabase):
        open_database(url)  # a typo in the base name does not start a new register
    result = run_cli("init", "--db", url, "--org", "Commune du Serveur")
    assert result.returncode == 0, result.stderr
    assert "Commune du Serveur" in result.stdout and f":{pg_server.base.password}@" not in result.stdout
    again = run_cli("init", "--db", url, "--org", "Commune du Serveur")
    assert again.returncode == 1 and "contient déjà" in again.stderr
    check = run_cli("check", "--db", url)
    assert check.returncode == 0, check.stderr
    assert "Version du schéma : " in check.stdout and "serveur PostgreSQL" in check.stdout
    assert "organisation 1" in check.stdout


@pytest.mark.postgresql
def test_schema_at_head_and_newer_schema_refused(pg_database):
    from app.storage import migrate

    db = pg_database("empty")
    assert db.schema_revision() == migrate.HEAD
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(errors.DatabaseTooNew):
        open_database(db.url)


@pytest.mark.postgresql
def test_old_schema_upgraded_on_open(empty_base):
    """A base left at 0003 by an older version is brought to head at the next opening, in one
    transaction under an advisory lock."""
    from app.storage import migrate

    url = empty_base("old")
    from app.storage.server import server_engine

    engine = server_engine(url)
    with engine.connect() as conn, conn.begin():
        migrate.upgrade(conn, "0003")
    engine.dispose()
    db = open_database(url)
    assert db.schema_revision() == migrate.HEAD
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM insertion_hours")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM tombstone")).scalar() == 0
    db.dispose()


@pytest.mark.postgresql
def test_file_matters_say_they_belong_to_the_server(pg_database):
    from app.storage.database import backup_before, backup_database
    from app.storage.integrity import check_database

    db = pg_database("empty")
    with pytest.raises(errors.UserError) as caught:
        backup_database(db)
    assert "serveur PostgreSQL" in caught.value.message and "pg_dump" in caught.value.message
    assert backup_before(db, "fusion") is None
    report = check_database(db)
    assert report.ok and "serveur PostgreSQL" in report.note
    result = run_cli("restore", "--db", db.url)
    assert result.returncode == 1 and "serveur PostgreSQL" in result.stderr


@pytest.mark.postgresql
def test_server_stopped_mid_session_is_a_french_error(pg_database, pg_server):
    """The connection cut under an open database (server restarted, network lost)."""
    db = pg_database("empty")
    with db.session(write=False) as s:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
    with pg_server.admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    # pool_pre_ping reconnects: the next unit of work simply works
    with db.session(write=False) as s:
        assert s.execute(text("SELECT 1")).scalar() == 1


@pytest.mark.postgresql
def test_a_row_locked_too_long_is_database_busy(pg_database, monkeypatch):
    """Another workstation holds a row lock: after the lock timeout, a French DatabaseBusy."""
    from app.storage import server

    db = pg_database("empty")
    monkeypatch.setattr(server, "BUSY_TIMEOUT_MS", 500)
    other = open_database(db.url)
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO presence VALUES (gen_random_uuid(), 'a', 'b', 1, now(), now(), false)")
        )
    holder = db.engine.connect()
    try:
        holder.begin()
        holder.execute(text("SELECT * FROM presence FOR UPDATE"))
        with pytest.raises(errors.DatabaseBusy), other.session() as s:
            s.execute(text("UPDATE presence SET pid = 2"))
    finally:
        holder.close()
        other.dispose()


@pytest.mark.postgresql
def test_demo_on_a_server_base(pg_server, empty_base):
    url = empty_base("demo_cli")
    result = run_cli("demo", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "Base de démonstration écrite" in result.stdout
    assert f":{pg_server.base.password}@" not in result.stdout
    check = run_cli("check", "--db", url, "--json")
    assert check.returncode == 0, check.stderr
    assert '"contract": 0' not in check.stdout and '"contract"' in check.stdout

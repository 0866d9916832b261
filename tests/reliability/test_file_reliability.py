"""RELIABILITY.md R5-R8, R14 and R21 on a real file; each ends with ``PRAGMA integrity_check``.

Kill loops run a few trials here; the ``slow`` variants run ten."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from app import errors
from app.storage import migrate, open_database
from app.storage.backup import backup_file, list_backups
from app.storage.database import APPLICATION_ID
from tests.conftest import DEMO

ROOT = Path(__file__).resolve().parents[2]


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)  # read-write: a hot journal left by a killed writer is rolled back
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def spawn(code: str, home: Path) -> subprocess.Popen:
    env = dict(os.environ, ACHATS_DURABLES_HOME=str(home), PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_after_ready(proc: subprocess.Popen, delay: float) -> bool:
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return killed


# R5: kill -9 during migration --------------------------------------------------------------------


def schema_less_file(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA application_id={APPLICATION_ID}")
    con.execute("CREATE TABLE note (texte TEXT)")
    con.executemany("INSERT INTO note VALUES (?)", [(f"note {i}",) for i in range(2000)])
    con.commit()
    con.close()


def migration_trial(tmp_path: Path, seed: int) -> str:
    home = tmp_path / f"home{seed}"
    path = tmp_path / f"ancien{seed}.sqlite"
    schema_less_file(path)
    proc = spawn(
        f"""
        import app.storage.migrate as m
        upgrade = m.upgrade
        def announced(conn, target="head"):
            print("ready", flush=True)
            upgrade(conn, target)
        m.upgrade = announced
        from app.storage import open_database
        open_database({str(path)!r}).dispose()
        """,
        home,
    )
    kill_after_ready(proc, random.Random(seed).uniform(0, 2.5))
    assert integrity(path) == "ok"
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    version = (
        con.execute("SELECT version_num FROM alembic_version").fetchone()
        if "alembic_version" in tables
        else None
    )
    assert con.execute("SELECT count(*) FROM note").fetchone() == (2000,)
    con.close()
    backups = [p for p in list_backups(home / "data" / "sauvegardes", path) if "avant-mise-a-jour" in p.name]
    assert len(backups) == 1 and integrity(backups[0]) == "ok"
    if version is None:  # rolled back: the old schema, whole
        assert tables == {"note"}
        return "old"
    assert version == (migrate.HEAD,) and {"organisation", "contract", "purchase_order"} <= tables
    return "new"


# R6: kill -9 during backup and restore -----------------------------------------------------------


def backup_trial(tmp_path: Path, seed: int) -> int:
    source = tmp_path / f"source{seed}.sqlite"
    shutil.copyfile(DEMO, source)
    before = digest(source)
    folder = tmp_path / f"bk{seed}"
    proc = spawn(
        f"""
        from app.storage.backup import backup_file
        print("ready", flush=True)
        for _ in range(50):
            backup_file({str(source)!r}, {str(folder)!r}, reason="manuelle")
        """,
        tmp_path / "home",
    )
    kill_after_ready(proc, random.Random(seed).uniform(0, 0.5))
    assert digest(source) == before and integrity(source) == "ok"
    listed = list_backups(folder, source) if folder.exists() else []
    for backup in listed:  # a backup interrupted midway is never listed as restorable
        assert integrity(backup) == "ok", backup
    return len(listed)


def restore_trial(tmp_path: Path, seed: int) -> str:
    target = tmp_path / f"cible{seed}.sqlite"
    shutil.copyfile(DEMO, target)
    backup = backup_file(target, tmp_path / "bk", reason="manuelle")
    con = sqlite3.connect(target)
    con.execute("DELETE FROM purchase_order")
    con.commit()
    con.close()
    old, new = content(target), content(backup)
    proc = spawn(
        f"""
        from app.storage.restore import restore_backup
        print("ready", flush=True)
        restore_backup({str(backup)!r}, {str(target)!r})
        """,
        tmp_path / f"home{seed}",
    )
    kill_after_ready(proc, random.Random(seed).uniform(0, 0.25))
    assert integrity(target) == "ok"
    now = content(target)
    assert now in (old, new)
    return "old" if now == old else "restored"


KILL_TRIALS = {"migration": migration_trial, "backup": backup_trial, "restore": restore_trial}


@pytest.mark.parametrize(
    ("kind", "seed"), [("migration", 0), ("migration", 1), ("backup", 0), ("restore", 0)]
)
def test_kill_leaves_old_or_new_never_half(tmp_path, kind, seed):
    """Migration: old schema or head, and the backup made before; backup: the source untouched and
    no partial backup listed; restore: the old file or the restored one."""
    KILL_TRIALS[kind](tmp_path, seed)


@pytest.mark.slow
def test_ten_kills_during_migration_backup_and_restore(tmp_path):
    for kind, trial in KILL_TRIALS.items():
        outcomes = [trial(tmp_path, 100 + s) for s in range(10)]
        print(f"10 SIGKILL during {kind}: outcomes {outcomes}, every file intact")


# R7: backups while writers are writing ----------------------------------------------------------


def test_backups_under_load_all_pass_integrity(tmp_path):
    """R7: 50 backups (backup API, ``PAGES_PER_STEP`` pages a step) taken while writers write: 50/50
    pass ``integrity_check`` and open at a known revision, and they saw the file grow (so they were
    really taken under load)."""
    from app.storage.backup import PAGES_PER_STEP
    from benchmarks.bench_concurrent_writers import new_file, run_writers

    assert PAGES_PER_STEP <= 128
    path, org = new_file(tmp_path, "charge.sqlite")
    writers = threading.Thread(target=run_writers, args=(path, org), kwargs={"writers": 3, "units": 100})
    writers.start()
    start = departments(path)
    deadline = time.monotonic() + 120
    while departments(path) == start and time.monotonic() < deadline:  # the writers are writing
        time.sleep(0.05)
    made, during = [], 0
    for _ in range(50):
        during += writers.is_alive()
        made.append(backup_file(path, tmp_path / "bk", reason="charge", keep=100))
        time.sleep(0.02)
    writers.join()
    assert len(set(made)) == 50 and during >= 2
    rows = set()
    for backup in made:
        assert integrity(backup) == "ok"
        con = sqlite3.connect(backup)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (migrate.HEAD,)
        rows.add(con.execute("SELECT count(*) FROM department").fetchone()[0])
        con.close()
    assert len(rows) >= 2  # the backups caught the writers at different moments
    print(f"R7: 50/50 backups under load pass integrity_check ({len(rows)} different states seen)")
    assert integrity(path) == "ok"


def departments(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute("SELECT count(*) FROM department").fetchone()[0]
    finally:
        con.close()


# R8: disk full, share unplugged ------------------------------------------------------------------


def test_disk_full_gives_french_message_and_leaves_the_file_intact(new_db, tmp_path):
    new_db.dispose()
    size = new_db.path.stat().st_size
    before = digest(new_db.path)
    proc = spawn(
        f"""
        import resource, signal, uuid
        from app.errors import UserError
        from app.model import Department
        from app.storage import open_database
        db = open_database({str(new_db.path)!r})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, ({size} + 8192, resource.RLIM_INFINITY))
        org = uuid.UUID({str(new_db.organisation_id)!r})
        try:
            with db.session() as s:
                s.add_all([Department(organisation_id=org, name=f"S{{i}}" * 20) for i in range(5000)])
        except UserError as exc:
            print(type(exc).__name__, exc.message)
        """,
        tmp_path / "home",
    )
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert out.startswith("DatabaseUnavailable") and "disque est plein" in out
    assert digest(new_db.path) == before
    assert not Path(f"{new_db.path}-journal").exists()
    assert integrity(new_db.path) == "ok"


def test_share_unplugged_after_opening_gives_french_message(new_db, tmp_path):
    from app.model import Department

    folder = new_db.path.parent
    unplugged = folder.with_name(folder.name + "-debranche")
    folder.rename(unplugged)
    try:
        with pytest.raises(errors.DatabaseUnavailable, match="plus accessible"), new_db.session() as s:
            s.add(Department(organisation_id=new_db.organisation_id, name="Perdu ?"))
    finally:
        unplugged.rename(folder)
    assert integrity(new_db.path) == "ok"


# R14: a file left in WAL by another tool ---------------------------------------------------------


def test_file_left_in_wal_is_converted_back_when_we_are_alone(tmp_path):
    path = tmp_path / "wal.sqlite"
    shutil.copyfile(DEMO, path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    con.close()
    db = open_database(path)
    with db.session(write=False) as s:
        assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    db.dispose()
    assert path.read_bytes()[18:20] == b"\x01\x01"  # header: legacy (rollback journal) read and write
    assert not Path(f"{path}-wal").exists()
    assert integrity(path) == "ok"


# R21: untrusted file hygiene ---------------------------------------------------------------------


def test_trigger_in_a_foreign_file_cannot_call_an_application_function(new_db):
    """A file written by another town's PC is untrusted: with ``trusted_schema=OFF`` a trigger stored
    in it cannot run an SQL function registered by the application."""
    from sqlalchemy import event

    from app.model import Department

    calls = []
    con = sqlite3.connect(new_db.path)
    con.execute("CREATE TRIGGER piege AFTER INSERT ON department BEGIN SELECT app_side_effect(NEW.name); END")
    con.commit()
    con.close()

    @event.listens_for(new_db.engine, "connect")
    def register(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.create_function("app_side_effect", 1, calls.append)

    with pytest.raises(Exception, match="unsafe use of app_side_effect"), new_db.session() as s:
        s.add(Department(organisation_id=new_db.organisation_id, name="Déclencheur"))
    assert calls == []
    assert integrity(new_db.path) == "ok"


def test_no_application_sql_function_is_registered(new_db):
    with new_db.session(write=False) as s:
        names = {r[0] for r in s.connection().exec_driver_sql("SELECT name FROM pragma_function_list")}
    plain = sqlite3.connect(":memory:")
    builtin = {r[0] for r in plain.execute("SELECT name FROM pragma_function_list")}
    plain.close()
    # SQLAlchemy's pysqlite dialect adds REGEXP (a pure function, used by its regex operators).
    assert names - builtin <= {"regexp"}
    assert integrity(new_db.path) == "ok"


def test_file_in_wal_used_by_another_program_opens_read_only_with_reason(tmp_path):
    from sqlalchemy import text

    path = tmp_path / "wal-occupe.sqlite"
    shutil.copyfile(DEMO, path)
    other = sqlite3.connect(path)  # another program keeps the file open in WAL mode
    assert other.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    other.execute("SELECT count(*) FROM contract").fetchone()
    try:
        db = open_database(path)
        assert db.read_only
        with db.session(write=False) as s:
            assert s.execute(text("SELECT count(*) FROM contract")).scalar() > 0
        with pytest.raises(errors.DatabaseReadOnly, match="WAL") as caught, db.session() as s:
            s.execute(text("UPDATE organisation SET population = population + 1"))
        assert "autre programme" in caught.value.message
        db.dispose()
    finally:
        other.close()
    db = open_database(path)  # alone now: switched back to a rollback journal
    assert not db.read_only
    db.dispose()
    assert path.read_bytes()[18:20] == b"\x01\x01"
    assert integrity(path) == "ok"

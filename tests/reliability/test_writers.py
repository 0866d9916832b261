"""Several processes writing one file, and a writer killed mid-transaction (RELIABILITY R1, R4)."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.storage import open_database
from app.storage.integrity import check_database

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys, uuid
    sys.path.insert(0, {root!r})
    from sqlalchemy import func, select
    from app.model import Department
    from app.storage import open_database
    db = open_database({path!r})
    org = uuid.UUID({org!r})
    for seq in range({units}):
        with db.session() as s:  # BEGIN IMMEDIATE: read then insert inside one write unit
            s.scalar(select(func.count()).select_from(Department))
            s.add(Department(organisation_id=org, name=f"writer{writer}-{{seq}}"))
    db.dispose()
    """
)


def test_concurrent_writers_lose_nothing(new_db):
    writers, units = 4, 40
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER.format(
                    root=str(ROOT),
                    path=str(new_db.path),
                    org=str(new_db.organisation_id),
                    units=units,
                    writer=w,
                ),
            ],
        )
        for w in range(writers)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * writers
    con = sqlite3.connect(new_db.path)
    names = {r[0] for r in con.execute("SELECT name FROM department WHERE name LIKE 'writer%'")}
    con.close()
    assert names == {f"writer{w}-{s}" for w in range(writers) for s in range(units)}
    assert check_database(new_db).ok


IMPORTER = textwrap.dedent(
    """
    import sys, uuid, datetime as dt
    from decimal import Decimal
    sys.path.insert(0, {root!r})
    from app.model import Order
    from app.storage import open_database
    db = open_database({path!r})
    org = uuid.UUID({org!r})
    rows = [dict(id=uuid.uuid4(), organisation_id=org, number=f"K-{{i}}", order_date=dt.date(2026, 1, 1),
                 amount=Decimal("12.50"), created_at=dt.datetime(2026, 1, 1), updated_at=dt.datetime(2026, 1, 1),
                 version=1) for i in range({rows})]
    print("ready", flush=True)
    with db.session() as s:
        s.connection().execute(Order.__table__.insert(), rows)
    print("done", flush=True)
    """
)


def start_importer(db_path: Path, organisation_id, rows: int) -> subprocess.Popen:  # noqa: ANN001
    code = IMPORTER.format(root=str(ROOT), path=str(db_path), org=str(organisation_id), rows=rows)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def import_kill_trial(
    db_path: Path, organisation_id, seed: int, rows: int = 60_000, window: float = 0.6
) -> str:  # noqa: ANN001
    """SIGKILL an import of ``rows`` orders in one unit at a random moment: all or nothing."""
    before = _order_count(db_path)
    proc = start_importer(db_path, organisation_id, rows)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(random.Random(seed).uniform(0.0, window))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    db = open_database(db_path)  # a hot journal is rolled back by SQLite on the next open
    try:
        report = check_database(db)
        assert report.ok  # integrity_check and foreign_key_check
        assert report.counts["purchase_order"] in (before, before + rows)
        return "committed" if report.counts["purchase_order"] == before + rows else "rolled back"
    finally:
        db.dispose()


def _order_count(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM purchase_order").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("trial", range(4))
def test_kill_during_import_leaves_old_or_new_never_half(new_db, trial):
    import_kill_trial(new_db.path, new_db.organisation_id, trial)


@pytest.mark.slow
def test_twenty_kills_during_import(new_db):
    outcomes = [
        import_kill_trial(new_db.path, new_db.organisation_id, 100 + t, window=3.0) for t in range(20)
    ]
    print(
        f"20 SIGKILL during import: {outcomes.count('committed')} committed, "
        f"{outcomes.count('rolled back')} rolled back, 0 partial, integrity_check ok"
    )


def test_write_lock_busy_longer_than_one_timeout_is_asked_again(new_db, monkeypatch):
    """SQLite does not serve waiting writers in order: under contention a unit may wait past one busy
    timeout. The unit of work asks for the lock again (nothing was done yet) instead of failing."""
    import threading

    from app.model import Department

    monkeypatch.setattr("app.storage.engine.BUSY_TIMEOUT_MS", 200)
    db = open_database(new_db.path)
    blocker = sqlite3.connect(new_db.path, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.35, blocker.rollback)  # longer than one timeout, shorter than three
    release.start()
    try:
        with db.session() as session:
            session.add(Department(organisation_id=new_db.organisation_id, name="Patient"))
    finally:
        release.join()
        blocker.close()
        db.dispose()
    con = sqlite3.connect(new_db.path)
    assert con.execute("SELECT count(*) FROM department WHERE name = 'Patient'").fetchone() == (1,)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


@pytest.mark.slow
def test_eight_processes_of_250_write_units_lose_nothing(tmp_path):
    """RELIABILITY R1 at full size (the benchmark prints the same figure with its baseline)."""
    from benchmarks.bench_concurrent_writers import new_file, run_writers

    path, org = new_file(tmp_path, "r1.sqlite")
    result = run_writers(path, org, writers=8, units=250)
    print(result)
    assert (result.rows, result.lost, result.busy) == (2000, 0, 0)
    assert result.integrity == "ok" and result.foreign_key_problems == 0


def test_lost_update_is_refused_with_concurrent_edit(new_db):
    """RELIABILITY R3: two workstations load the same row, both save; the second is refused."""
    from sqlalchemy import select

    from app.errors import ConcurrentEdit
    from app.model import Department

    other = open_database(new_db.path)
    with new_db.session(write=False) as s:
        mine = s.scalars(select(Department).order_by(Department.name)).first()
    with other.session(write=False) as s:
        theirs = s.get(Department, mine.id)
    theirs.name = "Renommé sur le poste B"
    with other.session() as s:
        s.merge(theirs)
    mine.name = "Renommé sur le poste A"
    with pytest.raises(ConcurrentEdit, match="modifiée entre-temps"), new_db.session() as s:
        s.merge(mine)
    with new_db.session(write=False) as s:
        assert s.get(Department, mine.id).name == "Renommé sur le poste B"
    other.dispose()
    assert check_database(new_db).ok


READER = textwrap.dedent(
    """
    import json, sqlite3, sys, time
    sys.path.insert(0, {root!r})
    from app.storage.engine import BUSY_TIMEOUT_MS
    con = sqlite3.connect({path!r}, timeout=BUSY_TIMEOUT_MS / 1000)  # our busy timeout
    print("ready", flush=True)
    seen, worst, errors = set(), 0.0, 0
    end = time.monotonic() + {seconds}
    while time.monotonic() < end and {rows} not in seen:  # until the import shows, at most {seconds} s
        t = time.monotonic()
        try:
            seen.add(con.execute("SELECT count(*) FROM purchase_order").fetchone()[0])
        except sqlite3.OperationalError:
            errors += 1
        worst = max(worst, time.monotonic() - t)
        time.sleep(0.01)
    print(json.dumps([sorted(seen), worst, errors]), flush=True)
    """
)


def test_readers_during_an_import_see_before_or_after(new_db):
    """RELIABILITY R2: 4 readers poll while one process imports 10,000 rows in one unit: each sees
    the count before, then the count after, never a part; none fails; none waits 10 s."""
    rows = 10_000
    readers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                READER.format(root=str(ROOT), path=str(new_db.path), seconds=90, rows=rows),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for reader in readers:
        assert reader.stdout.readline().strip() == "ready"
    importer = start_importer(new_db.path, new_db.organisation_id, rows)
    assert importer.wait(timeout=120) == 0
    worst_of_all = 0.0
    for reader in readers:
        seen, worst, errors = json.loads(reader.stdout.readline())
        reader.wait(timeout=30)
        assert seen == [0, rows]  # before (the readers started first), then after: never between
        assert worst < 10 and errors == 0
        worst_of_all = max(worst_of_all, worst)
    print(f"R2: 4 readers during a 10,000-row import: longest read {worst_of_all * 1000:.0f} ms (limit 10 s)")
    assert check_database(new_db).ok

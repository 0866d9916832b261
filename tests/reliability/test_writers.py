"""Several processes writing one file, and a writer killed mid-transaction (RELIABILITY R1, R4)."""

from __future__ import annotations

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


@pytest.mark.parametrize("trial", range(4))
def test_kill_during_import_leaves_old_or_new_never_half(new_db, trial):
    rows = 60_000
    rng = random.Random(trial)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            IMPORTER.format(
                root=str(ROOT), path=str(new_db.path), org=str(new_db.organisation_id), rows=rows
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(rng.uniform(0.0, 0.6))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    db = open_database(new_db.path)  # a hot journal is rolled back by SQLite on the next open
    try:
        report = check_database(db)
        assert report.ok
        assert report.counts["purchase_order"] in (0, rows)
    finally:
        db.dispose()

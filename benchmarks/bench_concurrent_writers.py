"""Concurrent writers on one SQLite file (RELIABILITY R1): N processes × M write units.

Each write unit reads (a count) then inserts one row ``(writer, seq)``, as a save after a look-up
does. Our path: ``open_database`` + ``db.session()`` (``BEGIN IMMEDIATE``, 10 s busy timeout,
``DatabaseBusy`` when the lock cannot be had). Measured in the same run:
- baseline: the stdlib ``sqlite3`` module doing the same units with ``BEGIN IMMEDIATE`` (the
  fastest correct way SQLite offers), for the time ratio;
- ``BEGIN DEFERRED`` with the stdlib module, to show why every write unit begins IMMEDIATE: a
  reader upgrading to a writer fails with SQLITE_BUSY at once, whatever the busy timeout.

With ``--pg URL`` (or ``ACHATS_TEST_PG_URL``) the same load runs on a PostgreSQL server too, in a
fresh database made for the run next to the one the URL names: our path (``open_database(URL)``,
the same services code) against raw psycopg doing the same units, for the ratio.

Prints rows, lost rows, unhandled busy errors, time, ratio, and ``integrity_check``.
Run: ``.venv/bin/python benchmarks/bench_concurrent_writers.py [--writers 8] [--units 250] [--pg URL]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

APP_WORKER = textwrap.dedent(
    """
    import json, sys, time, uuid
    sys.path.insert(0, {root!r})
    from sqlalchemy import func, select
    from app.errors import DatabaseBusy
    from app.model import Department
    from app.storage import open_database
    db = open_database({path!r})
    org = uuid.UUID({org!r})
    print("ready", flush=True)
    sys.stdin.readline()
    busy = 0
    for seq in range({units}):
        try:
            with db.session() as s:
                s.scalar(select(func.count()).select_from(Department))
                s.add(Department(organisation_id=org, name=f"w{writer}-{{seq}}"))
        except DatabaseBusy:
            busy += 1
    db.dispose()
    print(json.dumps({{"busy": busy}}), flush=True)
    """
)

RAW_WORKER = textwrap.dedent(
    """
    import json, sqlite3, sys, uuid
    con = sqlite3.connect({path!r}, isolation_level=None, timeout=10)
    for pragma in ("journal_mode=DELETE", "synchronous=FULL", "foreign_keys=ON"):
        con.execute("PRAGMA " + pragma)
    print("ready", flush=True)
    sys.stdin.readline()
    busy = 0
    for seq in range({units}):
        try:
            con.execute("BEGIN {begin}")
            con.execute("SELECT count(*) FROM department").fetchone()
            con.execute(
                "INSERT INTO department (id, organisation_id, name, created_at, updated_at, version)"
                " VALUES (?, ?, ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
                (uuid.uuid4().hex, {org_hex!r}, "w{writer}-%d" % seq),
            )
            con.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            busy += 1
            if con.in_transaction:
                con.execute("ROLLBACK")
    con.close()
    print(json.dumps({{"busy": busy}}), flush=True)
    """
)


PG_RAW_WORKER = textwrap.dedent(
    """
    import json, sys, uuid
    import psycopg
    con = psycopg.connect({conninfo!r})
    print("ready", flush=True)
    sys.stdin.readline()
    for seq in range({units}):
        with con.transaction():
            con.execute("SELECT count(*) FROM department").fetchone()
            con.execute(
                "INSERT INTO department (id, organisation_id, name, created_at, updated_at, version)"
                " VALUES (%s, %s, %s, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
                (uuid.uuid4(), uuid.UUID({org!r}), "w{writer}-%d" % seq),
            )
    con.close()
    print(json.dumps({{"busy": 0}}), flush=True)
    """
)


@dataclass(frozen=True)
class WritersResult:
    mode: str
    writers: int
    units: int
    rows: int
    lost: int
    busy: int
    seconds: float
    integrity: str
    foreign_key_problems: int


def new_file(folder: Path, name: str) -> tuple[Path, str]:
    from app.services.organisations import init_database

    path = folder / name
    org = init_database(path, "Commune des écrivains")
    return path, str(org)


def new_server_database(url: str, name: str) -> tuple[str, str]:
    """A fresh database ``name`` on the server of ``url`` (dropped first if left by a previous run)."""
    from sqlalchemy import create_engine, text

    from app.services.organisations import init_database
    from app.storage.server import driver_url

    base = driver_url(url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    target = base.set(database=name).render_as_string(hide_password=False)
    return target, str(init_database(target, "Commune des écrivains"))


def _server_rows(url: str) -> set[str]:
    from sqlalchemy import create_engine, text

    from app.storage.server import driver_url

    engine = create_engine(driver_url(url))
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text("SELECT name FROM department WHERE name LIKE 'w%-%'"))}
    finally:
        engine.dispose()


def _conninfo(url: str) -> str:
    from app.storage.server import driver_url

    return driver_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def run_writers(path: Path | str, org: str, *, writers: int, units: int, mode: str = "app") -> WritersResult:
    """Start ``writers`` processes, release them together, wait, then count what reached the file
    (or the server: ``path`` is then a URL, and ``mode`` "app" or "raw-postgresql")."""
    import uuid

    template = {"app": APP_WORKER, "raw-postgresql": PG_RAW_WORKER}.get(mode, RAW_WORKER)
    begin = "DEFERRED" if mode == "raw-deferred" else "IMMEDIATE"
    procs = []
    for w in range(writers):
        code = template.format(
            root=str(ROOT),
            path=str(path),
            conninfo=_conninfo(str(path)) if mode == "raw-postgresql" else "",
            org=org,
            org_hex=uuid.UUID(org).hex,
            units=units,
            writer=w,
            begin=begin,
        )
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
            )
        )
    for proc in procs:
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("a writer failed to start")
    start = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    busy = 0
    for proc in procs:
        busy += json.loads(proc.stdout.readline())["busy"]
        if proc.wait(timeout=600) != 0:
            raise RuntimeError(f"a writer crashed (exit {proc.returncode})")
    seconds = time.perf_counter() - start
    expected = {f"w{w}-{s}" for w in range(writers) for s in range(units)}
    if isinstance(path, str) and "://" in path:  # the server checks pages and keys itself
        names = _server_rows(path)
        lost = len(expected - names) - busy
        return WritersResult(mode, writers, units, len(names & expected), lost, busy, seconds, "n/a", 0)
    con = sqlite3.connect(path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM department WHERE name LIKE 'w%-%'")}
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        fk = len(con.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        con.close()
    lost = len(expected - names) - busy  # refused units are reported, not lost
    return WritersResult(mode, writers, units, len(names & expected), lost, busy, seconds, integrity, fk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--units", type=int, default=250)
    parser.add_argument("--pg", default=os.environ.get("ACHATS_TEST_PG_URL"), help="PostgreSQL URL")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-writers-"))
    results = {}
    for mode in ("app", "raw-immediate", "raw-deferred"):
        path, org = new_file(folder, f"{mode}.sqlite")
        results[mode] = run_writers(path, org, writers=args.writers, units=args.units, mode=mode)
    for r in results.values():
        print(
            f"{r.mode:14s} {r.writers} processes × {r.units} write units: {r.rows} rows, {r.lost} lost, "
            f"{r.busy} unhandled busy, {r.seconds:.2f} s, integrity_check={r.integrity}, "
            f"foreign_key_check={r.foreign_key_problems}"
        )
    ours, base = results["app"], results["raw-immediate"]
    print(f"ratio ours/baseline (raw sqlite3 BEGIN IMMEDIATE): {ours.seconds / base.seconds:.2f}")
    if not args.pg:
        print("PostgreSQL: not measured (no --pg URL nor ACHATS_TEST_PG_URL)")
        return
    server = {}
    for mode in ("app", "raw-postgresql"):
        url, org = new_server_database(args.pg, f"bench_writers_{mode.replace('-', '_')}")
        server[mode] = run_writers(url, org, writers=args.writers, units=args.units, mode=mode)
        r = server[mode]
        print(
            f"postgresql {r.mode:14s} {r.writers} processes × {r.units} write units: {r.rows} rows, "
            f"{r.lost} lost, {r.busy} unhandled busy, {r.seconds:.2f} s"
        )
    ratio = server["app"].seconds / server["raw-postgresql"].seconds
    print(f"ratio ours/baseline on PostgreSQL (raw psycopg, same units): {ratio:.2f}")


if __name__ == "__main__":
    main()

"""How long a 250,000-row import (the row limit of one file) holds the write lock of the file (issue 13: at most ~1 s per
100,000 rows, never past the 10 s busy timeout), and how long a reader waits meanwhile.

    .venv/bin/python benchmarks/run_all.py --only "verrou"
    .venv/bin/python benchmarks/bench_import_lock.py [--db scale.sqlite] [--rows 250000]

While ``python -m app import orders`` of a French CSV of 250,000 orders runs against a copy of the
scale database, a watcher process asks for the write lock (``BEGIN IMMEDIATE`` without waiting)
and reads one row, every millisecond: the longest stretch during which the lock was refused is the
figure; the longest read it waited for (and the reads that gave up after the app's 10 s busy
timeout) are printed too. The baseline, in the same round, is a raw
``sqlite3`` ``executemany`` of the same 250,000 rows (read back from the imported file) into
another copy of the scale database, from ``BEGIN IMMEDIATE`` to ``COMMIT``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_import import make_csv  # noqa: E402
from benchmarks.harness import Context, measure, python  # noqa: E402

ROWS = 250_000  # app.io.safety.MAX_ROWS: the largest file accepted

WATCHER = r"""
import json, sqlite3, sys, time
path, stop = sys.argv[1], sys.argv[2]
import os
con = sqlite3.connect(path, isolation_level=None, timeout=0)
reader = sqlite3.connect(path, isolation_level=None, timeout=10)
refused_since = None
longest = longest_read = 0.0
attempts = refusals = failed_reads = 0
print("ready", flush=True)
while not os.path.exists(stop):
    now = time.perf_counter()
    attempts += 1
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        if refused_since is not None:
            longest = max(longest, now - refused_since)
            refused_since = None
    except sqlite3.OperationalError:
        refusals += 1
        if refused_since is None:
            refused_since = now
    start = time.perf_counter()
    try:
        reader.execute("SELECT id FROM organisation LIMIT 1").fetchall()
    except sqlite3.OperationalError:  # waited past its 10 s busy timeout, as the app's readers would
        failed_reads += 1
    longest_read = max(longest_read, time.perf_counter() - start)
    time.sleep(0.001)
if refused_since is not None:
    longest = max(longest, time.perf_counter() - refused_since)
print(json.dumps({"longest": longest, "longest_read": longest_read, "attempts": attempts,
                  "refusals": refusals, "failed_reads": failed_reads}), flush=True)
"""


def cached_csv(ctx: Context, rows: int) -> Path:
    path = ctx.cache / f"commandes-verrou-{rows}.csv"
    if not path.exists():
        ctx.cache.mkdir(parents=True, exist_ok=True)
        part = ctx.tmp / path.name
        make_csv(part, rows)
        shutil.move(part, path)
    return path


def watched_import(ctx: Context, source: Path, db: Path) -> dict:
    """Import ``source`` into ``db`` in a child process while the watcher asks for the lock."""
    stop = ctx.tmp / "stop-watcher"
    watcher = subprocess.Popen(
        [python(), "-c", WATCHER, str(db), str(stop)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert watcher.stdout is not None
    watcher.stdout.readline()  # "ready"
    try:
        done = subprocess.run(
            [python(), "-m", "app", "import", "orders", str(source), "--db", str(db)],
            env=ctx.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        stop.touch()
    result = json.loads(watcher.stdout.readline())
    watcher.wait(timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"import failed: {done.stderr[-2000:]}")
    return result


def raw_executemany(ctx: Context, imported: Path) -> float:
    """BEGIN IMMEDIATE, executemany of the imported orders, COMMIT, into a fresh copy of the scale db."""
    with sqlite3.connect(imported) as source:
        cursor = source.execute("SELECT * FROM purchase_order WHERE number LIKE 'IMP-%'")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    target = ctx.tmp / "raw-copy.sqlite"
    shutil.copyfile(ctx.db, target)
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA synchronous=FULL")
    columns = ", ".join(names)
    marks = ", ".join("?" for _ in names)
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany(f"INSERT INTO purchase_order ({columns}) VALUES ({marks})", rows)
    con.execute("COMMIT")
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def one_round(ctx: Context, rows: int) -> tuple[float, float, dict]:
    source = cached_csv(ctx, rows)
    db = ctx.tmp / "lock-copy.sqlite"
    shutil.copyfile(ctx.db, db)
    watched = watched_import(ctx, source, db)
    with sqlite3.connect(db) as con:
        created = con.execute("SELECT count(*) FROM purchase_order WHERE number LIKE 'IMP-%'").fetchone()[0]
    if created != rows:
        raise RuntimeError(f"{created} orders imported instead of {rows}")
    return watched["longest"], raw_executemany(ctx, db), watched


@measure(
    "Import de 250 000 commandes : durée du verrou d'écriture",
    target_s=2.5,
    baseline="sqlite3 executemany brut des mêmes lignes",
    note="plus longue durée pendant laquelle un autre processus n'obtient pas le verrou d'écriture "
    "(BEGIN IMMEDIATE essayé chaque milliseconde) pendant python -m app import orders ; cible : ~1 s "
    "par 100 000 lignes",
)
def import_lock(ctx: Context) -> tuple[float, float | None]:
    longest, baseline, _watched = one_round(ctx, ROWS)
    return longest, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="scale database (benchmarks/scale_data.py)")
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lock-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "home").mkdir()
        ctx = Context(db=Path(args.db), tmp=tmp_path, cache=tmp_path)
        longest, baseline, watched = one_round(ctx, args.rows)
        print(
            f"write lock refused for at most {longest:.2f} s during the import of {args.rows:,} rows "
            f"(raw executemany of the same rows: {baseline:.2f} s, ratio {longest / baseline:.2f}); "
            f"longest read {watched['longest_read']:.3f} s ({watched['failed_reads']} reads past the 10 s busy "
            f"timeout); {watched['refusals']} of "
            f"{watched['attempts']} attempts refused"
        )


if __name__ == "__main__":
    main()

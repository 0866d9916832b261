"""Storage benchmark: create (migrate) a file, open it, insert 100,000 orders.

Baseline measured in the same run: SQLite's own ``executemany`` through the stdlib ``sqlite3``
module, inserting the same rows into the same table shape. Prints medians of ROUNDS rounds and the
ratio ours/baseline. Run: ``.venv/bin/python benchmarks/bench_storage.py [--rows 100000]``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from app.model import Contract, DeliverySite, Department, Order, Organisation, PurchaseFamily, Supplier  # noqa: E402
from app.storage import create_database, open_database  # noqa: E402
from benchmarks.scale_data import order_rows, write_scale_database  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-storage-"))
    base = write_scale_database(tmp / "base.sqlite", contracts=1_000, orders=0)
    db = open_database(base)
    with db.session(write=False) as s:
        org_id = s.query(Organisation.id).scalar()
        deps = [r[0] for r in s.query(Department.id)]
        fams = [r[0] for r in s.query(PurchaseFamily.id)]
        sups = [r[0] for r in s.query(Supplier.id)]
        sites = [r[0] for r in s.query(DeliverySite.id)]
        contracts = [
            {"id": r[0], "supplier_id": r[1], "family_id": r[2]}
            for r in s.query(Contract.id, Contract.supplier_id, Contract.family_id)
        ]
    db.dispose()
    rows = order_rows(random.Random(1), org_id, deps, fams, sups, sites, contracts, args.rows)
    columns = list(rows[0])
    # The baseline inserts the values exactly as SQLAlchemy stores them (hex uuids, ISO dates, text numbers).
    raw_rows = [
        tuple(
            v.hex
            if isinstance(v, uuid.UUID)
            else (str(v) if v is not None and not isinstance(v, int | float) else v)
            for v in (r[c] for c in columns)
        )
        for r in rows
    ]
    results: dict[str, list[float]] = {
        "create+migrate": [],
        "open": [],
        "ours: insert": [],
        "baseline: sqlite3 executemany": [],
    }
    sql = f"INSERT INTO purchase_order ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

    def ours(target: Path) -> float:
        d = open_database(target)
        # Core executemany through our engine and unit of work (what the importers use).
        t = time.perf_counter()
        with d.session() as s:
            s.connection().execute(Order.__table__.insert(), rows)
        elapsed = time.perf_counter() - t
        d.dispose()
        return elapsed

    def baseline(target: Path) -> float:
        con = sqlite3.connect(target, isolation_level=None)
        for pragma in ("journal_mode=DELETE", "synchronous=FULL", "foreign_keys=ON"):
            con.execute(f"PRAGMA {pragma}")
        t = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(sql, raw_rows)
        con.execute("COMMIT")
        elapsed = time.perf_counter() - t
        con.close()
        return elapsed

    methods = {"ours: insert": ours, "baseline: sqlite3 executemany": baseline}
    for i in range(args.rounds):
        path = tmp / f"c{i}.sqlite"
        results["create+migrate"].append(timed(lambda p=path: create_database(p).dispose())[0])
        results["open"].append(timed(lambda: open_database(base).dispose())[0])
        order = list(methods) if i % 2 == 0 else list(reversed(methods))  # alternate to cancel drift
        for name in order:
            target = tmp / f"ins{i}-{len(name)}.sqlite"
            target.write_bytes(base.read_bytes())
            results[name].append(methods[name](target))
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"rows={args.rows} rounds={args.rounds} (median seconds)")
    for k, v in med.items():
        print(f"  {k:32s} {v:7.3f} s")
    ratio = med["ours: insert"] / med["baseline: sqlite3 executemany"]
    print(f"  ours insert rate                 {args.rows / med['ours: insert']:,.0f} rows/s")
    print(f"  ratio ours/baseline (insert)     {ratio:.2f}x")


if __name__ == "__main__":
    main()

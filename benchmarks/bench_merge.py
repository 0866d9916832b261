"""Merging two towns' copies of one register (issue 13 item 5): two files with 1,000 changes each.

A base file (one organisation, 1,200 suppliers, its departments) is copied twice; each copy then
changes 1,000 rows of its own (400 suppliers updated, 500 departments added, 100 suppliers deleted)
and both update the same 10 suppliers (10 real conflicts). ``merge`` brings B into A; then the same
merge again must change nothing. Baseline in the same run: reading every row of both files with the
stdlib ``sqlite3`` module (what any merge must at least do).

Run: ``.venv/bin/python benchmarks/bench_merge.py``; also registered with ``benchmarks/run_all.py``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Context, measure  # noqa: E402

SUPPLIERS = 1_200
BASE_TIME = dt.datetime(2026, 11, 1, 8, 0, 0)


def build_base(path: Path) -> uuid.UUID:
    from sqlalchemy import insert

    from app.model import Supplier
    from app.services.organisations import create_organisation
    from app.storage import create_database

    db = create_database(path)
    org = create_organisation(db, "Commune de Base")
    rows = [
        {
            "id": uuid.UUID(int=i + 1),
            "name": f"Fournisseur {i:04d}",
            "normalized_name": f"fournisseur {i:04d}",
            "created_at": BASE_TIME,
            "updated_at": BASE_TIME,
            "version": 1,
        }
        for i in range(SUPPLIERS)
    ]
    with db.session() as s:
        s.execute(insert(Supplier), rows)
    db.dispose()
    return org


def change_copy(path: Path, org: uuid.UUID, side: str, first: int, conflicts: range) -> int:
    """1,000 changes of one town (plus the edits both towns make to the same 10 suppliers)."""
    from sqlalchemy import delete, insert, update

    from app.model import Department, Supplier, utcnow
    from app.storage import open_database

    later = utcnow() + dt.timedelta(minutes=1 if side == "A" else 2)  # after the copies were made
    db = open_database(path, backup=False)
    with db.session() as s:
        for i in [*range(first, first + 400), *conflicts]:
            s.execute(
                update(Supplier)
                .where(Supplier.id == uuid.UUID(int=i + 1))
                .values(name=f"Fournisseur {i:04d} ({side})", version=2, updated_at=later)
                .execution_options(synchronize_session=False)
            )
        s.execute(
            insert(Department),
            [
                {"id": uuid.uuid4(), "organisation_id": org, "name": f"Service {side}{n:03d}", "version": 1}
                for n in range(500)
            ],
        )
        gone = [
            uuid.UUID(int=i + 1)
            for i in range(800 + (100 if side == "B" else 0), 900 + (100 if side == "B" else 0))
        ]
        s.execute(delete(Supplier).where(Supplier.id.in_(gone)).execution_options(synchronize_session=False))
    db.dispose()
    return 400 + 500 + 100


def make_copies(folder: Path) -> tuple[Path, Path]:
    base = folder / "base.sqlite"
    org = build_base(base)
    a, b = folder / "mairie-a.sqlite", folder / "mairie-b.sqlite"
    shutil.copyfile(base, a)
    shutil.copyfile(base, b)
    conflicts = range(1_000, 1_010)
    change_copy(a, org, "A", 0, conflicts)
    change_copy(b, org, "B", 400, conflicts)
    return a, b


def raw_read(*paths: Path) -> float:
    start = time.perf_counter()
    for path in paths:
        con = sqlite3.connect(path)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                con.execute(f'SELECT * FROM "{table}"').fetchall()
        finally:
            con.close()
    return time.perf_counter() - start


def run(folder: Path) -> dict:
    from app.storage import open_database
    from app.storage.merge import merge_file

    a, b = make_copies(folder)
    baseline = raw_read(a, b)
    db = open_database(a, backup=False)
    try:
        start = time.perf_counter()
        first = merge_file(db, b)
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        second = merge_file(db, b)
        second_s = time.perf_counter() - start
    finally:
        db.dispose()
    return {"first": first, "first_s": first_s, "second": second, "second_s": second_s, "baseline": baseline}


@measure(
    "Fusion de deux copies (1 000 modifications chacune)",
    target_s=5.0,
    baseline="lecture sqlite3 de toutes les lignes des deux fichiers",
)
def merge_two_copies(ctx: Context) -> tuple[float, float | None]:
    result = run(ctx.tmp)
    return result["first_s"], result["baseline"]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    result = run(folder)
    first, second = result["first"], result["second"]
    print(
        f"merge B into A: {first.added} added, {first.updated} updated, {first.deleted} deleted, "
        f"{len(first.conflicts)} conflicts, {result['first_s']:.2f} s (target < 5 s)"
    )
    print(
        f"same merge again: {second.changed} changed, {len(second.conflicts)} conflicts (unchanged, "
        f"left for the user), {result['second_s']:.2f} s"
    )
    print(f"baseline (raw sqlite3 read of every row of both files): {result['baseline']:.3f} s")
    print(f"ratio first merge / baseline: {result['first_s'] / result['baseline']:.1f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

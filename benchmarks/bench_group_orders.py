"""``group-orders --year 2025 --json`` on the 100,000 orders of the scale database, as a whole process.

    python benchmarks/bench_group_orders.py [--db scale.sqlite] [--rounds 3]

Baseline in the same round: a whole process that reads the same rows with the sqlite3 module (with
the department names) and writes them as indented JSON in one write — the floor of any program
that reads these orders and writes them out. Target: under 1.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Context, measure, python, timed_process  # noqa: E402

YEAR = 2025

RAW = """
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rows = con.execute(
    "SELECT o.id, o.number, o.order_date, o.latest_delivery_date, o.supplier_id, o.contract_id,"
    " o.family_id, o.delivery_site_id, o.amount, o.weight_kg, d.name"
    " FROM purchase_order o LEFT JOIN department d ON d.id = o.department_id"
    " WHERE o.order_date BETWEEN ? AND ?", (sys.argv[2] + "-01-01", sys.argv[2] + "-12-31")).fetchall()
keys = ("id", "number", "order_date", "latest", "supplier", "contract", "family", "site", "amount",
        "weight_kg", "department")
sys.stdout.write(json.dumps({"orders": [dict(zip(keys, r)) for r in rows]}, ensure_ascii=False, indent=2))
"""


def one_round(db: Path, tmp: Path, env: dict[str, str]) -> tuple[float, float]:
    with open(tmp / "ours.json", "wb") as out:
        ours = timed_process(
            [python(), "-m", "app", "group-orders", "--db", str(db), "--year", str(YEAR), "--json"],
            env=env,
            stdout=out,
        )
    with open(tmp / "raw.json", "wb") as out:
        raw = timed_process([python(), "-c", RAW, str(db), str(YEAR)], env=env, stdout=out)
    return ours, raw


@measure(
    "group-orders --json, 100 000 commandes (processus entier)",
    target_s=1.5,
    baseline="sqlite3 brut + json.dumps",
)
def group_orders_json(ctx: Context) -> tuple[float, float]:
    return one_round(ctx.copy_db(), ctx.tmp, ctx.env())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="scale database (default: written to a temporary folder)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "home").mkdir()
        if args.db:
            db = Path(args.db)
        else:
            from benchmarks.scale_data import write_scale_database

            db = write_scale_database(tmp_path / "scale.sqlite")
        ctx = Context(db=db, tmp=tmp_path, cache=tmp_path)
        pairs = [group_orders_json(ctx) for _ in range(args.rounds)]
    ours = statistics.median(p[0] for p in pairs)
    raw = statistics.median(p[1] for p in pairs)
    ratio = statistics.median(p[0] / p[1] for p in pairs)
    print(f"group-orders --year {YEAR} --json: {ours:.2f} s (median of {args.rounds}); target < 1.5 s")
    print(f"baseline, sqlite3 + json.dumps of the same rows: {raw:.2f} s; ratio {ratio:.2f}x")


if __name__ == "__main__":
    main()

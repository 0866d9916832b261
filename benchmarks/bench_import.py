"""Import 100,000 order rows from .xlsx end to end (read, validate, write to the database) and compare
with pandas' reading alone of the same file, in the same run.

    .venv/bin/pip install pandas xlsxwriter      # benchmark only, NOT project dependencies
    .venv/bin/python benchmarks/bench_import.py [--rows 100000]

Prints the import time, pandas.read_excel(engine="openpyxl") time, their ratio (goal: ours at least
2x faster than pandas' read alone), and the peak memory (RSS) of the import (goal < 500 MB); the import
runs in a child process so that its peak is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_file(path: Path, rows: int) -> None:
    import xlsxwriter

    rng = random.Random(4)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Commandes")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write(0, 0, "Bons de commande — export du logiciel financier")
    headers = ["N° BC", "Date", "Service", "Fournisseur", "SIRET", "Montant (€ HT)", "Poids kg", "Lieu de livraison",
               "Désignation"]  # fmt: skip
    for c, h in enumerate(headers):
        ws.write(2, c, h)
    services = ["Restauration scolaire", "Services techniques", "Écoles", "Espaces verts", "Culture"]
    suppliers = [(f"Fournisseur {i}", None) for i in range(60)]
    sites = ["Mairie", "Cantine", "Atelier", "École A", "École B", "Gymnase"]
    start = dt.date(2023, 1, 1)
    for i in range(rows):
        r = i + 3
        ws.write_string(r, 0, f"BC-{i:07d}")
        ws.write_datetime(r, 1, dt.datetime.combine(start + dt.timedelta(days=i % 700), dt.time()), date_fmt)
        ws.write_string(r, 2, services[i % 5])
        ws.write_string(r, 3, suppliers[i % 60][0])
        ws.write_number(r, 5, round(rng.uniform(5, 5000), 2))
        if i % 3 == 0:
            ws.write_number(r, 6, round(rng.uniform(1, 200), 1))
        ws.write_string(r, 7, sites[i % 6])
        ws.write_string(r, 8, "Fournitures diverses")
    wb.close()


def child(db_path: str, xlsx: str) -> None:
    """Runs the import alone and prints its figures as JSON."""
    from app.services.imports import import_file
    from app.services.organisations import create_organisation
    from app.storage import create_database

    db = create_database(Path(db_path))
    org = create_organisation(db, "Commune du banc d'essai", siret="21250056200013")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    report = import_file(db, org, Path(xlsx), "orders")
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    db.dispose()
    print(json.dumps({"seconds": elapsed, "created": report.created, "peak_mib": peak / 1024,
                      "before_mib": rss_before / 1024}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / "commandes.xlsx"
        t0 = time.perf_counter()
        make_file(xlsx, args.rows)
        print(
            f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f} s ({xlsx.stat().st_size / 1e6:.1f} MB)"
        )
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(Path(tmp) / "bench.sqlite"), str(xlsx)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        ours = json.loads(out.stdout.strip().splitlines()[-1])
        assert ours["created"] == args.rows, ours
        import pandas

        t0 = time.perf_counter()
        frame = pandas.read_excel(xlsx, engine="openpyxl", header=2)
        pandas_s = time.perf_counter() - t0
        assert len(frame) == args.rows
        ratio = pandas_s / ours["seconds"]
        print(
            f"our import (read + validate + write {ours['created']:,} orders): {ours['seconds']:.2f} s  (goal < 5 s)"
        )
        print(f"pandas.read_excel(engine='openpyxl'), read only:  {pandas_s:.2f} s")
        print(f"ratio pandas read / our whole import: {ratio:.2f}x  (goal >= 2x)")
        print(f"peak RSS of the import process: {ours['peak_mib']:.0f} MiB (goal < 500 MiB)")


if __name__ == "__main__":
    main()

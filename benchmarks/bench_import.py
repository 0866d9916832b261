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

from benchmarks.harness import Context, measure  # noqa: E402


def make_file(path: Path, rows: int) -> None:
    try:
        import xlsxwriter
    except ImportError:  # not a project dependency: write the same rows with openpyxl
        make_file_openpyxl(path, rows)
        return

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


def file_rows(rows: int):  # noqa: ANN201
    """The rows of ``make_file`` (for the openpyxl writer): (row index, {column: value})."""
    rng = random.Random(4)
    services = ["Restauration scolaire", "Services techniques", "Écoles", "Espaces verts", "Culture"]
    sites = ["Mairie", "Cantine", "Atelier", "École A", "École B", "Gymnase"]
    start = dt.date(2023, 1, 1)
    for i in range(rows):
        values = {
            0: f"BC-{i:07d}",
            1: dt.datetime.combine(start + dt.timedelta(days=i % 700), dt.time()),
            2: services[i % 5],
            3: f"Fournisseur {i % 60}",
            5: round(rng.uniform(5, 5000), 2),
        }
        if i % 3 == 0:
            values[6] = round(rng.uniform(1, 200), 1)
        values[7] = sites[i % 6]
        values[8] = "Fournitures diverses"
        yield values


def make_file_openpyxl(path: Path, rows: int) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Commandes")
    ws.append(["Bons de commande — export du logiciel financier"])
    ws.append([])
    ws.append(["N° BC", "Date", "Service", "Fournisseur", "SIRET", "Montant (€ HT)", "Poids kg",
               "Lieu de livraison", "Désignation"])  # fmt: skip
    for values in file_rows(rows):
        line = [values.get(c) for c in range(9)]
        date = WriteOnlyCell(ws, value=line[1])
        date.number_format = "dd/mm/yyyy"
        line[1] = date
        ws.append(line)
    wb.save(path)


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


def _has_pandas() -> bool:
    import importlib.util

    return importlib.util.find_spec("pandas") is not None


@measure(
    "Import de 100 000 commandes .xlsx (bench_import, lecture + contrôles + écriture)",
    target_s=3.0,
    target_ratio=0.25 if _has_pandas() else None,
    baseline="pandas.read_excel" if _has_pandas() else "pandas absent",
    note="chiffre mesuré dans le processus d'import (benchmarks/bench_import.py --child) ; pandas n'est pas "
    "une dépendance du projet : sans lui, pas de base ni de ratio",
)
def import_orders(ctx: Context) -> tuple[float, float | None]:
    xlsx = ctx.cache / "commandes-100000.xlsx"
    if not xlsx.exists():
        ctx.cache.mkdir(parents=True, exist_ok=True)
        make_file(ctx.tmp / xlsx.name, 100_000)
        (ctx.tmp / xlsx.name).replace(xlsx)
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(ctx.tmp / "bench.sqlite"), str(xlsx)],
        check=True, capture_output=True, text=True, env=ctx.env(),
    )  # fmt: skip
    ours = json.loads(out.stdout.strip().splitlines()[-1])
    if ours["created"] != 100_000:
        raise RuntimeError(f"imported {ours['created']} orders instead of 100,000")
    if not _has_pandas():
        return ours["seconds"], None
    import pandas

    t0 = time.perf_counter()
    pandas.read_excel(xlsx, engine="openpyxl", header=2)
    return ours["seconds"], time.perf_counter() - t0


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

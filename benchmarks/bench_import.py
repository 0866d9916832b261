"""Import 100,000 orders, whole process (``python -m app import orders FILE``), into a copy of the
scale database, from an .xlsx and from a French CSV (Windows-1252, ``;``, decimal commas); the
baseline is pandas reading the same file, in the same round.

    .venv/bin/pip install -e '.[bench]'        # pandas and xlsxwriter: benchmark only
    .venv/bin/python benchmarks/run_all.py --only "Import de 100"
    .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--db scale.sqlite]

The file names departments, families, suppliers and sites of the scale database and a few new
ones, and order numbers it does not hold: every row is created. Targets (issue 15): under 3 s and
at most 0.25 x pandas.read_excel (openpyxl, its default engine for .xlsx) of the same file; the CSV
under 3 s (pandas.read_csv, a C parser, is printed as its baseline, without a ratio target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Context, measure, python, timed_process  # noqa: E402

ROWS = 100_000
HEADERS = ["N° BC", "Date", "Service", "Fournisseur", "SIRET", "Famille", "Montant (€ HT)", "Poids kg",
           "Lieu de livraison", "Désignation"]  # fmt: skip
SERVICES = [f"Service {i}" for i in range(8)] + ["Restauration scolaire", "Espaces verts"]
SITES = [f"Site {i}" for i in range(5)] + ["Gymnase"]


def file_rows(rows: int):  # noqa: ANN201
    """The orders of the benchmark file: tuples aligned on ``HEADERS`` (None: empty cell)."""
    rng = random.Random(4)
    start = dt.date(2026, 1, 1)
    for i in range(rows):
        yield (
            f"IMP-{i:07d}",
            start + dt.timedelta(days=i % 300),
            SERVICES[i % len(SERVICES)],
            f"Fournisseur {i % 520}",  # 500 known to the scale database, 20 new
            None,
            f"Famille {i % 40}",
            round(rng.uniform(5, 5000), 2),
            round(rng.uniform(1, 200), 1) if i % 3 == 0 else None,
            SITES[i % len(SITES)],
            "Fournitures diverses",
        )


def make_xlsx(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Commandes")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write(0, 0, "Bons de commande — export du logiciel financier")
    for c, h in enumerate(HEADERS):
        ws.write(2, c, h)
    for r, values in enumerate(file_rows(rows), start=3):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)
    wb.close()


def _french(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def make_csv(path: Path, rows: int) -> None:
    """As French Excel saves « CSV (séparateur : point-virgule) »: Windows-1252, CRLF."""
    with open(path, "w", encoding="cp1252", newline="") as fh:
        fh.write(";".join(HEADERS) + "\r\n")
        for values in file_rows(rows):
            fh.write(";".join(_french(v) for v in values) + "\r\n")


def cached_file(ctx: Context, suffix: str, rows: int = ROWS) -> Path:
    """The benchmark file, written once into the cache folder (named after this module's version)."""
    import hashlib

    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
    path = ctx.cache / f"commandes-{rows}-{digest}.{suffix}"
    if not path.exists():
        ctx.cache.mkdir(parents=True, exist_ok=True)
        for old in ctx.cache.glob(f"commandes-{rows}-*.{suffix}"):
            old.unlink()
        part = ctx.tmp / path.name
        (make_xlsx if suffix == "xlsx" else make_csv)(part, rows)
        shutil.move(part, path)
    return path


def import_process(ctx: Context, source: Path) -> float:
    """Wall time of ``python -m app import orders SOURCE`` into a fresh copy of the scale database.

    The app's modules are compiled to bytecode first (untimed), as an installed app's are: where
    PYTHONDONTWRITEBYTECODE is set, as on the build machines, every run would otherwise compile
    them all from source again (about 0.3 s of the process's time)."""
    import compileall

    compileall.compile_dir(ROOT / "app", quiet=1)
    db = ctx.tmp / "import-copy.sqlite"
    shutil.copyfile(ctx.db, db)
    seconds = timed_process(
        [python(), "-m", "app", "import", "orders", str(source), "--db", str(db)], env=ctx.env()
    )
    import sqlite3

    with sqlite3.connect(db) as conn:
        created = conn.execute("SELECT count(*) FROM purchase_order WHERE number LIKE 'IMP-%'").fetchone()[0]
    if created != ROWS:
        raise RuntimeError(f"{created} orders imported instead of {ROWS}")
    return seconds


def pandas_excel(path: Path) -> float:
    import pandas

    t0 = time.perf_counter()
    frame = pandas.read_excel(path, header=2)
    seconds = time.perf_counter() - t0
    assert len(frame) == ROWS
    return seconds


def pandas_csv(path: Path) -> float:
    import pandas

    t0 = time.perf_counter()
    frame = pandas.read_csv(path, sep=";", decimal=",", encoding="cp1252")
    seconds = time.perf_counter() - t0
    assert len(frame) == ROWS
    return seconds


@measure(
    "Import de 100 000 commandes .xlsx (processus entier)",
    target_s=3.0,
    target_ratio=0.25,
    baseline="pandas.read_excel du même fichier",
    note="python -m app import orders FICHIER.xlsx --db (copie de la base à l'échelle) ; pandas et "
    "xlsxwriter : extra « bench » de pyproject, pas des dépendances de l'application",
)
def import_xlsx(ctx: Context) -> tuple[float, float | None]:
    source = cached_file(ctx, "xlsx")
    return import_process(ctx, source), pandas_excel(source)


@measure(
    "Import de 100 000 commandes CSV français (processus entier)",
    target_s=3.0,
    baseline="pandas.read_csv du même fichier",
    note="Windows-1252, « ; », virgule décimale ; pandas.read_csv est un analyseur en C : sa durée est "
    "la base affichée, la cible est le temps seul",
)
def import_csv(ctx: Context) -> tuple[float, float | None]:
    source = cached_file(ctx, "csv")
    return import_process(ctx, source), pandas_csv(source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="scale database (default: built by benchmarks/scale_data.py)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "home").mkdir()
        cache = Path(tempfile.gettempdir()) / "achats-durables-bench"
        db = Path(args.db) if args.db else None
        if db is None:
            db = tmp_path / "scale.sqlite"
            subprocess.run(
                [python(), str(ROOT / "benchmarks" / "scale_data.py"), str(db)], check=True, cwd=ROOT
            )
        ctx = Context(db=db, tmp=tmp_path, cache=cache)
        for label, fn in (("xlsx", import_xlsx), ("csv", import_csv)):
            results = [fn(ctx) for _ in range(max(1, args.rounds))]
            ours = statistics.median(r[0] for r in results)
            base = statistics.median(r[1] for r in results)
            print(f"{label}: import {ours:.2f} s, pandas {base:.2f} s, ratio {ours / base:.2f}")


if __name__ == "__main__":
    main()

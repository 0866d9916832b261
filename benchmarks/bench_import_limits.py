"""Peak memory of big imports: files over the row limit are refused before they are read, and an
import at the limit stays under 600 MB (issue 15).

    .venv/bin/python benchmarks/bench_import_limits.py [--csv-mb 199] [--xlsx-rows 1048576]
                                                       [--skip-at-limit] [--skip-readers]

Each measure runs in a fresh child process, so that its peak RSS (``ru_maxrss``) is its own:
  - the readers alone on a CSV of about 199 MB (1.1 million rows, under the 200 MB size limit but
    over the row limit) and an .xlsx of 1,048,576 rows (Excel's maximum), with the baseline, the
    readers as they were (whole CSV read, decoded and copied into a StringIO; whole sheet loaded by
    calamine before its height is looked at), reproduced below, and the current readers;
  - the whole import (``python -m app import orders``, into a new database) of a French CSV of
    1,000,000 orders: refused, naming the limit, before reading past it;
  - the whole import of a CSV and of an .xlsx of exactly ``safety.MAX_ROWS`` orders (the largest
    accepted): peak against the 600 MB target.
Prints peak RSS (MB) and seconds for each, and the ratios baseline / current. The interpreter with
the readers imported and nothing read is printed too, as the floor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSV_LINE = (
    "2024-{n:07d};Entretien des espaces verts et des massifs de la commune;Services;MAPA;Espaces verts;"
    "Jardins & Paysages;73282932000074;77310000;45 600,00;01/03/2024;28/02/2027;oui\r\n"
)
CSV_HEADER = (
    "N° de marché;Objet du marché;Nature;Mode de passation;Service;Titulaire;SIRET;CPV;Montant € HT;"
    "Début;Échéance;Récurrent\r\n"
)


def make_csv(path: Path, megabytes: int) -> int:
    target = megabytes * 1024 * 1024
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(CSV_HEADER)
        size = len(CSV_HEADER.encode())
        batch = []
        while size < target:
            line = CSV_LINE.format(n=rows)
            batch.append(line)
            size += len(line)
            rows += 1
            if len(batch) == 10_000:
                fh.write("".join(batch))
                batch.clear()
        fh.write("".join(batch))
    return rows


XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Commandes" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def make_xlsx(path: Path, rows: int) -> None:
    """A plain workbook written straight as XML (openpyxl would take minutes for a million rows)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>'
            )
            batch = []
            for n in range(1, rows + 1):
                batch.append(
                    f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>BC-{n} Fournitures de bureau</t></is></c>'
                    f'<c r="B{n}"><v>{n * 7 % 1000}.5</v></c></row>'
                )
                if len(batch) == 10_000:
                    fh.write("".join(batch).encode())
                    batch.clear()
            fh.write("".join(batch).encode())
            fh.write(b"</sheetData></worksheet>")


CHILD = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
from app.errors import ImportRejected
from app.io import readers, safety
mode, path = sys.argv[1], __import__("pathlib").Path(sys.argv[2])

def baseline_csv(path):
    import csv, io
    text = readers.decode_text(path.read_bytes())
    delimiter = readers.sniff_delimiter(text[:20000])
    rows = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append(row)
        if len(rows) > safety.MAX_ROWS + readers.HEADER_SCAN_ROWS:
            raise ImportRejected("trop de lignes")

def baseline_xlsx(path):
    safety.check_zip(path)
    from python_calamine import CalamineWorkbook
    workbook = CalamineWorkbook.from_path(str(path))
    for meta in workbook.sheets_metadata:
        sheet = workbook.get_sheet_by_name(meta.name)
        if max(sheet.height, sheet.total_height) > safety.MAX_ROWS + readers.HEADER_SCAN_ROWS:
            raise ImportRejected("trop de lignes")

def import_orders(path):
    import tempfile
    from app.cli import main
    with tempfile.TemporaryDirectory() as tmp:
        db = tmp + "/limite.sqlite"
        assert main(["init", "--org", "Communauté de communes", "--db", db]) == 0
        code = main(["import", "orders", str(path), "--db", db])
        if code != 0:
            raise ImportRejected("code de sortie %d" % code)

run = {{"floor": lambda p: None, "baseline_csv": baseline_csv, "baseline_xlsx": baseline_xlsx,
       "current_csv": readers.read_csv, "current_xlsx": readers.read_xlsx, "import": import_orders}}[mode]
start = time.perf_counter()
try:
    run(path)
    outcome = "accepted"
except ImportRejected as exc:
    outcome = "refused: " + exc.message[:70]
elapsed = time.perf_counter() - start
print(f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} {{elapsed:.2f}} {{outcome}}")
"""


def measure(mode: str, path: Path, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), mode, str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    rss, seconds, outcome = done.stdout.strip().splitlines()[-1].split(" ", 2)
    if mode == "import" and outcome.startswith("refused"):
        outcome += " — " + done.stderr.strip().splitlines()[0][:110]
    return float(rss), float(seconds), outcome


TARGET_MB = 600


def readers_over_the_limit(tmp: Path, csv_mb: int, xlsx_rows: int) -> None:
    csv_path, xlsx_path = tmp / "long.csv", tmp / "long.xlsx"
    rows = make_csv(csv_path, csv_mb)
    make_xlsx(xlsx_path, xlsx_rows)
    for kind, path, size in (
        ("csv", csv_path, f"{csv_path.stat().st_size / 2**20:.0f} MB, {rows:,} rows"),
        ("xlsx", xlsx_path, f"{xlsx_path.stat().st_size / 2**20:.0f} MB, {xlsx_rows:,} rows"),
    ):
        base = measure(f"baseline_{kind}", path)
        now = measure(f"current_{kind}", path)
        print(f"\nreader alone, {kind} ({size})")
        print(f"  baseline: peak {base[0]:6.0f} MB  {base[1]:6.2f} s  {base[2]}")
        print(f"  current : peak {now[0]:6.0f} MB  {now[1]:6.2f} s  {now[2]}")
        print(
            f"  ratio baseline/current: memory {base[0] / now[0]:.1f}x, time {base[1] / max(now[1], 0.01):.1f}x"
        )
        csv_path.unlink() if kind == "csv" else xlsx_path.unlink()


def whole_imports(tmp: Path, at_limit: bool) -> None:
    from app.io import safety
    from benchmarks import bench_import

    env = {**os.environ, "ACHATS_DURABLES_HOME": str(tmp / "home"), "QT_QPA_PLATFORM": "offscreen"}
    (tmp / "home").mkdir(exist_ok=True)
    cases = [("1 000 000 commandes, CSV", "csv", 1_000_000)]
    if at_limit:
        cases += [
            (f"{safety.MAX_ROWS:,} commandes (la limite), CSV", "csv", safety.MAX_ROWS),
            (f"{safety.MAX_ROWS:,} commandes (la limite), .xlsx", "xlsx", safety.MAX_ROWS),
        ]
    for label, suffix, rows in cases:
        path = tmp / f"commandes-{rows}.{suffix}"
        (bench_import.make_csv if suffix == "csv" else bench_import.make_xlsx)(path, rows)
        rss, seconds, outcome = measure("import", path, env)
        verdict = "OK" if rss < TARGET_MB else "NON"
        print(f"\nwhole import (python -m app import orders), {label}")
        print(f"  peak {rss:6.0f} MB (target < {TARGET_MB} MB: {verdict})  {seconds:6.2f} s  {outcome}")
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-mb", type=int, default=199)
    parser.add_argument("--xlsx-rows", type=int, default=1_048_576)
    parser.add_argument("--skip-readers", action="store_true", help="only the whole imports")
    parser.add_argument("--skip-at-limit", action="store_true", help="not the imports at the limit (slow)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        floor = measure("floor", Path(tmp))
        print(f"floor (interpreter + readers imported): {floor[0]:.0f} MB")
        if not args.skip_readers:
            readers_over_the_limit(Path(tmp), args.csv_mb, args.xlsx_rows)
        whole_imports(Path(tmp), not args.skip_at_limit)


if __name__ == "__main__":
    main()

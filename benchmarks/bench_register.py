"""The contract register on the 10,000-contract scale database.

``python benchmarks/bench_register.py [--db scale.sqlite]`` (writes the scale database with
``benchmarks/scale_data.py`` when absent). Measures, offscreen: opening the register (query, model,
view), sorting by three columns, a text search, and filters. Baseline in the same run: reading the
contract table with the sqlite3 module alone. Targets: open < 1 s; sort, search, filter < 150 ms each.
Registered in ``run_all.py`` (four measures).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import Context, measure  # noqa: E402


def timed(fn, runs: int = 3) -> float:  # noqa: ANN001
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        values.append(time.perf_counter() - start)
    return statistics.median(values)


def measure_register(db_path: Path) -> dict[str, float]:
    """Seconds (medians) of: the sqlite3 baseline, opening the register, one sort, one search
    change and one filter change, on ``db_path``; plus the number of rows."""
    os.environ.setdefault("ACHATS_DURABLES_HOME", tempfile.mkdtemp(prefix="bench-register-"))

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.services.organisations import list_organisations
    from app.storage import open_database
    from app.ui.context import AppContext
    from app.ui.screens.contracts import ContractsScreen

    app = QApplication.instance() or QApplication([])

    def baseline() -> None:
        con = sqlite3.connect(db_path)
        con.execute("SELECT * FROM contract").fetchall()
        con.close()

    base = timed(baseline)
    db = open_database(db_path)
    org = list_organisations(db)[0].id
    context = AppContext(db, org)
    screens = []

    def open_register() -> None:
        screen = ContractsScreen(context)
        screen.resize(1280, 760)
        screen.show()
        app.processEvents()
        screens.append(screen)

    opened = timed(open_register)
    view = screens[-1].register
    rows = len(view.all_rows)

    def sort_all() -> None:
        for column in (0, 5, 4):
            view.model.sort(column, Qt.SortOrder.DescendingOrder)
            app.processEvents()

    sort = timed(sort_all) / 3

    def search() -> None:
        view.search.setText("fourniture 12")
        app.processEvents()
        view.search.setText("")
        app.processEvents()

    searched = timed(search) / 2

    def filters() -> None:
        view.next_year.setChecked(True)
        app.processEvents()
        view.department.setCurrentIndex(1)
        app.processEvents()
        view.clear_filters()
        app.processEvents()

    filtered = timed(filters) / 3
    db.dispose()
    return {"base": base, "open": opened, "sort": sort, "search": searched, "filter": filtered, "rows": rows}


for _key, _title, _target in (
    ("open", "Registre (10 000 marchés) : ouverture", 1.0),
    ("sort", "Registre : tri d'une colonne", 0.15),
    ("search", "Registre : recherche (une frappe)", 0.15),
    ("filter", "Registre : filtre (un changement)", 0.15),
):

    def _round(ctx: Context, key: str = _key) -> tuple[float, float]:
        figures = measure_register(ctx.copy_db())
        return figures[key], figures["base"]

    measure(_title, target_s=_target, baseline="sqlite3 : lecture des 10 000 marchés")(_round)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "achats-durables-scale.sqlite"
    )
    args = parser.parse_args()
    if not args.db.exists():
        from benchmarks.scale_data import write_scale_database

        print(f"writing {args.db} …", flush=True)
        write_scale_database(args.db)
    figures = measure_register(args.db)
    base, opened, sort, searched, filtered = (
        figures[k] for k in ("base", "open", "sort", "search", "filter")
    )
    rows = figures["rows"]
    print(f"contracts: {rows}")
    print(f"baseline sqlite3 SELECT * FROM contract: {base * 1000:.0f} ms")
    print(
        f"open the register (query + model + paint): {opened * 1000:.0f} ms ({opened / base:.1f}x)  target < 1000 ms"
    )
    print(f"sort one column:      {sort * 1000:.0f} ms ({sort / base:.1f}x)  target < 150 ms")
    print(f"search (one change):  {searched * 1000:.0f} ms ({searched / base:.1f}x)  target < 150 ms")
    print(f"filter (one change):  {filtered * 1000:.0f} ms ({filtered / base:.1f}x)  target < 150 ms")


if __name__ == "__main__":
    main()

"""The contract register on the 10,000-contract scale database.

``python benchmarks/bench_register.py [--db scale.sqlite]`` (writes the scale database with
``benchmarks/scale_data.py`` when absent). Measures, offscreen: opening the register (query, model,
view), sorting by three columns, a text search, and filters. Baseline in the same run: reading the
contract table with the sqlite3 module alone. Targets: open < 1 s; sort, search, filter < 150 ms each.
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


def timed(fn, runs: int = 3) -> float:  # noqa: ANN001
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        values.append(time.perf_counter() - start)
    return statistics.median(values)


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
    os.environ.setdefault("ACHATS_DURABLES_HOME", tempfile.mkdtemp(prefix="bench-register-"))

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.services.organisations import list_organisations
    from app.storage import open_database
    from app.ui.context import AppContext
    from app.ui.screens.contracts import ContractsScreen

    app = QApplication.instance() or QApplication([])

    def baseline() -> None:
        con = sqlite3.connect(args.db)
        con.execute("SELECT * FROM contract").fetchall()
        con.close()

    base = timed(baseline)
    db = open_database(args.db)
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
    print(f"contracts: {rows}")
    print(f"baseline sqlite3 SELECT * FROM contract: {base * 1000:.0f} ms")
    print(
        f"open the register (query + model + paint): {opened * 1000:.0f} ms ({opened / base:.1f}x)  target < 1000 ms"
    )
    print(f"sort one column:      {sort * 1000:.0f} ms ({sort / base:.1f}x)  target < 150 ms")
    print(f"search (one change):  {searched * 1000:.0f} ms ({searched / base:.1f}x)  target < 150 ms")
    print(f"filter (one change):  {filtered * 1000:.0f} ms ({filtered / base:.1f}x)  target < 150 ms")
    db.dispose()


if __name__ == "__main__":
    main()

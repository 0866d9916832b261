"""« Données à compléter » on the 10,000-contract scale database.

``python benchmarks/bench_facts.py [--db scale.sqlite]`` (writes the scale database with
``benchmarks/scale_data.py`` when absent). Measures: the service reading (``facts_rows`` then
``summarise``, done off the GUI thread), and on the GUI thread the grid's filling, a sort by a fact
column, and a search. Baseline in the same run: reading the contract table with the sqlite3 module
alone. Target: each GUI-thread step < 300 ms (the reading itself runs in the background).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_register import timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "achats-scale-10k.sqlite")
    args = parser.parse_args()
    if not args.db.exists():
        from benchmarks.scale_data import write_scale_database

        write_scale_database(args.db, contracts=10_000, orders=1_000)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.services.facts import facts_rows, summarise
    from app.services.organisations import list_organisations
    from app.storage import open_database
    from app.ui.context import AppContext
    from app.ui.screens.facts import FactsScreen

    def baseline() -> None:
        con = sqlite3.connect(args.db)
        con.execute("select * from contract").fetchall()
        con.close()

    base = timed(baseline)
    db = open_database(args.db)
    org = list_organisations(db)[0].id
    today = dt.date(2026, 12, 1)
    rows: list = []

    def read() -> None:
        rows[:] = facts_rows(db, org, today=today)
        summarise(rows)

    reading = timed(read, runs=1)
    context = AppContext(db, None)  # not ready: the screen does not start its own reading
    screen = FactsScreen(context)
    screen.resize(1366, 700)
    screen.show()
    screen.only_incomplete.setChecked(False)

    def fill() -> None:
        screen.all_rows = list(rows)
        screen._filter()  # what the end of the background reading does on the GUI thread
        screen._fit_columns()

    filling = timed(fill)
    column = next(i for i, c in enumerate(screen.model.columns) if c.header == "Récurrent")
    sorting = timed(lambda: screen.model.sort(column, Qt.SortOrder.DescendingOrder))

    def search(text: str) -> None:
        screen.search.setText(text)
        screen._filter()  # what the pause timer then runs

    searching = timed(lambda: (search("0042"), search("")))
    print(f"contracts: {len(rows):,}")
    print(f"baseline sqlite3 read of the contract table: {base * 1000:.0f} ms")
    for name, value in (
        ("facts_rows + summarise (background)", reading),
        ("grid filling (GUI thread)", filling),
        ("sort by Récurrent (GUI thread)", sorting),
        ("search typed then cleared (GUI thread, 2 filterings)", searching),
    ):
        print(f"{name}: {value * 1000:.0f} ms ({value / base:.1f}x baseline)")
    screen.close()
    db.dispose()
    del app


if __name__ == "__main__":
    main()

"""First paint of every screen on the scale database (10,000 contracts, 100,000 orders), offscreen.

    python benchmarks/bench_screens.py [--db scale.sqlite]

For each screen of the side navigation, in a fresh process: the main window is shown on a copy of
the scale database (``open_database_in``, as the app does), then the clock runs from
``window.open_screen(key)`` — the screen module's ``create(context, parent)`` and showing it — until
the screen has painted WITH its data: every read it queued on the database worker (and the
indicators' own thread) has come back and been shown, then the screen's widget has received a paint
event. A spinner or an empty table does not stop the clock. What a screen reads only when the user
asks for it (another tab, a contract) is not part of its first paint. Baseline in the same process:
reading the 10,000 contract rows with the sqlite3 module. Target: under 1 s each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.ui.screens import SCREENS  # noqa: E402  (plain dataclasses: no Qt import)
from benchmarks.harness import Context, measure  # noqa: E402

LIMIT_S = 1.0


def first_paint(db: Path, key: str) -> float:
    """Seconds from ``open_screen(key)`` to the screen's first paint, on a shown main window."""
    from PySide6.QtCore import QEvent, QObject

    from app.ui.application import make_application
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.ops import wait_for_ops
    from app.ui.ops.open_file import open_database_in

    app = make_application()
    context = AppContext()
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    open_database_in(context, db, window)
    wait_for_ops()
    if not context.ready:
        raise RuntimeError(f"could not open {db}")
    app.processEvents()

    class PaintWatch(QObject):
        painted_at: float | None = None

        def eventFilter(self, obj, event) -> bool:  # noqa: ANN001, N802 - Qt API
            if event.type() == QEvent.Type.Paint and self.painted_at is None:
                self.painted_at = time.perf_counter()
            return False

    watch = PaintWatch()
    start = time.perf_counter()
    screen = window.open_screen(key)  # create(context, parent), then shown in the window's stack
    screen.installEventFilter(watch)
    deadline = start + 120
    while busy() and time.perf_counter() < deadline:  # the data the screen asked for, shown
        app.processEvents()
    if busy():
        raise RuntimeError(f"screen {key} still reading after 120 s")
    watch.painted_at = None
    screen.update()  # the paint that shows the data (it may have painted while reading)
    while watch.painted_at is None and time.perf_counter() < deadline:
        app.processEvents()
    if watch.painted_at is None:
        raise RuntimeError(f"screen {key} never painted")
    return watch.painted_at - start


def busy() -> bool:
    """Whether a read the screens queued is still running or its result not yet shown."""
    from app.ui import ops
    from app.ui.widgets import indicators

    worker = ops.executor()
    pool = indicators._pool  # the indicators' own thread (a year changed), if it was ever started
    return bool(
        ops._running
        or getattr(worker, "queued", 0)
        or (pool is not None and pool.activeThreadCount())
        or indicators._answers
    )


def contracts_read(db: Path) -> float:
    start = time.perf_counter()
    con = sqlite3.connect(db)
    rows = con.execute("SELECT * FROM contract").fetchall()
    con.close()
    assert rows
    return time.perf_counter() - start


def _register(key: str, title: str) -> None:
    @measure(
        f"Écran « {title} » : premier affichage",
        target_s=LIMIT_S,
        baseline="sqlite3 : lecture des 10 000 marchés",
    )
    def screen_round(ctx: Context) -> tuple[float, float]:
        db = ctx.copy_db()
        baseline = contracts_read(db)
        return first_paint(db, key), baseline


for _spec in SCREENS:
    _register(_spec.key, _spec.title)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="scale database (benchmarks/scale_data.py)")
    parser.add_argument("--screen", help="only this screen key")
    args = parser.parse_args()
    os.environ["ACHATS_DURABLES_HOME"] = tempfile.mkdtemp(prefix="bench-screens-home-")
    for spec in SCREENS:
        if args.screen and spec.key != args.screen:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "scale.sqlite"
            shutil.copyfile(args.db, db)
            baseline = contracts_read(db)
            figure = first_paint(db, spec.key)
            print(
                f"{spec.key}: {figure:.3f} s (baseline, sqlite3 read of the contracts: {baseline:.3f} s; "
                f"ratio {figure / baseline:.1f}; target < {LIMIT_S:g} s)",
                flush=True,
            )
    os._exit(0)  # several main windows in one process: skip Qt's teardown


if __name__ == "__main__":
    main()

"""Event-loop stalls during a scripted tour of the app on the scale database (issue 15).

    python benchmarks/bench_event_loop_tour.py --db scale.sqlite

The app is opened as a user does (main window shown, file opened), then a script opens every
screen, sorts the register by several columns, types a search, opens a contract, types an amount
and saves it. Meanwhile a 5 ms timer on the GUI thread's event loop notes how late it fires: a
late tick is a stall, the time during which a click or a key would have had no effect. A watchdog
thread samples the GUI thread's Python stack whenever a stall passes 50 ms, to say where it was.

Printed: the worst stall and the step and the code it happened in, each step's worst stall, and
the ratio to a baseline measured in the same process before the tour: the worst stall of the
same timer on an idle loop (the machine's own noise). Target: no stall over 100 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import Context, measure  # noqa: E402

TICK_MS = 5
SAMPLE_AFTER_S = 0.05
TARGET_S = 0.1
IDLE_S = 2.0


@dataclass
class Stall:
    seconds: float = 0.0
    step: str = ""
    where: str = ""
    cpu: float = 0.0  # CPU time the GUI thread itself spent during the stall (the rest: waiting)


def _stack_text(frame, limit: int = 4) -> str:  # noqa: ANN001
    stack = traceback.extract_stack(frame)
    ours = [f for f in stack if "/app/" in f.filename] or stack[-3:]
    return " ← ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(ours[-limit:]))


@dataclass
class StallMeter:
    """Lateness of a ``TICK_MS`` timer on the GUI thread, attributed to the current step.

    A watchdog thread samples, every 20 ms while the loop is late, the GUI thread's Python stack and
    that of the other threads running the app's code (the database worker). When the watchdog itself
    wakes late, some thread held the GIL all along (a long loop in C, e.g. a ``fetchall``): the sample
    then names that thread's code, as the GUI thread's stack only shows it waiting in the event loop.
    """

    step: str = "démarrage"
    worst: Stall = field(default_factory=Stall)
    by_step: dict[str, Stall] = field(default_factory=dict)
    stalls: list[Stall] = field(default_factory=list)  # every stall over SAMPLE_AFTER_S
    samples: list[tuple[float, str]] = field(default_factory=list)  # (when, where)
    collections: list[tuple[float, float]] = field(default_factory=list)  # full GC: (start, end)

    def start(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.gui = threading.main_thread().ident
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.timer.start(TICK_MS)
        self.running = True
        self.watchdog = threading.Thread(target=self._watch, daemon=True)
        self.watchdog.start()
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict) -> None:
        """Full collections hold the GIL for as long as they walk every tracked object."""
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.collections.append((self._gc_start, time.perf_counter()))

    def stop(self) -> None:
        gc.callbacks.remove(self._gc)
        self.running = False
        self.timer.stop()
        self.watchdog.join()

    def reset(self, step: str) -> None:
        self.step = step
        self.worst = Stall()
        self.by_step = {}
        self.stalls = []

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        late = now - self.last - TICK_MS / 1000
        started, spent = self.last, cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu
        if late <= SAMPLE_AFTER_S and late <= self.by_step.get(self.step, Stall()).seconds:
            return
        stall = Stall(late, self.step, self._where(started, now), spent)
        if late > SAMPLE_AFTER_S:
            self.stalls.append(stall)
        if late > self.by_step.get(self.step, Stall()).seconds:
            self.by_step[self.step] = stall
            if late > self.worst.seconds:
                self.worst = stall

    def top(self, n: int = 5) -> list[Stall]:
        return sorted(self.stalls, key=lambda s: -s.seconds)[:n]

    def _where(self, start: float, end: float) -> str:
        """The three most sampled places between ``start`` and ``end`` (a sampling profile: each
        with its share of the samples), and the time spent in full garbage collections."""
        seen = Counter(text for at, text in self.samples if start <= at <= end + 0.05)
        collected = sum(min(b, end) - max(a, start) for a, b in self.collections if a < end and b > start)
        gc_text = f" [ramasse-miettes complet : {collected * 1000:.0f} ms]" if collected > 0.01 else ""
        if not seen:
            return gc_text.strip()
        total = sum(seen.values())
        places = " | ".join(f"{text} ({count}/{total})" for text, count in seen.most_common(3))
        return f"{places}{gc_text}"

    def _watch(self) -> None:
        me = threading.get_ident()
        while self.running:
            asleep = time.perf_counter()
            time.sleep(0.02)
            woke = time.perf_counter()
            held = woke - asleep - 0.02  # the GIL was not to be had meanwhile
            if woke - self.last <= SAMPLE_AFTER_S:
                continue
            frames = sys._current_frames()
            gui = frames.get(self.gui)
            others = [
                _stack_text(f)
                for ident, f in frames.items()
                if ident not in (self.gui, me)
                and any("/app/" in x.filename for x in traceback.extract_stack(f))
            ]
            gui_text = _stack_text(gui) if gui is not None else "?"
            if held > SAMPLE_AFTER_S and others:
                text = f"GIL tenu {held * 1000:.0f} ms par un autre fil : {others[0]}"
            elif (
                "/app/" not in (gui.f_code.co_filename if gui is not None else "")
                and others
                and ("settle" in gui_text or "idle" in gui_text)
            ):
                text = f"boucle Qt (C++) ; fil de la base : {others[0]}"
            else:
                text = gui_text
            self.samples.append((time.perf_counter(), text))


def idle(app, seconds: float) -> None:  # noqa: ANN001
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def settle(app, seconds: float = 0.15) -> None:  # noqa: ANN001
    """Let queued ops run and call back, then the loop idle a moment."""
    from app.ui import ops

    worker = ops.executor()
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        app.processEvents()
        busy = getattr(worker, "queued", 0) or worker.pool.activeThreadCount()
        if not busy:
            break
        time.sleep(0.001)
    idle(app, seconds)


def tour(db: Path) -> tuple[Stall, float, dict[str, Stall], list[Stall]]:
    """(worst stall of the tour, worst stall of the idle loop before it, worst stall per step, the
    five worst stalls)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.ui.application import make_application
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.ops.open_file import open_database_in
    from app.ui.screens import SCREENS

    app = make_application()
    meter = StallMeter()
    meter.start()
    meter.reset("repos (base)")
    idle(app, IDLE_S)
    baseline = meter.worst.seconds

    meter.reset("fenêtre principale")
    context = AppContext()
    window = MainWindow(context)
    window.resize(1280, 800)
    window.show()
    settle(app)

    def step(name: str, action) -> None:  # noqa: ANN001
        meter.step = name
        action()
        settle(app)

    step("ouverture du fichier", lambda: open_database_in(context, db, window))
    if not context.ready:
        raise RuntimeError(f"could not open {db}")
    for spec in SCREENS:
        step(f"écran « {spec.title} »", lambda key=spec.key: window.open_screen(key))

    register = window.open_screen("contracts").register
    settle(app)
    for column in (1, 6, 0):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            step(
                f"tri du registre (colonne {column})",
                lambda c=column, o=order: register.table.sortByColumn(c, o),
            )

    def search() -> None:
        register.search.setFocus()
        for char in "ecole":
            QTest.keyClick(register.search, char)
            app.processEvents()

    step("recherche dans le registre", search)
    step("effacer la recherche", register.search.clear)
    target = register.model.rows[0].id

    from app.ui.dialogs.contract_form import ContractDialog

    dialogs: list = []
    step(
        "ouverture d'une fiche marché",
        lambda: dialogs.append(ContractDialog(context, target, window)) or dialogs[0].open(),
    )
    dialog = dialogs[0]

    def type_amount() -> None:
        dialog.tabs.setCurrentIndex(1)
        dialog.notified.setFocus()
        dialog.notified.selectAll()
        for char in "125000":
            QTest.keyClick(dialog.notified, char)
            app.processEvents()

    step("saisie d'un montant", type_amount)
    step(
        "enregistrement de la fiche", lambda: QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    )
    if dialog.saved is None:
        raise RuntimeError("the contract was not saved")
    step("registre après l'enregistrement", register.reload)
    meter.stop()
    worst, by_step, top = meter.worst, dict(meter.by_step), meter.top(5)
    window.close()
    return worst, baseline, by_step, top


def tour_in_copy(source: Path) -> tuple[Stall, float, dict[str, Stall], list[Stall]]:
    with tempfile.TemporaryDirectory(prefix="bench-tour-") as tmp:
        db = Path(tmp) / "scale.sqlite"
        shutil.copyfile(source, db)
        return tour(db)


@measure(
    "Tournée des écrans : pire blocage de la boucle d'événements",
    target_s=TARGET_S,
    baseline="pire retard du même minuteur, boucle au repos",
    note="ouvrir chaque écran, trier, chercher, ouvrir et enregistrer un marché",
)
def tour_round(ctx: Context) -> tuple[float, float]:
    worst, baseline, _by_step, top = tour(ctx.copy_db())
    for stall in top:
        print(
            f"blocage : {stall.seconds * 1000:.0f} ms pendant « {stall.step} » {stall.where}", file=sys.stderr
        )
    return worst.seconds, baseline


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="scale database (benchmarks/scale_data.py)")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["ACHATS_DURABLES_HOME"] = tempfile.mkdtemp(prefix="bench-tour-home-")
    worst, baseline, by_step, top = tour_in_copy(Path(args.db))
    print("pire blocage par étape (entre parenthèses : temps de calcul du fil de l'interface) :")
    for name, stall in by_step.items():
        print(f"  {stall.seconds * 1000:7.0f} ms ({stall.cpu * 1000:4.0f} ms)  {name}")
        if stall.seconds > TARGET_S and stall.where:
            print(f"             dans : {stall.where}")
    print(
        f"pire blocage de la tournée : {worst.seconds * 1000:.0f} ms, pendant « {worst.step} » "
        f"(dont {worst.cpu * 1000:.0f} ms de calcul du fil de l'interface ; le reste : attente du "
        "processeur, partagé, ou du GIL)"
    )
    if worst.where:
        print(f"  dans : {worst.where}")
    print(f"les {len(top)} pires blocages (au-delà de {SAMPLE_AFTER_S * 1000:.0f} ms) :")
    for stall in top:
        print(f"  {stall.seconds * 1000:7.0f} ms ({stall.cpu * 1000:4.0f} ms)  {stall.step}")
        if stall.where:
            print(f"             dans : {stall.where}")
    print(f"base (boucle au repos, {IDLE_S:g} s) : {baseline * 1000:.1f} ms")
    print(f"rapport : {worst.seconds / baseline:.1f} × la base ; cible < {TARGET_S * 1000:.0f} ms")
    os._exit(0)  # skip Qt's teardown


if __name__ == "__main__":
    main()

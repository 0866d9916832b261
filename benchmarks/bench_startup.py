"""Cold start of the desktop app on the demo database, as a whole process (offscreen).

``python benchmarks/bench_startup.py [--runs 5]`` starts ``python -m app gui --db COPY`` with
``ACHATS_DURABLES_STARTUP_PROBE=1``: the app prints when its window is first painted and when the
register has painted its rows, then quits. Times are measured from the process spawn. Baseline in
the same run: a bare QMainWindow shown, painted and closed. Targets: painted < 0.5 s, register < 1.0 s.
``run_all.py`` runs the same two measures on a copy of the scale database (10,000 contracts).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Context, measure  # noqa: E402

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 800); w.show(); app.processEvents()
print(f"painted {time.time():.4f}", flush=True)
w.close()
"""


def run(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    start = time.time()
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    marks = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("painted", "register"):
            marks[parts[0]] = float(parts[1]) - start
    if "painted" not in marks:
        raise SystemExit(f"no paint mark from {cmd}:\n{out.stdout}\n{out.stderr}")
    return marks


def app_and_bare(ctx: Context) -> tuple[dict[str, float], float]:
    env = ctx.env()
    bare = run([sys.executable, "-c", BARE], env)["painted"]
    marks = run(
        [sys.executable, "-m", "app", "gui", "--db", str(ctx.copy_db())],
        {**env, "ACHATS_DURABLES_STARTUP_PROBE": "1"},
    )
    return marks, bare


@measure(
    "Interface : démarrage à froid jusqu'à la fenêtre peinte",
    target_s=0.5,
    baseline="QMainWindow nue",
)
def window_painted(ctx: Context) -> tuple[float, float]:
    marks, bare = app_and_bare(ctx)
    return marks["painted"], bare


@measure(
    "Interface : registre des 10 000 marchés peint",
    target_s=1.0,
    baseline="QMainWindow nue",
)
def register_painted(ctx: Context) -> tuple[float, float]:
    marks, bare = app_and_bare(ctx)
    if "register" not in marks:
        raise RuntimeError("the app printed no register mark")
    return marks["register"], bare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    db = tmp / "demo.sqlite"
    shutil.copyfile(ROOT / "sample_db" / "demo.sqlite", db)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ACHATS_DURABLES_HOME": str(tmp / "home")}
    app_env = {**env, "ACHATS_DURABLES_STARTUP_PROBE": "1"}
    bare, painted, filled = [], [], []
    for _ in range(args.runs):
        bare.append(run([sys.executable, "-c", BARE], env)["painted"])
        marks = run([sys.executable, "-m", "app", "gui", "--db", str(db)], app_env)
        painted.append(marks["painted"])
        filled.append(marks.get("register", float("nan")))
    b, p, f = statistics.median(bare), statistics.median(painted), statistics.median(filled)
    print(f"runs: {args.runs} (medians)")
    print(f"baseline bare QMainWindow painted: {b:.3f} s")
    print(f"app window painted:               {p:.3f} s  ({p / b:.1f}x baseline)  target < 0.5 s")
    print(f"app register filled and painted:  {f:.3f} s  ({f / b:.1f}x baseline)  target < 1.0 s")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

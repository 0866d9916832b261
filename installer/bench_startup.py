"""Launch of the bundled app to its main window, against the source checkout in the same run.

``python installer/bench_startup.py [--runs 7] [--bundle dist/achats-durables]`` (after
installer/build.sh) starts ``achats-durables DEMO_COPY`` from the bundle, offscreen, with the
startup probe of benchmarks/bench_startup.py: times from the process spawn to the window's first
paint and to the register painted with the file's rows. Baseline: ``python -m app gui --db
DEMO_COPY`` from this checkout. Target: the bundled window painted in under 1 s (median).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_startup import run  # noqa: E402 - after the path above


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "achats-durables")
    args = parser.parse_args()
    program = args.bundle.resolve() / "achats-durables"
    if not program.exists():
        raise SystemExit(f"{program} not found: run installer/build.sh first")
    tmp = Path(tempfile.mkdtemp(prefix="bench-bundle-startup-"))
    db = tmp / "demo.sqlite"
    shutil.copyfile(ROOT / "sample_db" / "demo.sqlite", db)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ACHATS_DURABLES_HOME": str(tmp / "home"),
        "ACHATS_DURABLES_STARTUP_PROBE": "1",
    }
    marks: dict[str, list[dict[str, float]]] = {"bundle": [], "source": []}
    for _ in range(args.runs):  # interleaved, so that both see the same machine load
        marks["bundle"].append(run([str(program), str(db)], env))
        marks["source"].append(run([sys.executable, "-m", "app", "gui", "--db", str(db)], env))
    shutil.rmtree(tmp, ignore_errors=True)

    def median(kind: str, mark: str) -> float:
        return statistics.median(m.get(mark, float("nan")) for m in marks[kind])

    print(f"runs: {args.runs} (medians, offscreen, demo database)")
    for mark, label in (("painted", "main window painted"), ("register", "register rows painted")):
        bundle, source = median("bundle", mark), median("source", mark)
        print(
            f"{label:22s} bundle {bundle:.3f} s   source {source:.3f} s   ({bundle / source:.2f}x source)"
            + ("   target < 1 s" if mark == "painted" else "")
        )


if __name__ == "__main__":
    main()

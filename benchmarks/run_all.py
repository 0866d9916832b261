"""Run every registered benchmark against the scale database and print one table.

    python benchmarks/run_all.py [--rounds 3] [--only TEXT] [--db scale.sqlite] [--cache DIR]

The scale database (10,000 contracts, 100,000 orders, deterministic: ``benchmarks/scale_data.py``)
is built once into the cache folder (``$TMPDIR/achats-durables-bench`` by default) and reused while
``scale_data.py`` is unchanged. Each measure runs ``--rounds`` times (at least 3), round-robin with
the others, each round in a fresh process; the table shows for each measure the median figure, the
median of its baseline (measured in the same round), the median of the per-round ratios, the target
and whether the median meets it. Benchmarks register with ``benchmarks.harness.measure``.
Exit status 1 when a target is not met.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import REGISTRY, Context, Measure  # noqa: E402

HERE = Path(__file__).resolve().parent


def discover() -> dict[str, Measure]:
    """Import the benchmark modules that register measures (those that use the harness)."""
    for path in sorted(HERE.glob("bench_*.py")):
        if "benchmarks.harness" in path.read_text(encoding="utf-8"):
            importlib.import_module(f"benchmarks.{path.stem}")
    return REGISTRY


def scale_database(cache: Path) -> Path:
    """The scale database, rebuilt when ``scale_data.py`` or the schema's migrations change."""
    sources = [HERE / "scale_data.py", *sorted((ROOT / "app" / "storage").rglob("*.py"))]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:12]
    path = cache / f"scale-{digest}.sqlite"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        for old in cache.glob("scale-*.sqlite"):
            old.unlink()
        print("construction de la base à l'échelle (10 000 marchés, 100 000 commandes)…", flush=True)
        subprocess.run([sys.executable, str(HERE / "scale_data.py"), str(path)], check=True, cwd=ROOT)
    return path


def run_one(name: str, db: Path, cache: Path) -> None:
    """Child process: one round of one measure, printed as JSON on the last line."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        (Path(tmp) / "home").mkdir()
        # In-process measures (screens) must not touch the user's folders nor need a display.
        os.environ["ACHATS_DURABLES_HOME"] = str(Path(tmp) / "home")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        measures = discover()
        figure, baseline = measures[name].run(Context(db=db, tmp=Path(tmp), cache=cache))
    print(json.dumps({"figure": figure, "baseline": baseline}))


def one_round(name: str, db: Path, cache: Path) -> tuple[float, float | None] | str:
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--one",
            name,
            "--db",
            str(db),
            "--cache",
            str(cache),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        return lines[-1] if lines else f"exit {done.returncode}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["figure"], result["baseline"]


def verdict(m: Measure, figure: float, ratio: float | None) -> str:
    checks = []
    if m.target_s is not None:
        checks.append(figure < m.target_s)
    if m.target_ratio is not None:
        checks.append(ratio is not None and ratio <= m.target_ratio)
    if not checks:
        return "—"
    return "OK" if all(checks) else "NON"


def target_text(m: Measure) -> str:
    parts = []
    if m.target_s is not None:
        parts.append(f"< {m.target_s:g} s")
    if m.target_ratio is not None:
        parts.append(f"≤ {m.target_ratio:g}× base")
    return " et ".join(parts) or "(chiffre seul)"


def print_table(rows: list[list[str]]) -> None:
    header = ["mesure", "chiffre (médiane)", "base", "ratio", "cible", "atteinte"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "+".join("-" * (w + 2) for w in widths)
    print(line)
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per measure (at least 3)")
    parser.add_argument("--only", help="only the measures whose name contains this text")
    parser.add_argument("--db", help="scale database to use (default: built in the cache folder)")
    parser.add_argument(
        "--cache",
        default=str(Path(tempfile.gettempdir()) / "achats-durables-bench"),
        help="folder kept between runs (scale database, spreadsheet to import)",
    )
    parser.add_argument("--list", action="store_true", help="list the registered measures")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cache = Path(args.cache)
    if args.one:
        run_one(args.one, Path(args.db), cache)
        sys.stdout.flush()
        # The figure is out: skip interpreter teardown, where Qt objects of a measured screen can
        # crash the process (the screens are measured, not their destruction).
        os._exit(0)
    measures = discover()
    selected = [m for m in measures.values() if not args.only or args.only.lower() in m.name.lower()]
    if args.list:
        for m in selected:
            print(f"{m.name}  [{target_text(m)}; base : {m.baseline}]")
        return 0
    if not selected:
        print(f"aucune mesure ne correspond à « {args.only} »")
        return 1
    rounds = max(3, args.rounds)
    db = Path(args.db) if args.db else scale_database(cache)
    results: dict[str, list[tuple[float, float | None]]] = {m.name: [] for m in selected}
    errors: dict[str, str] = {}
    started = time.perf_counter()
    for r in range(rounds):
        order = selected[r % len(selected) :] + selected[: r % len(selected)]  # rotate: drift cancels
        for m in order:
            if m.name in errors:
                continue
            outcome = one_round(m.name, db, cache)
            if isinstance(outcome, str):
                errors[m.name] = outcome
                print(f"  {m.name} : ÉCHEC ({outcome})", flush=True)
                continue
            results[m.name].append(outcome)
            base = "" if outcome[1] is None else f" (base {outcome[1]:.3f} s)"
            print(f"  tour {r + 1}/{rounds} — {m.name} : {outcome[0]:.3f} s{base}", flush=True)
    rows = []
    failed = False
    for m in selected:
        if m.name in errors:
            rows.append([m.name, "erreur", "—", "—", target_text(m), "NON"])
            failed = True
            continue
        figures = [f for f, _ in results[m.name]]
        bases = [b for _, b in results[m.name] if b is not None]
        ratios = [f / b for f, b in results[m.name] if b]
        figure = statistics.median(figures)
        ratio = statistics.median(ratios) if ratios else None
        ok = verdict(m, figure, ratio)
        failed |= ok == "NON"
        rows.append(
            [
                m.name,
                f"{figure:.3f} s",
                f"{statistics.median(bases):.3f} s ({m.baseline})" if bases else f"— ({m.baseline})",
                f"{ratio:.2f}×" if ratio is not None else "—",
                target_text(m),
                ok,
            ]
        )
    print()
    print(
        f"{rounds} tours par mesure, médianes ; base : {db.name} ; {time.perf_counter() - started:.0f} s au total"
    )
    print_table(rows)
    for m in selected:
        if m.note:
            print(f"* {m.name} : {m.note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The registry of benchmarks that ``benchmarks/run_all.py`` runs against the scale database.

A benchmark module (``benchmarks/bench_*.py``) registers each of its measures with ``@measure``::

    from benchmarks.harness import Context, measure

    @measure("Mon écran : premier affichage", target_s=1.0, baseline="lecture sqlite3 des mêmes lignes")
    def my_screen(ctx: Context) -> tuple[float, float | None]:
        ...  # one round: returns (figure in seconds, baseline in seconds measured now, or None)

``run_all`` imports every ``bench_*.py`` that mentions ``benchmarks.harness`` (the others are
stand-alone scripts), then runs each registered measure once per round, every time in a fresh
process (``python benchmarks/run_all.py --one NAME``), so that no measure inherits another's
imports, caches or Qt state. A measure that needs several calls to produce one figure (whole
processes, a warm-up) does them itself; it should time its baseline in the same round, A then B,
so that the machine's drift cancels in the ratio.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RoundFn = Callable[["Context"], tuple[float, float | None]]


@dataclass(frozen=True)
class Context:
    """What a measure gets: the scale database (never to be modified: use ``ctx.copy_db()``), a
    scratch folder private to this round, and a cache folder kept between rounds and runs."""

    db: Path
    tmp: Path
    cache: Path

    def copy_db(self) -> Path:
        target = self.tmp / "scale-copy.sqlite"
        if not target.exists():
            shutil.copyfile(self.db, target)
        return target

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a child process of the app: offscreen, user folders in the scratch folder."""
        return {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "ACHATS_DURABLES_HOME": str(self.tmp / "home"),
            **extra,
        }


@dataclass(frozen=True)
class Measure:
    name: str
    target_s: float | None  # pass when the median figure is below it (None: figure only)
    baseline: str  # what the baseline is, in a few words
    run: RoundFn
    target_ratio: float | None = None  # also require median(figure / baseline) <= this
    note: str = ""


REGISTRY: dict[str, Measure] = {}


def measure(
    name: str,
    *,
    target_s: float | None,
    baseline: str,
    target_ratio: float | None = None,
    note: str = "",
) -> Callable[[RoundFn], RoundFn]:
    """Register one round of a measure (see the module docstring)."""

    def register(fn: RoundFn) -> RoundFn:
        if name in REGISTRY:
            raise ValueError(f"benchmark registered twice: {name}")
        REGISTRY[name] = Measure(name, target_s, baseline, fn, target_ratio, note)
        return fn

    return register


def timed_process(
    cmd: list[str], *, env: dict[str, str], stdout=subprocess.DEVNULL, timeout: float = 600
) -> float:  # noqa: ANN001
    """Wall time of a whole process, from spawn to exit; fails loudly if it fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return elapsed


def python() -> str:
    return sys.executable

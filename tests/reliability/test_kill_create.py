"""``demo`` and ``init`` killed with SIGKILL at random points never leave a half-made file: at the
target name there is either no file or a complete one (RELIABILITY R4-like crash loop).

Before the fix both commands wrote the target in several transactions (``init``: schema, then the
organisation; ``demo``: data, committees, checklists), so a kill between them left a file that
``check`` called healthy but that had no organisation or no committees."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DEMO

ROOT = Path(__file__).resolve().parents[2]
TABLES_OF_A_COMPLETE_INIT = {"organisation": 1, "department": 6}


def table_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        con.close()


def run_and_kill(argv: list[str], folder: Path, window: float, rng: random.Random, root: Path = ROOT) -> bool:
    """Start ``python -m app ARGV``; once it has created a file in ``folder``, SIGKILL it after a random
    delay in [0, window). Returns True when it was killed before finishing."""
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", *argv],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not any(folder.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(rng.uniform(0, window))
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return killed


def assert_absent_or_complete(path: Path, expected: dict[str, int], at_least: dict[str, int]) -> str:
    if not path.exists():
        return "absent"
    con = sqlite3.connect(path)  # read-write: SQLite rolls back a hot journal, as our next opening would
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    counts = table_counts(path)
    for table, count in expected.items():
        assert counts.get(table) == count, f"{table}: {counts.get(table)} != {count} (half-made file)"
    for table, minimum in at_least.items():
        assert counts.get(table, 0) >= minimum, f"{table}: {counts.get(table)} < {minimum} (half-made file)"
    return "complete"


def demo_trial(tmp_path: Path, seed: int, root: Path = ROOT) -> str:
    folder = tmp_path / f"demo{seed}"
    folder.mkdir()
    target = folder / "demo.sqlite"
    run_and_kill(["demo", "--db", str(target)], folder, 4.0, random.Random(seed), root)
    return assert_absent_or_complete(target, table_counts(DEMO), {})


def init_trial(tmp_path: Path, seed: int, root: Path = ROOT) -> str:
    folder = tmp_path / f"init{seed}"
    folder.mkdir()
    target = folder / "achats.sqlite"
    run_and_kill(
        ["init", "--db", str(target), "--org", "Commune de Test"], folder, 1.5, random.Random(seed), root
    )
    return assert_absent_or_complete(
        target, TABLES_OF_A_COMPLETE_INIT, {"emission_factor": 1, "department": 1}
    )


@pytest.mark.parametrize(
    ("trial", "seed"), [(demo_trial, 0), (demo_trial, 1), (init_trial, 0), (init_trial, 1)]
)
def test_killed_demo_or_init_leaves_no_half_made_file(tmp_path, trial, seed):
    trial(tmp_path, seed)


@pytest.mark.slow
def test_ten_kills_each_during_demo_and_init(tmp_path):
    outcomes = [demo_trial(tmp_path, 100 + s) for s in range(10)] + [
        init_trial(tmp_path, 200 + s) for s in range(10)
    ]
    print(
        f"20 SIGKILL during demo/init: {outcomes.count('absent')} absent, {outcomes.count('complete')} complete, 0 half-made"
    )

"""The installer's smoke test: ``achats-durables selftest`` passes on this installation."""

from __future__ import annotations

import os
import subprocess
import sys


def test_selftest_passes():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "app", "selftest"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and all(line.startswith("OK") for line in lines)
    assert "defusedxml=True" in result.stdout and "qtbase_fr=True" in result.stdout

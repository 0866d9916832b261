"""Rotating log file in the user's log folder; bugs go there with their traceback."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.paths import user_log_dir

_configured: Path | None = None


def log_file() -> Path:
    return user_log_dir() / "achats-durables.log"


def setup_logging(level: int = logging.INFO) -> Path:
    global _configured
    if _configured is not None:
        return _configured
    path = log_file()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    _configured = path
    return path

"""Rotating log file in the user's log folder; bugs go there with their traceback.

When the log folder or file cannot be written, the log goes to a temporary folder (with a French
warning on stderr), and if even that fails the application runs without a log file.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.errors import UserError
from app.paths import fallback_dir, user_log_dir, warn

LOG_NAME = "achats-durables.log"
_configured: Path | None = None


def log_file() -> Path:
    return user_log_dir() / LOG_NAME


def _handler(path: Path) -> logging.Handler:
    return logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")


def _open_handler() -> tuple[logging.Handler, Path] | None:
    try:
        path = log_file()
        return _handler(path), path
    except (OSError, UserError) as exc:
        first_error = exc
    fallback = fallback_dir("log") / LOG_NAME
    try:
        fallback.parent.mkdir(parents=True, exist_ok=True)
        handler = _handler(fallback)
    except OSError as exc:
        warn(
            f"le journal de l'application ne peut pas être écrit ({first_error} ; {exc}) : il est désactivé."
        )
        return None
    if not isinstance(first_error, UserError):  # a UserError here already warned about the folder
        warn(
            f"le journal de l'application ne peut pas être écrit ({first_error}) ; "
            f"il est écrit dans le dossier temporaire « {fallback.parent} »."
        )
    return handler, fallback


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Attach the log file to the root logger; return its path (None when no file could be opened)."""
    global _configured
    if _configured is not None:
        return _configured
    opened = _open_handler()
    root = logging.getLogger()
    root.setLevel(level)
    if opened is None:
        return None
    handler, path = opened
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    _configured = path
    return path

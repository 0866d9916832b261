"""Where things live: shipped resources, and the user's data, log and backup folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "AchatsDurables"


def resources_dir() -> Path:
    """The ``resources/`` folder, in a source checkout or inside a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def _user_dir(kind: str) -> Path:
    override = os.environ.get("ACHATS_DURABLES_HOME")
    if override:
        path = Path(override) / kind
    else:
        import platformdirs

        getter = {
            "data": platformdirs.user_data_dir,
            "log": platformdirs.user_log_dir,
            "config": platformdirs.user_config_dir,
        }[kind]
        path = Path(getter(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir() -> Path:
    return _user_dir("data")


def user_log_dir() -> Path:
    return _user_dir("log")


def user_config_dir() -> Path:
    return _user_dir("config")


def backups_dir() -> Path:
    """Backups go to a local folder of this PC, never beside a shared file only."""
    path = user_data_dir() / "sauvegardes"
    path.mkdir(parents=True, exist_ok=True)
    return path


def documents_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_documents_dir())


def demo_database() -> Path:
    """The committed demo file (source checkout) or its copy in the bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(__file__).resolve().parent.parent
    return base / "sample_db" / "demo.sqlite"

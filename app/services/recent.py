"""The last database file used on this PC (shared by the CLI and the GUI)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from app.paths import user_config_dir

MAX_RECENT = 8


def _store() -> Path:
    return user_config_dir() / "recent.json"


def recent_databases() -> list[Path]:
    try:
        data = json.loads(_store().read_text(encoding="utf-8"))
        return [Path(p) for p in data.get("recent", []) if isinstance(p, str)]
    except (OSError, ValueError):
        return []


def last_database() -> Path | None:
    for path in recent_databases():
        if path.exists():
            return path
    return None


def _save(items: list[Path]) -> None:
    # Remembering is a convenience, never a reason to fail.
    with contextlib.suppress(OSError):
        _store().write_text(
            json.dumps({"recent": [str(p) for p in items[:MAX_RECENT]]}, ensure_ascii=False), "utf-8"
        )


def remember_database(path: Path) -> None:
    path = Path(path).resolve()
    _save([path, *(p for p in recent_databases() if p != path)])


def forget_database(path: Path) -> None:
    path = Path(path).resolve()
    _save([p for p in recent_databases() if p != path])

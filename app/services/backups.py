"""Restoring a damaged file from the window: the newest sound backup of this file on this PC, and
the restore itself (the storage's restore: the damaged file is set aside, never deleted)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app import errors


@dataclass(frozen=True)
class Restored:
    file: Path
    source: Path
    damaged_set_aside: Path | None


def latest_sound_backup(path: Path | str) -> Path | None:
    """The newest backup of ``path`` on this PC that is itself sound (None if there is none)."""
    from app.storage.restore import latest_backup

    return latest_backup(Path(path))


def restore_latest_backup(path: Path | str) -> Restored:
    """Replace ``path`` by its newest sound backup; a damaged ``path`` is set aside first."""
    from app.storage.restore import restore_backup

    target = Path(path)
    source = latest_sound_backup(target)
    if source is None:
        raise errors.UserError(f"Aucune sauvegarde utilisable de « {target.name} » sur ce poste.")
    damaged = restore_backup(source, target)
    return Restored(target, source, damaged)

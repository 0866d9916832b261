"""Restoring a database file from one of its backups: the newest sound backup, and the restore itself
(the backup checked first, the current file backed up or, if damaged, set aside)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app import errors
from app.paths import backups_dir
from app.storage.backup import PAGES_PER_STEP, backup_file, list_backups, read_only_uri, set_aside_damaged
from app.storage.database import inspect_file
from app.storage.in_use import refuse_if_in_use


def latest_backup(path: Path | str, to_dir: Path | None = None) -> Path | None:
    """The newest backup of this database on this PC that is itself sound."""
    for candidate in reversed(list_backups(to_dir or backups_dir(), path)):
        try:
            inspect_file(candidate)
        except errors.UserError:
            continue
        return candidate
    return None


def restore_backup(backup_path: Path, target_path: Path) -> Path | None:
    """Replace the content of ``target_path`` by a backup, through the backup API (same locking
    as any writer). The backup is checked first; a sound current file is backed up, a damaged one
    is set aside (its new path is returned)."""
    target_path = Path(target_path)
    inspect_file(Path(backup_path))
    damaged = None
    if target_path.exists():
        try:
            inspect_file(target_path)
        except (errors.DatabaseCorrupt, errors.NotADatabase):
            damaged = set_aside_damaged(target_path)
        else:  # no backup, no restore: a failure here leaves the file as it was
            refuse_if_in_use(target_path, "restaurer")  # a window still open would write over it
            backup_file(target_path, reason="avant-restauration")
    source = sqlite3.connect(read_only_uri(Path(backup_path)), uri=True)
    try:
        target = sqlite3.connect(target_path)
        try:
            target.execute("PRAGMA busy_timeout=10000")
            source.backup(target, pages=PAGES_PER_STEP)
        finally:
            target.close()
    except sqlite3.Error as exc:
        outcome = (
            f"le fichier endommagé a été mis de côté : {damaged}"
            if damaged
            else "le fichier n'a pas été modifié"
        )
        raise errors.DatabaseUnavailable(f"La restauration a échoué ({exc}) ; {outcome}.") from exc
    finally:
        source.close()
    return damaged

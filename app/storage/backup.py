"""Consistent backups through SQLite's backup API (never a plain file copy of a live database).

A backup is written to ``<name>.tmp``, synced, then renamed, so a backup interrupted by a crash is
never listed. The last ``KEEP`` backups of each database are kept.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

from app import errors
from app.paths import backups_dir
from app.storage.database import Database, inspect_file

KEEP = 10
PAGES_PER_STEP = 128


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source.backup(target, pages=PAGES_PER_STEP)
    finally:
        target.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_file(source_path: Path, to_dir: Path | None = None, *, reason: str = "", keep: int = KEEP) -> Path:
    """Back up the database at ``source_path`` into ``to_dir`` (default: this PC's backup folder)."""
    source_path = Path(source_path)
    to_dir = Path(to_dir) if to_dir else backups_dir()
    try:
        to_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.DatabaseUnavailable(
            f"Impossible de créer le dossier de sauvegarde « {to_dir} » ({exc})."
        ) from exc
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = f"-{reason}" if reason else ""
    final = to_dir / f"{source_path.stem}-{stamp}{suffix}.sqlite"
    tmp = final.with_suffix(".sqlite.tmp")
    uri = source_path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"
    try:
        source = sqlite3.connect(uri, uri=True)
        try:
            source.execute("PRAGMA busy_timeout=10000")
            _copy(source, tmp)
        finally:
            source.close()
        _fsync(tmp)
        os.replace(tmp, final)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise errors.DatabaseUnavailable(
            f"La sauvegarde de « {source_path.name} » a échoué ({exc})."
        ) from exc
    rotate(to_dir, source_path.stem, keep=keep)
    return final


def backup_database(db: Database, to_dir: Path | None = None, *, reason: str = "") -> Path:
    if db.path is None:
        raise errors.UserError("La sauvegarde n'est possible que pour un fichier de base de données.")
    return backup_file(db.path, to_dir, reason=reason)


def list_backups(to_dir: Path, stem: str) -> list[Path]:
    pattern = re.compile(rf"^{re.escape(stem)}-\d{{8}}-\d{{6}}-\d{{6}}(-[\w-]+)?\.sqlite$")
    return sorted(p for p in to_dir.iterdir() if pattern.match(p.name))


def rotate(to_dir: Path, stem: str, *, keep: int = KEEP) -> None:
    for old in list_backups(to_dir, stem)[:-keep]:
        old.unlink(missing_ok=True)


def restore_backup(backup_path: Path, target_path: Path) -> None:
    """Replace the content of ``target_path`` by a backup, through the backup API (same locking
    as any writer); the backup is checked first."""
    inspect_file(Path(backup_path))
    uri = Path(backup_path).resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"
    source = sqlite3.connect(uri, uri=True)
    try:
        target = sqlite3.connect(target_path)
        try:
            target.execute("PRAGMA busy_timeout=10000")
            source.backup(target, pages=PAGES_PER_STEP)
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise errors.DatabaseUnavailable(
            f"La restauration a échoué ({exc}) ; le fichier n'a pas été modifié."
        ) from exc
    finally:
        source.close()

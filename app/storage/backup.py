"""Consistent backups through SQLite's backup API (never a plain file copy of a live database).

A backup is written to ``<name>.tmp``, synced, then renamed, so a backup interrupted by a crash is
never listed.

Backups are named and rotated per *database*, not per file name: two towns' ``achats.sqlite`` share
one backup folder on a PC and must never delete each other's backups. A database's identity is a
hash of its resolved absolute path and of the id of its first organisation (the file's creation
content): the schema has no file UUID yet and this session may not change it (``user_version`` is
left free for the schema's compatibility level). A file that moves, or whose first organisation is
deleted, gets a new identity: its older backups are then kept, never rotated away, which errs on
the safe side. Each (database, reason) keeps its last ``KEEP`` backups, so ten ordinary backups at
opening never push out the backup taken before a migration, a restore or an import.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import errors
from app.paths import backups_dir
from app.storage.database import Database, inspect_file

KEEP = 10
PAGES_PER_STEP = 128
INDEX_NAME = "index.json"  # identity → state of the file at its last backup (skip unchanged files)
BACKUP_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<identity>[0-9a-f]{12})-(?P<stamp>\d{8}-\d{6}-\d{6})(?:-(?P<reason>[\w-]+))?\.sqlite$"
)


@dataclass(frozen=True)
class BackupName:
    path: Path
    stem: str
    identity: str
    taken_at: dt.datetime
    reason: str


def parse_backup_name(path: Path) -> BackupName | None:
    match = BACKUP_NAME.match(path.name)
    if match is None:
        return None
    taken_at = dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S-%f")
    return BackupName(path, match["stem"], match["identity"], taken_at, match["reason"] or "")


def _ro_uri(path: Path) -> str:
    return path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"


def _creation_marker(path: Path) -> str:
    """The id of the file's first organisation ("" when it has none, or no schema yet)."""
    try:
        con = sqlite3.connect(_ro_uri(path), uri=True, timeout=10)
    except sqlite3.Error:
        return ""
    try:
        row = con.execute("SELECT id FROM organisation ORDER BY created_at, id LIMIT 1").fetchone()
    except sqlite3.Error:
        return ""
    finally:
        con.close()
    if row is None:
        return ""
    return row[0].hex() if isinstance(row[0], bytes) else str(row[0])


def database_identity(path: Path | str) -> str:
    """Twelve hex digits that tell this database from any other on this PC (see module docstring)."""
    resolved = str(Path(path).resolve())
    if os.name == "nt":  # C:\\Achats and c:\\achats are the same file
        resolved = resolved.lower()
    return hashlib.sha256(f"{resolved}\0{_creation_marker(Path(path))}".encode()).hexdigest()[:12]


def _file_state(path: Path) -> list[int]:
    """Changes whenever a transaction commits: SQLite's file change counter (header offset 24, bumped
    by every commit in rollback-journal mode), the size and the modification time."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    info = path.stat()
    return [int.from_bytes(head[24:28], "big"), info.st_size, info.st_mtime_ns]


def _read_index(folder: Path) -> dict:
    try:
        data = json.loads((folder / INDEX_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _record(folder: Path, identity: str, state: list[int], backup: Path) -> None:
    """Remember the state of the file at this backup (written aside then renamed; losing a race with
    another process only costs one redundant backup later)."""
    index = _read_index(folder)
    index[identity] = {"state": state, "backup": backup.name}
    tmp = folder / f"{INDEX_NAME}.{os.getpid()}.tmp"
    with contextlib.suppress(OSError):
        tmp.write_text(json.dumps(index, indent=1), encoding="utf-8")
        os.replace(tmp, folder / INDEX_NAME)


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source.backup(target, pages=PAGES_PER_STEP)
    finally:
        target.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows flushes only handles with write access
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _backup_folder(to_dir: Path | None) -> Path:
    folder = Path(to_dir) if to_dir else backups_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.DatabaseUnavailable(
            f"Impossible de créer le dossier de sauvegarde « {folder} » ({exc})."
        ) from exc
    return folder


def backup_file(source_path: Path, to_dir: Path | None = None, *, reason: str = "", keep: int = KEEP) -> Path:
    """Back up the database at ``source_path`` into ``to_dir`` (default: this PC's backup folder)."""
    source_path = Path(source_path)
    local = to_dir is None  # only this PC's backup folder keeps the index of file states
    to_dir = _backup_folder(to_dir)
    identity = database_identity(source_path)
    state = _file_state(source_path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = f"-{reason}" if reason else ""
    final = to_dir / f"{source_path.stem}-{identity}-{stamp}{suffix}.sqlite"
    tmp = final.with_suffix(".sqlite.tmp")
    try:
        source = sqlite3.connect(_ro_uri(source_path), uri=True)
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
    if local:
        _record(to_dir, identity, state, final)
    rotate(to_dir, identity, reason, keep=keep)
    return final


def backup_database(db: Database, to_dir: Path | None = None, *, reason: str = "") -> Path:
    if db.path is None:
        raise errors.UserError("La sauvegarde n'est possible que pour un fichier de base de données.")
    return backup_file(db.path, to_dir, reason=reason)


def backup_before(db: Database, action: str) -> Path | None:
    """The backup taken before ``action`` ("import", "fusion", "restauration"...) on this PC; none for
    a server database (its administrator backs it up)."""
    if db.path is None:
        return None
    return backup_file(db.path, reason=f"avant-{action}")


def backup_at_open(path: Path) -> Path | None:
    """Back up ``path`` at opening unless it has not changed since its last backup on this PC."""
    folder = _backup_folder(None)
    identity = database_identity(path)
    entry = _read_index(folder).get(identity)
    if (
        isinstance(entry, dict)
        and entry.get("state") == _file_state(path)
        and (folder / str(entry.get("backup"))).exists()
    ):
        return None
    return backup_file(path, reason="ouverture")


def list_backups(to_dir: Path, source: Path | str) -> list[Path]:
    """Backups of the database at ``source`` in ``to_dir``, oldest first."""
    identity = database_identity(source)
    if not Path(to_dir).is_dir():
        return []
    named = (parse_backup_name(p) for p in Path(to_dir).iterdir())
    return sorted(
        (n.path for n in named if n is not None and n.identity == identity),
        key=lambda p: (parse_backup_name(p).taken_at, p.name),
    )


def rotate(to_dir: Path, identity: str, reason: str, *, keep: int = KEEP) -> None:
    """Keep the last ``keep`` backups of one database taken for one reason; touch nothing else."""
    named = [n for n in map(parse_backup_name, to_dir.iterdir()) if n is not None]
    mine = sorted(
        (n for n in named if n.identity == identity and n.reason == reason), key=lambda n: n.taken_at
    )
    for old in mine[:-keep]:
        old.path.unlink(missing_ok=True)


def _keep_current_file(target_path: Path) -> None:
    """Before a restore replaces it, the current file is backed up; a file too damaged for the
    backup API is copied as it is (with its journal), since nothing else can save it."""
    if not target_path.exists():
        return
    try:
        backup_file(target_path, reason="avant-restauration")
    except errors.UserError:
        folder = _backup_folder(None)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        raw = folder / f"{target_path.stem}-{stamp}-avant-restauration-brut.sqlite"
        try:
            shutil.copy2(target_path, raw)
            journal = Path(f"{target_path}-journal")
            if journal.exists():
                shutil.copy2(journal, Path(f"{raw}-journal"))
        except OSError as exc:
            raise errors.DatabaseUnavailable(
                f"Impossible de mettre de côté le fichier actuel avant la restauration ({exc}) ; "
                "rien n'a été modifié."
            ) from exc


def restore_backup(backup_path: Path, target_path: Path) -> None:
    """Replace the content of ``target_path`` by a backup, through the backup API (same locking
    as any writer); the backup is checked first, and the current file is backed up."""
    target_path = Path(target_path)
    inspect_file(Path(backup_path))
    _keep_current_file(target_path)
    source = sqlite3.connect(_ro_uri(Path(backup_path)), uri=True)
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

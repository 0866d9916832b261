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
opening never push out the backup taken before a migration, a restore or an import. The backup
folder's ``index.json`` remembers the identity last seen at each path, so a file too damaged to be
read still finds its own backups to be restored from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import errors
from app.paths import backups_dir

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


def read_only_uri(path: Path) -> str:
    return path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"


def _creation_marker(path: Path) -> str | None:
    """The id of the file's first organisation ("" when it has none or no schema yet; None when the
    file cannot be read, e.g. damaged)."""
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True, timeout=10)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT id FROM organisation ORDER BY created_at, id LIMIT 1").fetchone()
    except sqlite3.OperationalError as exc:
        return "" if "no such table" in str(exc) else None
    except (sqlite3.Error, ValueError):
        return None
    finally:
        con.close()
    if row is None:
        return ""
    return row[0].hex() if isinstance(row[0], bytes) else str(row[0])


def _resolved(path: Path | str) -> str:
    resolved = str(Path(path).resolve())
    return resolved.lower() if os.name == "nt" else resolved  # C:\Achats and c:\achats are one file


def database_identity(path: Path | str) -> str:
    """Twelve hex digits that tell this database from any other on this PC (see module docstring).

    A file that cannot be read (damaged) keeps the identity last recorded for its path on this PC,
    so that its backups can still be found to restore it."""
    marker = _creation_marker(Path(path))
    if marker is None:
        known = _read_index(backups_dir()).get("paths", {}).get(_resolved(path))
        if isinstance(known, str):
            return known
        marker = ""
    return hashlib.sha256(f"{_resolved(path)}\0{marker}".encode()).hexdigest()[:12]


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


def _record(folder: Path, source: Path, identity: str, state: list[int], backup: Path) -> None:
    """Remember the state of the file at this backup, and its identity by path (written aside then
    renamed; losing a race with another process only costs one redundant backup later)."""
    index = _read_index(folder)
    index[identity] = {"state": state, "backup": backup.name}
    paths = index.get("paths") if isinstance(index.get("paths"), dict) else {}
    paths[_resolved(source)] = identity
    index["paths"] = paths
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
        source = sqlite3.connect(read_only_uri(source_path), uri=True)
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
        _record(to_dir, source_path, identity, state, final)
    rotate(to_dir, identity, reason, keep=keep)
    return final


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


def set_aside_damaged(path: Path) -> Path:
    """Rename a damaged file (and its journal) to ``<name>.endommage-<horodatage>.sqlite``: never
    deleted, in case someone can still recover something from it."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.endommage-{stamp}{path.suffix}")
    try:
        os.replace(path, aside)
        journal = Path(f"{path}-journal")
        if journal.exists():
            os.replace(journal, Path(f"{aside}-journal"))
    except OSError as exc:
        raise errors.DatabaseUnavailable(
            f"Le fichier endommagé « {path.name} » n'a pas pu être mis de côté ({exc.strerror or exc}) ; "
            "rien n'a été modifié."
        ) from exc
    return aside

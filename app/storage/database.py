"""Creating and opening a database file, with every check done before anything is written.

Order at open (RELIABILITY.md §5): folder and file reachable → SQLite header and our
``application_id`` read from the raw bytes (a foreign file is never opened by SQLite for writing)
→ ``quick_check`` on a read-only connection → schema gate (newer: refused; older: backup, then
upgrade in one transaction) → PRAGMAs on every connection.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import errors
from app.storage import migrate
from app.storage.engine import make_engine

log = logging.getLogger(__name__)

# Stored at offset 68 of the SQLite header: marks a file as ours ("ACHD").
APPLICATION_ID = 0x41434844
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_RETRIES = 3


@dataclass(frozen=True)
class HeaderInfo:
    application_id: int
    page_size: int


def read_header(path: Path) -> HeaderInfo:
    """Read the SQLite header without SQLite: nothing can be written to a foreign file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except PermissionError as exc:
        raise errors.DatabaseUnavailable(
            f"Le fichier « {path} » ne peut pas être lu : vous n'avez pas les droits d'accès."
        ) from exc
    except OSError as exc:
        raise errors.DatabaseUnavailable(
            f"Le fichier « {path} » ne peut pas être lu ({exc.strerror})."
        ) from exc
    if len(head) == 0:
        raise errors.NotADatabase(
            f"Le fichier « {path.name} » est vide : ce n'est pas une base Achats Durables."
        )
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise errors.NotADatabase(
            f"Le fichier « {path.name} » n'est pas une base Achats Durables "
            "(ce n'est pas une base de données SQLite). Choisissez un fichier créé par l'application."
        )
    page_size = int.from_bytes(head[16:18], "big")
    application_id = int.from_bytes(head[68:72], "big")
    return HeaderInfo(application_id=application_id, page_size=page_size)


def _check_folder(path: Path) -> None:
    folder = path.parent
    if not folder.exists():
        raise errors.DatabaseUnavailable(
            f"Le dossier « {folder} » n'existe pas ou n'est plus accessible "
            "(partage réseau débranché, clé USB retirée ?)."
        )


def _check_existing_file(path: Path) -> None:
    _check_folder(path)
    if not path.exists():
        raise errors.DatabaseUnavailable(
            f"Le fichier « {path} » n'existe pas. Vérifiez son nom et son dossier."
        )
    if path.is_dir():
        raise errors.NotADatabase(f"« {path} » est un dossier, pas un fichier de base de données.")


def _check_writable(path: Path) -> None:
    # The mode bits are checked too: an administrator account passes os.access on a file the user
    # marked read-only (and on Windows the read-only attribute shows there).
    if not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR:
        raise errors.DatabaseUnavailable(
            f"Le fichier « {path.name} » est en lecture seule : l'application ne peut pas y enregistrer "
            "vos modifications. Retirez la protection en écriture (propriétés du fichier) ou copiez-le "
            "dans un dossier où vous pouvez écrire."
        )
    if not os.access(path.parent, os.W_OK):
        raise errors.DatabaseUnavailable(
            f"Le dossier « {path.parent} » est en lecture seule : SQLite doit pouvoir y créer son journal "
            "pendant chaque enregistrement."
        )


def _sqlite_ro(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def _recover_hot_journal(path: Path) -> None:
    """A writer killed mid-transaction leaves a hot ``-journal``: SQLite rolls it back on the next read,
    which a read-only connection cannot do. For a file already known to be ours, read once read-write so
    SQLite restores the last committed state (if another workstation is writing right now, the journal
    is not hot and this is a plain read)."""
    journal = Path(f"{path}-journal")
    if not journal.exists() or journal.stat().st_size == 0 or not os.access(path, os.W_OK):
        return
    try:
        con = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            con.execute("PRAGMA trusted_schema=OFF")
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
        log.warning("rolled back an interrupted transaction in %s", path)
    except sqlite3.Error as exc:
        log.warning("could not roll back the hot journal of %s: %s", path, exc)


def _corrupt(path: Path, detail: str) -> errors.DatabaseCorrupt:
    return errors.DatabaseCorrupt(
        f"Le fichier « {path.name} » est endommagé. Restaurez la dernière sauvegarde "
        "(menu Fichier › Restaurer une sauvegarde) ou demandez de l'aide.",
        details=detail,
    )


def inspect_file(path: Path) -> str | None:
    """Check an existing file is a healthy database of ours; return its schema revision.

    Opens SQLite read-only; raises a ``UserError`` subclass for anything else.
    """
    _check_existing_file(path)
    header = read_header(path)
    if header.application_id != APPLICATION_ID:
        raise errors.NotADatabase(
            f"Le fichier « {path.name} » est une base de données d'un autre programme, "
            "pas une base Achats Durables. Il n'a pas été modifié."
        )
    _recover_hot_journal(path)
    try:
        con = _sqlite_ro(path)
    except sqlite3.Error as exc:
        raise errors.DatabaseUnavailable(f"Le fichier « {path} » ne peut pas être ouvert ({exc}).") from exc
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        result = con.execute("PRAGMA quick_check").fetchall()
        if [r[0] for r in result] != ["ok"]:
            raise _corrupt(path, "; ".join(str(r[0]) for r in result[:10]))
        try:
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.OperationalError:
            rows = []
    except (sqlite3.DatabaseError, ValueError) as exc:  # ValueError: undecodable text in a damaged page
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise errors.DatabaseBusy(
                f"Le fichier « {path.name} » est en cours d'écriture sur un autre poste. Réessayez dans un instant."
            ) from exc
        raise _corrupt(path, str(exc)) from exc
    finally:
        con.close()
    return rows[0][0] if rows else None


class Database:
    """An open database: the engine, its location, and units of work on it."""

    def __init__(self, engine: Engine, location: str, path: Path | None = None) -> None:
        self.engine = engine
        self.location = location
        self.path = path
        self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._read_engine = engine.execution_options(sqlite_begin="DEFERRED")

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work: one short transaction, committed on success, rolled back on error.

        Write units start with ``BEGIN IMMEDIATE`` so the lock is taken up front; a lock still held
        by another workstation after the busy timeout becomes ``DatabaseBusy``.
        """
        bind = self._write_engine if write else self._read_engine
        session = Session(bind=bind, expire_on_commit=False)
        try:
            yield session
            if write:
                session.commit()
        except OperationalError as exc:
            session.rollback()
            raise translate_operational_error(exc, self.location) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def dispose(self) -> None:
        self.engine.dispose()


def translate_operational_error(exc: OperationalError, location: str) -> errors.UserError | OperationalError:
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in message or "busy" in message:
        return errors.DatabaseBusy(
            "Un autre poste enregistre dans ce fichier depuis plus de 10 secondes. "
            "Votre modification n'a pas été enregistrée : réessayez dans un instant."
        )
    if "readonly" in message or "read-only" in message:
        return errors.DatabaseUnavailable(f"Le fichier « {location} » est en lecture seule.")
    if "disk" in message and ("full" in message or "I/O" in message):
        return errors.DatabaseUnavailable(
            "Le disque est plein ou le partage réseau ne répond plus : l'enregistrement a été annulé, "
            "la base n'a pas été modifiée."
        )
    if "unable to open" in message:
        return errors.DatabaseUnavailable(f"Le fichier « {location} » n'est plus accessible.")
    return exc


def _set_application_id(path: Path) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute(f"PRAGMA application_id={APPLICATION_ID}")
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def create_database(path: Path | str, *, overwrite: bool = False) -> Database:
    """Create a new, empty database file at the current schema."""
    path = Path(path)
    _check_folder(path)
    if path.exists():
        if not overwrite:
            raise errors.UserError(f"Le fichier « {path} » existe déjà : choisissez un autre nom.")
        path.unlink()
    try:
        _set_application_id(path)
    except sqlite3.Error as exc:
        raise errors.DatabaseUnavailable(f"Impossible de créer « {path} » ({exc}).") from exc
    engine = make_engine(path)
    try:
        _upgrade(engine, path)
    except Exception:
        engine.dispose()
        path.unlink(missing_ok=True)
        raise
    return Database(engine, str(path), path)


def open_database(target: Path | str, *, upgrade: bool = True) -> Database:
    """Open an existing database file (checks first, never modifying a file that is not ours),
    migrating it after a backup when it comes from an older version."""
    if isinstance(target, str) and "://" in target:
        return Database(make_engine(target), target)
    path = Path(target)
    revision = inspect_file(path)
    known = migrate.known_revisions()
    if revision is not None and revision not in known:
        raise errors.DatabaseTooNew(
            f"Le fichier « {path.name} » a été enregistré par une version plus récente d'Achats Durables "
            f"(schéma {revision}). Installez la dernière version de l'application pour l'ouvrir ; "
            "le fichier n'a pas été modifié."
        )
    _check_writable(path)
    engine = make_engine(path)
    db = Database(engine, str(path), path)
    if revision != migrate.HEAD:
        if not upgrade:
            raise errors.UserError(f"Le fichier « {path.name} » doit être mis à jour avant d'être utilisé.")
        from app.storage.backup import backup_database

        if revision is not None:
            backup_database(db, reason="avant-mise-a-jour")
        log.info("upgrading %s from %s to %s", path, revision, migrate.HEAD)
        _upgrade(engine, path)
    return db


def _upgrade(engine, path: Path) -> None:  # noqa: ANN001
    """Run the pending migrations in ONE transaction with foreign keys off: batch mode rebuilds a
    table by dropping it, and with foreign keys on that DROP would run the ON DELETE actions
    (cascading away every lot, assessment and checklist of the contracts). The pragma only changes
    outside a transaction, hence on the driver connection before our BEGIN."""
    with engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                migrate.upgrade(conn)
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise _corrupt(path, f"foreign_key_check: {problems[:5]}")
        finally:
            driver.execute("PRAGMA foreign_keys=ON")

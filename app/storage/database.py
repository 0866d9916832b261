"""Creating and opening a database file, with every check done before anything is written.

Order at open (RELIABILITY.md §5): folder and file reachable → SQLite header and our
``application_id`` read from the raw bytes (a foreign file is never opened by SQLite for writing)
→ ``quick_check`` on a read-only connection → schema gate (newer: refused; older: backup, then
upgrade in one transaction) → PRAGMAs on every connection.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app import errors
from app.storage import engine as engine_module
from app.storage import journal as journal_module
from app.storage import migrate, server
from app.storage.backup import backup_at_open, backup_file
from app.storage.engine import make_engine
from app.storage.in_use import refuse_if_in_use

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


def can_write(path: Path) -> bool:
    """Whether this user can save into ``path``: SQLite must write the file and create its journal
    beside it. The mode bits are checked too: an administrator account passes ``os.access`` on a file
    the user marked read-only (and on Windows the read-only attribute shows there)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IWUSR) and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only_message(name: str) -> str:
    return (
        f"Le fichier « {name} » est ouvert en lecture seule : vous n'avez pas le droit d'y écrire "
        "(le fichier ou son dossier est protégé en écriture). Votre modification n'a pas été enregistrée. "
        "Vous pouvez consulter, vérifier, exporter et imprimer ; pour modifier, retirez la protection en "
        "écriture (propriétés du fichier) ou demandez ce droit à la personne qui gère le dossier partagé."
    )


def _interrupted_write(path: Path) -> errors.InterruptedWrite:
    return errors.InterruptedWrite(
        f"Un autre ordinateur a été interrompu pendant qu'il enregistrait dans « {path.name} » (coupure, "
        "plantage ou arrêt forcé). Vos données sont intactes, mais cet enregistrement inachevé doit être "
        "annulé avant que le fichier puisse être lu, et vous n'avez pas le droit d'écrire dans ce fichier. "
        "La prochaine ouverture par une personne qui a le droit d'y écrire le répare automatiquement : "
        "demandez-lui d'ouvrir le fichier, puis réessayez. N'utilisez pas de sauvegarde : vous perdriez "
        "les modifications faites depuis.",
        details=f"journal laissé par l'enregistrement interrompu : {path}-journal",
    )


def _sqlite_ro(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def _set_aside_foreign_journal(path: Path, journal: Path) -> str | None:
    """Before SQLite sees it: a hot journal that is another database's (``app.storage.journal``) is
    renamed aside, never applied nor deleted; returns the French notice for the user. Undecidable
    journals are left to SQLite as before."""
    if not journal_module.is_hot_candidate(journal):
        return None
    verdict = journal_module.journal_belongs(path, journal, APPLICATION_ID)
    if verdict.belongs is not False:
        return None
    # A live writer on another workstation could have committed and begun a new transaction between
    # the two reads (journal, then file): only a verdict that holds on a second look, with the
    # journal unchanged in between, moves anything.
    before = journal_module.fingerprint(journal)
    time.sleep(0.05)
    again = journal_module.journal_belongs(path, journal, APPLICATION_ID)
    if again.belongs is not False or journal_module.fingerprint(journal) != before:
        return None
    try:
        moved = journal_module.set_aside(journal)
    except OSError as exc:
        raise errors.DatabaseUnavailable(
            f"Un fichier journal qui n'appartient pas à « {path.name} » se trouve à côté de lui et n'a pas "
            f"pu être mis de côté ({exc.strerror}) ; le fichier n'a pas été ouvert pour ne pas l'abîmer. "
            f"Déplacez « {journal.name} » dans un autre dossier, puis réessayez."
        ) from exc
    log.warning("set aside a journal that is not %s's (%s): %s", path, verdict.reason, moved)
    return journal_module.foreign_journal_message(path.name, moved)


def _recover_hot_journal(path: Path, notices: list[str] | None = None) -> None:
    """A writer killed mid-transaction leaves a hot ``-journal``: SQLite rolls it back on the next read,
    which a read-only connection cannot do. For a file already known to be ours, read once read-write so
    SQLite restores the last committed state (if another workstation is writing right now, the journal
    is not hot and this is a plain read). Another database's journal is first set aside (only by a user
    who may write here: a read-only user gets the « interrupted » message and renames nothing)."""
    journal = Path(f"{path}-journal")
    if not journal.exists() or journal.stat().st_size == 0 or not can_write(path):
        return
    notice = _set_aside_foreign_journal(path, journal)
    if notice is not None:
        if notices is not None:
            notices.append(notice)
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


def corrupt_error(path: Path, detail: str) -> errors.DatabaseCorrupt:
    """The error for a damaged file, telling the user how to restore it (also raised by the integrity check)."""
    return errors.DatabaseCorrupt(
        f"Le fichier « {path.name} » est endommagé. Restaurez la dernière sauvegarde faite sur ce poste "
        "(commande « achats-durables restore --db FICHIER » : le fichier endommagé est gardé de côté) "
        "ou demandez de l'aide.",
        details=detail,
    )


def inspect_file(path: Path, notices: list[str] | None = None) -> str | None:
    """Check an existing file is a healthy database of ours; return its schema revision.

    Opens SQLite read-only; raises a ``UserError`` subclass for anything else. What the user must
    be told although the file opens (a foreign journal set aside) is appended to ``notices``.
    """
    _check_existing_file(path)
    header = read_header(path)
    if header.application_id != APPLICATION_ID:
        raise errors.NotADatabase(
            f"Le fichier « {path.name} » est une base de données d'un autre programme, "
            "pas une base Achats Durables. Il n'a pas été modifié."
        )
    _recover_hot_journal(path, notices)
    try:
        con = _sqlite_ro(path)
    except sqlite3.Error as exc:
        raise errors.DatabaseUnavailable(f"Le fichier « {path} » ne peut pas être ouvert ({exc}).") from exc
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        result = con.execute("PRAGMA quick_check").fetchall()
        if [r[0] for r in result] != ["ok"]:
            raise corrupt_error(path, "; ".join(str(r[0]) for r in result[:10]))
        try:
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.OperationalError:
            rows = []
    except (sqlite3.DatabaseError, ValueError) as exc:  # ValueError: undecodable text in a damaged page
        if _is_unrecoverable_journal(path, exc):
            raise _interrupted_write(path) from exc
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise errors.DatabaseBusy(
                f"Le fichier « {path.name} » est en cours d'écriture sur un autre poste. Réessayez dans un instant."
            ) from exc
        raise corrupt_error(path, str(exc)) from exc
    finally:
        con.close()
    return rows[0][0] if rows else None


SQLITE_READONLY_ROLLBACK = 776


class StaleEdit(errors.ConcurrentEdit, StaleDataError):
    """A save on a row whose version moved meanwhile: a ``ConcurrentEdit`` with a French message for
    the user, still a ``StaleDataError`` for code that catches SQLAlchemy's own exception."""


def _is_unrecoverable_journal(path: Path, exc: Exception) -> bool:
    """SQLite found a hot journal it must roll back, and this read-only connection cannot."""
    if getattr(exc, "sqlite_errorcode", None) == SQLITE_READONLY_ROLLBACK:
        return True
    journal = Path(f"{path}-journal")
    return "readonly" in str(exc) and journal.exists() and journal.stat().st_size > 0


class Database:
    """An open database: the engine, its location, and units of work on it."""

    def __init__(
        self,
        engine: Engine,
        location: str,
        path: Path | None = None,
        *,
        read_only: bool = False,
        read_only_message: str | None = None,
        url: str | None = None,
    ) -> None:
        self.engine = engine
        # A PostgreSQL server (``path`` is None): the file checks, backups and location do not apply.
        self.url = url
        self.location = location
        self.path = path
        # Opened with SQLite's ``mode=ro``: reading works; any write fails with ``DatabaseReadOnly``,
        # whose message says why (no write permission by default).
        self.read_only = read_only
        self.read_only_message = read_only_message
        # What the user must be told although the file opened (a foreign journal set aside), in French.
        self.open_notices: list[str] = []
        self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._read_engine = engine.execution_options(sqlite_begin="DEFERRED")

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work: one short transaction, committed on success, rolled back on error.

        Write units start with ``BEGIN IMMEDIATE`` so the lock is taken up front; a lock still held
        by another workstation after the busy timeout becomes ``DatabaseBusy``. On a read-only file a
        write unit is a plain read transaction: a use case that only reads works, a write is refused.
        """
        bind = self._write_engine if write else self._read_engine
        session = Session(bind=bind, expire_on_commit=False)
        try:
            if write:
                self._take_write_lock(session)
            yield session
            if write:
                session.commit()
        except OperationalError as exc:
            session.rollback()
            translated = translate_operational_error(exc, self.location, url=self.url)
            if isinstance(translated, errors.DatabaseReadOnly) and self.read_only_message:
                translated = errors.DatabaseReadOnly(self.read_only_message)
            raise translated from exc
        except StaleDataError as exc:  # a version counter moved: someone saved this row meanwhile
            session.rollback()
            raise StaleEdit(
                "Cette fiche a été modifiée entre-temps sur un autre poste. Votre modification n'a pas été "
                "enregistrée, pour ne pas effacer la sienne : rechargez la fiche, puis recommencez.",
                details=str(exc),
            ) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def read(self) -> AbstractContextManager[Session]:
        """A read unit of work (``BEGIN DEFERRED``, nothing committed): a use case that only reads
        declares it with ``with db.read() as session``, as calibre's ``read_api`` does."""
        return self.session(write=False)

    def write(self) -> AbstractContextManager[Session]:
        """A write unit of work (``BEGIN IMMEDIATE``, committed on success): ``with db.write() as session``."""
        return self.session(write=True)

    def _take_write_lock(self, session: Session) -> None:
        """``BEGIN IMMEDIATE`` before the unit's body runs. Nothing is done yet, so a lock still busy
        after the timeout can safely be asked for again: SQLite does not serve waiting writers in
        order, and under heavy contention one of them may wait longer than one timeout."""
        for attempt in range(1, BUSY_RETRIES + 1):
            try:
                session.connection()
                return
            except OperationalError as exc:
                if attempt == BUSY_RETRIES or not _is_busy(exc):
                    raise
                session.rollback()
                log.warning("write lock of %s still busy, attempt %d", self.location, attempt)

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def dispose(self) -> None:
        self.engine.dispose()


def _is_busy(exc: OperationalError) -> bool:
    message = str(exc.orig) if exc.orig is not None else str(exc)
    return "locked" in message or "busy" in message


def translate_operational_error(
    exc: OperationalError, location: str, *, url: str | None = None
) -> errors.UserError | OperationalError:
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if url is not None:
        return server.connection_error(exc, url) or exc
    if _is_busy(exc):
        return errors.DatabaseBusy(
            "Un autre poste enregistre dans ce fichier depuis trop longtemps "
            f"(plus de {max(1, engine_module.BUSY_TIMEOUT_MS * BUSY_RETRIES // 1000)} secondes). "
            "Votre modification n'a pas été enregistrée : réessayez dans un instant."
        )
    if getattr(exc.orig, "sqlite_errorcode", None) == SQLITE_READONLY_ROLLBACK:
        # Another PC crashed mid-save while this read-only window was open: not damage, not a refusal.
        return _interrupted_write(Path(location))
    if "readonly" in message or "read-only" in message:
        return errors.DatabaseReadOnly(_read_only_message(Path(location).name))
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
    """Create a new, empty database file at the current schema.

    The file is usable only after the caller's own transactions (an organisation, demo data...):
    to publish a file only once it is complete, build it with ``create_database_with``.
    """
    if server.is_server_url(path):
        url = str(path)
        return Database(server.prepare_server(url, create=True), server.display_url(url), url=url)
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


T = TypeVar("T")
BUILDING_SUFFIX = ".en-creation"
STALE_BUILD_SECONDS = 3600


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    if directory and os.name == "nt":  # Windows cannot open a folder to sync it; NTFS journals renames
        return
    # A file is opened for writing: Windows flushes only handles with write access.
    fd = os.open(path, os.O_RDONLY if directory else os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_builds(path: Path) -> None:
    """Files left by a build killed long ago (a build in progress elsewhere is younger)."""
    for leftover in path.parent.glob(f".{path.name}.*{BUILDING_SUFFIX}*"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > STALE_BUILD_SECONDS:
                leftover.unlink()


def _publish(built: Path, path: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(built, path)
        return
    try:
        os.link(built, path)  # atomic "rename unless the name exists"
    except FileExistsError as exc:
        raise errors.UserError(f"Le fichier « {path} » existe déjà : choisissez un autre nom.") from exc
    except OSError:  # no hard links (FAT USB stick, some shares): check, then rename
        if path.exists():
            raise errors.UserError(f"Le fichier « {path} » existe déjà : choisissez un autre nom.") from None
        os.replace(built, path)
    else:
        built.unlink()


@contextmanager
def building_aside(path: Path | str, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary name in the folder of ``path``; when the block succeeds the finished
    file is synced and renamed to ``path`` in one step. A crash, even ``kill -9``, leaves the old file
    or no file at ``path``, never a half-made one (the temporary file is hidden and cleaned later)."""
    path = Path(path)
    _check_folder(path)
    if path.exists() and not overwrite:
        raise errors.UserError(f"Le fichier « {path} » existe déjà : choisissez un autre nom.")
    _remove_stale_builds(path)
    built = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}{BUILDING_SUFFIX}")
    try:
        yield built
        try:
            _fsync_path(built)
            _publish(built, path, overwrite=overwrite)
        except OSError as exc:
            raise errors.DatabaseUnavailable(
                f"Le fichier « {path} » n'a pas pu être mis en place ({exc.strerror or exc}) : est-il ouvert "
                "dans un autre programme ? Rien n'a été modifié."
            ) from exc
        with contextlib.suppress(OSError):  # not every file system can sync a folder
            _fsync_path(path.parent, directory=True)
    finally:
        for leftover in (built, Path(f"{built}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def create_database_with(path: Path | str, fill: Callable[[Database], T], *, overwrite: bool = False) -> T:
    """Create a database at ``path`` filled by ``fill(db)`` (any number of transactions), visible at
    ``path`` only once complete; returns what ``fill`` returns. On a server the schema and ``fill``
    are not one transaction: a failed ``fill`` leaves the schema, which ``init`` can fill again."""
    if server.is_server_url(path):
        db = create_database(path)
        try:
            return fill(db)
        finally:
            db.dispose()
    with building_aside(path, overwrite=overwrite) as built:
        db = create_database(built)
        try:
            return fill(db)
        finally:
            db.dispose()


def _backup_at_open(path: Path) -> None:
    """A backup at every open (skipped when the file has not changed since the last one); a backup
    that fails must not keep the user from their file: it is logged."""
    try:
        backup_at_open(path)
    except errors.UserError as exc:
        log.warning("backup at open of %s failed: %s", path, exc)


def open_database(target: Path | str, *, upgrade: bool = True, backup: bool = True) -> Database:
    """Open an existing database file (checks first, never modifying a file that is not ours),
    migrating it after a backup when it comes from an older version.

    A file this user cannot write opens read-only (SQLite ``mode=ro``: consult, check, export, print);
    ``immutable`` is never used, because another workstation may be writing the shared file.
    """
    if server.is_server_url(target):
        return Database(
            server.prepare_server(target, upgrade=upgrade), server.display_url(target), url=target
        )
    path = Path(target)
    notices: list[str] = []
    revision = inspect_file(path, notices)
    known = migrate.known_revisions()
    if revision is not None and revision not in known:
        raise errors.DatabaseTooNew(
            f"Le fichier « {path.name} » a été enregistré par une version plus récente d'Achats Durables "
            f"(schéma {revision} ; cette version lit jusqu'au schéma {migrate.HEAD}). Installez la dernière "
            "version de l'application pour l'ouvrir ; le fichier n'a pas été modifié."
        )
    read_only = not can_write(path)
    if revision != migrate.HEAD:
        if read_only:
            raise errors.DatabaseReadOnly(
                f"Le fichier « {path.name} » doit être mis à jour pour cette version de l'application, "
                "mais vous n'avez pas le droit d'y écrire. Demandez à une personne qui a ce droit de l'ouvrir "
                "une fois avec cette version ; le fichier n'a pas été modifié."
            )
        if not upgrade:
            raise errors.UserError(f"Le fichier « {path.name} » doit être mis à jour avant d'être utilisé.")
        # Never under the feet of another window (an older version on another PC): RELIABILITY §2.7.
        refuse_if_in_use(path, "mettre à jour")
        # Always, even without a schema table yet: whatever the file holds is the user's.
        backup_file(path, reason="avant-mise-a-jour")
        engine = make_engine(path)
        log.info("upgrading %s from %s to %s", path, revision, migrate.HEAD)
        try:
            _upgrade(engine, path)
        except BaseException:
            engine.dispose()
            raise
        db = Database(engine, str(path), path)
        db.open_notices = notices
        return db
    if backup:
        _backup_at_open(path)
    reason = None
    if not read_only and not _leave_wal(path):
        read_only, reason = True, _wal_in_use_message(path.name)
    engine = make_engine(path, read_only=read_only)
    db = Database(engine, str(path), path, read_only=read_only, read_only_message=reason)
    db.open_notices = notices
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
                    raise corrupt_error(path, f"foreign_key_check: {problems[:5]}")
        finally:
            driver.execute("PRAGMA foreign_keys=ON")


WAL_MODE = 2  # header bytes 18-19 (write and read format versions): 1 rollback journal, 2 WAL


def _leave_wal(path: Path) -> bool:
    """A file left in WAL mode by another program is switched back to a rollback journal (WAL does
    not work across machines). That needs the file to itself: False when another program has it open."""
    try:
        with open(path, "rb") as fh:
            if fh.read(20)[18:20] != bytes([WAL_MODE, WAL_MODE]):
                return True
        con = sqlite3.connect(path, timeout=1, isolation_level=None)
        try:
            mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        finally:
            con.close()
    except (OSError, sqlite3.Error) as exc:
        log.warning("could not switch %s out of WAL: %s", path, exc)
        return False
    return mode == "delete"


def _wal_in_use_message(name: str) -> str:
    return (
        f"Le fichier « {name} » est ouvert en lecture seule : un autre programme l'utilise en mode « WAL », "
        "qui ne fonctionne pas entre plusieurs ordinateurs. Votre modification n'a pas été enregistrée. "
        "Fermez l'autre programme (ou l'autre copie d'Achats Durables qui l'a mis dans ce mode), puis "
        "rouvrez le fichier : il sera remis dans le mode sûr pour un partage."
    )


def backup_database(db: Database, to_dir: Path | None = None, *, reason: str = "") -> Path:
    if db.path is None:
        raise errors.UserError(server.SERVER_NOT_APPLICABLE.format(what="la sauvegarde"))
    return backup_file(db.path, to_dir, reason=reason)


def backup_before(db: Database, action: str) -> Path | None:
    """The backup taken before ``action`` ("import", "fusion", "restauration"...) on this PC; none for
    a server database (its administrator backs it up)."""
    if db.path is None:
        return None
    return backup_file(db.path, reason=f"avant-{action}")

"""Who has the file open, whether someone else changed it, and the one-writer lease.

API for the UI (to be wired by the ops layer; every call is a short database unit, to run on the
database worker, never on the GUI thread)::

    from app.storage.presence import ChangeWatcher, Presence, HEARTBEAT_S, POLL_S

    me = Presence(db, user_name="Marie Dupont")     # workstation = this PC's name
    me.join()                                      # at opening; False on a read-only file
    ...every HEARTBEAT_S seconds: me.beat()        # False when the beat could not be written
    ...for the status bar: me.others()             # [PresenceEntry] fresh entries of other windows
    me.leave()                                     # at closing (a killed app expires by itself)

    watcher = ChangeWatcher(db)                    # one long-lived connection, read-only
    ...every POLL_S seconds: if watcher.changed(): reload the screen's data
    watcher.close()

    # one-writer mode (synced folder, USB stick): when needs_lease(db)
    holder = me.take_lease()                       # None: the lease is mine, I may write
    if holder is not None and not holder.stale:    # someone else writes: open read-only and say
        holder.describe()                          # « Marie Dupont sur PC-MAIRIE depuis 10:42 »
        db = reopen_read_only(db, message)         # every write refused with that message
    elif holder is not None:                       # its PC went silent: ask the user, then
        me.take_lease(take_over=True)
    ...every LEASE_HEARTBEAT_S seconds: me.beat()  # False, and me.writer False, if it was taken over
    me.leave()                                     # releases the lease with the entry

Presence rows are ordinary rows of table ``presence``, refreshed by a heartbeat; a row whose last
beat is older than ``STALE_AFTER_S`` (3 beats, RELIABILITY R12) belongs to a window that was closed
without saying so (crash, kill, PC switched off) and is ignored, then removed by the next join.
The lease holder beats every ``LEASE_HEARTBEAT_S`` (5 min: each beat makes the sync tool upload
the whole file, see ``app.storage.in_use``); a lease whose holder missed three beats is *stale*:
``take_lease`` reports it, and takes it only when the user agreed (``take_over=True``).

``ChangeWatcher`` uses ``PRAGMA data_version``, which moves when *another connection* commits
(https://www.sqlite.org/pragma.html#pragma_data_version), on one connection kept open for that
purpose (the value is per connection). The heartbeats of presence are commits too: so that a beat
does not make every window reload every 30 s, a moved ``data_version`` is confirmed by a fingerprint
of the data tables (row counts, newest ``updated_at`` and the sum of versions, plus the tombstones).
On PostgreSQL there is no ``data_version``: the fingerprint alone is polled.

Honest limits, said in the UI: on a synced folder the lease travels with the file, so it is seen
only once the sync tool has brought the other PC's copy; it lowers the risk, it does not remove it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, insert, not_, or_, select, update

from app import errors
from app.model import Base, utcnow
from app.model import Presence as PresenceRow
from app.storage.database import Database
from app.storage.engine import make_engine
from app.storage.in_use import (
    HEARTBEAT_S,
    LEASE_HEARTBEAT_S,
    LEASE_STALE_AFTER_S,
    STALE_AFTER_S,
    is_fresh,
    local_time,
)

log = logging.getLogger(__name__)

__all__ = ["HEARTBEAT_S", "LEASE_HEARTBEAT_S", "LEASE_STALE_AFTER_S", "POLL_S", "STALE_AFTER_S"]
POLL_S = 3  # ChangeWatcher: within the 5 s RELIABILITY R15 asks for
NOT_DATA = frozenset({"presence", "merge_base"})


@dataclass(frozen=True)
class PresenceEntry:
    id: uuid.UUID
    user_name: str
    workstation: str
    pid: int
    opened_at: dt.datetime
    heartbeat_at: dt.datetime
    writer: bool
    stale: bool = False  # a lease whose holder missed three beats (see ``take_lease``)

    def describe(self) -> str:
        """« Marie Dupont sur PC-MAIRIE depuis 10:42 » (``opened_at`` is naive UTC, shown in local time)."""
        return f"{self.user_name} sur {self.workstation} depuis {self.since()}"

    def since(self) -> str:
        """When this window opened the file (took the lease), in local time: « 10:42 »."""
        return local_time(self.opened_at)

    def silent_since(self) -> str:
        """When this entry last beat, in local time: « 01/12 à 10:47 »."""
        return local_time(self.heartbeat_at, with_day=True)

    def describe_lease(self) -> str:
        """« Ouvert en modification par Marie Martin (Mairie de X) sur PC-MAIRIE depuis 10:42 », or for a
        stale lease « Marie Martin … sur PC-MAIRIE n'a plus donné signe de vie depuis 10:47 »."""
        if self.stale:
            return (
                f"{self.user_name} sur {self.workstation} avait ouvert ce fichier en modification "
                f"(depuis {local_time(self.opened_at, with_day=True)}) et n'a plus donné signe de vie "
                f"depuis {self.silent_since()}"
            )
        return f"Ouvert en modification par {self.describe()}"


def _entry(row: PresenceRow, now: dt.datetime | None = None) -> PresenceEntry:
    stale = now is not None and not is_fresh(
        row.heartbeat_at, row.writer, now, workstation=row.workstation, pid=row.pid
    )
    return PresenceEntry(
        row.id, row.user_name, row.workstation, row.pid, row.opened_at, row.heartbeat_at, row.writer, stale
    )


def _fresh_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=STALE_AFTER_S)


def _lease_fresh_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=LEASE_STALE_AFTER_S)


def _fresh(now: dt.datetime):  # noqa: ANN202 - a SQL condition
    """Fresh entries: an ordinary one beat within three ``HEARTBEAT_S``, a lease within three
    ``LEASE_HEARTBEAT_S`` (``app.storage.in_use.is_fresh`` says the same in Python)."""
    return or_(
        PresenceRow.heartbeat_at >= _fresh_since(now),
        and_(PresenceRow.writer.is_(True), PresenceRow.heartbeat_at >= _lease_fresh_since(now)),
    )


def who_is_here(db: Database, *, now: dt.datetime | None = None) -> list[PresenceEntry]:
    """Every window that has the file open now (stale entries left out), oldest first."""
    now = now or utcnow()
    with db.session(write=False) as s:
        rows = s.scalars(
            select(PresenceRow).where(_fresh(now)).order_by(PresenceRow.opened_at, PresenceRow.id)
        ).all()
        return [_entry(r) for r in rows]


class Presence:
    """This window's entry in the file's presence table."""

    def __init__(
        self,
        db: Database,
        *,
        user_name: str | None = None,
        workstation: str | None = None,
        clock=utcnow,  # noqa: ANN001 - injectable for tests
    ) -> None:
        self.db = db
        self.id = uuid.uuid4()
        self.user_name = (user_name or _login()).strip()[:120] or "?"
        self.workstation = (workstation or socket.gethostname() or "?")[:120]
        self.clock = clock
        self.joined = False
        self.writer = False
        self.lease_lost = False  # the lease was taken over by another PC while this one was silent

    def _write(self, action) -> bool:  # noqa: ANN001
        """Run a write unit; a read-only file or a lock held too long is not an error for presence
        (the beat is skipped, the next one will try again)."""
        try:
            with self.db.session() as s:
                action(s)
        except (errors.DatabaseReadOnly, errors.DatabaseBusy) as exc:
            log.info("presence not written: %s", exc)
            return False
        return True

    def _insert(self, s, now: dt.datetime) -> None:  # noqa: ANN001
        s.execute(delete(PresenceRow).where(not_(_fresh(now))))
        s.execute(
            insert(PresenceRow).values(
                id=self.id,
                user_name=self.user_name,
                workstation=self.workstation,
                pid=os.getpid(),
                opened_at=now,
                heartbeat_at=now,
                writer=self.writer,
            )
        )

    def join(self) -> bool:
        """Say that this window has the file open (and remove entries of windows long gone)."""
        self.joined = self._write(lambda s: self._insert(s, self.clock()))
        return self.joined

    def beat(self) -> bool:
        """The heartbeat; re-joins when the entry was removed meanwhile (this PC slept past the
        stale limit and another window cleaned up). The lease holder's beat keeps the lease only if
        nobody took it over meanwhile (its PC slept past the stale limit and the user of another
        PC agreed to take it): then ``writer`` becomes False and the window must stop writing."""
        now = self.clock()

        def refresh(s) -> None:  # noqa: ANN001
            if self.writer:
                mine = PresenceRow.id == self.id, PresenceRow.writer.is_(True)
                if not s.execute(update(PresenceRow).where(*mine).values(heartbeat_at=now)).rowcount:
                    self.writer = False
                    self.lease_lost = True
                return
            done = s.execute(
                update(PresenceRow).where(PresenceRow.id == self.id).values(heartbeat_at=now)
            ).rowcount
            if not done:
                self.writer = False  # the lease went with the entry: ask again with take_lease
                self._insert(s, now)

        return self._write(refresh)

    def leave(self) -> None:
        self._write(lambda s: s.execute(delete(PresenceRow).where(PresenceRow.id == self.id)))
        self.joined = self.writer = False

    def others(self) -> list[PresenceEntry]:
        return [e for e in who_is_here(self.db, now=self.clock()) if e.id != self.id]

    def take_lease(self, *, take_over: bool = False) -> PresenceEntry | None:
        """The one-writer lease: ``None`` when this window now holds it (or held it already), else
        the entry of the window that holds it. A holder that missed three beats comes back with
        ``stale`` set and keeps the lease until asked again with ``take_over=True`` (the user agreed:
        « reprendre la main »); a fresh holder keeps it whatever. One write unit (``BEGIN IMMEDIATE``
        on SQLite, a row lock on PostgreSQL), so two windows asking at once cannot both get it; it
        writes nothing when the lease is not taken (no upload by a sync tool)."""
        now = self.clock()
        holder: list[PresenceEntry] = []

        def take(s) -> None:  # noqa: ANN001
            rows = s.scalars(
                select(PresenceRow)
                .where(PresenceRow.writer.is_(True))
                .order_by(PresenceRow.heartbeat_at.desc())
                .with_for_update()
            ).all()
            others = [_entry(r, now) for r in rows if r.id != self.id]
            fresh = [e for e in others if not e.stale]
            if fresh or (others and not take_over):
                holder.append((fresh or others)[0])
                return
            s.execute(update(PresenceRow).where(PresenceRow.writer.is_(True)).values(writer=False))
            if not s.execute(
                update(PresenceRow).where(PresenceRow.id == self.id).values(writer=True, heartbeat_at=now)
            ).rowcount:
                self.writer = True
                self._insert(s, now)

        if not self._write(take):
            raise errors.DatabaseReadOnly(
                "Ce fichier ne peut pas être modifié depuis ce poste pour le moment : il reste ouvert en "
                "lecture seule."
            )
        self.joined = True
        self.writer = not holder
        return holder[0] if holder else None

    def release_lease(self) -> None:
        if self.writer:
            self._write(
                lambda s: s.execute(update(PresenceRow).where(PresenceRow.id == self.id).values(writer=False))
            )
        self.writer = False


def lease_holder(db: Database, *, now: dt.datetime | None = None) -> PresenceEntry | None:
    """Who holds the one-writer lease (``stale`` set if they missed three beats), None when it is
    free. A read: a window that only reads may ask it as often as it likes."""
    now = now or utcnow()
    with db.read() as s:
        row = s.scalars(
            select(PresenceRow).where(PresenceRow.writer.is_(True)).order_by(PresenceRow.heartbeat_at.desc())
        ).first()
        return _entry(row, now) if row is not None else None


def reopen_read_only(db: Database, message: str) -> Database:
    """The same file opened again with SQLite's ``mode=ro``: reading works, every write is refused
    with ``DatabaseReadOnly(message)`` (as for a file this user may not write)."""
    if db.path is None:
        return db
    db.dispose()
    engine = make_engine(db.path, read_only=True)
    return Database(engine, db.location, db.path, read_only=True, read_only_message=message)


def lease_read_only_message(holder: PresenceEntry, place: str) -> str:
    """The refusal every write gets in a window (or a command) opened read-only because of the lease."""
    return (
        f"Lecture seule : ouvert en modification par {holder.describe()}. Ce fichier est "
        f"{place}, où une seule personne à la fois peut le modifier. Votre modification n'a pas été "
        "enregistrée ; vous pouvez consulter, vérifier, exporter et imprimer. Réessayez quand cette "
        "personne aura fermé le fichier."
    )


def respect_lease(db: Database) -> Database:
    """For a command (no window, no lease of its own): ``db``, or ``db`` reopened read-only when
    another window holds a fresh lease on it (``lease_read_only_message``)."""
    if db.read_only or not needs_lease(db):
        return db
    holder = lease_holder(db)
    if holder is None or holder.stale:
        return db
    return reopen_read_only(db, lease_read_only_message(holder, lease_place(db)))


def conflicted_copies_of(db: Database) -> list:
    """Sibling « conflicted copy » files a sync tool left beside the file (each may hold someone's work)."""
    from app.storage.location import conflicted_copies

    return conflicted_copies(db.path) if db.path is not None else []


def lease_place(db: Database) -> str:
    """« dans un dossier synchronisé (OneDrive) », « sur un disque amovible (clé USB…) »."""
    from app.storage.location import classify

    return classify(db.path).where() if db.path is not None else "sur un serveur"


def needs_lease(db: Database) -> bool:
    """Whether this file sits where locks do not cross machines (synced folder, removable drive):
    there one window writes (the lease holder) and the others open read-only. Never on a server."""
    if db.path is None:
        return False
    from app.storage.location import classify

    return classify(db.path).one_writer_only


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare environment
        return "?"


class ChangeWatcher:
    """Tells whether the data changed since the last call (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._con: sqlite3.Connection | None = None
        if db.path is not None:
            uri = db.path.resolve().as_uri().replace("file://", "file:", 1) + "?mode=ro"
            self._con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            self._con.execute("PRAGMA trusted_schema=OFF")
            self._con.execute("PRAGMA busy_timeout=2000")
        self._version = self._data_version()
        self._print = self._fingerprint()

    def _data_version(self) -> int | None:
        if self._con is None:
            return None
        return self._con.execute("PRAGMA data_version").fetchone()[0]

    def _fingerprint(self) -> tuple:
        """Per data table: row count, newest ``updated_at``, sum of versions (tombstones: count)."""
        values: list = []
        with self.db.session(write=False) as s:
            for table in Base.metadata.sorted_tables:
                if table.name in NOT_DATA:
                    continue
                stamps = (
                    (func.max(table.c.updated_at), func.sum(table.c.version))
                    if "updated_at" in table.c
                    else ()
                )
                values += s.execute(select(func.count(), *stamps).select_from(table)).one()
        return tuple(values)

    def changed(self) -> bool:
        """True once per change committed since the previous call (by any other connection)."""
        try:
            version = self._data_version()
        except sqlite3.Error as exc:  # locked past the timeout, share gone: try again next poll
            log.info("data_version not read: %s", exc)
            return False
        if self._con is not None and version == self._version:
            return False
        self._version = version
        fingerprint = self._fingerprint()
        if fingerprint == self._print:
            return False  # a presence heartbeat, or a write that changed nothing
        self._print = fingerprint
        return True

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

"""Who else has the open file, and reloading when another window changed it (issue 13, item 3).

``FilePresence`` belongs to the main window. When a file is open it joins the file's presence
table (user name + this PC's name), beats every ``BEAT_MS`` and leaves on close or when another
file is opened; the status bar shows the others (« Ouvert aussi par : Marie Martin (PC-MAIRIE) »),
refreshed with each beat. Every ``POLL_MS`` it asks a ``ChangeWatcher`` whether another connection
changed the data and, if so, emits ``data_changed("external")`` so that the visible screens reload.

Every database call runs on the database worker (``ops.run_op``), never on the GUI thread; a
failed beat or poll is logged and tried again at the next tick (no dialog every 3 s).

The window's own writes move the watcher too (its connection is another one): after each
``data_changed`` a screen emits, the watcher is re-read on the worker, after the write, and the
change is not reported back (the screen already reloaded).

On a synced folder or a removable drive the file is in one-writer mode (RELIABILITY §2.2-2.3):
``acquire_lease`` (called when the file is opened, see ``open_file.py``) takes the lease, or opens
the file read-only when another window holds it. The holder beats every ``LEASE_BEAT_MS`` (5 min:
every write makes the sync tool upload the whole file, see ``app.storage.in_use``) and leaves the
lease with its entry on close; a reader writes nothing, looks every ``CHECK_MS`` whether the holder
left (a read) and then offers « Passer en modification ». The status bar says which of these holds.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.ui import ops

if TYPE_CHECKING:  # the storage layer loads on the worker, after the window is painted
    from app.storage.database import Database
    from app.storage.presence import ChangeWatcher, Presence, PresenceEntry
    from app.ui.context import AppContext

log = logging.getLogger(__name__)

BEAT_MS = 30_000  # app.storage.presence.HEARTBEAT_S (entries older than 3 beats are stale)
LEASE_BEAT_MS = 300_000  # app.storage.presence.LEASE_HEARTBEAT_S: one upload by the sync tool per beat
CHECK_MS = 30_000  # a read-only window looks this often whether the lease holder left
POLL_MS = 2_500  # under app.storage.presence.POLL_S: a change shows within the 5 s asked
EXTERNAL = "external"  # the kind of data_changed emitted for another window's change
QUIET_MS = 600_000  # no progress dialog for these background ops


@dataclass
class FileLease:
    """The one-writer lease of a file on a synced folder or a removable drive, as this window has it."""

    place: str  # « dans un dossier synchronisé (OneDrive) »
    copies: list[Path] = field(default_factory=list)  # « conflicted copy » files beside it
    me: Presence | None = None  # this window holds the lease and may write
    holder: PresenceEntry | None = None  # another window holds it (``stale``: ask the user)


_leases: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> FileLease


def acquire_lease(
    db: Database, user_label: str, *, take_over: bool = False, reopen: bool = True
) -> tuple[Database, FileLease | None]:
    """On the worker, when a file is opened: (db, None) where no lease is needed; else take the lease
    (``take_over``: even from a stale holder, the user agreed). When another window holds a fresh
    one, the file is reopened read-only: every write is then refused naming who holds it. A stale
    holder is returned as is (db still writable): the GUI asks, then calls again or ``read_only``."""
    from app.storage.presence import Presence, conflicted_copies_of, lease_place, needs_lease

    if db.read_only or not needs_lease(db):
        return db, None
    lease = FileLease(lease_place(db), conflicted_copies_of(db))
    me = Presence(db, user_name=user_label or None)
    holder = me.take_lease(take_over=take_over)
    if holder is None:
        lease.me = me
    else:
        lease.holder = holder
        if not holder.stale and reopen:
            return read_only(db, lease), lease
    _leases[db] = lease
    return db, lease


def read_only(db: Database, lease: FileLease) -> Database:
    """``db`` reopened read-only because ``lease.holder`` writes (on the worker)."""
    from app.storage.presence import lease_read_only_message, reopen_read_only

    reader = reopen_read_only(db, lease_read_only_message(lease.holder, lease.place))
    _leases[reader] = lease
    return reader


def forget_lease(db: Database) -> None:
    """A file opened then not kept (the user cancelled): give the lease back if it was taken."""
    lease = _leases.pop(db, None)
    if lease is not None and lease.me is not None:
        lease.me.leave()


def _join(db: Database, user_name: str, lease: FileLease | None) -> tuple:
    """Join the file's presence, or only watch it where this window must not write presence: a
    read-only file, or one on a synced folder or removable drive (there the lease, taken at opening,
    says who writes; the readers write nothing). A window given such a file without the opening
    dialogs (tools, tests) takes the lease here."""
    from app.storage.presence import ChangeWatcher, Presence, needs_lease

    watcher = ChangeWatcher(db)
    if lease is None and not db.read_only and needs_lease(db):
        db, lease = acquire_lease(db, user_name, reopen=False)
        _leases.pop(db, None)
    if lease is not None or db.read_only:
        return lease, None, watcher, []
    me = Presence(db, user_name=user_name or None)
    me.join()
    return None, me, watcher, me.others()


def _leave(me: Presence | None, watcher: ChangeWatcher) -> None:
    try:
        watcher.close()
        if me is not None:
            me.leave()
    except Exception:  # noqa: BLE001 - the file may be gone; the entry expires by itself
        log.info("presence not left", exc_info=True)


def _beat(me: Presence) -> list[PresenceEntry]:
    me.beat()
    return me.others()


def _lease_beat(me: Presence) -> bool:
    """The lease holder's beat: True while it still holds the lease."""
    me.beat()
    return me.writer


def _holder(db: Database) -> PresenceEntry | None:
    from app.storage.presence import lease_holder

    return lease_holder(db)


def others_text(entries: list[PresenceEntry]) -> str:
    """« Marie Martin (PC-MAIRIE), Paul Durand (PC-CCAS) », or « personne d'autre »."""
    return ", ".join(f"{e.user_name} ({e.workstation})" for e in entries) or "personne d'autre"


@dataclass(frozen=True)
class Status:
    """What the status bar says about sharing, with its tooltip; ``take_over``: offer « Passer en
    modification » (the lease holder left)."""

    text: str
    tooltip: str
    take_over: bool = False


def others_status(entries: list[PresenceEntry]) -> Status:
    return Status(
        f"Ouvert aussi par : {others_text(entries)}",
        "\n".join(e.describe() for e in entries) or "Personne d'autre n'a ce fichier ouvert en ce moment.",
    )


def lease_status(lease: FileLease, holder: PresenceEntry | None = None, *, checked: bool = False) -> Status:
    """The status of a window in one-writer mode: writer, reader (naming the holder), or reader
    whose holder left (``checked``: ``holder`` is what the last look found)."""
    where = f"Ce fichier est {lease.place} : une seule personne à la fois peut le modifier."
    if lease.me is not None:
        return Status(
            "Modification : vous seul (les autres postes le lisent)",
            f"{where} Vous l'avez ouvert en modification ; sur les autres postes il s'ouvre en "
            "lecture seule tant que vous ne l'avez pas fermé.",
        )
    holder = holder if checked else lease.holder
    if holder is None or holder.stale:
        gone = (
            "la personne qui le modifiait l'a fermé"
            if holder is None
            else f"{holder.user_name} ne donne plus signe de vie depuis {holder.silent_since()}"
        )
        return Status(
            "Lecture seule : le fichier est libre",
            f"{where} {gone[0].upper()}{gone[1:]} : cliquez sur « Passer en modification » pour le modifier.",
            take_over=True,
        )
    return Status(
        f"Lecture seule : modifié par {holder.user_name} depuis {holder.since()}",
        f"{where} {holder.describe_lease()} : vous pouvez consulter, vérifier, exporter et imprimer.",
    )


READ_ONLY_FILE = Status(
    "Lecture seule : pas le droit d'écrire dans ce fichier",
    "Vous pouvez consulter, vérifier, exporter et imprimer. Les autres postes qui ont ce fichier ouvert "
    "ne peuvent pas être connus sans écrire dans le fichier.",
)


class FilePresence(QObject):
    def __init__(
        self,
        window: QWidget,
        context: AppContext,
        on_status: Callable[[Status | None], None],
        on_reopen: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.on_status = on_status  # called on the GUI thread; None: no file
        self.on_reopen = on_reopen  # open the file again (the lease changed hands)
        self.db: Database | None = None
        self.me: Presence | None = None
        self.lease: FileLease | None = None
        self.watcher: ChangeWatcher | None = None
        self._polling = False
        self._emitting = False
        self.beat_timer = QTimer(self)
        self.beat_timer.timeout.connect(self.beat)
        self.poll_timer = QTimer(self)
        self.poll_timer.timeout.connect(self.poll)
        self.check_timer = QTimer(self)
        self.check_timer.timeout.connect(self.check_lease)
        context.data_changed.connect(self._data_changed)

    def _run(self, fn, on_done, after_error=None) -> None:  # noqa: ANN001
        def failed(exc: BaseException) -> None:
            log.info("presence op failed: %s", exc)
            if after_error is not None:
                after_error()

        ops.run_op(
            self.window,
            "Partage du fichier…",
            lambda _p: fn(),
            on_done,
            failed,
            show_after_ms=QUIET_MS,
            cancellable=False,
        )

    def attach(self, db: Database | None) -> None:
        """Leave the previous file (if any), join ``db`` (if any)."""
        self.leave()
        self.db = db
        if db is None:
            return
        user = self.context.user_name
        lease = _leases.pop(db, None)
        self.on_status(Status("Ouvert aussi par : recherche en cours…", "Lecture des autres postes…"))
        self._run(lambda: _join(db, user, lease), lambda result: self._joined(db, *result))

    def holds_lease(self) -> bool:
        """This window writes a file in one-writer mode."""
        return self.lease is not None and self.lease.me is not None and self.lease.me.writer

    def user_changed(self) -> None:
        """Join again under the new name; a lease (taken or not) stays as it is until the file closes."""
        if self.lease is None:
            self.attach(self.context.db)

    def _joined(
        self, db: Database, lease: FileLease | None, me: Presence | None, watcher: ChangeWatcher, others: list
    ) -> None:
        if db is not self.db:  # another file was opened meanwhile
            mine = me or (lease.me if lease is not None else None)
            self._run(lambda: _leave(mine, watcher), lambda _r: None)
            return
        self.lease = lease
        self.me, self.watcher = (lease.me if lease is not None else me), watcher
        if lease is not None:
            self.on_status(lease_status(lease))
            if lease.me is not None:
                self.beat_timer.start(LEASE_BEAT_MS)
            else:
                self.check_timer.start(CHECK_MS)
        elif me is not None:
            self.on_status(others_status(others))
            self.beat_timer.start(BEAT_MS)
        else:
            self.on_status(READ_ONLY_FILE if db.read_only else others_status([]))
        self.poll_timer.start(POLL_MS)

    def leave(self) -> None:
        self.beat_timer.stop()
        self.poll_timer.stop()
        self.check_timer.stop()
        me, watcher = self.me, self.watcher
        self.me = self.watcher = self.lease = None
        self.db = None
        if watcher is not None:
            # no parent: the window may be closing, the entry must still be removed
            ops.run_op(
                None,
                "",
                lambda _p: _leave(me, watcher),
                lambda _r: None,
                lambda _e: None,
                show_after_ms=QUIET_MS,
                cancellable=False,
            )
        self.on_status(None)

    def beat(self) -> None:
        me = self.me
        if me is None:
            return
        if self.lease is not None:
            self._run(lambda: _lease_beat(me), lambda held: me is self.me and self._lease_beaten(held))
        else:
            self._run(
                lambda: _beat(me), lambda others: me is self.me and self.on_status(others_status(others))
            )

    def _lease_beaten(self, held: bool) -> None:
        if not held:  # another PC took the lease over while this one was silent (asleep, cut off)
            self.beat_timer.stop()
            self.on_reopen()  # opens again: read-only, naming who writes now

    def check_lease(self) -> None:
        """A read-only window: has the lease holder left? (a read; nothing written)"""
        db, lease = self.db, self.lease
        if db is None or lease is None or lease.me is not None:
            return
        self._run(lambda: _holder(db), lambda holder: lease is self.lease and self._checked(holder))

    def _checked(self, holder: PresenceEntry | None) -> None:
        self.on_status(lease_status(self.lease, holder, checked=True))

    def take_over(self) -> None:
        """« Passer en modification »: open the file again, which takes the free lease."""
        self.on_reopen()

    def poll(self) -> None:
        watcher = self.watcher
        if watcher is None or self._polling:
            return
        self._polling = True
        self._run(
            watcher.changed,
            lambda changed: self._polled(watcher, changed),
            lambda: setattr(self, "_polling", False),
        )

    def _polled(self, watcher: ChangeWatcher, changed: bool) -> None:
        self._polling = False
        if changed and watcher is self.watcher:
            self._emitting = True
            try:
                self.context.data_changed.emit(EXTERNAL)
            finally:
                self._emitting = False

    def _data_changed(self, _kind: str) -> None:
        watcher = self.watcher
        if self._emitting or watcher is None:
            return
        # this window wrote: take the new state as seen (queued after the write on the worker)
        self._run(watcher.changed, lambda _changed: None)

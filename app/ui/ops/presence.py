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
"""

from __future__ import annotations

import logging
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
POLL_MS = 2_500  # under app.storage.presence.POLL_S: a change shows within the 5 s asked
EXTERNAL = "external"  # the kind of data_changed emitted for another window's change
QUIET_MS = 600_000  # no progress dialog for these background ops


def _join(db: Database, user_name: str) -> tuple[Presence | None, ChangeWatcher, list[PresenceEntry]]:
    """Join the file's presence, or only watch it where this window must not write: a read-only
    file, or one on a synced folder or removable drive, where presence does not cross machines and a
    heartbeat every 30 s would make the sync tool upload the file again and again."""
    from app.storage.presence import ChangeWatcher, Presence, needs_lease

    watcher = ChangeWatcher(db)
    if db.read_only or needs_lease(db):
        return None, watcher, []
    me = Presence(db, user_name=user_name or None)
    me.join()
    return me, watcher, me.others()


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


def others_text(entries: list[PresenceEntry]) -> str:
    """« Marie Martin (PC-MAIRIE), Paul Durand (PC-CCAS) », or « — »."""
    return ", ".join(f"{e.user_name} ({e.workstation})" for e in entries) or "—"


class FilePresence(QObject):
    def __init__(self, window: QWidget, context: AppContext, on_others) -> None:  # noqa: ANN001
        super().__init__(window)
        self.window = window
        self.context = context
        self.on_others = on_others  # called with [PresenceEntry] on the GUI thread
        self.db: Database | None = None
        self.me: Presence | None = None
        self.watcher: ChangeWatcher | None = None
        self._polling = False
        self._emitting = False
        self.beat_timer = QTimer(self)
        self.beat_timer.timeout.connect(self.beat)
        self.poll_timer = QTimer(self)
        self.poll_timer.timeout.connect(self.poll)
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
        self._run(lambda: _join(db, user), lambda result: self._joined(db, *result))

    def _joined(self, db: Database, me: Presence | None, watcher: ChangeWatcher, others: list) -> None:
        if db is not self.db:  # another file was opened meanwhile
            self._run(lambda: _leave(me, watcher), lambda _r: None)
            return
        self.me, self.watcher = me, watcher
        self.on_others(others)
        if me is not None:
            self.beat_timer.start(BEAT_MS)
        self.poll_timer.start(POLL_MS)

    def leave(self) -> None:
        self.beat_timer.stop()
        self.poll_timer.stop()
        me, watcher = self.me, self.watcher
        self.me = self.watcher = None
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
        self.on_others([])

    def beat(self) -> None:
        me = self.me
        if me is not None:
            self._run(lambda: _beat(me), lambda others: me is self.me and self.on_others(others))

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

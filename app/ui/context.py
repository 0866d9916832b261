"""What every screen shares: the open database, the current organisation and user, the session's
undo list, and signals that tell screens to reload."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

if TYPE_CHECKING:  # the storage layer (SQLAlchemy) is imported after the window is painted
    from app.storage.database import Database


def ui_settings() -> QSettings:
    """Per-PC preferences (window geometry, user name) in the user's config folder."""
    from app.paths import user_config_dir

    return QSettings(str(user_config_dir() / "interface.ini"), QSettings.Format.IniFormat)


@dataclass(frozen=True)
class UndoEntry:
    label: str  # French, shown in the Édition menu: "Annuler la suppression de « VDS-2025-001 »"
    undo: Callable[[], None]


class AppContext(QObject):
    database_changed = Signal()  # another file was opened
    organisation_changed = Signal()
    data_changed = Signal(str)  # an entity kind ("contract", "order", ...) was modified
    undo_changed = Signal()
    user_changed = Signal()

    def __init__(self, db: Database | None = None, organisation_id: uuid.UUID | None = None) -> None:
        super().__init__()
        self.db = db
        self.organisation_id = organisation_id
        self.user_name = str(ui_settings().value("user/name", "") or "")
        self.undo_stack: list[UndoEntry] = []

    def set_database(self, db: Database | None, organisation_id: uuid.UUID | None) -> None:
        if self.db is not None and self.db is not db:
            self.db.dispose()
        self.db = db
        self.organisation_id = organisation_id
        self.undo_stack.clear()  # undo closures belong to the previous file
        self.undo_changed.emit()
        self.database_changed.emit()

    def set_organisation(self, organisation_id: uuid.UUID) -> None:
        self.organisation_id = organisation_id
        self.organisation_changed.emit()

    def set_user_name(self, name: str) -> None:
        self.user_name = name.strip()
        ui_settings().setValue("user/name", self.user_name)
        self.user_changed.emit()

    def today(self) -> dt.date:
        return dt.date.today()

    @property
    def ready(self) -> bool:
        return self.db is not None and self.organisation_id is not None

    def push_undo(self, entry: UndoEntry) -> None:
        self.undo_stack.append(entry)
        self.undo_changed.emit()

    def undo(self) -> None:
        """Run the last undo entry; a failure leaves it out (it cannot succeed later either)."""
        if not self.undo_stack:
            return
        entry = self.undo_stack.pop()
        self.undo_changed.emit()
        entry.undo()

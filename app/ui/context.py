"""What every screen shares: the open database, the current organisation and user, and signals
that tell screens to reload."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal

from app.storage.database import Database


class AppContext(QObject):
    database_changed = Signal()  # another file was opened
    organisation_changed = Signal()
    data_changed = Signal(str)  # an entity kind ("contract", "order", ...) was modified

    def __init__(self, db: Database | None = None, organisation_id: uuid.UUID | None = None) -> None:
        super().__init__()
        self.db = db
        self.organisation_id = organisation_id
        self.user_name = ""

    def set_database(self, db: Database | None, organisation_id: uuid.UUID | None) -> None:
        if self.db is not None and self.db is not db:
            self.db.dispose()
        self.db = db
        self.organisation_id = organisation_id
        self.database_changed.emit()

    def set_organisation(self, organisation_id: uuid.UUID) -> None:
        self.organisation_id = organisation_id
        self.organisation_changed.emit()

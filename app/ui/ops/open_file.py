"""Opening a database file in the app's context, on the database worker: shared by the start-up,
the « Ouvrir… » menu and the self-test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.ui import ops
from app.ui.context import AppContext


def open_database_in(
    context: AppContext,
    path: str | Path,
    parent: QWidget | None = None,
    then: Callable[[bool], None] | None = None,
) -> None:
    """Open ``path`` in ``context`` on the database worker (the first opening of a file may back it
    up and migrate it); a user error is shown in a dialog and nothing changes. ``then(opened)``
    afterwards, on the GUI thread."""

    def work() -> tuple:
        from app.services.organisations import list_organisations
        from app.storage import open_database

        db = open_database(path)
        return db, list_organisations(db)

    def opened(result: tuple) -> None:
        from app.services.recent import remember_database

        db, organisations = result
        if Path(str(path)).exists():
            remember_database(Path(path))
        context.set_database(db, organisations[0].id if organisations else None)
        if db.open_notices:
            from app.ui.dialogs.damaged import show_open_notices

            show_open_notices(parent, db.open_notices)
        if then is not None:
            then(True)

    def failed(exc: BaseException) -> None:
        from app.errors import DatabaseCorrupt

        if isinstance(exc, DatabaseCorrupt) and not str(path).startswith("postgresql"):
            from app.ui.dialogs.damaged import show_damaged

            show_damaged(parent, Path(path), exc, lambda: open_database_in(context, path, parent, then))
        else:
            ops.show_op_error(parent, exc)
        if then is not None:
            then(False)

    ops.query(parent, work, opened, title="Ouverture du fichier…", on_error=failed)

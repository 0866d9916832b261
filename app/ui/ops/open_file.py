"""Opening a database file in the app's context, on the database worker: shared by the start-up,
the « Ouvrir… » menu and the self-test.

On a synced folder or a removable drive (one-writer mode) the opening also takes the lease, warns
once per file that locks do not cross machines there, and, when another window writes, opens the
file read-only after saying who writes and since when (``app.ui.dialogs.lease``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.ui import ops
from app.ui.context import AppContext
from app.ui.ops.presence import acquire_lease, forget_lease, read_only


def lease_label(user_name: str, remembered_org: str, organisations: list) -> str:
    """Who this window is, for the others' « ouvert en modification par … »:
    « Marie Martin (Mairie de X) » (the organisation remembered on this PC, or the file's only one)."""
    org = next((o for o in organisations if str(o.id) == remembered_org), None)
    if org is None and len(organisations) == 1:
        org = organisations[0]
    if org is None:
        return user_name
    return f"{user_name} ({org.name})" if user_name else org.name


def open_database_in(
    context: AppContext,
    path: str | Path,
    parent: QWidget | None = None,
    then: Callable[[bool], None] | None = None,
) -> None:
    """Open ``path`` in ``context`` on the database worker (the first opening of a file may back it
    up and migrate it); a user error is shown in a dialog and nothing changes. ``then(opened)``
    afterwards, on the GUI thread."""
    from app.ui.dialogs.identity import remembered_organisation

    remembered = remembered_organisation()
    user = context.user_name

    def work() -> tuple:
        from app.services.organisations import list_organisations
        from app.storage import open_database

        db = open_database(path)
        organisations = list_organisations(db)
        label = lease_label(user, remembered, organisations)
        db, lease = acquire_lease(db, label)
        return db, organisations, lease, label

    def finish(db, organisations: list) -> None:  # noqa: ANN001
        from app.services.recent import remember_database

        if Path(str(path)).exists():
            remember_database(Path(path))
        context.set_database(db, organisations[0].id if organisations else None)
        if db.open_notices:
            from app.ui.dialogs.damaged import show_open_notices

            show_open_notices(parent, db.open_notices)
        if then is not None:
            then(True)

    def give_up(db) -> None:  # noqa: ANN001
        def drop() -> None:
            forget_lease(db)
            db.dispose()

        ops.query(parent, drop, lambda _r: None, title="Fermeture du fichier…")
        if then is not None:
            then(False)

    def opened(result: tuple) -> None:
        from app.ui.dialogs import lease as dialogs

        db, organisations, lease, label = result
        if lease is None:
            finish(db, organisations)
            return
        dialogs.warn_about_location(parent, Path(path), lease.place, lease.copies)
        holder = lease.holder
        if holder is not None and holder.stale:
            choice = dialogs.ask_stale(parent, holder, lease.place)
            if choice == dialogs.TAKE_OVER:
                ops.query(
                    parent,
                    lambda: acquire_lease(db, label, take_over=True)[0],
                    lambda taken: finish(taken, organisations),
                    title="Reprise de la main…",
                )
            elif choice == dialogs.READ_ONLY:
                ops.query(parent, lambda: read_only(db, lease), lambda reader: finish(reader, organisations))
            else:
                give_up(db)
            return
        if holder is not None and not dialogs.ask_read_only(parent, holder, lease.place):
            give_up(db)
            return
        finish(db, organisations)

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

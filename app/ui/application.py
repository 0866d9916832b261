"""QApplication set-up: French Qt translations, error dialogs for uncaught exceptions, start-up."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from app.errors import UserError
from app.ui.context import AppContext

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Achats Durables")
    app.setOrganizationName("AchatsDurables")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator(app)
    if translator.load("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    app._translator = translator  # keep a reference
    return app


def install_excepthook(parent_getter) -> None:  # noqa: ANN001
    """Uncaught exceptions in slots become a dialog; the app keeps running."""

    def hook(exc_type, exc, tb) -> None:  # noqa: ANN001
        if not isinstance(exc, UserError):
            log.error("uncaught exception", exc_info=(exc_type, exc, tb))
        from app.ui.dialogs.errors import show_error

        show_error(parent_getter(), exc)

    sys.excepthook = hook


def open_database_in(context: AppContext, path: str | Path, parent: QWidget | None = None) -> bool:
    """Open ``path`` in ``context``; a user error is shown in a dialog and nothing changes."""
    from app.services.organisations import list_organisations
    from app.services.recent import remember_database
    from app.storage import open_database

    try:
        db = open_database(path)
        organisations = list_organisations(db)
    except UserError as exc:
        from app.ui.dialogs.errors import show_error

        show_error(parent, exc)
        return False
    if Path(str(path)).exists():
        remember_database(Path(path))
    context.set_database(db, organisations[0].id if organisations else None)
    return True


def run_gui(db_path: str | None) -> int:
    from app.services.recent import last_database
    from app.ui.main_window import MainWindow

    app = make_application()
    context = AppContext()
    window = MainWindow(context)
    install_excepthook(lambda: window)
    target = db_path or last_database()
    if target is not None:
        open_database_in(context, target, window)
    window.resize(1280, 800)
    window.show()
    return app.exec()

"""QApplication set-up: French Qt translations, error dialogs for uncaught exceptions, start-up.

Start-up order keeps the first paint fast: the window (Qt only) is shown first, then the database
layer is imported and the file opened on the next turn of the event loop.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from app.errors import UserError
from app.ui.context import AppContext

log = logging.getLogger(__name__)

# Set by benchmarks/bench_startup.py: print when the window and the register are painted, then quit.
PROBE_ENV = "ACHATS_DURABLES_STARTUP_PROBE"


def translation_folders() -> list[Path]:
    """Where Qt's own French catalogue may be: PySide6's translations folder (the wheel ships
    qtbase_fr.qm), then ``resources/translations`` for a bundle that left Qt's folder out."""
    from app.paths import resource

    return [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)), resource("translations")]


def install_qt_translations(app: QApplication) -> QTranslator | None:
    """Qt's standard dialogs and buttons in French (file chooser, « Annuler », « Oui »…): Qt's
    own catalogue, then ours for the few texts Qt changed after its catalogue was last updated
    (``resources/translations/qtbase_extra_fr.ts``). Returns Qt's catalogue, None if not found."""
    from app.paths import resource

    french = QLocale(QLocale.Language.French, QLocale.Country.France)
    found = None
    for folder in translation_folders():
        translator = QTranslator(app)
        if translator.load(french, "qtbase", "_", str(folder)):
            app.installTranslator(translator)
            found = translator
            break
    else:
        log.warning("Qt's French translations (qtbase_fr.qm) not found in %s", translation_folders())
    extra = QTranslator(app)
    if extra.load(french, "qtbase_extra", "_", str(resource("translations"))):
        app.installTranslator(extra)  # installed last, so asked first
    else:
        log.warning("resources/translations/qtbase_extra_fr.qm not found")
    app._translators = [t for t in (found, extra) if t is not None]  # Qt does not own them
    app._translator = found
    return found


def _french_system_locale_for_qt() -> None:
    """Qt's file chooser writes dates and sizes in the system locale; a Linux session without one
    (LANG unset or C, as under Xvfb or a kiosk) showed "1 12 2026" and "5.10 KiB". Windows and
    macOS give Qt the user's own settings."""
    if sys.platform.startswith("win") or sys.platform == "darwin" or os.environ.get("LC_ALL"):
        return
    current = os.environ.get("LANG") or ""
    if current in ("", "C", "POSIX") or current.startswith(("C.", "POSIX.")):
        os.environ["LANG"] = "fr_FR.UTF-8"


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        _french_system_locale_for_qt()
        app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("Achats Durables")
    app.setOrganizationName("AchatsDurables")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    if getattr(app, "_translator", None) is None:
        install_qt_translations(app)
    # Fusion draws unselected tabs 2 px lower and clips the accent of capital letters ("Échéancier"
    # showed as "Echéancier"); explicit padding gives the text its full height.
    app.setStyleSheet("QTabBar::tab { padding: 5px 12px; }")
    return app


def install_excepthook(parent_getter) -> None:  # noqa: ANN001
    """Uncaught exceptions in slots become a dialog; the app keeps running."""

    def hook(exc_type, exc, tb) -> None:  # noqa: ANN001
        if not isinstance(exc, UserError):
            log.error("uncaught exception", exc_info=(exc_type, exc, tb))
        from app.ui.dialogs.errors import show_error

        show_error(parent_getter(), exc)

    sys.excepthook = hook


class StartupProbe(QObject):
    """Prints ``painted <epoch>`` at the window's first paint and ``register <epoch> <rows>`` when
    the register table has painted rows, then quits (benchmark only)."""

    def __init__(self, window) -> None:  # noqa: ANN001
        super().__init__(window)
        self.window = window
        self.painted = False
        window.installEventFilter(self)

    def watch_register(self, table) -> None:  # noqa: ANN001
        table.viewport().installEventFilter(self)
        self.table = table

    def eventFilter(self, obj, event) -> bool:  # noqa: ANN001, N802
        if event.type() == QEvent.Type.Paint:
            if obj is self.window and not self.painted:
                self.painted = True
                print(f"painted {time.time():.4f}", flush=True)
            elif obj is not self.window and self.table.model().rowCount() > 0:
                print(f"register {time.time():.4f} {self.table.model().rowCount()}", flush=True)
                obj.removeEventFilter(self)
                QTimer.singleShot(0, QApplication.instance().quit)
        return False


def start(window, context: AppContext, target: str | Path | None) -> None:  # noqa: ANN001
    """After the first paint: open the file (or run the first-run wizard), show the register and
    the « À faire » panel."""
    from app.services.recent import last_database

    target = target or last_database()
    if target is None:
        from app.ui.dialogs.wizard import FirstRunWizard

        wizard = FirstRunWizard(window)
        if wizard.exec() and wizard.chosen_path is not None:
            target = wizard.chosen_path
    if target is None:
        window.nav.setCurrentRow(0)
        return
    from app.ui.ops.open_file import open_database_in

    open_database_in(context, target, window, then=lambda opened: _show_register(window, opened))


def _show_register(window, opened: bool) -> None:  # noqa: ANN001
    if not opened:
        window.nav.setCurrentRow(0)
        return
    contracts = window.open_screen("contracts")
    probe = getattr(window, "_probe", None)
    if probe is not None:
        probe.watch_register(contracts.table)
        return
    QTimer.singleShot(0, lambda: window.show_todo(only_if_any=True))


def run_gui(db_path: str | None) -> int:
    from app.ui.main_window import MainWindow

    app = make_application()
    context = AppContext()
    window = MainWindow(context)
    window.ask_identity = True  # « Qui êtes-vous ? » once a file is open
    install_excepthook(lambda: window)
    if os.environ.get(PROBE_ENV):
        window._probe = StartupProbe(window)
    window.show()
    app.processEvents()  # paint the window before the database layer is even imported
    QTimer.singleShot(0, lambda: start(window, context, db_path))
    app.aboutToQuit.connect(_finish_ops)
    return app.exec()


def _finish_ops() -> None:
    """A save started just before closing the window still reaches the file."""
    from app.ui import ops

    ops.executor().wait(15_000)

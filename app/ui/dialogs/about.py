"""« À propos »: version, open file, log file."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QMessageBox, QWidget

from app import __version__
from app.log import log_file
from app.ui import messages
from app.ui.context import AppContext


def about_text(context: AppContext) -> str:
    return messages.ABOUT.format(
        version=__version__,
        path=context.db.location if context.db else "aucun",
        log=log_file(),
        qt=pyside_version,
        python=platform.python_version(),
    )


def show_about(parent: QWidget | None, context: AppContext) -> None:
    box = QMessageBox(parent)
    box.setObjectName("about_dialog")
    box.setWindowTitle("À propos d'Achats Durables")
    box.setText(about_text(context))
    box.setIcon(QMessageBox.Icon.Information)
    box.exec()

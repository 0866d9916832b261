"""Error dialogs: a French message for user errors; for bugs, the log path and copyable details."""

from __future__ import annotations

import traceback

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import UserError
from app.log import log_file
from app.ui import messages


def show_error(parent: QWidget | None, exc: BaseException, title: str = "Achats Durables") -> None:
    if isinstance(exc, UserError):
        box = QMessageBox(QMessageBox.Icon.Warning, title, exc.message, QMessageBox.StandardButton.Ok, parent)
        if exc.details:
            box.setDetailedText(exc.details)
        box.exec()
        return
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        title,
        messages.UNEXPECTED_ERROR.format(log=log_file()),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setDetailedText(details)
    copy = box.addButton("Copier", QMessageBox.ButtonRole.ActionRole)
    copy.clicked.disconnect()
    copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.exec()

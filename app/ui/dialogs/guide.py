"""The French quick-start guide shipped in ``resources/guide/guide.html``."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.paths import resource


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guide_dialog")
        self.setWindowTitle("Guide de démarrage — Achats Durables")
        self.resize(760, 620)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        path = resource("guide", "guide.html")
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(path)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)


def show_guide(parent: QWidget | None) -> None:
    dialog = GuideDialog(parent)
    dialog.show()  # non-modal: the user can follow the guide while using the window
    parent._guide = dialog  # type: ignore[union-attr]  # keep it alive

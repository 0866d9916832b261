"""Main window: side navigation, screens, menus and status bar. No business logic."""

from __future__ import annotations

import importlib
import importlib.util

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui import messages
from app.ui.context import AppContext
from app.ui.screens import SCREENS, ScreenSpec


def placeholder(spec: ScreenSpec) -> QWidget:
    widget = QWidget()
    layout = QVBoxLayout(widget)
    title = QLabel(f"<h2>{spec.title}</h2>")
    text = QLabel(f"{spec.explanation}<br><br><i>{messages.SCREEN_COMING}</i>")
    text.setWordWrap(True)
    layout.addWidget(title)
    layout.addWidget(text)
    layout.addStretch(1)
    return widget


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(messages.APP_TITLE)
        self.nav = QListWidget()
        self.nav.setAccessibleName("Navigation")
        self.nav.setFixedWidth(220)
        self.stack = QStackedWidget()
        self._screens: dict[int, QWidget] = {}
        for spec in SCREENS:
            QListWidgetItem(spec.title, self.nav)
            self.stack.addWidget(QWidget())
        self.nav.currentRowChanged.connect(self.show_screen)

        self.org_combo = QComboBox()
        self.org_combo.setAccessibleName("Collectivité")
        self.org_combo.currentIndexChanged.connect(self._organisation_chosen)

        side = QVBoxLayout()
        side.addWidget(QLabel("Collectivité :"))
        side.addWidget(self.org_combo)
        side.addWidget(self.nav, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addLayout(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.file_label = QLabel()
        self.statusBar().addWidget(self.file_label, 1)
        self._build_menus()
        context.database_changed.connect(self._database_changed)
        self._database_changed()
        self.nav.setCurrentRow(1 if context.db else 0)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Fichier")
        open_action = QAction("&Ouvrir…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.open_file_dialog)
        file_menu.addAction(open_action)
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

    def show_screen(self, row: int) -> None:
        if row < 0:
            return
        if row not in self._screens:
            spec = SCREENS[row]
            if importlib.util.find_spec(spec.module) is None:
                widget = placeholder(spec)
            else:
                widget = importlib.import_module(spec.module).create(self.context, self)
            old = self.stack.widget(row)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.stack.insertWidget(row, widget)
            self._screens[row] = widget
        self.stack.setCurrentIndex(row)

    def open_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Ouvrir une base Achats Durables",
            "",
            "Bases Achats Durables (*.sqlite *.db);;Tous les fichiers (*)",
        )
        if path:
            from app.ui.application import open_database_in

            open_database_in(self.context, path, self)

    def _database_changed(self) -> None:
        from app.services.organisations import list_organisations

        db = self.context.db
        self.org_combo.blockSignals(True)
        self.org_combo.clear()
        if db is not None:
            for row in list_organisations(db):
                self.org_combo.addItem(row.name, row.id)
            index = self.org_combo.findData(self.context.organisation_id)
            self.org_combo.setCurrentIndex(max(index, 0))
            if self.context.organisation_id is None and self.org_combo.count():
                self.context.organisation_id = self.org_combo.currentData()
        self.org_combo.blockSignals(False)
        self.file_label.setText(f"Fichier : {db.location}" if db else messages.NO_DATABASE)

    def _organisation_chosen(self, index: int) -> None:
        if index >= 0:
            self.context.set_organisation(self.org_combo.itemData(index))

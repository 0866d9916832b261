"""Main window: side navigation, screens, menus, « À faire » panel and status bar. No business logic.

Nothing here imports the storage layer at module level: the window paints first, the database is
opened just after (see ``application.run_gui``).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui import messages, ops
from app.ui.context import AppContext, ui_settings
from app.ui.dialogs.file_choosers import FILE_FILTER
from app.ui.screens import SCREENS
from app.ui.widgets.glossary import explain_acronyms


def screen_row(key: str) -> int:
    return next(i for i, spec in enumerate(SCREENS) if spec.key == key)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.setWindowTitle(messages.APP_TITLE)
        self.setMinimumSize(1000, 600)
        self.nav = QListWidget()
        self.nav.setAccessibleName("Navigation")
        self.nav.setFixedWidth(210)
        self.nav.setStyleSheet("QListWidget::item { padding: 7px 4px; }")
        self.stack = QStackedWidget()
        self._screens: dict[int, QWidget] = {}
        for spec in SCREENS:
            item = QListWidgetItem(spec.title, self.nav)
            item.setToolTip(spec.explanation)
            self.stack.addWidget(QWidget())
        # Mark « Marchés » current without creating it: the window must paint before any screen
        # (and the database layer) loads; a current item also stops the list from picking the
        # first screen when it gets the focus.
        self.nav.setCurrentRow(screen_row("contracts"))
        self.nav.currentRowChanged.connect(self.show_screen)

        self.org_combo = QComboBox()
        self.org_combo.setAccessibleName("Collectivité")
        self.org_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.org_combo.setMinimumContentsLength(12)
        self.org_combo.view().setMinimumWidth(300)
        self.org_combo.currentIndexChanged.connect(self._organisation_chosen)

        side = QVBoxLayout()
        org_label = QLabel("Collectivité :")
        org_label.setBuddy(self.org_combo)
        side.addWidget(org_label)
        side.addWidget(self.org_combo)
        side.addWidget(self.nav, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addLayout(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.file_label = QLabel()
        self.file_label.setMinimumWidth(80)  # the path gives way (whole in its tooltip), not who writes
        self.org_label = QLabel()
        self.user_label = QLabel()
        self.presence_label = QLabel()
        self.presence_label.setAccessibleName("Partage du fichier")
        self.take_over_button = QPushButton("Passer en &modification")
        self.take_over_button.setToolTip(
            "Rouvrir le fichier pour le modifier : la personne qui le modifiait l'a fermé."
        )
        self.take_over_button.hide()
        status = self.statusBar()
        status.addWidget(self.file_label, 1)
        status.addPermanentWidget(self.org_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.presence_label)
        status.addPermanentWidget(self.take_over_button)

        self.todo_dock: QDockWidget | None = None
        self.ask_identity = False  # « Qui êtes-vous ? » at each opening (the application sets it)
        self._build_menus()
        from app.ui.ops.presence import FilePresence

        self.presence = FilePresence(self, context, self._show_sharing, self._reopen)
        self.take_over_button.clicked.connect(self.presence.take_over)
        context.database_changed.connect(self._database_changed)
        context.organisation_changed.connect(self._update_status)
        context.user_changed.connect(self._update_status)
        context.user_changed.connect(self.presence.user_changed)
        context.undo_changed.connect(self._update_undo)
        self._database_changed()
        self._update_undo()
        self._restore_geometry()
        if context.ready:  # opened on a database already (tests, tools): show the register
            self.show_screen(self.nav.currentRow())

    # --- menus --------------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, menu=None) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        self._action("&Nouvelle base…", self.new_database, "Ctrl+Shift+N", file_menu)
        self._action("&Ouvrir…", self.open_file_dialog, QKeySequence.StandardKey.Open, file_menu)
        self.recent_menu = file_menu.addMenu("Fichiers &récents")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action("Ouvrir la base de &démonstration", self.open_demo, None, file_menu)
        self._action("&Changer de collectivité ou d'utilisateur…", self.choose_identity, None, file_menu)
        file_menu.addSeparator()
        self.import_action = self._action("&Importer…", self.open_import, "Ctrl+I", file_menu)
        self.export_action = self._action("&Exporter…", self.open_export, "Ctrl+E", file_menu)
        self._action("&Fusionner la copie d'une autre mairie…", self.open_merge, None, file_menu)
        file_menu.addSeparator()
        self.print_action = self._action(
            "Im&primer…", self.print_current, QKeySequence.StandardKey.Print, file_menu
        )
        file_menu.addSeparator()
        self._action("&Quitter", self.close, QKeySequence.StandardKey.Quit, file_menu)

        edit_menu = bar.addMenu("É&dition")
        self.undo_action = self._action(
            messages.UNDO_NOTHING, self.context.undo, QKeySequence.StandardKey.Undo, edit_menu
        )
        edit_menu.addSeparator()
        self.find_action = self._action(
            "&Rechercher un marché", self.find_contract, QKeySequence.StandardKey.Find, edit_menu
        )

        contract_menu = bar.addMenu("&Marchés")
        self.new_contract_action = self._action(
            "&Nouveau marché…", self.new_contract, QKeySequence.StandardKey.New, contract_menu
        )
        self._action("Ouvrir l'éc&héancier", self.open_timeline, "Ctrl+T", contract_menu)
        self._action("&Données à compléter", self.open_facts, "Ctrl+Shift+D", contract_menu)

        view_menu = bar.addMenu("&Affichage")
        for index, spec in enumerate(SCREENS):
            self._action(
                spec.title, lambda _=False, i=index: self.nav.setCurrentRow(i), f"Ctrl+{index + 1}", view_menu
            )
        view_menu.addSeparator()
        self._action("Panneau « À &faire »", self.show_todo, "Ctrl+Shift+A", view_menu)

        help_menu = bar.addMenu("&Aide")
        self._action("&Guide de démarrage", self.show_guide, QKeySequence.StandardKey.HelpContents, help_menu)
        self._action("À &propos d'Achats Durables", self.show_about, None, help_menu)

    def _fill_recent_menu(self) -> None:
        from app.services.recent import recent_databases

        self.recent_menu.clear()
        paths = recent_databases()
        if not paths:
            action = self.recent_menu.addAction("Aucun fichier récent")
            action.setEnabled(False)
        for number, path in enumerate(paths, start=1):
            action = self.recent_menu.addAction(f"&{number} {path.name} — {path.parent}")
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))

    def _update_undo(self) -> None:
        stack = self.context.undo_stack
        self.undo_action.setEnabled(bool(stack))
        self.undo_action.setText(stack[-1].label if stack else messages.UNDO_NOTHING)

    # --- screens -----------------------------------------------------------------------------------
    def show_screen(self, row: int) -> None:
        if row < 0:
            return
        if row not in self._screens:
            widget = importlib.import_module(SCREENS[row].module).create(self.context, self)
            old = self.stack.widget(row)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.stack.insertWidget(row, widget)
            self._screens[row] = widget
        self.stack.setCurrentIndex(row)
        self._todo_dock_for(SCREENS[row].key)
        explain_acronyms(self.stack.currentWidget())  # texts filled since the last visit included

    def _todo_dock_for(self, key: str) -> None:
        """The dashboard has its own « À faire » tab: the bottom panel steps aside there, and comes back."""
        dock = self.todo_dock
        if dock is None:
            return
        if key == "dashboard" and dock.isVisible():
            dock.hide()
            dock.setProperty("hidden_for_dashboard", True)
        elif key != "dashboard" and dock.property("hidden_for_dashboard"):
            dock.setProperty("hidden_for_dashboard", False)
            dock.show()

    def open_screen(self, key: str) -> QWidget:
        """The screen of ``key``, shown (created on first use)."""
        row = screen_row(key)
        self.nav.setCurrentRow(row)
        self.show_screen(row)
        return self._screens[row]

    def _require_ready(self) -> bool:
        if self.context.ready:
            return True
        QMessageBox.information(self, messages.APP_TITLE, messages.NOT_READY)
        return False

    def new_contract(self) -> None:
        if self._require_ready():
            self.open_screen("contracts").new_contract()

    def find_contract(self) -> None:
        if self._require_ready():
            self.open_screen("contracts").focus_search()

    def open_timeline(self) -> None:
        if self._require_ready():
            self.open_screen("contracts").show_timeline()

    def open_facts(self) -> None:
        """« Données à compléter » (menu Marchés, and the pointers of the dashboard and cotation)."""
        if self._require_ready():
            self.open_screen("facts")

    def print_current(self) -> None:
        widget = self.stack.currentWidget()
        printer = getattr(widget, "print_view", None)
        if printer is None:
            QMessageBox.information(self, messages.APP_TITLE, messages.NOTHING_TO_PRINT)
            return
        printer()

    # --- files -------------------------------------------------------------------------------------
    def open_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Ouvrir une base Achats Durables", "", FILE_FILTER)
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> None:
        from app.ui.ops.open_file import open_database_in

        db = self.context.db
        if self.presence.holds_lease() and db.path is not None and Path(path).resolve() == db.path.resolve():
            return  # this window writes the file already (opening it again would find its own lease)
        open_database_in(self.context, path, self)

    def open_demo(self) -> None:
        from app.demo.database import demo_copy

        self.open_path(demo_copy())

    def new_database(self) -> None:
        from app.ui.dialogs.wizard import FirstRunWizard

        wizard = FirstRunWizard(self, start_on_create=True)
        if wizard.exec() and wizard.chosen_path is not None:
            self.open_path(wizard.chosen_path)

    def _open_dialog(self, module: str, function: str) -> None:
        if not self._require_ready():
            return
        getattr(importlib.import_module(module), function)(self.context, self)

    def open_import(self) -> None:
        self._open_dialog("app.ui.dialogs.import_dialog", "open_import_dialog")

    def open_export(self) -> None:
        self._open_dialog("app.ui.dialogs.export_dialog", "open_export_dialog")

    def open_merge(self) -> None:
        self._open_dialog("app.ui.dialogs.merge", "open_merge_dialog")

    # --- help ----------------------------------------------------------------------------------------
    def show_about(self) -> None:
        from app.ui.dialogs.about import show_about

        show_about(self, self.context)

    def show_guide(self) -> None:
        from app.ui.dialogs.guide import show_guide

        show_guide(self)

    # --- « À faire » ---------------------------------------------------------------------------------
    def show_todo(self, *, only_if_any: bool = False) -> None:
        """The « À faire » panel (bottom dock); at start it opens only when something needs doing."""
        if not self.context.ready:
            return
        from app.ui.widgets.alerts import AlertsPanel

        if self.todo_dock is None:
            self.todo_dock = QDockWidget("À faire", self)
            self.todo_dock.setObjectName("todo")
            self.todo_dock.setAllowedAreas(
                Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
            )
            panel = AlertsPanel(self.context, self.todo_dock, compact=True)
            panel.contract_activated.connect(lambda cid: self.open_screen("contracts").edit_contract_id(cid))
            self.todo_dock.setWidget(panel)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.todo_dock)
            self.resizeDocks([self.todo_dock], [150], Qt.Orientation.Vertical)
        panel = self.todo_dock.widget()
        panel.reload(then=lambda: self._todo_shown(panel, only_if_any))

    def _todo_shown(self, panel, only_if_any: bool) -> None:  # noqa: ANN001
        self.todo_dock.setWindowTitle(f"À faire ({panel.count()})")
        if only_if_any and panel.count() == 0:
            self.todo_dock.hide()
            return
        self.todo_dock.show()
        self.todo_dock.raise_()
        if only_if_any:  # opened by itself at start, not asked for
            self._todo_dock_for(SCREENS[self.stack.currentIndex()].key)

    # --- status --------------------------------------------------------------------------------------
    def _database_changed(self) -> None:
        db = self.context.db
        self.presence.attach(db)
        if db is None:
            self._show_organisations(None, [])
            return
        from app.services.organisations import list_organisations

        ops.query(self, lambda: list_organisations(db), lambda rows: self._show_organisations(db, rows))

    def _show_organisations(self, db, rows: list) -> None:  # noqa: ANN001
        if db is not self.context.db:
            return  # another file was opened meanwhile
        self.org_combo.blockSignals(True)
        self.org_combo.clear()
        if db is not None:
            for row in rows:
                self.org_combo.addItem(row.name, row.id)
            ids = [
                self.org_combo.itemData(i) for i in range(self.org_combo.count())
            ]  # findData() misses UUIDs
            wanted = self.context.organisation_id
            self.org_combo.setCurrentIndex(ids.index(wanted) if wanted in ids else 0)
            if self.context.organisation_id is None and self.org_combo.count():
                self.context.organisation_id = self.org_combo.currentData()
        self.org_combo.blockSignals(False)
        self.org_combo.setEnabled(self.org_combo.count() > 1)
        # the side column widens (within reason) so that the commune's name shows whole
        names = [self.org_combo.itemText(i) for i in range(self.org_combo.count())]
        needed = max((self.org_combo.fontMetrics().horizontalAdvance(n) for n in names), default=0) + 48
        self.nav.setFixedWidth(min(max(210, needed), 320))
        self.setWindowTitle(f"{Path(db.location).name} — {messages.APP_TITLE}" if db else messages.APP_TITLE)
        self._update_status()
        if db is not None and self.todo_dock is not None:
            QTimer.singleShot(0, lambda: self.show_todo(only_if_any=False))
        if db is not None and self.ask_identity:
            QTimer.singleShot(0, self.choose_identity)

    def choose_identity(self) -> None:
        from app.ui.dialogs.identity import ask_identity

        ask_identity(self, self.context, on_closed=lambda _ok: self._sync_organisation())

    def _sync_organisation(self) -> None:
        self.org_combo.blockSignals(True)
        ids = [self.org_combo.itemData(i) for i in range(self.org_combo.count())]
        wanted = self.context.organisation_id
        self.org_combo.setCurrentIndex(ids.index(wanted) if wanted in ids else 0)
        self.org_combo.blockSignals(False)
        self._update_status()

    def _show_sharing(self, status) -> None:  # noqa: ANN001 - ops.presence.Status, or None: no file
        """Who else has the file, or in one-writer mode who writes (« Lecture seule : modifié par … »)."""
        self.presence_label.setText(status.text if status else "")
        self.presence_label.setToolTip(status.tooltip if status else "")
        self.take_over_button.setVisible(bool(status and status.take_over))

    def _reopen(self) -> None:
        """Open the same file again (the one-writer lease changed hands)."""
        db = self.context.db
        if db is not None and db.path is not None:
            self.open_path(db.path)

    def _update_status(self) -> None:
        db = self.context.db
        self.file_label.setText(messages.STATUS_FILE.format(path=db.location) if db else messages.NO_DATABASE)
        self.file_label.setToolTip(db.location if db else "")
        name = self.org_combo.currentText()
        self.org_label.setText(messages.STATUS_ORG.format(name=name) if name else "")
        user = self.context.user_name
        self.user_label.setText(messages.STATUS_USER.format(name=user) if user else messages.STATUS_NO_USER)
        writable = db is None or not db.read_only  # read-only: the status bar says why
        for action in (self.import_action, self.new_contract_action):
            action.setEnabled(writable)

    def _organisation_chosen(self, index: int) -> None:
        if index >= 0:  # a password, when the organisation has one, guards the switch
            from app.ui.dialogs.identity import switch_organisation

            switch_organisation(
                self, self.context, self.org_combo.itemData(index), lambda _ok: self._sync_organisation()
            )

    # --- geometry ------------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = ui_settings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            return
        screen = self.screen()  # QWidget.screen(): the QScreen the window is on
        available = screen.availableGeometry() if screen is not None else None
        if available is not None and (available.width() < 1400 or available.height() < 860):
            # Small screen (the 1366x768 town-hall laptop): use all of it.
            self.setGeometry(available)
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        else:
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.presence.leave()
        settings = ui_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.sync()
        super().closeEvent(event)

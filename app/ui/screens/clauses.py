"""Clauses: the library of responsible clauses (search, filter by SPASER action and type, read, copy
the model text, add a clause, adapt a copy, share with neighbouring towns) and, in a second tab, the
clause checklist of any contract."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.enums import ClauseKind, label
from app.errors import UserError
from app.rules.clause_library import DECP_VALUES
from app.rules.levers import LEVERS
from app.ui import ops
from app.ui.context import AppContext
from app.ui.messages import count as count_of
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.changed_note import ExternalChanges
from app.ui.widgets.checklist import ChecklistWidget
from app.ui.widgets.tables import fit_columns


def escape(text: str) -> str:
    return html.escape(text, quote=False)


ACTION_TITLES = {a: lever.title for lever in LEVERS for a in lever.actions}


def _origin(row) -> str:  # noqa: ANN001
    if row.builtin:
        return "Livrée"
    return "Copie adaptée" if row.copied_from else "Propre à la collectivité"


LIBRARY_COLUMNS = (
    Column("Clause", lambda r: r.title, tooltip=lambda r: r.title),
    Column("Type", lambda r: label(r.kind)),
    Column(
        "Actions",
        lambda r: ", ".join(str(a) for a in r.actions),
        sort_key=lambda r: min(r.actions, default=99),
    ),
    Column("Origine", _origin),
)


class ClauseDialog(QDialog):
    """Add a clause or edit one of the organisation's own (every field is required, as in the library)."""

    def __init__(self, parent: QWidget | None, initial=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Modifier la clause" if initial else "Nouvelle clause")
        self.resize(720, 640)
        self.title = QLineEdit()
        self.kind = QComboBox()
        for kind in ClauseKind:
            self.kind.addItem(label(kind), kind.value)
        self.actions = QLineEdit()
        self.actions.setPlaceholderText("par exemple : 24, 25")
        self.legal_basis = QLineEdit()
        self.applies_when = QPlainTextEdit()
        self.guidance = QPlainTextEdit()
        self.model_text = QPlainTextEdit()
        self.decp = QComboBox()
        self.decp.addItem("Aucune", None)
        for value in DECP_VALUES:
            self.decp.addItem(value, value)
        for widget, name in (
            (self.title, "Titre"),
            (self.kind, "Type"),
            (self.actions, "Actions du SPASER"),
            (self.legal_basis, "Base juridique"),
            (self.applies_when, "Quand l'utiliser"),
            (self.guidance, "Conseils à l'acheteur"),
            (self.model_text, "Texte type"),
            (self.decp, "Considération DECP"),
        ):
            widget.setAccessibleName(name)
        self.applies_when.setMaximumHeight(60)
        self.guidance.setMaximumHeight(80)
        self.error = QLabel()
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Titre :", self.title)
        form.addRow("T&ype :", self.kind)
        form.addRow("&Actions du SPASER :", self.actions)
        form.addRow("&Base juridique :", self.legal_basis)
        form.addRow("&Quand l'utiliser :", self.applies_when)
        form.addRow("&Conseils :", self.guidance)
        form.addRow("Te&xte type :", self.model_text)
        form.addRow("Considération &DECP :", self.decp)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if initial is not None:
            self.title.setText(initial.title)
            self.kind.setCurrentIndex(self.kind.findData(initial.kind.value))
            self.actions.setText(", ".join(str(a) for a in initial.actions))
            self.legal_basis.setText(initial.legal_basis)
            self.applies_when.setPlainText(initial.applies_when)
            self.guidance.setPlainText(initial.guidance)
            self.model_text.setPlainText(initial.model_text)
            self.decp.setCurrentIndex(max(self.decp.findData(initial.decp_consideration), 0))
        self.on_accept = None
        self.result_value: object = None

    def value(self):  # noqa: ANN201
        from app.errors import ValidationError
        from app.services.clauses import ClauseInput

        parts = [p.strip() for p in self.actions.text().replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise ValidationError(
                "Actions : indiquez des numéros séparés par des virgules (par exemple 24, 25)."
            )
        return ClauseInput(
            title=self.title.text(),
            kind=ClauseKind(self.kind.currentData()),
            actions=tuple(int(p) for p in parts),
            legal_basis=self.legal_basis.text(),
            applies_when=self.applies_when.toPlainText(),
            guidance=self.guidance.toPlainText(),
            model_text=self.model_text.toPlainText(),
            decp_consideration=self.decp.currentData(),
        )

    def accept(self) -> None:
        """Check the values, then ``on_accept(data)`` on the database worker; the dialog closes
        when it is saved and stays open with the message when it is refused."""
        try:
            data = self.value()
        except UserError as exc:
            self._refused(exc)
            return
        if self.on_accept is None:
            super().accept()
            return
        on_accept = self.on_accept
        ops.mutate(self, lambda: on_accept(data), self._saved, on_error=self._refused)

    def _saved(self, result: object) -> None:
        self.result_value = result
        super().accept()

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.error.setText(f"<span style='color:#a4000f'>{escape(exc.message)}</span>")
        else:
            ops.show_op_error(self, exc)


class LibraryView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = RowTableModel(LIBRARY_COLUMNS, self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher (titre, texte, article…)")
        self.search.setAccessibleName("Rechercher une clause")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.reload)
        self.action = QComboBox()
        self.action.setAccessibleName("Filtrer par action du SPASER")
        self.action.addItem("Toutes les actions", None)
        for number in sorted(ACTION_TITLES):
            self.action.addItem(f"Action {number} — {ACTION_TITLES[number]}", number)
        self.action.currentIndexChanged.connect(self.reload)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Filtrer par type")
        self.kind.addItem("Tous les types", None)
        for kind in ClauseKind:
            self.kind.addItem(label(kind), kind.value)
        self.kind.currentIndexChanged.connect(self.reload)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Bibliothèque de clauses")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by SPASER action
        self.table.verticalHeader().setVisible(False)
        fit_columns(self.table)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.table.doubleClicked.connect(lambda *_: self.edit_current())
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Détail de la clause")
        self.detail.setOpenExternalLinks(False)
        self.count = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.copy_text_button = QPushButton("&Copier le texte type")
        self.copy_text_button.clicked.connect(self.copy_text)
        self.copy_clause_button = QPushButton("Faire une copie à &adapter")
        self.copy_clause_button.clicked.connect(self.copy_clause)
        self.edit_button = QPushButton("&Modifier…")
        self.edit_button.clicked.connect(self.edit_current)
        self.add_button = QPushButton("&Nouvelle clause…")
        self.add_button.clicked.connect(self.add_clause)
        self.import_button = QPushButton("&Importer…")
        self.import_button.setToolTip(
            "Ajouter les clauses d'une bibliothèque partagée par une autre collectivité"
        )
        self.import_button.clicked.connect(self.import_library)
        self.export_button = QPushButton("E&xporter…")
        self.export_button.setToolTip(
            "Enregistrer vos clauses dans un fichier à partager avec d'autres collectivités"
        )
        self.export_button.clicked.connect(self.export_library)
        self.include_builtin = QCheckBox("avec les clauses livrées")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.action, 2)
        filters.addWidget(self.kind, 1)
        share = QHBoxLayout()
        share.addWidget(self.add_button)
        share.addStretch(1)
        share.addWidget(self.import_button)
        share.addWidget(self.export_button)
        share.addWidget(self.include_builtin)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.copy_text_button)
        actions.addWidget(self.copy_clause_button)
        actions.addWidget(self.edit_button)
        right_layout.addLayout(actions)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(share)
        layout.addWidget(self.message)
        self.reload()

    def reload(self, *_args, then: Callable[[], None] | None = None) -> None:  # noqa: ANN002
        from app.services.clauses import ensure_builtin_clauses, list_library

        ctx = self.context
        if ctx.db is None:
            self._show_rows([])
            return
        db, org, search, action = ctx.db, ctx.organisation_id, self.search.text(), self.action.currentData()
        kind = ClauseKind(self.kind.currentData()) if self.kind.currentData() else None

        def load():  # noqa: ANN202
            ensure_builtin_clauses(db)
            return list_library(db, org, search=search, action=action, kind=kind)

        def loaded(rows) -> None:  # noqa: ANN001
            self._show_rows(rows)
            if then is not None:
                then()

        ops.query(self, load, loaded)

    def _show_rows(self, rows) -> None:  # noqa: ANN001
        if rows:
            current = self.current_row()
            self.model.set_rows(rows)
            index = next((n for n, r in enumerate(self.model.rows) if current and r.id == current.id), 0)
            self.table.selectRow(index)
        else:
            self.model.set_rows(rows)
        self.table.setColumnWidth(0, 290)
        for column in (1, 2, 3):
            self.table.resizeColumnToContents(column)
        self.count.setText(count_of(len(self.model.rows), "clause"))
        self._show_current()

    def current_row(self):  # noqa: ANN201
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.row_at(index.row())

    def _show_current(self) -> None:
        row = self.current_row()
        for button in (self.copy_text_button, self.copy_clause_button):
            button.setEnabled(row is not None)
        self.edit_button.setEnabled(row is not None and not row.builtin)
        self.edit_button.setToolTip(
            "Les clauses livrées ne se modifient pas : faites-en une copie à adapter."
            if row and row.builtin
            else ""
        )
        if row is None:
            self.detail.setHtml("<p>Aucune clause ne correspond à la recherche.</p>")
            return
        actions = ", ".join(f"{a} ({escape(ACTION_TITLES.get(a, ''))})" for a in row.actions)
        decp = (
            f"<p><b>Donnée essentielle (DECP) :</b> {escape(row.decp_consideration)}</p>"
            if row.decp_consideration
            else ""
        )
        origin = "" if row.builtin else f"<p><i>{_origin(row)}</i></p>"
        self.detail.setHtml(
            f"<h3>{escape(row.title)}</h3>{origin}"
            f"<p><b>Type :</b> {escape(label(row.kind))} — <b>Actions du SPASER :</b> {actions}</p>"
            f"<p><b>Base juridique :</b> {escape(row.legal_basis)}</p>"
            f"<p><b>Quand l'utiliser :</b> {escape(row.applies_when)}</p>"
            f"<p><b>Conseils :</b> {escape(row.guidance)}</p>{decp}"
            "<p><b>Texte type :</b></p>"
            f"<div style='background:#f3f7f5; padding:6px'>{escape(row.model_text).replace(chr(10), '<br>')}</div>"
        )

    # --- actions ----------------------------------------------------------------------------------
    def copy_text(self) -> None:
        row = self.current_row()
        if row is not None:
            QApplication.clipboard().setText(row.model_text)
            self.message.setText(f"Texte de « {row.title} » copié : collez-le dans le document du marché.")

    def _select_id(self, clause_id) -> None:  # noqa: ANN001
        for n, row in enumerate(self.model.rows):
            if row.id == clause_id:
                self.table.selectRow(n)
                return

    def _need_org(self) -> bool:
        if self.context.db is None or self.context.organisation_id is None:
            self.message.setText("Ouvrez d'abord un fichier et choisissez une collectivité.")
            return False
        return True

    def copy_clause(self) -> None:
        from app.services.clauses import copy_clause

        row = self.current_row()
        if row is None or not self._need_org():
            return
        db, org = self.context.db, self.context.organisation_id

        def copied(new_id) -> None:  # noqa: ANN001
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.reload(then=lambda: self._select_id(new_id))
            self.message.setText(
                "Copie créée : adaptez-la avec « Modifier… ». Elle remplace l'originale dans les listes de clauses des marchés."
            )
            self.context.data_changed.emit("clause")

        ops.mutate(self, lambda: copy_clause(db, org, row.id), copied, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.message.setText(exc.message)
        else:
            ops.show_op_error(self, exc)

    def add_clause(self) -> None:
        from app.services.clauses import add_clause

        if not self._need_org():
            return
        dialog = ClauseDialog(self)
        db, org = self.context.db, self.context.organisation_id
        dialog.on_accept = lambda data: add_clause(db, org, data)
        if dialog.exec() and dialog.result_value is not None:
            created = dialog.result_value
            self.reload(then=lambda: self._select_id(created))
            self.message.setText("Clause ajoutée à la bibliothèque de la collectivité.")
            self.context.data_changed.emit("clause")

    def edit_current(self) -> None:
        from app.services.clauses import update_clause

        row = self.current_row()
        if row is None or row.builtin:
            if row is not None:
                self.message.setText(
                    "Les clauses livrées ne se modifient pas : faites-en une copie à adapter."
                )
            return
        dialog = ClauseDialog(self, row)
        db, org, user = self.context.db, self.context.organisation_id, self.context.user_name
        dialog.on_accept = lambda data: update_clause(
            db, row.id, data, expected_version=row.version, organisation_id=org, user_name=user
        )
        if dialog.exec():
            self.reload()
            self.message.setText("Clause modifiée.")
            self.context.data_changed.emit("clause")

    def import_library(self) -> None:
        from app.services.clauses import import_library

        if not self._need_org():
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Importer une bibliothèque de clauses",
            "",
            "Bibliothèques de clauses (*.toml);;Tous les fichiers (*)",
        )
        if not path:
            return
        db, org = self.context.db, self.context.organisation_id

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, UserError):
                ops.show_op_error(self, exc)
                return
            problems = "".join(f"<br>– {escape(str(p))}" for p in getattr(exc, "problems", [])[:10])
            self.message.setText(f"<span style='color:#a4000f'>{escape(exc.message)}</span>{problems}")

        def imported(result) -> None:  # noqa: ANN001
            self.reload()
            self.message.setText(
                f"{count_of(len(result.added), 'clause importée', 'clauses importées')}, "
                f"{count_of(len(result.skipped), 'déjà présente', 'déjà présentes')} (sans doublon)."
            )
            self.context.data_changed.emit("clause")

        ops.mutate(self, lambda: import_library(db, org, path), imported, on_error=refused)

    def export_library(self) -> None:
        from app.services.clauses import export_library

        if not self._need_org():
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Exporter la bibliothèque de clauses", "clauses.toml", "Bibliothèques de clauses (*.toml)"
        )
        if not path:
            return
        if not path.lower().endswith(".toml"):
            path += ".toml"
        db, org, builtin = self.context.db, self.context.organisation_id, self.include_builtin.isChecked()
        ops.query(
            self,
            lambda: export_library(db, org, path, include_builtin=builtin),
            lambda n: self.message.setText(
                f"{count_of(n, 'clause exportée', 'clauses exportées')} dans {path}."
            ),
            on_error=self._failed,
        )


class ContractChecklistView(QWidget):
    """Pick a contract of the organisation and work on its clause checklist."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.contract = QComboBox()
        self.contract.setAccessibleName("Marché")
        self.contract.setMinimumWidth(420)
        self.missing_only = QCheckBox("Seulement les marchés où manque une clause obligatoire")
        self.missing_only.toggled.connect(self.reload)
        self.checklist = ChecklistWidget(context, None, self)
        self.contract.currentIndexChanged.connect(
            lambda *_: self.checklist.set_contract(self.contract.currentData())
        )
        self.checklist.changed.connect(self._refresh_flags)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Marché :"))
        top.itemAt(0).widget().setBuddy(self.contract)
        top.addWidget(self.contract, 1)
        top.addWidget(self.missing_only)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.checklist, 1)
        # Read when its tab is first shown (``ClausesScreen``): the screen opens on the library, and
        # the 10,000 contracts' facts this list needs would delay the library's first paint.
        self.stale = True

    def reload(self, *_args) -> None:  # noqa: ANN002
        from app.services.clauses import contracts_missing_mandatory, ensure_builtin_clauses
        from app.services.contracts import list_contracts

        self.stale = False
        ctx = self.context
        if ctx.db is None or ctx.organisation_id is None:
            self._show_contracts(set(), [])
            return
        db, org = ctx.db, ctx.organisation_id

        def load():  # noqa: ANN202
            ensure_builtin_clauses(db)
            return contracts_missing_mandatory(db, org), list_contracts(db, org)

        ops.query(self, load, lambda result: self._show_contracts(*result))

    def _show_contracts(self, missing: set, rows: list) -> None:
        current = self.contract.currentData()
        self.contract.blockSignals(True)
        self.contract.clear()
        if rows:
            for row in rows:
                if self.missing_only.isChecked() and row.id not in missing:
                    continue
                flag = " ⚠ clause obligatoire manquante" if row.id in missing else ""
                self.contract.addItem(f"{row.reference} — {row.object[:60]}{flag}", row.id)
        index = self.contract.findData(current)
        self.contract.setCurrentIndex(index if index >= 0 else (0 if self.contract.count() else -1))
        self.contract.blockSignals(False)
        self.checklist.set_contract(self.contract.currentData())

    def show_contract(self, contract_id) -> None:  # noqa: ANN001
        index = self.contract.findData(contract_id)
        if index >= 0:
            self.contract.setCurrentIndex(index)

    def _refresh_flags(self) -> None:
        """After a decision: update the "missing" flags in place, keeping the checklist as it is."""
        from app.services.clauses import contracts_missing_mandatory

        db, org = self.context.db, self.context.organisation_id
        ops.query(self, lambda: contracts_missing_mandatory(db, org), self._show_flags)

    def _show_flags(self, missing: set) -> None:
        flag = " ⚠ clause obligatoire manquante"
        for index in range(self.contract.count()):
            text = self.contract.itemText(index).removesuffix(flag)
            self.contract.setItemText(
                index, text + (flag if self.contract.itemData(index) in missing else "")
            )


class ClausesScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        heading = QLabel(
            "<h2>Clauses</h2>La bibliothèque des clauses responsables du SPASER, avec leurs textes types prêts à "
            "copier, et pour chaque marché la liste des clauses obligatoires, recommandées ou à étudier."
        )
        heading.setWordWrap(True)
        self.library = LibraryView(context, self)
        self.contracts = ContractChecklistView(context, self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.library, "&Bibliothèque")
        self.tabs.addTab(self.contracts, "Clauses d'un &marché")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._tab_changed)
        context.database_changed.connect(self._reload)
        context.organisation_changed.connect(self._reload)
        self.external = ExternalChanges(
            self, context, self._reload, dirty=self.contracts.checklist.has_unsaved_input, position=1
        )

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.contracts and self.contracts.stale:
            self.contracts.reload()

    def _reload(self) -> None:
        self.library.reload()
        self.contracts.stale = True  # read again when its tab is (or is next) shown
        self._tab_changed(self.tabs.currentIndex())


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return ClausesScreen(context, parent)

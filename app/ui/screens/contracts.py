"""Marchés: the contract register (search, filters, sort), the contract form, delete with undo, and
the échéancier (timeline) tab."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.enums import ContractStatus, PurchaseNature, label
from app.rules.editing import Access
from app.services import contracts as svc
from app.ui import messages, ops
from app.ui.context import AppContext, UndoEntry
from app.ui.dialogs import read_only
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.table_keys import TableKeys
from app.ui.widgets.tables import fit_columns

MUTED = QColor("#5f6368")  # another organisation's rows: greyed, and marked in words (never colour alone)
OWN = Access(True)


def register_columns(
    today: dt.date,
    access: Callable[[svc.ContractRow], Access] | None = None,
    owner: Callable[[svc.ContractRow], str] | None = None,
) -> list[Column]:
    """The register's columns; with ``access`` (the other towns' contracts are shown), another
    organisation's rows are greyed, their reference carries a padlock, and a second column
    « Collectivité » says whose each contract is and that the others' are read-only."""
    columns = _columns(today)
    if access is None or owner is None:
        return columns

    def muted(row: svc.ContractRow) -> QColor | None:
        return None if access(row).editable else MUTED

    def lock(row: svc.ContractRow) -> QIcon | None:
        return None if access(row).editable else read_only.lock_icon()

    def explained(column: Column) -> Callable[[svc.ContractRow], str | None]:
        def tooltip(row: svc.ContractRow) -> str | None:
            rule = access(row)
            if not rule.editable:
                return rule.explanation
            return column.tooltip(row) if column.tooltip is not None else column.display(row)

        return tooltip

    out = [
        dataclasses.replace(
            column,
            foreground=muted,
            decoration=lock if index == 0 else None,
            tooltip=explained(column),
        )
        for index, column in enumerate(columns)
    ]
    out.insert(
        1,
        Column(
            OWNER_HEADER,
            lambda r: owner(r) if access(r).editable else f"{owner(r)} (lecture seule)",
            foreground=muted,
            decoration=lock,
            tooltip=lambda r: access(r).explanation or "Marché de votre collectivité : modifiable",
        ),
    )
    return out


OWNER_HEADER = "Collectivité"


def _columns(today: dt.date) -> list[Column]:
    def months_left(row: svc.ContractRow) -> int | None:
        return row.months_left(today)

    def months_text(row: svc.ContractRow) -> str:
        months = months_left(row)
        if months is None:
            return ""
        # « échu » only once the end date is past: the last days of a running contract count 0 months
        return "échu" if row.end_date < today else str(max(months, 0))

    return [
        Column("Référence", lambda r: r.reference),
        Column("Objet", lambda r: r.object, tooltip=lambda r: r.object),
        Column("Service", lambda r: r.department),
        Column("Famille", lambda r: r.family),
        Column("Titulaire", lambda r: r.supplier),
        Column(
            "Montant HT",
            lambda r: fmt.money(r.amount),
            sort_key=lambda r: r.amount,
            align_right=True,
            tooltip=lambda r: "Montant notifié (à défaut estimé), avenants compris",
        ),
        Column("Échéance", lambda r: fmt.date(r.end_date), sort_key=lambda r: r.end_date),
        Column(
            "Mois restants",
            months_text,
            sort_key=months_left,
            align_right=True,
            tooltip=lambda r: "Nombre de mois entiers avant l'échéance",
        ),
        Column("Procédure", lambda r: label(r.procedure) or "à préciser"),
        Column("État", lambda r: label(r.status)),
    ]


def missing_clause_provider():  # noqa: ANN201
    """``contracts_missing_mandatory(db, organisation_id)`` (imported late: the register paints first)."""
    from app.services.clauses import contracts_missing_mandatory

    return contracts_missing_mandatory


class RegisterView(QWidget):
    contract_saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.own_change = False
        self.all_rows: list[svc.ContractRow] = []
        self.keys: dict[uuid.UUID, str] = {}
        self.missing: set[uuid.UUID] | None = None
        self.shared: svc.SharedRegister | None = None  # set when the other towns' contracts are shown
        self.own_columns = register_columns(context.today())
        self.shared_columns = register_columns(context.today(), self.access_of, self.owner_of)
        self.model = RowTableModel(self.own_columns, self)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher dans la référence, l'objet ou le titulaire (Ctrl+F)")
        self.search.setAccessibleName("Rechercher un marché")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)

        self.department = self._combo("Service")
        self.family = self._combo("Famille")
        self.nature = self._combo("Nature")
        for member in PurchaseNature:
            self.nature.addItem(label(member), member)
        self.status = self._combo("État")
        for member in ContractStatus:
            self.status.addItem(label(member), member)
        self.by_end = QCheckBox("Échéance du")
        self.end_from = QDateEdit()
        self.end_to = QDateEdit()
        for edit, name in ((self.end_from, "Échéance à partir du"), (self.end_to, "Échéance jusqu'au")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setAccessibleName(name)
            edit.setEnabled(False)
        today = context.today()
        self.end_from.setDate(QDate(today.year, 1, 1))
        self.end_to.setDate(QDate(today.year, 12, 31))
        self.end_from.dateChanged.connect(self.apply_filter)
        self.end_to.dateChanged.connect(self.apply_filter)
        self.by_end.toggled.connect(self.end_from.setEnabled)
        self.by_end.toggled.connect(self.end_to.setEnabled)
        self.by_end.toggled.connect(self.apply_filter)
        self.next_year = QCheckBox("Renouvellement l'an prochain")
        self.next_year.setToolTip(
            "Marchés dont l'échéance tombe l'année prochaine : à préparer dès maintenant."
        )
        self.next_year.toggled.connect(self.apply_filter)
        self.missing_clause = QCheckBox("Clause obligatoire manquante")
        self.missing_clause.setToolTip("Marchés auxquels il manque au moins une clause obligatoire.")
        self.missing_clause.toggled.connect(self.apply_filter)
        self.missing_clause.setVisible(missing_clause_provider() is not None)
        self.others = QCheckBox("Autres collectivités")
        self.others.setToolTip(
            "Afficher aussi les marchés des autres collectivités du fichier, en lecture seule "
            "(marqués d'un cadenas et de leur nom)."
        )
        self.others.toggled.connect(lambda _checked: self.reload())
        clear = QPushButton("Effacer les filtres")
        clear.clicked.connect(self.clear_filters)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Registre des marchés")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSortIndicator(6, Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(100)  # never measure 10,000 rows
        header.setStretchLastSection(False)
        fit_columns(self.table)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        TableKeys(self.table, self.edit_selected, self.delete_selected)

        self.count_label = QLabel()
        self.new_button = QPushButton("Nouveau marché")
        self.new_button.setToolTip("Créer un marché (Ctrl+N)")
        self.edit_button = QPushButton("Ouvrir la fiche")
        self.edit_button.setToolTip("Ouvrir la fiche du marché sélectionné (Entrée)")
        # « Consulter la fiche » on another town's contract: room for the longer title, never cut
        self.edit_button.setMinimumWidth(
            self.edit_button.fontMetrics().horizontalAdvance("Consulter la fiche") + 32
        )
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.setToolTip("Supprimer le marché sélectionné (Suppr) ; Ctrl+Z pour annuler")
        self.print_button = QPushButton("Imprimer la liste")
        self.print_button.setToolTip("Imprimer les marchés affichés (Ctrl+P)")
        self.new_button.clicked.connect(self.new_contract)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.print_button.clicked.connect(self.print_view)

        row1 = QHBoxLayout()
        row1.addWidget(self.search, 3)
        row1.addWidget(self.new_button)
        row1.addWidget(self.edit_button)
        row1.addWidget(self.delete_button)
        row1.addWidget(self.print_button)
        row2 = QHBoxLayout()
        for caption, widget in (
            ("Service :", self.department),
            ("Famille :", self.family),
            ("Nature :", self.nature),
            ("État :", self.status),
        ):
            lab = QLabel(caption)
            lab.setBuddy(widget)
            row2.addWidget(lab)
            row2.addWidget(widget, 1)
        row3 = QHBoxLayout()
        row3.addWidget(self.by_end)
        row3.addWidget(self.end_from)
        row3.addWidget(QLabel("au"))
        row3.addWidget(self.end_to)
        row3.addSpacing(16)
        row3.addWidget(self.next_year)
        row3.addWidget(self.missing_clause)
        row3.addWidget(self.others)
        row3.addStretch(1)
        row3.addWidget(clear)
        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addLayout(row3)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.addItem("Tous", None)
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(self.apply_filter)
        return combo

    # --- loading and filtering ---------------------------------------------------------------------
    def reload(self, then: Callable[[], None] | None = None) -> None:
        ctx = self.context
        if not ctx.ready:
            self.all_rows, self.keys = [], {}
            self.apply_filter()
            return
        db, org, missing = ctx.db, ctx.organisation_id, self.missing_clause.isChecked()
        others = self.others.isChecked()
        # sorted off the GUI thread (own columns only: the other towns' register has one more)
        sort = self.model.sort_column if self.model.sort_column >= 0 else 6
        model = self.model if not others and self.model.columns is self.own_columns else None

        def load():  # noqa: ANN202
            provider = missing_clause_provider()
            shared = svc.list_shared_contracts(db, org) if others else None
            rows = shared.rows if shared is not None else svc.list_contracts(db, org)
            # the search keys too: folding 10,000 rows at the first keystroke froze the window
            keys = svc.search_keys(rows)
            sort_keys = model.sort_keys(rows, sort) if model is not None else None
            return rows, provider(db, org) if missing else None, keys, shared, sort_keys

        def loaded(result) -> None:  # noqa: ANN001
            self._show_rows(*result)
            if then is not None:
                then()

        ops.query(self, load, loaded, title="Lecture du registre des marchés…")

    def _show_rows(
        self,
        rows: list[svc.ContractRow],
        missing: set | None,
        keys: dict,
        shared: svc.SharedRegister | None = None,
        sort_keys: tuple | None = None,
    ) -> None:
        self.shared = shared
        self._use_columns(self.shared_columns if shared is not None else self.own_columns)
        if sort_keys is not None:
            self.model.add_sort_keys(sort_keys)
        self.all_rows = rows
        self.keys = keys
        self.missing = missing
        self._fill_choice(
            self.department, {(r.department_id, r.department) for r in self.all_rows if r.department_id}
        )
        self._fill_choice(self.family, {(r.family_id, r.family) for r in self.all_rows if r.family_id})
        self.apply_filter()
        if self.model.sort_column < 0:
            self.model.sort(self._column("Échéance"), Qt.SortOrder.AscendingOrder)
        self._size_columns()

    def _column(self, header: str) -> int:
        return next(i for i, c in enumerate(self.model.columns) if c.header == header)

    def _use_columns(self, columns: list[Column]) -> None:
        """Own contracts only, or with the other towns' (one more column): same sort, by title."""
        model = self.model
        if model.columns is columns:
            return
        sorted_by = model.columns[model.sort_column].header if model.sort_column >= 0 else None
        model.set_columns(columns, self._column(sorted_by) if sorted_by else -1)
        if model.sort_column >= 0:
            self.table.horizontalHeader().setSortIndicator(model.sort_column, model.sort_order)

    def _fill_choice(self, combo: QComboBox, items: set) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Tous", None)
        for item_id, text in sorted(items, key=lambda x: x[1]):
            combo.addItem(text, item_id)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def _size_columns(self) -> None:
        fit_columns(self.table)
        header = self.table.horizontalHeader()
        for title, limit in (("Objet", 280), ("Service", 160), ("Famille", 160), ("Titulaire", 180)):
            column = self._column(title)
            if header.sectionSize(column) > limit:
                header.resizeSection(column, limit)
        if self.shared is not None:  # the padlock beside the reference, and whose: both whole
            metrics, room = self.table.fontMetrics(), 16 + 40  # icon, its margins and the text's
            column = self.model.columns[1]
            texts = {column.display(row) for row in self.all_rows}
            longest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
            header.resizeSection(1, min(longest + room, 340))
            references = max((metrics.horizontalAdvance(r.reference) for r in self.all_rows), default=0)
            header.resizeSection(0, max(header.sectionSize(0), min(references + room, 220)))

    def criteria(self) -> svc.ContractFilter:
        return svc.ContractFilter(
            text=self.search.text(),
            department_id=self.department.currentData(),
            family_id=self.family.currentData(),
            nature=self.nature.currentData(),
            status=self.status.currentData(),
            end_from=self.end_from.date().toPython() if self.by_end.isChecked() else None,
            end_to=self.end_to.date().toPython() if self.by_end.isChecked() else None,
            renewing_next_year=self.next_year.isChecked(),
            missing_mandatory_clause=self.missing_clause.isChecked(),
        )

    def apply_filter(self) -> None:
        criteria = self.criteria()
        if criteria.missing_mandatory_clause and self.missing is None and self.context.ready:
            db, org, provider = self.context.db, self.context.organisation_id, missing_clause_provider()
            ops.query(self, lambda: provider(db, org), self._missing_loaded)
            return
        if criteria.text.strip() and not self.keys and self.all_rows:
            self.keys = svc.search_keys(self.all_rows)
        rows = svc.filter_contracts(
            self.all_rows, criteria, self.context.today(), keys=self.keys, missing_clause=self.missing
        )
        self.model.set_rows(rows)
        total = len(self.all_rows)
        shown = len(rows)
        text = (
            messages.EMPTY_REGISTER
            if total == 0 and self.context.ready
            else messages.count(total, "marché")
            if shown == total
            else f"{messages.count(shown, 'marché affiché', 'marchés affichés')} sur {total}"
        )
        foreign = sum(1 for row in self.all_rows if not self.access_of(row).editable)
        if foreign:
            text += f", dont {foreign} d'autres collectivités (lecture seule)"
        self.count_label.setText(text)
        self._update_actions()

    def _missing_loaded(self, missing: set) -> None:
        self.missing = missing
        self.apply_filter()

    def clear_filters(self) -> None:
        for widget in (self.department, self.family, self.nature, self.status):
            widget.blockSignals(True)
            widget.setCurrentIndex(0)
            widget.blockSignals(False)
        for box in (self.by_end, self.next_year, self.missing_clause):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self.end_from.setEnabled(False)
        self.end_to.setEnabled(False)
        self.search.clear()
        self.apply_filter()

    # --- actions -----------------------------------------------------------------------------------
    def owner_of(self, row: svc.ContractRow) -> str:
        return self.shared.owner_name(row) if self.shared is not None else ""

    def access_of(self, row: svc.ContractRow) -> Access:
        """May the user change this row (the pure rule, over the owners the register loaded)?"""
        return OWN if self.shared is None else self.shared.access(row, self.context.organisation_id)

    def _update_actions(self) -> None:
        row = self.selected_row()
        access = self.access_of(row) if row is not None else OWN
        # a file opened read-only (another PC writes it, or no right to write): nothing to change here
        writable = self.context.db is None or not self.context.db.read_only
        self.new_button.setEnabled(writable)
        self.delete_button.setEnabled(access.editable and writable)
        self.delete_button.setToolTip(
            access.explanation
            or ("" if writable else "Fichier ouvert en lecture seule : la barre d'état dit pourquoi.")
            or "Supprimer le marché sélectionné (Suppr) ; Ctrl+Z pour annuler"
        )
        self.edit_button.setText("Ouvrir la fiche" if access.editable and writable else "Consulter la fiche")

    def selected_row(self) -> svc.ContractRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
            return None
        return self.model.row_at(index.row())

    def select_id(self, contract_id: uuid.UUID) -> None:
        for number, row in enumerate(self.model.rows):
            if row.id == contract_id:
                self.table.selectRow(number)
                self.table.scrollTo(self.model.index(number, 0))
                return

    def new_contract(self) -> None:
        self.open_form(None)

    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            QMessageBox.information(self, messages.APP_TITLE, "Sélectionnez d'abord un marché dans la liste.")
            return
        self.open_form(row.id)

    def open_form(self, contract_id: uuid.UUID | None) -> None:
        from app.ui.dialogs.contract_form import ContractDialog

        if not self.context.ready:
            return
        dialog = ContractDialog(self.context, contract_id, self)
        accepted = dialog.load_error is None and dialog.exec()
        if dialog.load_error is not None:  # e.g. deleted meanwhile: the dialog said so
            self.reload()
            return
        if accepted and dialog.saved is not None:
            saved = dialog.saved
            self.reload(then=lambda: self.select_id(saved.id))
            self._status(messages.SAVED.format(reference=saved.data.reference))
            self.contract_saved.emit()
            self._announce()

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            QMessageBox.information(self, messages.APP_TITLE, "Sélectionnez d'abord le marché à supprimer.")
            return
        if not self.access_of(row).editable:
            QMessageBox.information(self, messages.APP_TITLE, self.access_of(row).explanation)
            return
        answer = QMessageBox.question(
            self,
            "Supprimer un marché",
            messages.CONFIRM_DELETE.format(reference=row.reference),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ctx = self.context
        db, user = ctx.db, ctx.user_name

        def failed(exc: BaseException) -> None:
            ops.show_op_error(self, exc)
            self.reload()

        def deleted(snapshot) -> None:  # noqa: ANN001
            def restored(_result: object) -> None:
                self.reload(then=lambda: self.select_id(snapshot.id))
                self._status(messages.RESTORED.format(reference=snapshot.reference))
                self._announce()

            def undo() -> None:
                if ctx.db is db:
                    ops.mutate(self, lambda: svc.restore_contract(db, snapshot, user_name=user), restored)

            ctx.push_undo(UndoEntry(f"Annuler la suppression de « {row.reference} »", undo))
            self.reload()
            self._status(messages.DELETED.format(reference=row.reference))
            self._announce()

        org = ctx.organisation_id
        delete = functools.partial(
            svc.delete_contract, db, row.id, organisation_id=org, expected_version=row.version, user_name=user
        )
        ops.mutate(self, delete, deleted, on_error=failed)

    def _announce(self) -> None:
        self.own_change = True
        try:
            self.context.data_changed.emit("contract")
        finally:
            self.own_change = False

    def _status(self, text: str) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 8000)

    def print_view(self) -> None:
        from app.ui.dialogs.printing import print_table

        criteria = []
        if self.search.text():
            criteria.append(f"recherche « {self.search.text()} »")
        for caption, combo in (
            ("service", self.department),
            ("famille", self.family),
            ("nature", self.nature),
            ("état", self.status),
        ):
            if combo.currentData() is not None:
                criteria.append(f"{caption} : {combo.currentText()}")
        if self.next_year.isChecked():
            criteria.append("renouvellement l'an prochain")
        from app.services.organisations import list_organisations

        ctx = self.context
        name = next((o.name for o in list_organisations(ctx.db) if o.id == ctx.organisation_id), "")
        print_table(self, "Registre des marchés", self.model, ", ".join(criteria), organisation=name)


class ContractsScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.register = RegisterView(context, self)
        self.table = self.register.table
        self.model = self.register.model
        self.tabs = QTabWidget()
        self.tabs.addTab(self.register, "Registre")
        self.timeline = None
        self.tabs.addTab(QWidget(), "Échéancier (48 mois)")
        self.tabs.currentChanged.connect(self._tab_changed)
        title = QLabel("<h2>Marchés</h2>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        context.database_changed.connect(self.reload)
        context.organisation_changed.connect(self.reload)
        context.data_changed.connect(self._data_changed)
        self._pending = False
        self.reload()

    def _data_changed(self, kind: str) -> None:
        if self.register.own_change:  # the register already reloaded itself
            if self.timeline is not None:
                self.timeline.reload()
            return
        # Several signals may arrive together; reload once.
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._reload_pending)

    def _reload_pending(self) -> None:
        self._pending = False
        self.reload()

    def reload(self) -> None:
        self.register.reload()
        if self.timeline is not None:
            self.timeline.reload()

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.timeline is None:
            from app.ui.widgets.timeline import TimelineView

            self.timeline = TimelineView(self.context, self)
            self.timeline.contract_activated.connect(self.edit_contract_id)
            self.tabs.blockSignals(True)
            old = self.tabs.widget(1)
            self.tabs.removeTab(1)
            old.deleteLater()
            self.tabs.insertTab(1, self.timeline, "Échéancier (48 mois)")
            self.tabs.setCurrentIndex(1)
            self.tabs.blockSignals(False)

    # --- entry points used by the main window's menus ---------------------------------------------
    def new_contract(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.register.new_contract()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.register.search.setFocus()
        self.register.search.selectAll()

    def show_timeline(self) -> None:
        self.tabs.setCurrentIndex(1)

    def edit_contract_id(self, contract_id: uuid.UUID) -> None:
        self.tabs.setCurrentIndex(0)
        self.register.select_id(contract_id)
        self.register.open_form(contract_id)

    def print_view(self) -> None:
        if self.tabs.currentIndex() == 1 and self.timeline is not None:
            self.timeline.print_view()
        else:
            self.register.print_view()


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return ContractsScreen(context, parent)

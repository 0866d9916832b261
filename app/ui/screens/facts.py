"""« Données à compléter »: each contract's shared facts with where they come from and what each
feature still needs; accept the app's proposals or set a fact on many contracts at once.

A thin grid over ``app.services.facts``: rows come from ``facts_rows``, edits go through
``accept_proposals`` and ``set_fact`` (with the versions the grid showed), off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.ui.context import AppContext
from app.ui.messages import count as count_of
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.tables import fit_columns

# Fact name -> column header (the service's GRID_FACTS order is kept; headers are French).
FACT_HEADERS = {
    "nature": "Nature",
    "procedure": "Procédure",
    "recurrent": "Récurrent",
    "duration_months": "Durée",
    "end_date": "Échéance (fait)",
    "place_code": "Lieu (INSEE)",
    "cpv_code": "Code CPV",
}
FIXED_HEADERS = ("Référence", "Objet", "Titulaire", "Échéance")
TO_FILL = "à compléter"
WARN = QColor("#9a5b00")  # colour only repeats what the text says
UNKNOWN = QColor("#a12622")


def value_text(value: object) -> str:
    from app.enums import label

    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, enum.Enum):
        return label(value)
    if isinstance(value, dt.date):
        return fmt.date(value)
    return str(value)


def cell_text(row: Any, name: str) -> str:
    """What the grid shows: the value, with its status in words (never by colour alone)."""
    cell = row.cells[name]
    proposal = row.proposals.get(name)
    if not cell.known:
        if proposal is not None:
            return f"— proposé : {value_text(proposal.value)}"
        return TO_FILL
    if cell.to_confirm:
        return f"{cell.text} (à confirmer)"
    if cell.source.startswith("déduit"):
        return f"{cell.text} (déduit)"
    return cell.text


def cell_tooltip(row: Any, name: str) -> str:
    cell = row.cells[name]
    lines = [f"{FACT_HEADERS.get(name, name)} : {cell.text}", f"Source : {cell.source}"]
    if cell.proposal:
        lines.append(f"Proposition : {cell.proposal}")
    needs = [m.message for m in row.missing if m.field == name]
    if needs:
        lines.append("À compléter : " + " ; ".join(needs))
    lines.append("Double-cliquez pour modifier.")
    return "\n".join(lines)


def cell_colour(row: Any, name: str) -> QColor | None:
    cell = row.cells[name]
    if not cell.known:
        return UNKNOWN if name not in row.proposals else WARN
    return WARN if cell.to_confirm else None


def shorten(text: str, length: int) -> str:
    """The start of a long text, cut at ``length`` characters (the tooltip holds it whole)."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def needs_text(row: Any) -> str:
    return ", ".join(row.needs) if row.needs else "rien"


def needs_tooltip(row: Any) -> str:
    if not row.needs:
        return "Toutes les fonctions ont les données qu'il leur faut."
    return "\n".join(f"{feature} : " + " ; ".join(items) for feature, items in row.needs.items())


def grid_columns() -> list[Column]:
    from app.services.facts import GRID_FACTS

    columns = [
        Column("Référence", lambda r: r.reference),
        Column(
            "Objet", lambda r: shorten(r.object, 28), sort_key=lambda r: r.object, tooltip=lambda r: r.object
        ),
        Column(
            "Titulaire",
            lambda r: shorten(r.supplier, 19) or "—",
            sort_key=lambda r: r.supplier,
            tooltip=lambda r: r.supplier,
        ),
        Column("Échéance", lambda r: fmt.date(r.end_date), sort_key=lambda r: r.end_date),
    ]
    for name in GRID_FACTS:
        if name == "end_date":
            continue  # already shown as « Échéance »
        columns.append(
            Column(
                FACT_HEADERS.get(name, name),
                lambda r, n=name: cell_text(r, n),
                tooltip=lambda r, n=name: cell_tooltip(r, n),
                foreground=lambda r, n=name: cell_colour(r, n),
            )
        )
    columns.append(
        Column(
            "Manque pour",
            needs_text,
            tooltip=needs_tooltip,
            foreground=lambda r: UNKNOWN if r.needs else None,
        )
    )
    return columns


def fact_of_column(model: RowTableModel, column: int) -> str | None:
    """The settable fact a grid column shows (for in-place editing)."""
    from app.services.facts import GRID_FACTS, SETTABLE

    header = model.columns[column].header if 0 <= column < len(model.columns) else ""
    if header == "Échéance":
        return "end_date"
    for name in GRID_FACTS:
        if FACT_HEADERS.get(name) == header and name in SETTABLE:
            return name
    return None


# --- editor -------------------------------------------------------------------------------------


class FactEditDialog(QDialog):
    """Pick a fact and a value; the caller applies it to the chosen contracts."""

    def __init__(
        self,
        context: AppContext,
        count: int,
        parent: QWidget | None = None,
        *,
        field: str | None = None,
    ) -> None:
        from app.services.facts import SETTABLE

        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Modifier des données")
        self.field_combo = QComboBox()
        self.field_combo.setAccessibleName("Donnée à modifier")
        for name, text in SETTABLE.items():
            self.field_combo.addItem(text, name)
        self.value_holder = QVBoxLayout()
        self.value_widget: QWidget | None = None
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Donnée :", self.field_combo)
        self.value_label = QLabel("&Valeur :")
        form.addRow(self.value_label, self.value_holder)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(
            f"Appliquer à {count_of(count, 'marché')}" if count != 1 else "Appliquer au marché",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.ok_button.setDefault(True)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"La valeur choisie sera enregistrée sur {count_of(count, 'marché')}, comme confirmée par vous. "
            "Une valeur vide (ou « à préciser ») rend la donnée inconnue."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        if field is not None and self.field_combo.findData(field) >= 0:
            self.field_combo.setCurrentIndex(self.field_combo.findData(field))
        self._field_changed()
        self.field_combo.currentIndexChanged.connect(self._field_changed)
        self.resize(520, self.sizeHint().height())

    @property
    def field(self) -> str:
        return str(self.field_combo.currentData())

    def _add_names(self, combo: QComboBox, kind: str) -> None:
        """The names of the organisation's services or families, added to ``combo`` when read."""
        from shiboken6 import isValid

        from app.services.reference import list_items
        from app.ui import ops

        ctx = self.context
        if not ctx.ready:
            return
        db, org = ctx.db, ctx.organisation_id

        def load() -> list[str]:
            return [
                str(i.values.get("name") or i.values.get("label") or "") for i in list_items(db, kind, org)
            ]

        ops.query(self, load, lambda names: combo.addItems(names) if isValid(combo) else None)

    def _field_changed(self) -> None:
        from app.enums import PriceForm, Procedure, PurchaseNature
        from app.ui.widgets.choices import enum_combo, yes_no_combo

        if self.value_widget is not None:
            self.value_holder.removeWidget(self.value_widget)
            self.value_widget.hide()  # until deleted, it would sit over the dialog's top-left corner
            self.value_widget.deleteLater()
        name = self.field
        enums = {"nature": PurchaseNature, "procedure": Procedure, "price_form": PriceForm}
        widget: QWidget
        hint = ""
        if name in enums:
            widget = enum_combo(enums[name], "Valeur", unknown=True)
        elif name in ("recurrent", "renewable"):
            widget = yes_no_combo("Valeur")
        elif name in ("department", "family"):
            widget = QComboBox()
            widget.setEditable(True)
            widget.addItem("")
            self._add_names(widget, name)
            widget.setAccessibleName("Valeur")
            hint = "Choisissez dans la liste ou tapez un nouveau nom (il sera créé)."
        else:
            widget = QLineEdit()
            widget.setAccessibleName("Valeur")
            hint = {
                "end_date": "Date jj/mm/aaaa.",
                "start_date": "Date jj/mm/aaaa.",
                "notification_date": "Date jj/mm/aaaa.",
                "duration_months": "Nombre de mois.",
                "place_code": "Code INSEE de la commune (5 caractères).",
                "cpv_code": "Code CPV, par exemple 30192000.",
            }.get(name, "")
        self.value_widget = widget
        self.value_holder.addWidget(widget)
        self.value_label.setBuddy(widget)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))

    def set_value_text(self, text: str) -> None:
        """Choose a value by its French text (keyboard users and tests type or pick it)."""
        widget = self.value_widget
        if isinstance(widget, QComboBox):
            index = widget.findText(text)
            if index >= 0:
                widget.setCurrentIndex(index)
            elif widget.isEditable():
                widget.setEditText(text)
        elif isinstance(widget, QLineEdit):
            widget.setText(text)

    def value(self) -> object:
        """A typed value (enum, bool) from a list, the typed text otherwise ("" or None: unknown)."""
        widget = self.value_widget
        if isinstance(widget, QComboBox):
            if widget.isEditable():
                return widget.currentText().strip()
            return widget.currentData()
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        return None


# --- screen -------------------------------------------------------------------------------------


class FactsScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.all_rows: list[Any] = []
        self.loading = False

        title = QLabel("<h2>Données à compléter</h2>")
        intro = QLabel(
            "Ce que chaque fonction (cotation, clauses, CAD, données essentielles DECP) sait de vos marchés. "
            "« déduit » : calculé par l'application ; « à confirmer » : déduit, à vérifier ; « proposé » : "
            "une proposition à accepter ; « à compléter » : inconnu. Survolez une case pour son origine, "
            "double-cliquez pour la modifier."
        )
        intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher (référence, objet, titulaire)")
        self.search.setAccessibleName("Rechercher un marché")
        self.search.setClearButtonEnabled(True)
        self.only_incomplete = QCheckBox("Seulement les marchés &incomplets")
        self.only_incomplete.setChecked(True)

        self.model = RowTableModel(grid_columns(), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Données des marchés")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(200)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        fit_columns(self.table)
        # Cut in the middle, so that a fact's marker at the end (« (à confirmer) ») stays visible; the
        # object and the supplier are shortened by the model instead. (No Python delegate: PySide6
        # 6.12.0 loses a reference to None on each call of a Python override of a void virtual.)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)

        self.accept_button = QPushButton()
        self.edit_button = QPushButton("&Modifier la sélection…")
        self.refresh_button = QPushButton("Ac&tualiser")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Résultat")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.only_incomplete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.summary_label)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

        self.search_timer = QTimer(self)  # filter once the user pauses typing
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(200)
        self.search_timer.timeout.connect(self._filter)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.only_incomplete.toggled.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._edit_in_place)
        self.accept_button.clicked.connect(self.accept_proposals)
        self.edit_button.clicked.connect(lambda: self.edit_selection())
        self.refresh_button.clicked.connect(self.reload)
        context.database_changed.connect(self.reload)
        context.organisation_changed.connect(self.reload)
        context.data_changed.connect(self._data_changed)
        self._update_buttons()
        self.reload()

    # --- loading ---------------------------------------------------------------------------------
    def _data_changed(self, kind: str) -> None:
        if kind in ("contract", "organisation", "setting") and not self.loading:
            self.reload()

    def reload(self) -> None:
        from app.services.facts import facts_rows, summarise
        from app.ui.tasks import run_op

        ctx = self.context
        if not ctx.ready:
            self.all_rows = []
            self.model.set_rows([])
            return
        db, org, today = ctx.db, ctx.organisation_id, ctx.today()
        self.loading = True

        def work(_progress: Any) -> Any:
            rows = facts_rows(db, org, today=today)
            return rows, summarise(rows)

        def done(result: Any) -> None:
            self.loading = False
            rows, totals = result
            self.all_rows = rows
            self.summary_label.setText(totals.sentence() or "Toutes les données utiles sont connues.")
            self._filter()
            self._fit_columns()

        def failed(exc: BaseException) -> None:
            from app.ui.dialogs.errors import show_error

            self.loading = False
            show_error(self, exc)

        run_op(self, "Lecture des données des marchés…", work, done, failed)

    def _filter(self) -> None:
        needle = self.search.text().strip().casefold()
        only = self.only_incomplete.isChecked()
        rows = [
            r
            for r in self.all_rows
            if (not only or r.missing)
            and (
                not needle
                or needle in r.reference.casefold()
                or needle in r.object.casefold()
                or needle in r.supplier.casefold()
            )
        ]
        self.model.set_rows(rows)

    def _fit_columns(self) -> None:
        """Widths from the first rows (all 10,000 would take a second), once per reading."""
        fit_columns(self.table)
        # Long texts are cut (the tooltip has them whole) so that the facts fit on a laptop screen.
        facts = range(4, self.model.columnCount() - 1)
        caps = {1: 210, 2: 150} | {
            c: {"Procédure": 200, "Nature": 180}.get(self.model.columns[c].header, 150) for c in facts
        }
        for column, cap in caps.items():
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))

    # --- selection -------------------------------------------------------------------------------
    def selected_rows(self) -> list[Any]:
        indexes = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.model.row_at(i.row()) for i in sorted(indexes, key=lambda i: i.row())]

    def _update_buttons(self) -> None:
        count = len(self.selected_rows())
        with_proposals = sum(1 for r in self.selected_rows() if r.proposals)
        shown = sum(1 for r in self.model.rows if r.proposals)
        if count:
            self.accept_button.setText(
                f"&Accepter les propositions ({count_of(with_proposals, 'sélectionné')})"
            )
        else:
            self.accept_button.setText(f"&Accepter les propositions (tous : {count_of(shown, 'marché')})")
        self.accept_button.setEnabled(bool(with_proposals if count else shown))
        self.edit_button.setEnabled(count > 0)
        self.edit_button.setText(f"&Modifier la sélection ({count})…" if count else "&Modifier la sélection…")

    # --- edits -----------------------------------------------------------------------------------
    def _run_edit(self, title: str, fn: Any) -> None:
        from app.ui.tasks import run_op

        def done(result: Any) -> None:
            self.status.setText(result.sentence())
            if result.changed:
                self.context.data_changed.emit("contract")  # reloads this grid too
            else:
                self.reload()

        def failed(exc: BaseException) -> None:
            from app.ui.dialogs.errors import show_error

            self.status.setText("Rien n'a été enregistré.")
            show_error(self, exc)
            self.reload()

        run_op(self, title, lambda _p: fn(), done, failed)

    def accept_proposals(self) -> None:
        from app.services.facts import accept_proposals

        ctx = self.context
        rows = self.selected_rows() or list(self.model.rows)
        ids = [r.contract_id for r in rows]
        versions = {r.contract_id: r.version for r in rows}
        db, org, user, today = ctx.db, ctx.organisation_id, ctx.user_name, ctx.today()
        self._run_edit(
            "Enregistrement des propositions…",
            lambda: accept_proposals(db, org, ids, expected_versions=versions, user_name=user, today=today),
        )

    def edit_selection(self, field: str | None = None, rows: list[Any] | None = None) -> None:
        rows = rows if rows is not None else self.selected_rows()
        if not rows:
            self.status.setText("Sélectionnez d'abord un ou plusieurs marchés.")
            return
        dialog = FactEditDialog(self.context, len(rows), self, field=field)
        self.editor = dialog  # reachable while open (tests, accessibility tools)
        if len(rows) == 1 and dialog.field in rows[0].cells:
            current = rows[0].cells[dialog.field]
            if current.known:
                dialog.set_value_text(current.text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply(dialog.field, dialog.value(), rows)

    def apply(self, field: str, value: object, rows: list[Any]) -> None:
        from app.services.facts import set_fact

        ctx = self.context
        ids = [r.contract_id for r in rows]
        versions = {r.contract_id: r.version for r in rows}
        db, org, user = ctx.db, ctx.organisation_id, ctx.user_name
        self._run_edit(
            "Enregistrement…",
            lambda: set_fact(db, org, field, value, ids, user_name=user, expected_versions=versions),
        )

    def _edit_in_place(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        self.edit_selection(fact_of_column(self.model, index.column()), [row])


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return FactsScreen(context, parent)

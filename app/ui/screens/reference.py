"""One generic table-and-form screen for every kind of reference data (services, families,
suppliers, delivery sites); each kind is described by ``app.services.reference.KINDS``."""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.reference import KINDS, ReferenceItem, delete_item, list_items
from app.services.text import fold
from app.ui import ops
from app.ui.context import AppContext
from app.ui.dialogs.record_form import RecordDialog, display_value
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.table_keys import TableKeys
from app.ui.widgets.tables import fit_columns


def _column(spec) -> Column:  # noqa: ANN001
    return Column(spec.label, lambda item, s=spec: display_value(s, item.values.get(s.name)))


class ReferenceView(QWidget):
    def __init__(self, context: AppContext, kind_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = KINDS[kind_key]
        self.items: list[ReferenceItem] = []
        self.model = RowTableModel([_column(f) for f in self.kind.fields if f.in_table], self)
        explanation = QLabel(self.kind.explanation)
        explanation.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filtrer la liste")
        self.filter.setAccessibleName(f"Filtrer : {self.kind.title}")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.kind.title)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        TableKeys(self.table, self.edit_selected, self.delete_selected)
        self.new_button = QPushButton(self.kind.new_label)
        self.edit_button = QPushButton("Modifier")
        self.delete_button = QPushButton("Supprimer")
        self.new_button.clicked.connect(self.new_item)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        row.addWidget(self.new_button)
        row.addWidget(self.edit_button)
        row.addWidget(self.delete_button)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.reload()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        ctx = self.context
        if not ctx.ready:
            self._show_items([])
            return
        db, key, org = ctx.db, self.kind.key, ctx.organisation_id

        def loaded(items: list[ReferenceItem]) -> None:
            self._show_items(items)
            if then is not None:
                then()

        ops.query(self, lambda: list_items(db, key, org), loaded)

    def _show_items(self, items: list[ReferenceItem]) -> None:
        self.items = items
        self.apply_filter()
        fit_columns(self.table)

    def apply_filter(self) -> None:
        words = fold(self.filter.text()).split()
        if words:
            rows = [
                item
                for item in self.items
                if all(
                    w in fold(" ".join(str(v) for v in item.values.values() if v is not None)) for w in words
                )
            ]
        else:
            rows = self.items
        self.model.set_rows(rows)
        self.count.setText(f"{len(rows)} sur {len(self.items)}" if words else f"{len(self.items)} au total")

    def selected(self) -> ReferenceItem | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def new_item(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        item = self.selected()
        if item is None:
            QMessageBox.information(self, self.kind.title, "Sélectionnez d'abord une ligne de la liste.")
            return
        self._open(item)

    def _open(self, item: ReferenceItem | None) -> None:
        if not self.context.ready:
            return
        dialog = RecordDialog(self.context, self.kind, item, self)
        if dialog.exec():
            saved_id = dialog.saved_id
            self.reload(then=lambda: self._select_id(saved_id))
            self.context.data_changed.emit(self.kind.key)

    def _select_id(self, item_id: object) -> None:
        for number, row in enumerate(self.model.rows):
            if row.id == item_id:
                self.table.selectRow(number)

    def delete_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        first = next(f for f in self.kind.fields)
        name = item.values.get(first.name) or ""
        answer = QMessageBox.question(
            self,
            "Supprimer",
            f"Supprimer {self.kind.singular} « {name} » ?\n\n"
            "Les marchés et commandes qui y font référence seront conservés, sans ce lien.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, key, user, org = (
            self.context.db,
            self.kind.key,
            self.context.user_name,
            self.context.organisation_id,
        )

        def after(_result: object = None) -> None:
            self.reload()
            self.context.data_changed.emit(key)

        def failed(exc: BaseException) -> None:
            ops.show_op_error(self, exc)
            after()

        delete = functools.partial(
            delete_item, db, key, item.id, organisation_id=org, expected_version=item.version, user_name=user
        )
        ops.mutate(self, delete, after, on_error=failed)

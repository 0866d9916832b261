"""« À faire »: the alerts a buyer must not miss (cotation window, notice deadline, maximum nearly
consumed), each with a word for its kind so that colour is never the only clue."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app import format as fmt
from app.rules.calendar import ALERT_TITLES, Alert, AlertKind
from app.ui.context import AppContext
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.tables import fit_columns

KIND_COLOURS = {
    AlertKind.NOTICE: QColor("#a40000"),
    AlertKind.COTATION: QColor("#1f4e99"),
    AlertKind.CONSUMPTION: QColor("#8a3b00"),
}

COLUMNS = [
    Column("À faire", lambda a: ALERT_TITLES[a.kind], foreground=lambda a: KIND_COLOURS[a.kind]),
    Column("Marché", lambda a: a.reference),
    Column("Objet", lambda a: a.object, tooltip=lambda a: a.object),
    Column("Avant le", lambda a: fmt.date(a.due), sort_key=lambda a: a.due),
    Column("Détail", lambda a: a.message, tooltip=lambda a: a.message),
]


class AlertsPanel(QWidget):
    contract_activated = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.context = context
        self.model = RowTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Liste des choses à faire")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(self._activated)
        self.empty = QLabel("Rien d'urgent : aucun marché n'entre en cotation, aucun préavis n'est proche.")
        self.empty.setWordWrap(True)
        hint = QLabel(
            "Double-cliquez une ligne pour ouvrir la fiche du marché. Les délais se règlent dans Paramètres."
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        if compact:
            layout.setContentsMargins(4, 0, 4, 4)
            # the bottom panel lives across screens: a saved contract or cotation updates it at once
            context.data_changed.connect(lambda _kind: self.reload() if self.isVisible() else None)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)

    def alerts(self) -> list[Alert]:
        return list(self.model.rows)

    def count(self) -> int:
        return self.model.rowCount()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Read the alerts on the database worker; ``then()`` once they are shown."""
        ctx = self.context
        if not ctx.ready:
            self._show([], then)
            return
        from app.services.alerts import alerts_for
        from app.ui import ops

        db, org, today = ctx.db, ctx.organisation_id, ctx.today()
        ops.query(self, lambda: alerts_for(db, org, today), lambda rows: self._show(rows, then))

    def show_alerts(self, rows: list[Alert], then: Callable[[], None] | None = None) -> None:
        """Show alerts the screen read with the rest of its data (``then()`` once shown)."""
        self._show(rows, then)

    def _show(self, rows: list[Alert], then: Callable[[], None] | None) -> None:
        self.model.set_rows(rows)
        self.empty.setVisible(self.count() == 0)
        self.table.setVisible(self.count() > 0)
        fit_columns(self.table)
        header = self.table.horizontalHeader()
        if header.sectionSize(2) > 300:
            header.resizeSection(2, 300)
        if then is not None:
            then()

    def _activated(self, index) -> None:  # noqa: ANN001
        alert = self.model.row_at(index.row())
        self.contract_activated.emit(alert.contract_id)

    def contract_ids(self) -> list[uuid.UUID]:
        return [a.contract_id for a in self.model.rows]

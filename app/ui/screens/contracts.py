"""Marchés: the contract register (minimal until the desktop-shell issue lands)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from app import format as fmt
from app.enums import label
from app.services.contracts import ContractRow, list_contracts
from app.ui.context import AppContext

COLUMNS = ("Référence", "Objet", "Service", "Famille", "Titulaire", "Montant HT", "Échéance", "Procédure")


class ContractTableModel(QAbstractTableModel):
    def __init__(self, rows: list[ContractRow] | None = None) -> None:
        super().__init__()
        self.rows = rows or []

    def set_rows(self, rows: list[ContractRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.reference,
                row.object,
                row.department,
                row.family,
                row.supplier,
                fmt.money(row.amount),
                fmt.date(row.end_date),
                label(row.procedure),
            )[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ContractsScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = ContractTableModel()
        self.title = QLabel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Registre des marchés")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        context.database_changed.connect(self.reload)
        context.organisation_changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        ctx = self.context
        rows = list_contracts(ctx.db, ctx.organisation_id) if ctx.db and ctx.organisation_id else []
        self.model.set_rows(rows)
        self.title.setText(f"<h2>Marchés</h2>{len(rows)} marchés")
        self.table.resizeColumnsToContents()


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return ContractsScreen(context, parent)

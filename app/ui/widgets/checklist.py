"""The clause checklist of one contract: each clause's verdict (obligatoire, recommandée...) with its
reason, the buyer's decision (à étudier, retenue, intégrée au DCE, exécutée, écartée with a
justification), the text to paste into the tender file, and exports to PDF and Excel.

Embedded as the "Clauses" tab of the contract form and in the Clauses screen.
"""

from __future__ import annotations

import functools
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.enums import ChecklistStatus, label
from app.errors import UserError
from app.rules.clauses import APPLICABILITY_ORDER, Applicability
from app.ui.context import AppContext
from app.ui.messages import count
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.tables import fit_columns

MISSING = QColor("#a4000f")


def _applicability(item) -> str:  # noqa: ANN001
    text = item.applicability_label
    if item.missing:
        return f"{text} — manquante"
    return text


def _decision(item) -> str:  # noqa: ANN001
    if item.item_version is None and item.evidence:
        return "Déjà au marché"
    return label(item.status)


def _decided(item) -> str:  # noqa: ANN001
    if item.decided_at is None:
        return item.evidence or ""
    who = f"{item.decided_by}, " if item.decided_by else ""
    return f"{who}{fmt.date(item.decided_at.date())}"


COLUMNS = (
    Column("Clause", lambda i: i.title, tooltip=lambda i: i.title),
    Column(
        "Applicabilité",
        _applicability,
        sort_key=lambda i: (APPLICABILITY_ORDER[i.applicability], not i.missing),
        foreground=lambda i: MISSING if i.missing else None,
    ),
    Column("Pourquoi", lambda i: i.reason, tooltip=lambda i: i.reason),
    Column("Décision", _decision),
    Column("Justification", lambda i: i.justification or "", tooltip=lambda i: i.justification),
    Column("Décidé par / le", _decided),
)


class ChecklistWidget(QWidget):
    """``ChecklistWidget(context, contract_id, parent)``; ``set_contract`` switches contract."""

    changed = Signal()

    def __init__(
        self, context: AppContext, contract_id: uuid.UUID | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.contract_id = contract_id
        self.data = None
        self.model = RowTableModel(COLUMNS, self)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.show_all = QCheckBox("Afficher aussi les clauses sans objet")
        self.show_all.setAccessibleName("Afficher les clauses sans objet")
        self.show_all.toggled.connect(self._fill)
        self.pdf_button = QPushButton("Exporter en &PDF…")
        self.xlsx_button = QPushButton("Exporter en E&xcel…")
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Liste des clauses du marché")
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # mandatory and missing first
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        fit_columns(self.table)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.status = QComboBox()
        self.status.setAccessibleName("Décision")
        for status in ChecklistStatus:
            self.status.addItem(label(status), status.value)
        self.justification = QLineEdit()
        self.justification.setAccessibleName("Justification")
        self.justification.setPlaceholderText("Obligatoire pour écarter une clause : pourquoi ?")
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Texte de la clause")
        self.copy_button = QPushButton("&Copier le texte")
        self.copy_button.setToolTip("Copier le texte dans le presse-papiers, pour le coller dans le DCE")
        self.copy_button.clicked.connect(self.copy_text)
        self.save_button = QPushButton("&Enregistrer la décision")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")

        form = QFormLayout()
        form.addRow("Décision :", self.status)
        form.addRow("Justification :", self.justification)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.title)
        detail_layout.addWidget(self.reason)
        detail_layout.addLayout(form)
        detail_layout.addWidget(QLabel("Texte à insérer (modifiable pour ce marché) :"))
        detail_layout.addWidget(self.text, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        detail_layout.addLayout(buttons)
        detail_layout.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([660, 400])

        top = QHBoxLayout()
        top.addWidget(self.show_all)
        top.addStretch(1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.setTabOrder(self.table, self.status)
        self.setTabOrder(self.status, self.justification)
        self.setTabOrder(self.justification, self.text)
        self.setTabOrder(self.text, self.copy_button)
        self.setTabOrder(self.copy_button, self.save_button)
        self.reload()

    # --- data -------------------------------------------------------------------------------------
    def set_contract(self, contract_id: uuid.UUID | None) -> None:
        self.contract_id = contract_id
        self.reload()

    def reload(self) -> None:
        from app.services.clauses import checklist, ensure_builtin_clauses
        from app.ui import ops

        self.message.clear()
        if self.context.db is None or self.contract_id is None:
            self._show(None)
            return
        db, contract_id = self.context.db, self.contract_id

        def load():  # noqa: ANN202
            ensure_builtin_clauses(db)
            return checklist(db, contract_id)

        ops.query(self, load, lambda data: self._show(data) if contract_id == self.contract_id else None)

    def _show(self, data) -> None:  # noqa: ANN001
        self.data = data
        if data is None:
            self.summary.setText("Choisissez un marché pour voir ses clauses.")
        else:
            missing = len(self.data.missing_mandatory)
            amount = fmt.contract_amounts(self.data.amount, self.data.total_amount)
            duration = (
                f"{self.data.duration_months} mois" if self.data.duration_months is not None else "durée ?"
            )
            warning = (
                f"<br><b style='color:#a4000f'>⚠ {count(missing, 'clause obligatoire', 'clauses obligatoires')} "
                "sans décision</b> : "
                "retenez-les ou écartez-les en indiquant pourquoi."
                if missing
                else "<br>Toutes les clauses obligatoires ont une décision."
            )
            self.summary.setText(
                f"<b>{self.data.reference}</b> — {self.data.object}<br>"
                f"Montant : {amount}, {duration}, consultation du {fmt.date(self.data.consultation_date)}{warning}"
            )
        self._fill()

    def _fill(self) -> None:
        current = self.current_item()
        items = list(self.data.items) if self.data else []
        if not self.show_all.isChecked():
            items = [
                i for i in items if i.applicability is not Applicability.NOT_APPLICABLE or i.item_version
            ]
        self.model.set_rows(items)
        self.table.resizeColumnToContents(1)
        self.table.setColumnWidth(0, 250)
        self.table.setColumnWidth(2, 340)
        enabled = bool(items)
        for widget in (self.pdf_button, self.xlsx_button):
            widget.setEnabled(self.data is not None)
        row = 0
        if current is not None:
            row = next((n for n, i in enumerate(items) if i.clause_id == current.clause_id), 0)
        if enabled:
            self.table.selectRow(row)
        self._show_current()

    def has_unsaved_input(self) -> bool:
        """The decision shown differs from the one recorded: the user is editing it."""
        item = self.current_item()
        if item is None:
            return False
        return (
            self.status.currentData() != item.status.value
            or self.justification.text() != (item.justification or "")
            or self.text.toPlainText() != item.text
        )

    def current_item(self):  # noqa: ANN201
        index = self.table.currentIndex() if hasattr(self, "table") else None
        if index is None or not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.row_at(index.row())

    def _show_current(self) -> None:
        item = self.current_item()
        for widget in (self.status, self.justification, self.text, self.copy_button, self.save_button):
            widget.setEnabled(item is not None)
        if item is None:
            self.title.clear()
            self.reason.clear()
            self.text.clear()
            return
        self.title.setText(f"<b>{item.title}</b><br><small>{item.legal_basis}</small>")
        evidence = f"<br><i>{item.evidence}</i>" if item.evidence else ""
        self.reason.setText(f"{item.applicability_label} : {item.reason}{evidence}")
        self.status.setCurrentIndex(self.status.findData(item.status.value))
        self.justification.setText(item.justification or "")
        self.text.setPlainText(item.text)

    # --- actions ----------------------------------------------------------------------------------
    def copy_text(self) -> None:
        QApplication.clipboard().setText(self.text.toPlainText())
        self.message.setText("Texte copié : collez-le dans le document du marché (Ctrl+V).")

    def save(self) -> None:
        from app.services.clauses import set_item_status
        from app.ui import ops

        item = self.current_item()
        if item is None or self.context.db is None:
            return
        save = functools.partial(
            set_item_status,
            self.context.db,
            self.contract_id,
            item.clause_id,
            ChecklistStatus(self.status.currentData()),
            user_name=self.context.user_name,
            justification=self.justification.text(),
            chosen_text=self.text.toPlainText()
            if self.text.toPlainText().strip() != item.text.strip()
            else None,
            expected_version=item.item_version,
            organisation_id=self.context.organisation_id,
        )
        ops.mutate(self, save, lambda _result: self._saved(), on_error=self._refused)

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            from app.ui import ops

            ops.show_op_error(self, exc)
            return
        self.message.setText(f"<span style='color:#a4000f'>{exc.message}</span>")
        if getattr(exc, "field", None) == "justification":
            self.justification.setFocus()

    def _saved(self) -> None:
        self.reload()
        self.message.setText("Décision enregistrée.")
        self.context.data_changed.emit("contract_clause")
        self.changed.emit()

    def export(self, kind: str) -> None:
        from app.ui.tasks import run_op

        if self.data is None:
            return
        suffix = {"pdf": ("PDF (*.pdf)", ".pdf"), "xlsx": ("Classeur Excel (*.xlsx)", ".xlsx")}[kind]
        default = f"clauses-{self.data.reference}{suffix[1]}"
        path, _ = QFileDialog.getSaveFileName(self, "Exporter la liste des clauses", default, suffix[0])
        if not path:
            return
        if not path.lower().endswith(suffix[1]):
            path += suffix[1]
        data = self.data

        def work(progress):  # noqa: ANN001, ANN202
            from app.services import clause_exports

            fn = clause_exports.checklist_pdf if kind == "pdf" else clause_exports.checklist_xlsx
            fn(data, path)
            return path

        run_op(
            self,
            "Export de la liste des clauses…",
            work,
            lambda p: self.message.setText(f"Fichier écrit : {p}"),
        )

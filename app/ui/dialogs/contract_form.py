"""Fiche marché: create or edit a contract, its lots and amendments, its insertion hours per year,
and see its history.

Saving goes through ``app.services.contracts.save_contract``; a change made meanwhile by someone
else opens the conflict dialog (reload or overwrite), never a silent loss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import uuid
from decimal import Decimal

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.enums import ContractStatus, Procedure, PurchaseNature
from app.errors import ConcurrentEdit, UserError, ValidationError
from app.rules import calendar as cal
from app.rules.editing import Access
from app.services import contracts as svc
from app.services import insertion_hours as hours_svc
from app.ui import messages, ops
from app.ui.context import AppContext
from app.ui.dialogs import read_only
from app.ui.dialogs.conflict import OVERWRITE, RELOAD, ask_conflict
from app.ui.dialogs.errors import show_error
from app.ui.models.editable import EditableRowsModel, EditColumn
from app.ui.models.table import Column, RowTableModel
from app.ui.ops import contract_form as form_ops
from app.ui.widgets.choices import enum_combo as _enum_combo
from app.ui.widgets.choices import select_data as _select
from app.ui.widgets.choices import yes_no_combo as _yes_no_combo
from app.ui.widgets.fields import IntEdit, MoneyEdit, OptionalDateEdit
from app.ui.widgets.glossary import explain_acronyms

LOT_COLUMNS = [
    EditColumn("number", "N°", "int"),
    EditColumn("title", "Intitulé"),
    EditColumn("amount", "Montant HT", "money"),
]
AMENDMENT_COLUMNS = [
    EditColumn("number", "N°", "int"),
    EditColumn("signed_on", "Signé le", "date"),
    EditColumn("object", "Objet"),
    EditColumn("amount_delta", "Montant HT (+/−)", "money"),
    EditColumn("new_end_date", "Nouvelle échéance", "date"),
]

HOURS_COLUMNS = [
    EditColumn("year", "Année", "int"),
    EditColumn("hours", "Heures réalisées", "money"),
    EditColumn("source", "Source (bilan du PLIE, facilitateur…)"),
]


def _choice_combo(choices: list[svc.Choice], name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    _fill_choices(combo, choices)
    combo.setMaxVisibleItems(20)
    return combo


def _fill_choices(combo: QComboBox, choices: list[svc.Choice]) -> None:
    current = combo.currentData()
    combo.clear()
    combo.addItem("—", None)
    for choice in choices:
        combo.addItem(choice.label, choice.id)
    _select(combo, current)


class ChildTable(QWidget):
    """An editable list of lots or amendments with « Ajouter » and « Retirer »."""

    def __init__(
        self, columns: list[EditColumn], noun: str, explanation: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = EditableRowsModel(columns, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(noun)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.view.setEditTriggers(
            QTableView.EditTrigger.DoubleClicked
            | QTableView.EditTrigger.EditKeyPressed
            | QTableView.EditTrigger.AnyKeyPressed
        )
        self.add_button = QPushButton(f"Ajouter un {noun}")
        self.remove_button = QPushButton(messages.remove_selected(noun))
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a40000;")
        self.problem.setWordWrap(True)
        self.model.problem.connect(self.problem.setText)
        self.model.dataChanged.connect(lambda *_: self.problem.clear())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        hint = QLabel(explanation)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)

    def add(self) -> None:
        number = max((r.get("number") or 0 for r in self.model.rows), default=0) + 1
        row = self.model.add_row({"number": number})
        index = self.model.index(row, 1)
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def remove(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.model.remove_row(index.row())


class InsertionHoursTable(ChildTable):
    """Hours of work done by people in insertion on this contract, one line per year, as the PLIE
    (or the facilitator of the clause) reports them. Saved with the contract or on their own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            HOURS_COLUMNS,
            "année",
            "Les heures de travail réalisées sur ce marché par des personnes en insertion (chômeurs de "
            "longue durée, jeunes sans qualification, bénéficiaires du RSA), une ligne par année, "
            "telles que le PLIE (plan local pour l'insertion et l'emploi) ou le facilitateur de la "
            "clause les communique. Elles alimentent l'indicateur «\u00a0Heures d'insertion "
            "réalisées\u00a0» du tableau de bord SPASER.",
            parent,
        )
        self.view.setAccessibleName("Heures d'insertion par année")
        self.add_button.setText("Ajouter une année")
        self.remove_button.setText("Retirer l'année sélectionnée")
        self.save_button = QPushButton("Enregistrer les &heures")
        self.save_button.setToolTip("Enregistrer les heures d'insertion sans fermer la fiche")
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = self.layout().itemAt(self.layout().count() - 1).layout()
        buttons.insertWidget(2, self.save_button)
        self.layout().insertWidget(self.layout().count() - 1, self.status)
        self.loaded: tuple[hours_svc.HoursRow, ...] = ()

    def set_loaded(self, rows: tuple[hours_svc.HoursRow, ...]) -> None:
        self.loaded = rows
        self.model.set_rows([dataclasses.asdict(r) for r in rows])

    def rows(self) -> list[hours_svc.HoursRow]:
        return [
            hours_svc.HoursRow(
                r.get("year"), r.get("hours"), r.get("source") or "", r.get("id"), r.get("version")
            )
            for r in self.model.rows
        ]

    def changed(self) -> bool:
        return self.rows() != list(self.loaded)

    def add(self) -> None:
        years = [r.get("year") for r in self.model.rows if r.get("year")]
        # The PLIE reports a year once it is over: last year first, then the years after.
        year = max(years) + 1 if years else dt.date.today().year - 1
        row = self.model.add_row({"year": year, "hours": None, "source": ""})
        index = self.model.index(row, 1)
        self.view.setCurrentIndex(index)
        self.view.edit(index)


class ContractDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        contract_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contract_dialog")
        self.context = context
        self.contract_id = contract_id
        self.version: int | None = None
        self.detail: svc.ContractDetail | None = None
        self.saved: svc.ContractDetail | None = None
        self.choices = svc.ContractChoices([], [], [])  # filled when the form's data arrives
        self.delays: cal.CycleDelays | None = None
        self.load_error: BaseException | None = None
        self.setWindowTitle("Nouveau marché" if contract_id is None else "Fiche marché")
        self.setMinimumSize(820, 600)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_tab(), "Général")
        self.tabs.addTab(self._money_tab(), "Montants et durée")
        self.lots = ChildTable(
            LOT_COLUMNS,
            "lot",
            "Les lots attribués séparément (allotissement). Double-cliquez une cellule pour la modifier.",
        )
        self.tabs.addTab(self.lots, "Lots")
        self.amendments = ChildTable(
            AMENDMENT_COLUMNS,
            "avenant",
            "Les avenants signés : montant en plus ou en moins (HT) et, le cas échéant, nouvelle échéance.",
        )
        self.tabs.addTab(self.amendments, "Avenants")
        self.tabs.addTab(self._clauses_tab(), "Clauses")
        self.hours = InsertionHoursTable()
        self.hours.save_button.clicked.connect(self.save_hours)
        self.hours.save_button.setEnabled(contract_id is not None)
        if contract_id is None:
            self.hours.status.setText("Les heures saisies ici seront enregistrées avec le marché.")
        self.tabs.addTab(self.hours, "Heures d'insertion")
        self.history_model = RowTableModel(
            [
                Column(messages.HISTORY_DATE_HEADER, lambda r: messages.local_time(r.at)),
                Column("Action", lambda r: r.action_label),
                Column("Par", lambda r: r.user_name or r.workstation),
                Column(
                    "Changements",
                    lambda r: _describe_changes(r.changes),
                    tooltip=lambda r: _describe_changes(r.changes, "\n"),
                ),
            ]
        )
        history = QTableView()
        history.setModel(self.history_model)
        history.setAccessibleName("Historique des modifications")
        history.horizontalHeader().setStretchLastSection(True)
        history.verticalHeader().hide()
        self.tabs.addTab(history, "Historique")

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.history_view = history
        self.read_only_banner = read_only.banner()
        self.access: Access | None = None  # set when the record arrives: another town's is read-only
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Enregistrer (Ctrl+S)")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

        self.save_button.setEnabled(False)  # until the form's data has arrived
        db, org, today = context.db, context.organisation_id, context.today()
        ops.query(
            self,
            lambda: form_ops.load_form(db, org, contract_id, today),
            self._form_loaded,
            title="Ouverture de la fiche…",
            on_error=self._load_failed,
        )

    def _form_loaded(self, data: form_ops.FormData) -> None:
        self.choices, self.delays = data.choices, data.delays
        for combo, choices in (
            (self.department, data.choices.departments),
            (self.family, data.choices.families),
            (self.supplier, data.choices.suppliers),
        ):
            _fill_choices(combo, choices)
        self.save_button.setEnabled(True)
        if data.record is not None:
            self.show_record(data.record)
            self.access = data.record.detail.access(self.context.organisation_id)
            if not self.access.editable:
                self._show_read_only(self.access)
        else:
            self._refresh_computed()
        explain_acronyms(self)

    @property
    def read_only(self) -> bool:
        return self.access is not None and not self.access.editable

    def _show_read_only(self, access: Access) -> None:
        """Another organisation's contract: consulted, not changed (the services refuse it too)."""
        read_only.show_read_only(
            self, self.read_only_banner, access, keep=(self.cancel_button, self.history_view)
        )
        self.save_button.hide()
        self.hours.save_button.hide()
        self.cancel_button.setText("Fermer")
        self.cancel_button.setEnabled(True)
        self.setWindowTitle(f"{self.windowTitle()} — lecture seule ({access.owner_name})")

    def _load_failed(self, exc: BaseException) -> None:
        self.load_error = exc
        ops.show_op_error(self, exc)
        self.reject()

    # --- tabs ------------------------------------------------------------------------------------
    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.reference = QLineEdit()
        self.reference.setAccessibleName("Référence")
        self.object = QPlainTextEdit()
        self.object.setAccessibleName("Objet")
        self.object.setTabChangesFocus(True)
        self.object.setFixedHeight(60)
        self.nature = _enum_combo(PurchaseNature, "Nature", unknown=True)
        self.procedure = _enum_combo(Procedure, "Procédure", unknown=True)
        self.status = _enum_combo(ContractStatus, "État")
        _select(self.status, ContractStatus.ACTIVE)
        self.department = _choice_combo(self.choices.departments, "Service")
        self.family = _choice_combo(self.choices.families, "Famille d'achat")
        self.supplier = _choice_combo(self.choices.suppliers, "Titulaire")
        self.cpv = QLineEdit()
        self.cpv.setAccessibleName("Code CPV")
        self.cpv.setPlaceholderText("ex. 30192000-1")
        self.cpv.setMaximumWidth(160)
        self.recurrent = _yes_no_combo(
            "Marché récurrent",
            "Oui : le besoin revient à l'échéance (il passe en cotation)",
            "Non : achat ponctuel",
        )
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        form.addRow("&Référence * :", self.reference)
        form.addRow("&Objet * :", self.object)
        form.addRow("&Nature :", self.nature)
        form.addRow("&Procédure :", self.procedure)
        form.addRow("É&tat :", self.status)
        form.addRow("&Service :", self.department)
        form.addRow("&Famille d'achat :", self.family)
        form.addRow("Titul&aire :", self.supplier)
        form.addRow("Code &CPV :", self.cpv)
        form.addRow("&Récurrent :", self.recurrent)
        form.addRow("N&otes :", self.notes)
        return page

    def _money_tab(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        amounts = QGroupBox("Montants (HT)")
        form = QFormLayout(amounts)
        self.estimated = MoneyEdit("Montant estimé HT")
        self.notified = MoneyEdit("Montant notifié HT")
        self.is_framework = QCheckBox("Accord-cadre à bons de commande")
        self.max_amount = MoneyEdit("Montant maximum HT")
        self.min_amount = MoneyEdit("Montant minimum HT")
        self.total_label = QLabel()
        self.consumption_label = QLabel()
        self.consumption_label.setWordWrap(True)
        self.consumption_label.setObjectName("consumption")
        form.addRow("Montant &estimé :", self.estimated)
        form.addRow("Montant &notifié :", self.notified)
        form.addRow("Avec les avenants :", self.total_label)
        form.addRow("", self.is_framework)
        form.addRow("Montant ma&ximum :", self.max_amount)
        form.addRow("Montant mi&nimum :", self.min_amount)
        form.addRow("Consommation :", self.consumption_label)

        dates = QGroupBox("Dates et durée")
        grid = QFormLayout(dates)
        self.notification_date = OptionalDateEdit("Date de notification")
        self.start_date = OptionalDateEdit("Date de début")
        self.end_date = OptionalDateEdit("Échéance")
        self.duration = IntEdit("Durée en mois")
        self.renewable = _yes_no_combo("Reconductible", "Oui", "Non")
        self.renewals = IntEdit("Nombre de reconductions")
        self.notice = IntEdit("Préavis en mois")
        self.notice.setToolTip(
            "Délai de préavis : nombre de mois avant l'échéance pendant lesquels la reconduction "
            "ou la non-reconduction doit être notifiée au titulaire."
        )
        self.deadline_label = QLabel()
        self.deadline_label.setWordWrap(True)
        self.cycle_label = QLabel()
        self.cycle_label.setWordWrap(True)
        grid.addRow("Date de noti&fication :", self.notification_date)
        grid.addRow("Date de &début :", self.start_date)
        grid.addRow("É&chéance :", self.end_date)
        grid.addRow("&Durée (mois) :", self.duration)
        grid.addRow("Reconducti&ble :", self.renewable)
        grid.addRow("Reconductions (nombre) :", self.renewals)
        grid.addRow("&Préavis (mois) :", self.notice)
        grid.addRow("Décision de reconduction avant le :", self.deadline_label)
        grid.addRow("Cycle SPASER :", self.cycle_label)
        layout.addWidget(amounts, 1)
        layout.addWidget(dates, 1)
        for widget in (self.estimated, self.notified, self.max_amount, self.min_amount, self.notice):
            widget.textChanged.connect(self._refresh_computed)
        self.end_date.dateChanged.connect(self._refresh_computed)
        self.is_framework.toggled.connect(self._refresh_computed)
        return page

    def _clauses_tab(self) -> QWidget:
        self.checklist = None
        if self.contract_id is not None:
            from app.ui.widgets.checklist import ChecklistWidget

            # its contract is set once the form has read it (one message if it was deleted)
            self.checklist = ChecklistWidget(self.context, None, self)
            return self.checklist
        page = QWidget()
        layout = QVBoxLayout(page)
        note = QLabel(
            "Enregistrez d'abord le marché : la liste des clauses responsables à étudier s'affichera ici."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    # --- data in and out ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the contract as saved now (after a conflict)."""
        if self.contract_id is not None:
            db, contract_id = self.context.db, self.contract_id
            ops.query(self, lambda: form_ops.load_record(db, contract_id), self.show_record)

    def show_record(self, record: form_ops.ContractRecord) -> None:
        self.load(record.detail)
        if self.checklist is not None and self.checklist.contract_id != record.detail.id:
            self.checklist.set_contract(record.detail.id)
        self.history_model.set_rows(list(record.history))
        self.hours.set_loaded(record.hours)
        self.hours.save_button.setEnabled(True)
        self.hours.status.clear()

    def load(self, detail: svc.ContractDetail) -> None:
        self.detail = detail
        self.contract_id = detail.id
        self.version = detail.version
        d = detail.data
        self.setWindowTitle(f"Marché {d.reference}")
        self.reference.setText(d.reference)
        self.object.setPlainText(d.object)
        _select(self.nature, d.nature)
        _select(self.procedure, d.procedure)
        _select(self.status, d.status)
        _select(self.department, d.department_id)
        _select(self.family, d.family_id)
        _select(self.supplier, d.supplier_id)
        self.cpv.setText(d.cpv_code or "")
        _select(self.recurrent, d.recurrent)
        self.notes.setPlainText(d.notes or "")
        self.estimated.set_value(d.estimated_amount)
        self.notified.set_value(d.notified_amount)
        self.is_framework.setChecked(d.is_framework)
        self.max_amount.set_value(d.max_amount)
        self.min_amount.set_value(d.min_amount)
        self.notification_date.set_value(d.notification_date)
        self.start_date.set_value(d.start_date)
        self.end_date.set_value(d.end_date)
        self.duration.set_value(d.duration_months)
        _select(self.renewable, d.renewable)
        self.renewals.set_value(d.renewals_max)
        self.notice.set_value(d.notice_months)
        self.lots.model.set_rows([dataclasses.asdict(lot) for lot in d.lots])
        self.amendments.model.set_rows([dataclasses.asdict(a) for a in d.amendments])
        self._refresh_computed()

    def collect(self) -> svc.ContractInput:
        """The form's values; ``ValidationError`` for a value that cannot be read."""
        lots = tuple(
            svc.LotInput(int(r.get("number") or 0), r.get("title") or "", r.get("amount"))
            for r in self.lots.model.rows
        )
        amendments = tuple(
            svc.AmendmentInput(
                int(r.get("number") or 0),
                r.get("signed_on"),
                r.get("amount_delta"),
                r.get("object") or "",
                r.get("new_end_date"),
            )
            for r in self.amendments.model.rows
        )
        return svc.ContractInput(
            reference=self.reference.text(),
            object=_plain_text(self.object),
            nature=self.nature.currentData(),
            procedure=self.procedure.currentData(),
            status=self.status.currentData(),
            department_id=self.department.currentData(),
            family_id=self.family.currentData(),
            supplier_id=self.supplier.currentData(),
            cpv_code=self.cpv.text(),
            recurrent=self.recurrent.currentData(),
            estimated_amount=self.estimated.value(),
            notified_amount=self.notified.value(),
            is_framework=self.is_framework.isChecked(),
            max_amount=self.max_amount.value(),
            min_amount=self.min_amount.value(),
            notification_date=self.notification_date.value(),
            start_date=self.start_date.value(),
            end_date=self.end_date.value(),
            duration_months=self.duration.value(),
            renewable=self.renewable.currentData(),
            renewals_max=self.renewals.value(),
            notice_months=self.notice.value(),
            notes=_plain_text(self.notes),
            lots=lots,
            amendments=amendments,
        )

    def _refresh_computed(self) -> None:
        """Dates and amounts worked out from the values in the form (no database access: this runs
        at every keystroke) with the delays loaded with the form."""
        delays = self.delays
        if delays is None:
            return
        try:
            end = self.end_date.value()
            notice = self.notice.value()
            notified = self.notified.value()
            estimated = self.estimated.value()
            maximum = self.max_amount.value()
        except ValidationError:
            return
        deadline = cal.notice_deadline(end, notice)
        self.deadline_label.setText(
            fmt.date(deadline) if deadline else "— (indiquez l'échéance et le préavis)"
        )
        if end is not None:
            m = cal.milestones(end, delays)
            self.cycle_label.setText(
                f"cotation du {fmt.date(m.cotation_start)} au {fmt.date(m.cotation_end)}, CAD vers le {fmt.date(m.cad)}"
            )
        else:
            self.cycle_label.setText("—")
        base = notified if notified is not None else estimated
        deltas = [
            r.get("amount_delta") for r in self.amendments.model.rows if r.get("amount_delta") is not None
        ]
        total = None if base is None and not deltas else (base or Decimal(0)) + sum(deltas, Decimal(0))
        self.total_label.setText(fmt.money(total) if total is not None else "—")
        consumed = self.detail.consumed if self.detail else Decimal(0)
        used = cal.consumption(
            maximum if self.is_framework.isChecked() else None, consumed, delays.consumption_alert_rate
        )
        if used is None:
            self.consumption_label.setText("— (accord-cadre avec un montant maximum uniquement)")
            self.consumption_label.setStyleSheet("")
        else:
            text = (
                f"Commandé : {fmt.money(used.consumed)} ({fmt.percent(used.rate)} du maximum)<br>"
                f"Reste : {fmt.money(used.remaining)}"
            )
            if used.warning:
                text = f"<b>⚠ Attention, maximum presque atteint.</b><br>{text}"
                self.consumption_label.setStyleSheet("color: #8a3b00;")
            else:
                self.consumption_label.setStyleSheet("")
            self.consumption_label.setText(text)

    # --- saving ------------------------------------------------------------------------------------
    def _focus_field(self, field: str | None) -> None:
        widgets = {
            "reference": (0, self.reference),
            "object": (0, self.object),
            "cpv_code": (0, self.cpv),
            "estimated_amount": (1, self.estimated),
            "notified_amount": (1, self.notified),
            "max_amount": (1, self.max_amount),
            "min_amount": (1, self.min_amount),
            "end_date": (1, self.end_date),
            "duration_months": (1, self.duration),
            "renewals_max": (1, self.renewals),
            "notice_months": (1, self.notice),
            "lots": (2, self.lots.view),
            "amendments": (3, self.amendments.view),
        }
        if field == "insertion_hours":
            self.tabs.setCurrentWidget(self.hours)
            self.hours.view.setFocus()
        if field in widgets:
            tab, widget = widgets[field]
            self.tabs.setCurrentIndex(tab)
            widget.setFocus()

    def save(self, *, overwrite: bool = False) -> bool:
        """Check the form, then save on the database worker; False when the form has a value to
        correct (the dialog closes once the save is done)."""
        if self.read_only:
            return False
        try:
            data = self.collect()
            hours = self.hours.rows()
            hours_svc.validate_rows(hours)  # before the contract, so nothing is saved half
        except ValidationError as exc:
            self._refused(exc)
            return False
        ctx = self.context
        save = functools.partial(
            form_ops.save_form,
            ctx.db,
            ctx.organisation_id,
            data,
            contract_id=self.contract_id,
            expected_version=self.version,
            overwrite=overwrite,
            user_name=ctx.user_name,
            hours=hours if self.hours.changed() else None,
            loaded_hours=self.hours.loaded,
        )
        self.save_button.setEnabled(False)
        ops.mutate(self, save, self._saved, on_error=self._save_failed, title="Enregistrement du marché…")
        return True

    def _saved(self, result: form_ops.Saved) -> None:
        self.save_button.setEnabled(True)
        if result.hours_error is not None:
            self.contract_id, self.version = result.detail.id, result.detail.version
            self.reload()
            self.tabs.setCurrentWidget(self.hours)
            QMessageBox.warning(
                self,
                "Heures d'insertion",
                f"Le marché est enregistré, mais pas les heures d'insertion : {result.hours_error}",
            )
            return
        self.saved = result.detail
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ConcurrentEdit):
            choice = ask_conflict(self, exc.message)
            if choice == RELOAD:
                self.reload()
            elif choice == OVERWRITE:
                self.save(overwrite=True)
        elif isinstance(exc, ValidationError):
            self._refused(exc)
        elif isinstance(exc, UserError):
            show_error(self, exc)
        else:
            ops.show_op_error(self, exc)

    def _refused(self, exc: ValidationError) -> None:
        QMessageBox.warning(self, "Saisie à corriger", exc.message)
        self._focus_field(exc.field)

    def save_hours(self) -> bool:
        """« Enregistrer les heures »: only the hours of an existing contract; the form stays open."""
        if self.contract_id is None or self.read_only:
            return False
        try:
            rows = self.hours.rows()
            hours_svc.validate_rows(rows)
        except ValidationError as exc:
            self._refused(exc)
            return False
        db, contract_id, loaded, user, org = (
            self.context.db,
            self.contract_id,
            self.hours.loaded,
            self.context.user_name,
            self.context.organisation_id,
        )
        ops.mutate(
            self,
            lambda: form_ops.save_hours(db, contract_id, rows, loaded, user, org),
            self._hours_saved,
            on_error=self._hours_failed,
            title="Enregistrement des heures d'insertion…",
        )
        return True

    def _hours_saved(self, result: tuple) -> None:
        saved, history = result
        self.hours.set_loaded(saved)
        self.history_model.set_rows(list(history))
        self.hours.status.setText("Heures d'insertion enregistrées.")

    def _hours_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._refused(exc)
        elif isinstance(exc, ConcurrentEdit):
            QMessageBox.warning(
                self, "Heures d'insertion", exc.message + " Les heures enregistrées sont affichées."
            )
            self.reload()
        elif isinstance(exc, UserError):
            show_error(self, exc)
        else:
            ops.show_op_error(self, exc)


def _plain_text(edit: QPlainTextEdit) -> str:
    """The text as typed. ``toPlainText`` turns non-breaking spaces into plain ones (French text is
    full of them: « 12 500 € », « objet : ») so saving an untouched form changed the object."""
    raw = edit.document().toRawText()
    return raw.replace("\u2029", "\n").replace("\u2028", "\n")


def _describe_changes(changes: dict, separator: str = " ; ") -> str:
    parts = []
    for key, value in changes.items():
        name = svc.FIELD_LABELS.get(key, key)
        if isinstance(value, list) and len(value) == 2 and key in svc.FIELD_LABELS:
            old, new = value
            parts.append(f"{name} : {_short(old)} → {_short(new)}")
        else:
            parts.append(f"{name} : {_short(value)}")
    return separator.join(parts)


def _short(value) -> str:  # noqa: ANN001
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"

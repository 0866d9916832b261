"""Paramètres: the organisation's identity, the user's name, the dated thresholds and delays, and
the reference lists (services, purchase families, suppliers, delivery sites)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from decimal import Decimal

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
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
from app.enums import OrganisationKind, label
from app.errors import ValidationError
from app.services import identity_and_settings as svc
from app.ui import ops
from app.ui.context import AppContext
from app.ui.models.table import Column, RowTableModel
from app.ui.widgets.changed_note import ExternalChanges
from app.ui.widgets.fields import IntEdit
from app.ui.widgets.tables import fit_columns


def format_setting(kind: str, value: str, unit: str | None = None) -> str:
    if value == "":
        return "non vérifiée"
    try:
        if kind == "amount":
            return fmt.money(Decimal(value))
        if kind == "rate":
            return fmt.percent(Decimal(value))
        if kind == "date":
            return fmt.date(dt.date.fromisoformat(value))
    except (ArithmeticError, ValueError):
        return value
    return f"{value} {unit}" if unit else value


SETTING_COLUMNS = [
    Column("Réglage", lambda s: s.label, tooltip=lambda s: f"{s.label}\nClé : {s.key}"),
    Column("Valeur en vigueur", lambda s: format_setting(s.kind, s.value, s.unit), align_right=True),
    Column("Depuis le", lambda s: fmt.date(s.valid_from), sort_key=lambda s: s.valid_from),
    Column(
        "Prochaine valeur",
        lambda s: (
            f"{format_setting(s.kind, s.next_value, s.unit)} au {fmt.date(s.next_from)}"
            if s.next_value
            else ""
        ),
    ),
    Column("Nature", lambda s: s.scope_label, tooltip=lambda s: _scope_tooltip(s)),
    Column(
        "Origine",
        lambda s: "Choix de la collectivité" if s.organisation_specific else "Valeur livrée",
        tooltip=lambda s: (
            f"Valeur livrée avec l'application : {format_setting(s.kind, s.shipped_value, s.unit)}"
            if s.organisation_specific and s.shipped_value is not None
            else "Valeur du catalogue livré avec l'application, mise à jour à chaque version"
        ),
    ),
    Column("À vérifier", lambda s: "à vérifier" if s.to_verify else ""),
    Column("Source", lambda s: s.source, tooltip=lambda s: f"{s.source}\n\n{s.explanation}"),
]


def _scope_tooltip(line: svc.SettingLine) -> str:
    if line.editable:
        return "Choix de la collectivité (SPASER, objectifs, délais) : modifiable à partir d'une date."
    return "Fixé par un texte : mis à jour avec l'application, non modifiable par la collectivité."


class SettingValueDialog(QDialog):
    def __init__(self, context: AppContext, line: svc.SettingLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setting_dialog")
        self.context = context
        self.line = line
        self.setWindowTitle("Modifier un réglage")
        self.setMinimumWidth(520)
        title = QLabel(f"<b>{line.label}</b>")
        title.setWordWrap(True)
        explanation = QLabel(f"{line.explanation}<br><i>Source : {line.source}</i>")
        explanation.setWordWrap(True)
        current = QLabel(
            f"Valeur en vigueur : {format_setting(line.kind, line.value, line.unit)} depuis le {fmt.date(line.valid_from)}"
        )
        current.setWordWrap(True)
        self.value = QLineEdit(line.value.replace(".", ","))
        self.value.setAccessibleName("Nouvelle valeur")
        hint = {
            "rate": "Un taux entre 0 et 1 : 0,40 pour 40 %.",
            "amount": "Un montant en euros HT, sans le symbole €.",
            "duration": f"Un nombre entier ({line.unit or 'durée'}).",
            "integer": "Un nombre entier.",
            "date": "Une date au format AAAA-MM-JJ.",
        }.get(line.kind, "")
        self.valid_from = QDateEdit()
        self.valid_from.setCalendarPopup(True)
        self.valid_from.setDisplayFormat("dd/MM/yyyy")
        today = context.today()
        self.valid_from.setDate(QDate(today.year, today.month, today.day))
        self.valid_from.setAccessibleName("Applicable à partir du")
        form = QFormLayout()
        form.addRow("&Nouvelle valeur :", self.value)
        form.addRow("", QLabel(hint))
        form.addRow("&Applicable à partir du :", self.valid_from)
        buttons = QDialogButtonBox()
        buttons.addButton("Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole).setDefault(True)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(explanation)
        layout.addWidget(current)
        if line.organisation_specific and line.shipped_value is not None:
            shipped = QLabel(
                f"Valeur livrée avec l'application : {format_setting(line.kind, line.shipped_value, line.unit)}"
            )
            shipped.setWordWrap(True)
            layout.addWidget(shipped)
        layout.addLayout(form)
        note = QLabel("Les valeurs précédentes restent valables pour les dates antérieures.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def save(self) -> None:
        ctx = self.context
        save = functools.partial(
            svc.save_setting,
            ctx.db,
            ctx.organisation_id,
            self.line.key,
            self.value.text(),
            self.valid_from.date().toPython(),
            expected=self.line.value,
            user_name=ctx.user_name,
            today=ctx.today(),
        )
        failed = ops.warn_invalid(self, lambda _exc: self.value.setFocus())
        ops.mutate(self, save, lambda _result: self.accept(), on_error=failed)


class IdentityTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.identity: svc.OrganisationIdentity | None = None
        org_box = QGroupBox("Identité de la collectivité")
        form = QFormLayout(org_box)
        self.name = QLineEdit()
        self.name.setAccessibleName("Nom de la collectivité")
        self.siret = QLineEdit()
        self.siret.setAccessibleName("SIRET de la collectivité")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Type de collectivité")
        for member in OrganisationKind:
            self.kind.addItem(label(member), member)
        self.population = IntEdit("Population")
        self.insee = QLineEdit()
        self.insee.setAccessibleName("Code INSEE")
        self.insee.setMaximumWidth(90)
        self.postcode = QLineEdit()
        self.postcode.setAccessibleName("Code postal")
        self.postcode.setMaximumWidth(90)
        self.commune = QLineEdit()
        self.commune.setAccessibleName("Commune")
        form.addRow("&Nom * :", self.name)
        form.addRow("&SIRET :", self.siret)
        form.addRow("&Type :", self.kind)
        form.addRow("&Population :", self.population)
        form.addRow("Code &INSEE :", self.insee)
        form.addRow("Code p&ostal :", self.postcode)
        form.addRow("&Commune :", self.commune)
        self.save_button = QPushButton("Enregistrer l'identité")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)

        user_box = QGroupBox("Vous")
        user_form = QFormLayout(user_box)
        self.user_name = QLineEdit(context.user_name)
        self.user_name.setAccessibleName("Votre nom")
        self.user_name.setPlaceholderText("ex. Marie Martin, acheteuse")
        save_user = QPushButton("Enregistrer mon nom")
        save_user.clicked.connect(self.save_user)
        user_form.addRow("&Votre nom :", self.user_name)
        user_form.addRow(
            "", QLabel("Il apparaît dans l'historique des modifications. Il est propre à ce poste.")
        )
        user_form.addRow("", save_user)
        password = QPushButton("Mot de passe de la collectivité…")
        password.setToolTip("Empêcher qu'une autre personne choisisse votre collectivité dans l'application.")
        password.clicked.connect(self.edit_password)
        user_form.addRow("", password)
        layout = QHBoxLayout(self)
        layout.addWidget(org_box, 3)
        layout.addWidget(user_box, 2)
        self.reload()

    def reload(self) -> None:
        ctx = self.context
        self.setEnabled(ctx.ready)
        if not ctx.ready:
            return
        db, org = ctx.db, ctx.organisation_id
        ops.query(self, lambda: svc.get_identity(db, org), self._show_identity)

    def has_unsaved_input(self) -> bool:
        """The identity form differs from the identity read: the user is editing it."""
        i = self.identity
        if i is None:
            return False
        shown = (
            self.name.text(),
            self.siret.text(),
            self.kind.currentData(),
            self.insee.text(),
            self.postcode.text(),
            self.commune.text(),
        )
        read = (i.name, i.siret or "", i.kind, i.insee_code or "", i.postcode or "", i.commune or "")
        try:
            population = self.population.value()
        except ValidationError:  # not a number: being typed
            return True
        return shown != read or population != i.population

    def _show_identity(self, identity: svc.OrganisationIdentity) -> None:
        self.identity = i = identity
        self.name.setText(i.name)
        self.siret.setText(i.siret or "")
        self.kind.setCurrentIndex(max(self.kind.findData(i.kind), 0))
        self.population.set_value(i.population)
        self.insee.setText(i.insee_code or "")
        self.postcode.setText(i.postcode or "")
        self.commune.setText(i.commune or "")

    def save(self) -> None:
        if self.identity is None:
            return
        try:
            updated = dataclasses.replace(
                self.identity,
                name=self.name.text(),
                siret=self.siret.text(),
                kind=self.kind.currentData(),
                population=self.population.value(),
                insee_code=self.insee.text(),
                postcode=self.postcode.text(),
                commune=self.commune.text(),
            )
        except ValidationError as exc:
            QMessageBox.warning(self, "Saisie à corriger", exc.message)
            return
        db, user, org = self.context.db, self.context.user_name, self.context.organisation_id
        save = functools.partial(svc.save_identity, db, updated, organisation_id=org, user_name=user)
        ops.mutate(self, save, self._identity_saved, on_error=ops.warn_invalid(self), on_conflict=self.reload)

    def _identity_saved(self, identity: svc.OrganisationIdentity) -> None:
        self.identity = identity
        self.context.data_changed.emit("organisation")
        self.context.database_changed.emit()  # names in the organisation list and status bar
        QMessageBox.information(self, "Paramètres", "L'identité de la collectivité est enregistrée.")

    def edit_password(self) -> None:
        from app.ui.dialogs.identity import PasswordDialog

        if self.context.ready:
            PasswordDialog(self.context, self).open()

    def save_user(self) -> None:
        self.context.set_user_name(self.user_name.text())
        QMessageBox.information(self, "Paramètres", "Votre nom est enregistré sur ce poste.")


class SettingsTab(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = RowTableModel(SETTING_COLUMNS, self)
        intro = QLabel(
            "Les seuils, délais et objectifs utilisés par l'application, avec leur source. Les obligations "
            "légales sont mises à jour avec l'application et ne se modifient pas ; les choix de la "
            "collectivité (engagements du SPASER, objectifs, délais) se modifient à partir d'une date, sans "
            "changer les calculs des dates antérieures. Une valeur « non vérifiée » est fixée par un texte "
            "que l'application n'a pas pu lire : à vérifier avant de s'y fier."
        )
        intro.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Seuils et délais")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        fit_columns(self.table)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        self.edit_button = QPushButton("Modifier la valeur…")
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.reset_button = QPushButton("Revenir à la valeur livrée")
        self.reset_button.setToolTip("Supprimer les valeurs propres à la collectivité pour ce réglage")
        self.reset_button.setEnabled(False)
        self.reset_button.clicked.connect(self.reset_selected)
        row = QHBoxLayout()
        row.addWidget(intro, 1)
        row.addWidget(self.reset_button)
        row.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.reload()

    def reload(self) -> None:
        ctx = self.context
        if not ctx.ready:
            self._show_lines([])
            return
        db, org, today = ctx.db, ctx.organisation_id, ctx.today()
        ops.query(self, lambda: svc.setting_lines(db, org, today), self._show_lines)

    def _show_lines(self, lines: list[svc.SettingLine]) -> None:
        self.model.set_rows(lines)
        fit_columns(self.table)
        header = self.table.horizontalHeader()
        if header.sectionSize(0) > 430:
            header.resizeSection(0, 430)

    def _current_changed(self, current, _previous) -> None:  # noqa: ANN001 - Qt indexes
        line = self.model.row_at(current.row()) if current.isValid() else None
        self.edit_button.setEnabled(line is None or line.editable)
        self.reset_button.setEnabled(line is not None and line.editable and line.organisation_specific)
        self.edit_button.setToolTip(
            ""
            if line is None or line.editable
            else "Obligation légale : mise à jour avec l'application, non modifiable par la collectivité"
        )

    def reset_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        line = self.model.row_at(index.row())
        answer = QMessageBox.question(
            self,
            "Revenir à la valeur livrée",
            f"Supprimer les valeurs de la collectivité pour « {line.label} » ? La valeur livrée avec "
            "l'application s'appliquera de nouveau à toutes les dates.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ctx = self.context
        reset = functools.partial(
            svc.reset_setting,
            ctx.db,
            ctx.organisation_id,
            line.key,
            expected=line.value,
            user_name=ctx.user_name,
            today=ctx.today(),
        )
        ops.mutate(self, reset, lambda _result: self._changed())

    def _changed(self) -> None:
        self.reload()
        self.context.data_changed.emit("setting")

    def edit_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            QMessageBox.information(self, "Paramètres", "Sélectionnez d'abord un réglage dans la liste.")
            return
        line = self.model.row_at(index.row())
        if not line.editable:
            QMessageBox.information(
                self,
                "Obligation légale",
                f"« {line.label} » est fixé par un texte ({line.source}). Il est mis à jour avec "
                "l'application et ne se modifie pas dans les Paramètres.",
            )
            return
        dialog = SettingValueDialog(self.context, line, self)
        if dialog.exec():
            self.reload()
            self.context.data_changed.emit("setting")


class SettingsScreen(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.ui.screens.reference import ReferenceView

        self.context = context
        self.tabs = QTabWidget()
        self.identity = IdentityTab(context)
        self.settings = SettingsTab(context)
        self.tabs.addTab(self.identity, "Collectivité et utilisateur")
        self.tabs.addTab(self.settings, "Seuils et délais")
        self.references = {}
        for key, title in (
            ("department", "Services"),
            ("family", "Familles d'achat"),
            ("supplier", "Fournisseurs"),
            ("site", "Sites de livraison"),
        ):
            view = ReferenceView(context, key)
            self.references[key] = view
            self.tabs.addTab(view, title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<h2>Paramètres</h2>"))
        layout.addWidget(self.tabs, 1)
        context.database_changed.connect(self.reload)
        context.organisation_changed.connect(self.reload)
        self.external = ExternalChanges(
            self, context, self.reload, dirty=self.identity.has_unsaved_input, position=1
        )

    def reload(self) -> None:
        self.identity.reload()
        self.settings.reload()
        for view in self.references.values():
            view.reload()


def create(context: AppContext, parent: QWidget | None = None) -> QWidget:
    return SettingsScreen(context, parent)

"""« Qui êtes-vous ? »: at the opening of a file, the user picks the organisation they work for and
types their name (both remembered on this PC); an organisation's password, when it has one, guards
choosing it. Every change is then recorded in the audit trail with this name and the PC's name."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import AppContext, ui_settings
from app.ui.tasks import run_op

REMEMBERED_ORGANISATION = "user/organisation"
PROTECTED_SUFFIX = " — protégée par mot de passe"


def remembered_organisation() -> str:
    return str(ui_settings().value(REMEMBERED_ORGANISATION, "") or "")


class IdentityDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        choices: list,  # OrganisationChoice
        parent: QWidget | None = None,
        *,
        preselect: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.choices = list(choices)
        self.signed_in = None  # the OrganisationChoice, once accepted
        self.setWindowTitle("Qui êtes-vous ? — Achats Durables")
        intro = QLabel(
            "Choisissez la collectivité pour laquelle vous travaillez et indiquez votre nom : chaque "
            "modification sera enregistrée dans le journal avec votre nom et celui de ce poste. Vous ne "
            "modifierez que les fiches de cette collectivité ; chacune peut protéger ce choix par un mot "
            "de passe (Paramètres)."
        )
        intro.setWordWrap(True)
        self.organisation = QComboBox()
        self.organisation.setAccessibleName("Collectivité")
        for choice in self.choices:
            self.organisation.addItem(choice.name + (PROTECTED_SUFFIX if choice.protected else ""), choice.id)
        wanted = preselect or context.organisation_id or _as_uuid(remembered_organisation())
        ids = [choice.id for choice in self.choices]  # findData() does not compare UUIDs
        self.organisation.setCurrentIndex(ids.index(wanted) if wanted in ids else 0)
        self.name = QLineEdit(context.user_name)
        self.name.setAccessibleName("Votre nom")
        self.name.setPlaceholderText("ex. Marie Martin, acheteuse")
        self.name.setMaxLength(120)
        self.password = QLineEdit()
        self.password.setAccessibleName("Mot de passe de la collectivité")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_label = QLabel("&Mot de passe :")
        self.password_label.setBuddy(self.password)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a4000f;")
        form = QFormLayout()
        form.addRow("&Collectivité :", self.organisation)
        form.addRow("&Votre nom :", self.name)
        form.addRow(self.password_label, self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Commencer")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.organisation.currentIndexChanged.connect(self._organisation_changed)
        self._organisation_changed()
        self.resize(520, self.sizeHint().height())

    def current_choice(self):  # noqa: ANN201
        index = self.organisation.currentIndex()
        return self.choices[index] if 0 <= index < len(self.choices) else None

    def _organisation_changed(self) -> None:
        choice = self.current_choice()
        protected = bool(choice and choice.protected)
        self.password.setVisible(protected)
        self.password_label.setVisible(protected)
        self.password.clear()
        self.error.clear()

    def submit(self) -> None:
        choice = self.current_choice()
        name = self.name.text().strip()
        if choice is None:
            self.error.setText("Ce fichier ne contient aucune collectivité.")
            return
        if not name:
            self.error.setText(
                "Indiquez votre nom : il accompagne chacune de vos modifications dans le journal."
            )
            self.name.setFocus()
            return
        from app.services.access import sign_in

        db, password = self.context.db, self.password.text()
        self.buttons.setEnabled(False)
        run_op(
            self, "Vérification…", lambda _p: sign_in(db, choice.id, password), self._signed_in, self._refused
        )

    def _signed_in(self, choice) -> None:  # noqa: ANN001
        self.buttons.setEnabled(True)
        self.signed_in = choice
        self.context.set_user_name(self.name.text())
        ui_settings().setValue(REMEMBERED_ORGANISATION, str(choice.id))
        if self.context.organisation_id != choice.id:
            self.context.set_organisation(choice.id)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if _refusal_shown(self, exc):
            self.password.selectAll()
            self.password.setFocus()


def _refusal_shown(dialog, exc: BaseException) -> bool:  # noqa: ANN001
    """A French refusal in the dialog's own error line (True); anything else in the error dialog."""
    dialog.buttons.setEnabled(True)
    from app.errors import UserError

    if isinstance(exc, UserError):
        dialog.error.setText(exc.message)
        return True
    from app.ui.dialogs.errors import show_error

    show_error(dialog, exc)
    return False


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def ask_identity(
    parent: QWidget | None,
    context: AppContext,
    *,
    preselect: uuid.UUID | None = None,
    on_closed: Callable[[bool], None] | None = None,
) -> None:
    """Read the organisations off the GUI thread, then open the dialog (window-modal, not
    blocking); ``on_closed(accepted)`` runs when it closes."""
    db = context.db
    if db is None:
        return
    from app.services.access import organisation_choices

    def show(choices: list) -> None:
        dialog = IdentityDialog(context, choices, parent, preselect=preselect)
        if on_closed is not None:
            dialog.finished.connect(lambda result: on_closed(result == QDialog.DialogCode.Accepted))
        dialog.open()

    run_op(parent, "Lecture des collectivités…", lambda _p: organisation_choices(db), show)


def switch_organisation(
    parent: QWidget | None, context: AppContext, organisation_id: uuid.UUID, on_closed: Callable[[bool], None]
) -> None:
    """Work for ``organisation_id``: at once when it has no password, through the dialog otherwise."""
    db = context.db
    if db is None:
        return
    from app.services.access import organisation_choices

    def decide(choices: list) -> None:
        chosen = next((c for c in choices if c.id == organisation_id), None)
        if chosen is None:
            on_closed(False)
            return
        if not chosen.protected:
            ui_settings().setValue(REMEMBERED_ORGANISATION, str(chosen.id))
            context.set_organisation(chosen.id)
            on_closed(True)
            return
        dialog = IdentityDialog(context, choices, parent, preselect=organisation_id)
        dialog.finished.connect(lambda result: on_closed(result == QDialog.DialogCode.Accepted))
        dialog.open()

    run_op(parent, "Lecture des collectivités…", lambda _p: organisation_choices(db), decide)


class PasswordDialog(QDialog):
    """Set, change or remove the password of the organisation the user works for."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.protected: bool | None = None  # the state once saved
        self.setWindowTitle("Mot de passe de la collectivité")
        intro = QLabel(
            "Un mot de passe empêche qu'une autre personne choisisse votre collectivité dans "
            "l'application et modifie ses marchés. Il ne chiffre pas le fichier : quiconque a le "
            "fichier peut le lire avec d'autres outils. Laissez le nouveau mot de passe vide pour le retirer."
        )
        intro.setWordWrap(True)
        self.current = QLineEdit()
        self.current.setAccessibleName("Mot de passe actuel")
        self.new = QLineEdit()
        self.new.setAccessibleName("Nouveau mot de passe")
        self.confirm = QLineEdit()
        self.confirm.setAccessibleName("Nouveau mot de passe, à nouveau")
        for edit in (self.current, self.new, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a4000f;")
        form = QFormLayout()
        form.addRow("Mot de passe &actuel (s'il y en a un) :", self.current)
        form.addRow("&Nouveau mot de passe :", self.new)
        form.addRow("&Confirmation :", self.confirm)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def submit(self) -> None:
        if self.new.text() != self.confirm.text():
            self.error.setText("Les deux saisies du nouveau mot de passe diffèrent.")
            return
        from app.services.access import set_password

        ctx = self.context
        db, org, user = ctx.db, ctx.organisation_id, ctx.user_name
        new, current = self.new.text(), self.current.text()
        self.buttons.setEnabled(False)
        run_op(
            self,
            "Enregistrement…",
            lambda _p: set_password(db, org, new, current_password=current, user_name=user),
            self._saved,
            self._refused,
        )

    def _saved(self, protected: bool) -> None:
        self.buttons.setEnabled(True)
        self.protected = protected
        self.context.data_changed.emit("organisation")
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        _refusal_shown(self, exc)

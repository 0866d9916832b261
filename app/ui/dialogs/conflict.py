"""Conflict dialog: someone else saved the record meanwhile; reload theirs or overwrite with ours."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

RELOAD, OVERWRITE, CANCEL = "reload", "overwrite", "cancel"


def ask_conflict(parent: QWidget | None, message: str) -> str:
    box = QMessageBox(parent)
    box.setObjectName("conflict_dialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Modification simultanée")
    box.setText(message)
    box.setInformativeText(
        "« Recharger » affiche la version enregistrée par l'autre personne (vos saisies sont perdues).\n"
        "« Écraser » enregistre vos saisies à la place des siennes."
    )
    reload_button = box.addButton("Recharger", QMessageBox.ButtonRole.AcceptRole)
    overwrite_button = box.addButton("Écraser", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is reload_button:
        return RELOAD
    if clicked is overwrite_button:
        return OVERWRITE
    return CANCEL

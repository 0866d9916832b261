"""What the window says when a file is damaged at open (R9): the message, and « Restaurer la
dernière sauvegarde » when this PC holds a sound backup of the file; and the notices of an open
that succeeded but must be told (a foreign journal set aside)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import DatabaseCorrupt
from app.ui import ops

RESTORE_LABEL = "Restaurer la dernière sauvegarde"


def show_open_notices(parent: QWidget | None, notices: list[str]) -> None:
    for notice in notices:
        box = QMessageBox(
            QMessageBox.Icon.Information, "Achats Durables", notice, QMessageBox.StandardButton.Ok, parent
        )
        box.setObjectName("open_notice")
        box.exec()


def show_damaged(
    parent: QWidget | None, path: Path, exc: DatabaseCorrupt, reopen: Callable[[], None]
) -> None:
    """Look for a sound backup on the worker, then show the message with the offer when there is one;
    after a confirmed restore, ``reopen()`` opens the restored file."""
    from app.services.backups import latest_sound_backup

    ops.query(
        parent,
        lambda: latest_sound_backup(path),
        lambda backup: _ask(parent, path, exc, backup, reopen),
        title="Recherche d'une sauvegarde…",
        on_error=lambda _e: _ask(parent, path, exc, None, reopen),
    )


def _ask(
    parent: QWidget | None, path: Path, exc: DatabaseCorrupt, backup: Path | None, reopen: Callable[[], None]
) -> None:
    if backup is None:  # nothing to offer: the standard message, which names the « restore » command
        from app.ui.dialogs import errors

        errors.show_error(parent, exc)
        return
    box = QMessageBox(QMessageBox.Icon.Warning, "Fichier endommagé", exc.message, parent=parent)
    box.setObjectName("damaged_dialog")
    if exc.details:
        box.setDetailedText(exc.details)
    box.setInformativeText(
        f"Une sauvegarde saine de ce fichier existe sur ce poste ({backup.name}). Vous pouvez la restaurer : "
        "le fichier endommagé sera gardé de côté, pas supprimé."
    )
    restore = box.addButton(RESTORE_LABEL, QMessageBox.ButtonRole.AcceptRole)
    restore.setObjectName("restore_latest_backup")
    box.addButton("Fermer", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not restore:
        return
    confirm = QMessageBox.question(
        parent,
        RESTORE_LABEL,
        f"Remplacer « {path.name} » par la sauvegarde {backup.name} ? Les modifications faites depuis cette "
        "sauvegarde seront perdues ; le fichier endommagé sera renommé et gardé à côté.",
    )
    if confirm != QMessageBox.StandardButton.Yes:
        return
    from app.services.backups import restore_latest_backup

    def done(result) -> None:  # noqa: ANN001
        text = f"« {result.file.name} » a été restauré depuis la sauvegarde {result.source.name}."
        if result.damaged_set_aside:
            text += f" Le fichier endommagé a été gardé de côté : {result.damaged_set_aside}."
        box = QMessageBox(
            QMessageBox.Icon.Information, RESTORE_LABEL, text, QMessageBox.StandardButton.Ok, parent
        )
        box.setObjectName("restored_dialog")
        box.exec()
        reopen()

    ops.mutate(parent, lambda: restore_latest_backup(path), done, title="Restauration de la sauvegarde…")

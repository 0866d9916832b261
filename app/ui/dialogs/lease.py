"""The one-writer mode's dialogs (RELIABILITY §2.2-2.3, §3.1-3.2): the warning, once per file on this
PC, that locks do not cross machines in a synced folder or on a USB stick (with the « conflicted
copy » files found beside it); « ouvert en modification par … » with Ouvrir en lecture seule /
Annuler (GnuCash, LibreOffice); and, for a holder gone silent, « reprendre la main ? »."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui import messages
from app.ui.context import ui_settings

if TYPE_CHECKING:
    from app.storage.presence import PresenceEntry

TAKE_OVER, READ_ONLY, CANCEL = "take_over", "read_only", "cancel"
MAX_COPIES_SHOWN = 8


def _key(path: Path) -> str:
    return "sharing/warned-" + hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:16]


def location_warning_text(name: str, place: str, copies: list[Path]) -> str:
    text = (
        f"Le fichier « {name} » est {place}.\n\n"
        "Là, les ordinateurs ne se préviennent pas quand ils écrivent : chacun modifie sa propre copie "
        "et l'outil de synchronisation garde l'une ou l'autre, ou crée une « copie en conflit ». "
        "Achats Durables fonctionne donc en mode « une personne à la fois » : la première personne qui "
        "ouvre le fichier peut le modifier ; les autres l'ouvrent en lecture seule et voient qui le "
        "modifie. Fermez le fichier quand vous avez fini, pour laisser la main.\n\n"
        "Pour travailler à plusieurs en même temps, placez le fichier sur un vrai partage réseau de la "
        "mairie, ou sur un serveur."
    )
    if copies:
        shown = "\n".join(f"  • {c.name}" for c in copies[:MAX_COPIES_SHOWN])
        more = len(copies) - MAX_COPIES_SHOWN
        text += (
            "\n\nAttention : ces copies en conflit sont à côté du fichier ; chacune peut contenir des "
            f"modifications faites sur un autre poste :\n{shown}"
            + (f"\n  … et {more} autre{'s' if more > 1 else ''}" if more > 0 else "")
            + "\nPour les récupérer, utilisez « Fusionner » avec chacune, puis supprimez-la."
        )
    return text


def warn_about_location(parent: QWidget | None, path: Path, place: str, copies: list[Path]) -> bool:
    """Once per file on this PC, and again when new conflicted copies appear. True when shown."""
    settings = ui_settings()
    seen = str(settings.value(_key(path), "") or "")
    names = sorted(c.name for c in copies)
    if seen and not set(names) - set(seen.split("\n")[1:]):
        return False
    box = QMessageBox(QMessageBox.Icon.Warning, messages.APP_TITLE, "", parent=parent)
    box.setText(location_warning_text(Path(path).name, place, copies))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()
    settings.setValue(_key(path), "\n".join(["vu", *names]))
    settings.sync()
    return True


def ask_read_only(parent: QWidget | None, holder: PresenceEntry, place: str) -> bool:
    """Another window writes: open read-only (True) or not at all (False). No « open anyway »."""
    box = QMessageBox(QMessageBox.Icon.Information, messages.APP_TITLE, "", parent=parent)
    box.setText(f"{holder.describe_lease()}.")
    box.setInformativeText(
        f"Ce fichier est {place} : une seule personne à la fois peut le modifier. Vous pouvez l'ouvrir en "
        "lecture seule (consulter, vérifier, exporter, imprimer) ; la barre d'état vous dira quand il "
        "sera libre."
    )
    read = box.addButton("Ouvrir en &lecture seule", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(read)
    box.exec()
    return box.clickedButton() is read


def ask_stale(parent: QWidget | None, holder: PresenceEntry, place: str) -> str:
    """The holder's PC went silent (crash, switched off, cut off): take over, read only, or cancel."""
    box = QMessageBox(QMessageBox.Icon.Question, messages.APP_TITLE, "", parent=parent)
    box.setText(f"{holder.describe_lease()} : reprendre la main ?")
    box.setInformativeText(
        f"Ce fichier est {place}. Son ordinateur s'est sans doute arrêté sans fermer le fichier. "
        "Si cette personne travaille encore dessus (ordinateur en veille, hors connexion), ses "
        "modifications et les vôtres ne pourront pas être réunies automatiquement : vérifiez avec "
        "elle avant de reprendre la main."
    )
    take = box.addButton("&Reprendre la main", QMessageBox.ButtonRole.AcceptRole)
    read = box.addButton("Ouvrir en &lecture seule", QMessageBox.ButtonRole.ActionRole)
    box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(read)
    box.exec()
    clicked = box.clickedButton()
    return TAKE_OVER if clicked is take else READ_ONLY if clicked is read else CANCEL

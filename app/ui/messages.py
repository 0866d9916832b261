"""User-facing French texts of the shell (screens keep their own near their widgets)."""

import datetime as dt

APP_TITLE = "Achats Durables"
UNEXPECTED_ERROR = (
    "Une erreur inattendue s'est produite. L'application continue de fonctionner, "
    "mais l'action en cours n'a peut-être pas abouti.\n\nLes détails techniques sont enregistrés dans le "
    "journal :\n{log}"
)
NO_DATABASE = "Aucun fichier n'est ouvert. Ouvrez un fichier ou la base de démonstration (menu Fichier)."
NO_ORGANISATION = "Ce fichier ne contient encore aucune collectivité."
NOT_READY = "Ouvrez d'abord un fichier (menu Fichier › Ouvrir, ou la base de démonstration)."
NOTHING_TO_PRINT = "Il n'y a rien à imprimer sur cet écran. Ouvrez le registre des marchés ou l'échéancier."
OPENED_ALSO_BY_NAMES = "Ouvert aussi par : {names}"
STATUS_FILE = "Fichier : {path}"
STATUS_ORG = "Collectivité : {name}"
STATUS_USER = "Utilisateur : {name}"
STATUS_NO_USER = "Utilisateur : (nom à saisir dans Paramètres)"
UNDO_NOTHING = "Rien à annuler"
ABOUT = (
    "<h2>Achats Durables {version}</h2>"
    "<p>Registre des marchés, cotation SPASER, clauses responsables et mutualisation des commandes "
    "pour les petites collectivités.</p>"
    "<p><b>Fichier ouvert :</b> {path}</p>"
    "<p><b>Journal des erreurs :</b> {log}</p>"
    "<p>Qt {qt} · Python {python}<br>Licence EUPL 1.2</p>"
)
CONFIRM_DELETE = (
    "Supprimer le marché « {reference} » ?\n\n"
    "Ses lots, avenants et cotations seront supprimés ; ses commandes seront conservées sans marché.\n"
    "Vous pourrez annuler la suppression avec Ctrl+Z tant que l'application reste ouverte."
)
DELETED = "Marché « {reference} » supprimé. Ctrl+Z pour annuler."
RESTORED = "Marché « {reference} » rétabli."
SAVED = "Marché « {reference} » enregistré."
CHANGED_ELSEWHERE = (
    "Modifié par un autre poste pendant votre saisie : ce qui est affiché n'est plus à jour. "
    "Enregistrez ou abandonnez votre saisie, puis rechargez."
)
CHANGED_ELSEWHERE_RELOAD = (
    "Afficher la version enregistrée (ce que vous avez saisi ici sans l'enregistrer sera perdu)"
)


# ---- small wording helpers (French grammar the f-strings got wrong) -----------------------------
def count(n: int, singular: str, plural: str | None = None) -> str:
    """« 1 marché », « 2 marchés », « 0 marché » (French keeps the singular below 2)."""
    from app import format as fmt

    return fmt.count(n, singular, plural)


def with_article(noun: str) -> str:
    """« le lot », « l'avenant »: the definite article elided before a vowel (an h may be
    aspirated, « le haut-parleur »: none of our nouns starts with a mute one)."""
    from app.services.text import fold

    first = fold(noun[:1])
    return f"l'{noun}" if first and first in "aeiouy" else f"le {noun}"


def remove_selected(noun: str) -> str:
    """Button text: « Retirer l'avenant sélectionné », « Retirer le lot sélectionné »."""
    return f"Retirer {with_article(noun)} sélectionné"


EMPTY_REGISTER = (
    "Le registre est vide. Pour commencer, importez votre tableau des marchés (menu Fichier › "
    "Importer…, Ctrl+I) : Excel ou CSV, tel quel ; ou créez un marché (Ctrl+N)."
)
HISTORY_DATE_HEADER = "Date et heure"
MISSING_MANDATORY_CLAUSE = "Clause obligatoire manquante"


def local_time(at: dt.datetime) -> str:
    """A time stored in UTC (naive or aware) shown in the user's local time, « 01/12/2026 21:05 »."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone().strftime("%d/%m/%Y %H:%M")

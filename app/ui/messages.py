"""User-facing French texts of the shell (screens keep their own near their widgets)."""

APP_TITLE = "Achats Durables"
UNEXPECTED_ERROR = (
    "Une erreur inattendue s'est produite. L'application continue de fonctionner, "
    "mais l'action en cours n'a peut-être pas abouti.\n\nLes détails techniques sont enregistrés dans le "
    "journal :\n{log}"
)
NO_DATABASE = "Aucun fichier n'est ouvert. Ouvrez un fichier ou la base de démonstration (menu Fichier)."
SCREEN_COMING = "Cet écran arrive bientôt."

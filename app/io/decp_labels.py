"""DECP labels (format 2.0.3) of our enumerations, and the variants found in real files."""

from __future__ import annotations

from app.enums import Ccag, DecpNature, OperatorGrouping, PriceForm, Procedure
from app.io.cells import key_of

NATURE_LABELS = {
    DecpNature.MARCHE: "Marché",
    DecpNature.PARTENARIAT: "Marché de partenariat",
    DecpNature.DEFENSE: "Marché de défense ou de sécurité",
}
PROCEDURE_LABELS = {
    Procedure.ADAPTED: "Procédure adaptée",
    Procedure.OPEN_TENDER: "Appel d'offres ouvert",
    Procedure.RESTRICTED_TENDER: "Appel d'offres restreint",
    Procedure.NEGOTIATED: "Procédure avec négociation",
    Procedure.NO_PUBLICITY: "Marché passé sans publicité ni mise en concurrence préalable",
    Procedure.COMPETITIVE_DIALOGUE: "Dialogue compétitif",
}
# Labels of the 2017-2019 formats (before 1.5) and their 1.5/2.0 successors.
OLD_PROCEDURES = {
    "Marché négocié sans publicité ni mise en concurrence préalable": Procedure.NO_PUBLICITY,
    "Procédure concurrentielle avec négociation": Procedure.NEGOTIATED,
    "Procédure négociée avec mise en concurrence préalable": Procedure.NEGOTIATED,
    "Procédure négociée": Procedure.NEGOTIATED,
    "Procédure négociée sans publicité ni mise en concurrence préalable": Procedure.NO_PUBLICITY,
}
PROCEDURE_BY_KEY = {key_of(v): k for k, v in PROCEDURE_LABELS.items()} | {
    key_of(k): v for k, v in OLD_PROCEDURES.items()
}
CCAG_LABELS = {
    "Travaux": Ccag.WORKS,
    "Maitrise d'œuvre": Ccag.PROJECT_MANAGEMENT,
    "Fournitures courantes et services": Ccag.SUPPLIES_SERVICES,
    "Marchés industriels": Ccag.INDUSTRIAL,
    "Prestations intellectuelles": Ccag.INTELLECTUAL,
    "Techniques de l'information et de la communication": Ccag.ICT,
    "Pas de CCAG": Ccag.NONE,
}
CCAG_BY_VALUE = {v: k for k, v in CCAG_LABELS.items()}
PRICE_FORM_LABELS = {PriceForm.UNIT: "Unitaire", PriceForm.LUMP_SUM: "Forfaitaire", PriceForm.MIXED: "Mixte"}
GROUPING_LABELS = {
    OperatorGrouping.JOINT: "Conjoint",
    OperatorGrouping.SEVERAL: "Solidaire",
    OperatorGrouping.NONE: "Pas de groupement",
}
PRICE_TYPES = ("Définitif ferme", "Définitif actualisable", "Définitif révisable", "Provisoire")
# In the 2019 format ``formePrix`` held what 2.0 calls the price type.
OLD_PRICE_FORMS = {
    "Ferme": "Définitif ferme",
    "Ferme et actualisable": "Définitif actualisable",
    "Actualisable": "Définitif actualisable",
    "Révisable": "Définitif révisable",
}
TECHNIQUES = (
    "Accord-cadre",
    "Concours",
    "Système de qualification",
    "Système d'acquisition dynamique",
    "Catalogue électronique",
    "Enchère électronique",
    "Sans objet",
)
EXECUTION_MODES = ("Tranches", "Bons de commande", "Marchés subséquents", "Sans objet")
SOCIAL_CONSIDERATIONS = ("Clause sociale", "Critère social", "Marché réservé", "Pas de considération sociale")
ENVIRONMENTAL_CONSIDERATIONS = (
    "Clause environnementale",
    "Critère environnemental",
    "Pas de considération environnementale",
)
PLACE_TYPES = (
    "Code postal",
    "Code commune",
    "Code arrondissement",
    "Code canton",
    "Code département",
    "Code région",
    "Code pays",
)
IDENTIFIER_TYPES = ("SIRET", "TVA", "TAHITI", "RIDET", "FRWF", "IREP", "HORS-UE")


def canonical(label: object, allowed: tuple[str, ...]) -> str | None:
    """The allowed label matching ``label`` case/accent-insensitively ('Code Postal' -> 'Code postal')."""
    if not isinstance(label, str):
        return None
    wanted = key_of(label)
    for candidate in allowed:
        if key_of(candidate) == wanted:
            return candidate
    return None

"""Import templates: the French column names of each kind of file, their synonyms, and the type of
each column. Headers are matched case-, accent- and punctuation-insensitively (``cells.key_of``).

The first label of a column is the one written by the example file and by the Excel export, so
that an exported file re-imports unchanged.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from app.enums import (
    Ccag,
    ContractStatus,
    OperatorGrouping,
    PriceForm,
    Procedure,
    PurchaseNature,
    SocialEconomyStatus,
    SupplierSize,
)
from app.io import decp_labels
from app.io.cells import key_of


@dataclass(frozen=True)
class Column:
    key: str  # field name in the validated row
    label: str  # French header written by exports and the example file
    kind: str  # text, money, decimal, int, date, bool, enum, list, siret, cpv, rate
    synonyms: tuple[str, ...] = ()
    required: bool = False
    enum_cls: type[enum.Enum] | None = None
    choices: dict[str, object] = field(default_factory=dict)  # folded label -> value, for enum/list
    max_length: int | None = None
    expected: str = ""  # what is expected, in French, for problem reports
    example: object = None
    width: int = 16


@dataclass(frozen=True)
class Template:
    kind: str  # contracts, orders, suppliers
    title: str  # French, for the GUI
    sheet: str  # sheet name of exports and example files
    columns: tuple[Column, ...]
    key_column: str  # the column that identifies a row for re-imports

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]


def _choices(*pairs: tuple[object, tuple[str, ...]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for value, names in pairs:
        for name in names:
            out[key_of(name)] = value
    return out


NATURE_CHOICES = _choices(
    (PurchaseNature.SUPPLIES, ("Fournitures", "fourniture", "F", "FCS", "supplies", "Marché de fournitures")),
    (
        PurchaseNature.SERVICES,
        (
            "Services",
            "service",
            "prestations",
            "S",
            "PI",
            "services",
            "Marché de services",
            "prestation de services",
        ),
    ),
    (PurchaseNature.WORKS, ("Travaux", "travail", "T", "works", "Marché de travaux")),
)
PROCEDURE_CHOICES = {
    **_choices(
        (Procedure.ADAPTED, ("Procédure adaptée", "MAPA", "adaptée", "marché à procédure adaptée", "PA")),
        (Procedure.OPEN_TENDER, ("Appel d'offres ouvert", "AOO", "AO ouvert", "appel d'offres")),
        (Procedure.RESTRICTED_TENDER, ("Appel d'offres restreint", "AOR", "AO restreint")),
        (
            Procedure.NEGOTIATED,
            ("Procédure avec négociation", "procédure négociée", "PAN", "PCN", "négociée"),
        ),
        (
            Procedure.NO_PUBLICITY,
            (
                "Sans publicité ni mise en concurrence",
                "gré à gré",
                "achat direct",
                "sans publicité",
                "SPMC",
                "dispense de procédure",
                "marché négocié sans publicité",
                "négocié sans publicité",
                "sans mise en concurrence",
            ),
        ),
        (Procedure.COMPETITIVE_DIALOGUE, ("Dialogue compétitif", "DC")),
    ),
    **decp_labels.PROCEDURE_BY_KEY,
}
SIZE_CHOICES = _choices(
    (SupplierSize.TPE, ("TPE", "micro-entreprise", "microentreprise", "très petite entreprise")),
    (SupplierSize.PME, ("PME", "petite et moyenne entreprise", "petite ou moyenne entreprise")),
    (SupplierSize.ETI, ("ETI", "entreprise de taille intermédiaire")),
    (SupplierSize.GE, ("Grande entreprise", "GE", "grand groupe")),
    (SupplierSize.UNKNOWN, ("Taille inconnue", "inconnue", "?", "nc", "non connue")),
)
ESS_CHOICES = _choices(
    (SocialEconomyStatus.NONE, ("Aucun", "non", "aucune", "-", "sans")),
    (SocialEconomyStatus.ESS, ("ESS", "économie sociale et solidaire", "oui")),
    (SocialEconomyStatus.SIAE, ("SIAE", "insertion", "structure d'insertion", "IAE")),
    (SocialEconomyStatus.EA, ("Entreprise adaptée", "EA")),
    (SocialEconomyStatus.ESAT, ("ESAT", "CAT")),
)
STATUS_CHOICES = _choices(
    (ContractStatus.DRAFT, ("En préparation", "brouillon", "préparation", "à lancer")),
    (ContractStatus.ACTIVE, ("En cours", "actif", "notifié", "en exécution")),
    (ContractStatus.ENDED, ("Terminé", "échu", "clos", "fini", "expiré")),
    (ContractStatus.CANCELLED, ("Résilié", "annulé")),
)
PRICE_FORM_CHOICES = {
    **_choices(
        (PriceForm.UNIT, ("Unitaire", "prix unitaires", "BPU")),
        (PriceForm.LUMP_SUM, ("Forfaitaire", "forfait", "prix global et forfaitaire", "DPGF")),
        (PriceForm.MIXED, ("Mixte",)),
    ),
}
CCAG_CHOICES = {key_of(label): value for label, value in decp_labels.CCAG_LABELS.items()} | _choices(
    (Ccag.SUPPLIES_SERVICES, ("FCS", "CCAG FCS", "CCAG-FCS")),
    (Ccag.WORKS, ("CCAG Travaux", "CCAG-T")),
    (Ccag.INTELLECTUAL, ("PI", "CCAG PI", "CCAG-PI")),
    (Ccag.ICT, ("TIC", "CCAG TIC")),
    (Ccag.INDUSTRIAL, ("MI", "CCAG MI")),
    (Ccag.PROJECT_MANAGEMENT, ("MOE", "maîtrise d'oeuvre")),
    (Ccag.NONE, ("aucun", "sans", "non")),
)
GROUPING_CHOICES = _choices(
    (OperatorGrouping.JOINT, ("Conjoint",)),
    (OperatorGrouping.SEVERAL, ("Solidaire",)),
    (OperatorGrouping.NONE, ("Pas de groupement", "aucun", "non", "sans")),
)
PRICE_TYPE_CHOICES = {key_of(v): v for v in decp_labels.PRICE_TYPES} | {
    key_of(k): v for k, v in decp_labels.OLD_PRICE_FORMS.items()
}
SOCIAL_CHOICES = {key_of(v): v for v in decp_labels.SOCIAL_CONSIDERATIONS} | _choices(
    ("Pas de considération sociale", ("aucune", "non", "sans")),
    ("Clause sociale", ("clause d'insertion", "insertion")),
)
ENVIRONMENTAL_CHOICES = {key_of(v): v for v in decp_labels.ENVIRONMENTAL_CONSIDERATIONS} | _choices(
    ("Pas de considération environnementale", ("aucune", "non", "sans")),
)


TECHNIQUE_CHOICES = {key_of(v): v for v in decp_labels.TECHNIQUES}
EXECUTION_MODE_CHOICES = {key_of(v): v for v in decp_labels.EXECUTION_MODES}


def _enum(key, label, enum_cls, choices, expected, **kw) -> Column:  # noqa: ANN001
    return Column(key, label, "enum", enum_cls=enum_cls, choices=choices, expected=expected, **kw)


CONTRACTS = Template(
    kind="contracts",
    title="Marchés",
    sheet="Marchés",
    key_column="reference",
    columns=(
        Column(
            "reference",
            "Référence",
            "text",
            (
                "N° de marché",
                "Numéro de marché",
                "Réf. marché",
                "Référence du marché",
                "N° marché",
                "Ref",
                "Code marché",
                "N° du marché",
                "Identifiant du marché",
                "Numéro du marché",
            ),
            required=True,
            max_length=60,
            expected="la référence du marché (60 caractères au plus)",
            example="2025-FCS-001",
            width=16,
        ),
        Column(
            "object",
            "Objet",
            "text",
            ("Objet du marché", "Intitulé", "Libellé", "Désignation", "Libellé marché", "Intitulé du marché"),
            required=True,
            max_length=1000,
            expected="l'objet du marché",
            example="Fournitures de bureau",
            width=40,
        ),
        _enum(
            "nature",
            "Nature",
            PurchaseNature,
            NATURE_CHOICES,
            "Fournitures, Services ou Travaux",
            synonyms=("Type de marché", "Nature du marché", "Catégorie"),
            example="Fournitures",
            width=13,
        ),
        _enum(
            "procedure",
            "Procédure",
            Procedure,
            PROCEDURE_CHOICES,
            "Procédure adaptée, Appel d'offres ouvert, Appel d'offres restreint, Procédure avec négociation, "
            "Sans publicité ni mise en concurrence ou Dialogue compétitif",
            synonyms=("Procédure de passation", "Mode de passation", "Type de procédure"),
            example="Procédure adaptée",
            width=22,
        ),
        Column(
            "department",
            "Service",
            "text",
            (
                "Direction",
                "Service acheteur",
                "Service gestionnaire",
                "Service demandeur",
                "Service utilisateur",
            ),
            max_length=120,
            example="Services techniques",
            width=20,
        ),
        Column(
            "family",
            "Famille d'achat",
            "text",
            ("Famille", "Nomenclature", "Famille achat"),
            max_length=200,
            example="Fournitures de bureau",
            width=20,
        ),
        Column(
            "supplier",
            "Titulaire",
            "text",
            ("Fournisseur", "Attributaire", "Entreprise", "Raison sociale", "Tiers", "Titulaire du marché"),
            max_length=200,
            example="Papeterie du Centre",
            width=24,
        ),
        Column(
            "supplier_siret",
            "SIRET du titulaire",
            "siret",
            (
                "SIRET",
                "N° SIRET",
                "SIRET titulaire",
                "SIRET fournisseur",
                "SIRET tiers",
                "SIRET attributaire",
            ),
            expected="14 chiffres avec une clé de contrôle correcte",
            example="73282932000074",
            width=16,
        ),
        Column(
            "cpv_code",
            "Code CPV",
            "cpv",
            ("CPV",),
            expected="8 chiffres, éventuellement suivis de « -clé »",
            example="30192000",
            width=11,
        ),
        Column(
            "notified_amount",
            "Montant HT",
            "money",
            (
                "Montant (€ HT)",
                "Montant notifié",
                "Montant HT notifié",
                "Montant € HT",
                "Montant",
                "Montant notifié (€ HT)",
                "Montant du marché",
                "Montant total HT",
            ),
            expected="un montant en euros, positif ou nul (ex. 1 234,56)",
            example=12500,
            width=14,
        ),
        Column(
            "estimated_amount",
            "Montant estimé HT",
            "money",
            ("Estimation", "Montant estimé", "Estimation HT"),
            expected="un montant en euros, positif ou nul",
            width=14,
        ),
        Column(
            "max_amount",
            "Montant maximum HT",
            "money",
            ("Maximum HT", "Montant maximum", "Maxi HT"),
            expected="un montant en euros, positif ou nul",
            width=14,
        ),
        Column(
            "notification_date",
            "Date de notification",
            "date",
            ("Notification", "Notifié le"),
            expected="une date jj/mm/aaaa",
            example="15/01/2025",
            width=12,
        ),
        Column(
            "start_date",
            "Date de début",
            "date",
            (
                "Début",
                "Date d'effet",
                "Début d'exécution",
                "Date de démarrage",
                "Date début",
                "Date de début du marché",
            ),
            expected="une date jj/mm/aaaa",
            example="01/02/2025",
            width=12,
        ),
        Column(
            "end_date",
            "Date de fin",
            "date",
            ("Fin", "Échéance", "Date d'échéance", "Fin du marché", "Date de fin du marché", "Date fin"),
            expected="une date jj/mm/aaaa, après la date de début",
            example="31/01/2028",
            width=12,
        ),
        Column(
            "duration_months",
            "Durée (mois)",
            "int",
            ("Durée", "Durée en mois", "Durée du marché"),
            expected="un nombre entier de mois",
            example=36,
            width=9,
        ),
        Column(
            "recurrent",
            "Récurrent",
            "bool",
            ("Marché récurrent", "Renouvelé", "Récurrence", "Besoin récurrent"),
            expected="oui ou non",
            example="oui",
            width=10,
        ),
        Column(
            "is_framework",
            "Accord-cadre",
            "bool",
            ("Accord cadre", "À bons de commande"),
            expected="oui ou non",
            example="oui",
            width=10,
        ),
        Column(
            "renewable",
            "Reconductible",
            "bool",
            ("Reconduction", "Reconductible (oui/non)", "Reconduction tacite"),
            expected="oui ou non",
            width=10,
        ),
        _enum(
            "status",
            "État",
            ContractStatus,
            STATUS_CHOICES,
            "En préparation, En cours, Terminé ou Résilié",
            synonyms=("Statut", "Etat du marché"),
            width=12,
        ),
        _enum(
            "price_form",
            "Forme du prix",
            PriceForm,
            PRICE_FORM_CHOICES,
            "Unitaire, Forfaitaire ou Mixte",
            synonyms=("Forme de prix",),
            width=12,
        ),
        Column(
            "price_types",
            "Types de prix",
            "list",
            choices=PRICE_TYPE_CHOICES,
            expected="Définitif ferme, Définitif actualisable, Définitif révisable ou Provisoire (séparés par « ; »)",
            width=18,
        ),
        _enum(
            "ccag",
            "CCAG",
            Ccag,
            CCAG_CHOICES,
            "Travaux, Fournitures courantes et services, Prestations intellectuelles… ou Pas de CCAG",
            width=14,
        ),
        Column(
            "offers_received",
            "Offres reçues",
            "int",
            ("Nombre d'offres", "Nb offres", "Nombre d'offres reçues", "Offres"),
            expected="un nombre entier",
            width=9,
        ),
        Column(
            "social_considerations",
            "Considérations sociales",
            "list",
            choices=SOCIAL_CHOICES,
            expected="Clause sociale, Critère social, Marché réservé ou Pas de considération sociale",
            width=22,
        ),
        Column(
            "environmental_considerations",
            "Considérations environnementales",
            "list",
            choices=ENVIRONMENTAL_CHOICES,
            expected="Clause environnementale, Critère environnemental ou "
            "Pas de considération environnementale",
            width=22,
        ),
        # DECP 2.0.3 fields under their French DECP labels, so a register that has them exports them.
        Column(
            "place_code",
            "Lieu d'exécution",
            "place",
            ("Lieu d'exécution (code)", "Code du lieu d'exécution", "Code INSEE du lieu", "Lieu"),
            expected="un code INSEE de commune ou un code postal (à défaut, celui de la collectivité)",
            width=12,
        ),
        Column(
            "publication_date",
            "Date de publication",
            "date",
            ("Date de publication des données", "Publié le"),
            expected="une date jj/mm/aaaa",
            width=12,
        ),
        Column(
            "advance_granted",
            "Avance accordée",
            "bool",
            ("Attribution d'une avance", "Avance"),
            expected="oui ou non",
            width=10,
        ),
        Column(
            "advance_rate",
            "Taux d'avance",
            "rate",
            ("Taux de l'avance",),
            expected="un pourcentage (ex. 30 %)",
            width=9,
        ),
        Column("innovative", "Marché innovant", "bool", ("Innovant",), expected="oui ou non", width=10),
        Column(
            "subcontracting_declared",
            "Sous-traitance déclarée",
            "bool",
            ("Sous-traitance",),
            expected="oui ou non",
            width=10,
        ),
        _enum(
            "operator_grouping",
            "Type de groupement d'opérateurs",
            OperatorGrouping,
            GROUPING_CHOICES,
            "Conjoint, Solidaire ou Pas de groupement",
            synonyms=("Groupement d'opérateurs", "Groupement"),
            width=14,
        ),
        Column(
            "techniques",
            "Techniques d'achat",
            "list",
            ("Techniques", "Technique d'achat"),
            choices=TECHNIQUE_CHOICES,
            expected="Accord-cadre, Concours, Système de qualification… ou Sans objet",
            width=18,
        ),
        Column(
            "execution_modes",
            "Modalités d'exécution",
            "list",
            ("Modalité d'exécution", "Modalites d'execution"),
            choices=EXECUTION_MODE_CHOICES,
            expected="Tranches, Bons de commande, Marchés subséquents… ou Sans objet",
            width=18,
        ),
        Column(
            "notes", "Observations", "text", ("Commentaire", "Remarques", "Notes"), max_length=5000, width=24
        ),
    ),
)

ORDERS = Template(
    kind="orders",
    title="Commandes",
    sheet="Commandes",
    key_column="number",
    columns=(
        Column(
            "number",
            "N° de commande",
            "text",
            (
                "Numéro BC",
                "N° BC",
                "Numéro de commande",
                "Bon de commande",
                "N° bon de commande",
                "Réf. commande",
                "Commande",
                "N° engagement",
                "Numéro d'engagement",
                "N° d'engagement",
                "Engagement",
            ),
            required=True,
            max_length=40,
            expected="le numéro du bon de commande (40 caractères au plus)",
            example="BC-2025-0001",
            width=16,
        ),
        Column(
            "order_date",
            "Date de commande",
            "date",
            ("Date", "Date BC", "Date du bon", "Date d'émission", "Date engagement", "Date d'engagement"),
            required=True,
            expected="une date jj/mm/aaaa",
            example="12/03/2025",
            width=12,
        ),
        Column(
            "department",
            "Service",
            "text",
            ("Service demandeur", "Direction", "Service émetteur"),
            max_length=120,
            example="Restauration scolaire",
            width=20,
        ),
        Column(
            "supplier",
            "Fournisseur",
            "text",
            ("Titulaire", "Tiers", "Raison sociale", "Entreprise"),
            max_length=200,
            example="Papeterie du Centre",
            width=24,
        ),
        Column(
            "supplier_siret",
            "SIRET du fournisseur",
            "siret",
            ("SIRET", "N° SIRET", "SIRET fournisseur"),
            expected="14 chiffres avec une clé de contrôle correcte",
            example="73282932000074",
            width=16,
        ),
        Column(
            "contract_reference",
            "Référence du marché",
            "text",
            ("Marché", "N° de marché", "Réf. marché", "Numéro de marché", "N° marché", "Code marché"),
            max_length=60,
            expected="la référence d'un marché du registre",
            example="2025-FCS-001",
            width=16,
        ),
        Column(
            "family",
            "Famille d'achat",
            "text",
            ("Famille", "Nomenclature"),
            max_length=200,
            example="Fournitures de bureau",
            width=20,
        ),
        Column(
            "amount",
            "Montant HT",
            "money",
            ("Montant (€ HT)", "Montant € HT", "Total HT", "Montant"),
            required=True,
            expected="un montant en euros, positif ou nul (ex. 1 234,56)",
            example=245.8,
            width=13,
        ),
        Column(
            "weight_kg",
            "Poids (kg)",
            "decimal",
            ("Poids", "Poids kg", "Masse (kg)"),
            expected="un poids en kilogrammes, positif ou nul",
            example=12.5,
            width=10,
        ),
        Column(
            "delivery_site",
            "Lieu de livraison",
            "text",
            ("Site de livraison", "Livraison", "Adresse de livraison"),
            max_length=120,
            example="Mairie",
            width=20,
        ),
        Column(
            "latest_delivery_date",
            "Livraison au plus tard",
            "date",
            ("Date de livraison", "Date limite de livraison"),
            expected="une date jj/mm/aaaa, pas avant la date de commande",
            width=12,
        ),
        Column(
            "description",
            "Désignation",
            "text",
            ("Objet", "Libellé", "Description"),
            max_length=500,
            example="Ramettes de papier recyclé",
            width=30,
        ),
    ),
)

SUPPLIERS = Template(
    kind="suppliers",
    title="Fournisseurs",
    sheet="Fournisseurs",
    key_column="siret",
    columns=(
        Column(
            "name",
            "Raison sociale",
            "text",
            ("Nom", "Fournisseur", "Dénomination", "Entreprise", "Titulaire"),
            required=True,
            max_length=200,
            expected="le nom du fournisseur",
            example="Papeterie du Centre",
            width=28,
        ),
        Column(
            "siret",
            "SIRET",
            "siret",
            ("N° SIRET", "Numéro SIRET"),
            expected="14 chiffres avec une clé de contrôle correcte",
            example="73282932000074",
            width=16,
        ),
        _enum(
            "size",
            "Taille",
            SupplierSize,
            SIZE_CHOICES,
            "TPE, PME, ETI, Grande entreprise ou Taille inconnue",
            synonyms=("Catégorie d'entreprise", "Taille de l'entreprise"),
            example="PME",
            width=12,
        ),
        _enum(
            "social_economy",
            "Économie sociale",
            SocialEconomyStatus,
            ESS_CHOICES,
            "Aucun, ESS, SIAE, Entreprise adaptée ou ESAT",
            synonyms=("ESS", "Statut ESS", "Structure ESS"),
            example="Aucun",
            width=14,
        ),
        Column("postcode", "Code postal", "text", ("CP",), max_length=10, example="25000", width=10),
        Column(
            "commune", "Commune", "text", ("Ville", "Localité"), max_length=120, example="Besançon", width=18
        ),
        Column(
            "distance_km",
            "Distance (km)",
            "decimal",
            ("Distance", "Km"),
            expected="une distance en km",
            example=12,
            width=10,
        ),
        Column(
            "notes", "Observations", "text", ("Commentaire", "Remarques", "Notes"), max_length=5000, width=24
        ),
    ),
)

TEMPLATES: dict[str, Template] = {t.kind: t for t in (CONTRACTS, ORDERS, SUPPLIERS)}


def template(kind: str) -> Template:
    try:
        return TEMPLATES[kind]
    except KeyError:
        raise ValueError(f"unknown template {kind!r}") from None


def header_index(tpl: Template) -> dict[str, str]:
    """Matching key of every label and synonym -> column key."""
    index: dict[str, str] = {}
    for col in tpl.columns:
        for name in (col.label, *col.synonyms):
            index.setdefault(key_of(name), col.key)
    return index


def export_value(col: Column, value: object) -> object:
    """A stored value as the export writes it, so that it re-imports to the same value."""
    if value is None:
        return None
    if isinstance(value, str) and not isinstance(value, enum.Enum) and col.kind in ("enum", "list", "bool"):
        return value  # already a label (example rows)
    if col.kind == "enum":
        if isinstance(value, Ccag):
            return decp_labels.CCAG_BY_VALUE[value]
        from app.enums import label

        return label(value)  # type: ignore[arg-type]
    if col.kind == "list":
        return " ; ".join(str(v) for v in value) if value else None  # type: ignore[union-attr]
    if col.kind == "bool":
        return "oui" if value else "non"
    return value

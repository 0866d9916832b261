"""What the demo is made of: the seed and the date it is built on, the purchase families, the contract
objects, the suppliers and the two fictional towns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.enums import (
    PurchaseNature,
    SocialEconomyStatus,
    SupplierSize,
)

DEMO_SEED = 20261101
DEMO_TODAY = dt.date(2026, 11, 1)
STAMP = dt.datetime(2026, 11, 1, 8, 0, 0)


@dataclass(frozen=True)
class FamilySpec:
    code: str
    label: str
    cpv: str
    nature: PurchaseNature
    amount_range: tuple[int, int]  # yearly amount of the contract, euros HT
    orders_per_year: int  # per department placing orders; 0 = no order forms
    order_amount: tuple[int, int]
    weight_per_euro: float  # kg per euro HT of goods (0 for services)
    grouping_eligible: bool = True
    fair_trade: bool = False
    agec: str | None = None
    ordering_departments: int = 3


FAMILIES = (
    FamilySpec(
        "FOUR-BUR",
        "Fournitures de bureau",
        "30192000-1",
        PurchaseNature.SUPPLIES,
        (8_000, 30_000),
        14,
        (40, 600),
        0.35,
        agec="Fournitures de bureau",
        ordering_departments=5,
    ),
    FamilySpec(
        "PAPIER",
        "Papier et ramettes",
        "30197630-1",
        PurchaseNature.SUPPLIES,
        (5_000, 18_000),
        8,
        (60, 900),
        0.9,
        agec="Papier",
        ordering_departments=4,
    ),
    FamilySpec(
        "PROD-ENT",
        "Produits d'entretien",
        "39830000-9",
        PurchaseNature.SUPPLIES,
        (10_000, 45_000),
        12,
        (50, 800),
        0.6,
        ordering_departments=4,
    ),
    FamilySpec(
        "EPI",
        "Équipements de protection individuelle",
        "18143000-3",
        PurchaseNature.SUPPLIES,
        (6_000, 25_000),
        6,
        (80, 1_200),
        0.2,
        ordering_departments=3,
    ),
    FamilySpec(
        "FOUR-SCO",
        "Fournitures scolaires",
        "22100000-1",
        PurchaseNature.SUPPLIES,
        (6_000, 22_000),
        9,
        (60, 700),
        0.5,
        agec="Fournitures scolaires",
        ordering_departments=2,
    ),
    FamilySpec(
        "INFO",
        "Matériel informatique",
        "30200000-1",
        PurchaseNature.SUPPLIES,
        (20_000, 120_000),
        4,
        (300, 4_000),
        0.02,
        agec="Équipements informatiques",
        ordering_departments=3,
    ),
    FamilySpec(
        "MOB",
        "Mobilier",
        "39100000-3",
        PurchaseNature.SUPPLIES,
        (10_000, 60_000),
        2,
        (400, 5_000),
        0.08,
        agec="Mobilier",
        ordering_departments=3,
    ),
    FamilySpec(
        "SEL",
        "Sel de déneigement",
        "34927100-2",
        PurchaseNature.SUPPLIES,
        (4_000, 15_000),
        3,
        (500, 2_500),
        4.0,
        ordering_departments=1,
    ),
    FamilySpec(
        "CARB",
        "Carburants",
        "09134100-8",
        PurchaseNature.SUPPLIES,
        (15_000, 80_000),
        10,
        (200, 1_500),
        0.0,
        grouping_eligible=False,
        ordering_departments=2,
    ),
    FamilySpec(
        "REST-SCO",
        "Restauration scolaire",
        "55523100-3",
        PurchaseNature.SERVICES,
        (90_000, 400_000),
        0,
        (0, 0),
        0.0,
        fair_trade=True,
    ),
    FamilySpec(
        "ESP-VERTS",
        "Entretien des espaces verts",
        "77310000-6",
        PurchaseNature.SERVICES,
        (20_000, 120_000),
        0,
        (0, 0),
        0.0,
    ),
    FamilySpec(
        "NETT",
        "Nettoyage des locaux",
        "90910000-9",
        PurchaseNature.SERVICES,
        (25_000, 150_000),
        0,
        (0, 0),
        0.0,
    ),
    FamilySpec(
        "ELEC",
        "Fourniture d'électricité",
        "09310000-5",
        PurchaseNature.SUPPLIES,
        (40_000, 250_000),
        0,
        (0, 0),
        0.0,
        grouping_eligible=False,
    ),
    FamilySpec(
        "VOIRIE", "Travaux de voirie", "45233141-9", PurchaseNature.WORKS, (60_000, 900_000), 0, (0, 0), 0.0
    ),
    FamilySpec(
        "BAT",
        "Entretien des bâtiments",
        "45453000-7",
        PurchaseNature.WORKS,
        (30_000, 300_000),
        0,
        (0, 0),
        0.0,
    ),
    FamilySpec(
        "PROMO",
        "Objets promotionnels et cadeaux",
        "39294100-0",
        PurchaseNature.SUPPLIES,
        (3_000, 12_000),
        3,
        (100, 900),
        0.3,
        fair_trade=True,
        ordering_departments=2,
    ),
)

OBJECTS = {
    "FOUR-BUR": "Fourniture de petits matériels et consommables de bureau",
    "PAPIER": "Fourniture de papier de reprographie",
    "PROD-ENT": "Fourniture de produits d'entretien et d'hygiène",
    "EPI": "Fourniture d'équipements de protection individuelle pour les agents",
    "FOUR-SCO": "Achat de fournitures scolaires pour les écoles",
    "INFO": "Acquisition de postes informatiques et périphériques",
    "MOB": "Fourniture de mobilier scolaire et de bureau",
    "SEL": "Fourniture de sel de déneigement",
    "CARB": "Fourniture de carburants pour les véhicules municipaux",
    "REST-SCO": "Préparation et livraison de repas pour la restauration scolaire",
    "ESP-VERTS": "Entretien des espaces verts et des cimetières",
    "NETT": "Nettoyage des bâtiments communaux",
    "ELEC": "Fourniture d'électricité des bâtiments et de l'éclairage public",
    "VOIRIE": "Travaux d'entretien et de réfection de la voirie communale",
    "BAT": "Travaux d'entretien des bâtiments communaux",
    "PROMO": "Fourniture d'objets promotionnels et de cadeaux protocolaires",
}

SUPPLIERS = (
    # name, size, social economy, postcode, commune, families served
    (
        "Bureau Plus Comtois",
        SupplierSize.PME,
        SocialEconomyStatus.NONE,
        "25000",
        "Besançon",
        ("FOUR-BUR", "PAPIER", "FOUR-SCO"),
    ),
    (
        "Lyreco France",
        SupplierSize.GE,
        SocialEconomyStatus.NONE,
        "59300",
        "Valenciennes",
        ("FOUR-BUR", "PAPIER", "EPI"),
    ),
    (
        "Papeterie du Doubs",
        SupplierSize.TPE,
        SocialEconomyStatus.NONE,
        "25300",
        "Pontarlier",
        ("PAPIER", "FOUR-SCO"),
    ),
    (
        "Atelier Solidaire Loue",
        SupplierSize.TPE,
        SocialEconomyStatus.ESAT,
        "25290",
        "Ornans",
        ("FOUR-BUR", "PROMO", "ESP-VERTS"),
    ),
    ("Hygiène Service Est", SupplierSize.PME, SocialEconomyStatus.NONE, "39100", "Dole", ("PROD-ENT",)),
    (
        "Propreté Insertion Jura",
        SupplierSize.PME,
        SocialEconomyStatus.SIAE,
        "39000",
        "Lons-le-Saunier",
        ("NETT", "PROD-ENT"),
    ),
    ("Net'Services", SupplierSize.ETI, SocialEconomyStatus.NONE, "21000", "Dijon", ("NETT",)),
    ("Protec Travail", SupplierSize.PME, SocialEconomyStatus.NONE, "70000", "Vesoul", ("EPI",)),
    (
        "Manutan Collectivités",
        SupplierSize.GE,
        SocialEconomyStatus.NONE,
        "95500",
        "Gonesse",
        ("MOB", "EPI", "FOUR-SCO"),
    ),
    (
        "Mobilier Bois du Haut-Doubs",
        SupplierSize.TPE,
        SocialEconomyStatus.NONE,
        "25650",
        "Montbenoît",
        ("MOB",),
    ),
    ("Infogest Franche-Comté", SupplierSize.PME, SocialEconomyStatus.NONE, "25000", "Besançon", ("INFO",)),
    ("Ordi Réemploi Solidaire", SupplierSize.TPE, SocialEconomyStatus.EA, "25200", "Montbéliard", ("INFO",)),
    ("Salins du Midi Distribution", SupplierSize.GE, SocialEconomyStatus.NONE, "13200", "Arles", ("SEL",)),
    ("Négoce Agricole Loue", SupplierSize.PME, SocialEconomyStatus.NONE, "25290", "Ornans", ("SEL", "CARB")),
    ("Carburants de l'Est", SupplierSize.ETI, SocialEconomyStatus.NONE, "67000", "Strasbourg", ("CARB",)),
    (
        "Cuisine Centrale du Val",
        SupplierSize.PME,
        SocialEconomyStatus.NONE,
        "25000",
        "Besançon",
        ("REST-SCO",),
    ),
    (
        "Restauration Collective Bio Comté",
        SupplierSize.PME,
        SocialEconomyStatus.ESS,
        "25410",
        "Saint-Vit",
        ("REST-SCO",),
    ),
    (
        "Jardins de Cocagne du Doubs",
        SupplierSize.TPE,
        SocialEconomyStatus.SIAE,
        "25000",
        "Besançon",
        ("ESP-VERTS",),
    ),
    ("Paysages Montagnon", SupplierSize.TPE, SocialEconomyStatus.NONE, "25620", "Mamirolle", ("ESP-VERTS",)),
    ("Énergies Publiques", SupplierSize.GE, SocialEconomyStatus.NONE, "75008", "Paris", ("ELEC",)),
    (
        "Coopérative Énergie Citoyenne",
        SupplierSize.PME,
        SocialEconomyStatus.ESS,
        "39000",
        "Lons-le-Saunier",
        ("ELEC",),
    ),
    ("Routes et TP Comtois", SupplierSize.ETI, SocialEconomyStatus.NONE, "25000", "Besançon", ("VOIRIE",)),
    ("Colas Est", SupplierSize.GE, SocialEconomyStatus.NONE, "54000", "Nancy", ("VOIRIE",)),
    ("Maçonnerie Vuillemin", SupplierSize.TPE, SocialEconomyStatus.NONE, "25290", "Ornans", ("BAT",)),
    ("Bâtiment Rénovation Loue", SupplierSize.PME, SocialEconomyStatus.NONE, "25620", "Mamirolle", ("BAT",)),
    ("Cadeaux Terroir Comtois", SupplierSize.TPE, SocialEconomyStatus.NONE, "25290", "Ornans", ("PROMO",)),
    (
        "Équipement Collectivités Jura",
        SupplierSize.PME,
        SocialEconomyStatus.NONE,
        "39100",
        "Dole",
        ("EPI", "PROD-ENT"),
    ),
    (
        "Fournitures Éducatives Bourgogne",
        SupplierSize.PME,
        SocialEconomyStatus.NONE,
        "21000",
        "Dijon",
        ("FOUR-SCO",),
    ),
)

TOWNS = (
    {
        "name": "Commune de Val-des-Saules",
        "siren_prefix": "2125011",
        "insee": "25901",
        "postcode": "25290",
        "commune": "Val-des-Saules",
        "population": 3120,
        "departments": (
            "Administration générale",
            "Services techniques",
            "Écoles",
            "Restauration scolaire",
            "Espaces verts",
            "Culture et sports",
        ),
        "sites": (
            ("Mairie", True),
            ("Centre technique municipal", False),
            ("Groupe scolaire Pasteur", False),
        ),
        "contracts": 44,
        "prefix": "VDS",
    },
    {
        "name": "Commune de Montclair-sur-Loue",
        "siren_prefix": "2125038",
        "insee": "25938",
        "postcode": "25290",
        "commune": "Montclair-sur-Loue",
        "population": 905,
        "departments": ("Secrétariat de mairie", "Services techniques", "École", "Cantine"),
        "sites": (("Mairie", False), ("Atelier municipal", False), ("École du village", False)),
        "contracts": 40,
        "prefix": "MSL",
    },
)

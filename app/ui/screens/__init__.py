"""The screens of the side navigation.

Each screen module exposes ``create(context, parent) -> QWidget``. A screen whose module is not
there yet shows its French explanation instead. Screens are created the first time they are shown,
so the window paints before any heavy import.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    title: str
    module: str
    explanation: str


SCREENS = (
    ScreenSpec(
        "dashboard",
        "Tableau de bord",
        "app.ui.screens.dashboard",
        "Le tableau de bord SPASER : les indicateurs de l'année (part des marchés avec une "
        "considération environnementale, sociale, attribués à des TPE-PME...) face aux objectifs, "
        "et les alertes à traiter.",
    ),
    ScreenSpec(
        "contracts",
        "Marchés",
        "app.ui.screens.contracts",
        "Le registre des marchés : références, montants, titulaires et échéances.",
    ),
    ScreenSpec(
        "facts",
        "Données à compléter",
        "app.ui.screens.facts",
        "Les données dont chaque fonction a besoin (nature, procédure, récurrence, durée, lieu, CPV), "
        "leur origine, les propositions de l'application à accepter, et la modification de plusieurs "
        "marchés à la fois.",
    ),
    ScreenSpec(
        "cotation",
        "Cotation et CAD",
        "app.ui.screens.cotation",
        "La cotation du « potentiel durable » des marchés récurrents 24 à 14 mois avant leur échéance, "
        "et la préparation du Comité annuel des Achats Durables (CAD) avec son dossier imprimable.",
    ),
    ScreenSpec(
        "clauses",
        "Clauses",
        "app.ui.screens.clauses",
        "La bibliothèque des clauses responsables (insertion, réservation, avance, révision des prix, "
        "critères environnementaux...) avec leurs textes types prêts à copier.",
    ),
    ScreenSpec(
        "orders",
        "Commandes et groupements",
        "app.ui.screens.orders",
        "Le recensement des commandes des services et les propositions de commandes groupées "
        "(objectif : 25 % de commandes en moins), avec le CO2 du transport évité.",
    ),
    ScreenSpec(
        "reports",
        "Rapports",
        "app.ui.screens.reports",
        "Les tableaux de bord SPASER et dossiers de CAD à imprimer (PDF) ou à partager (Excel).",
    ),
    ScreenSpec(
        "audit",
        "Journal des modifications",
        "app.ui.screens.audit",
        "Qui a modifié quoi, quand et depuis quel poste : filtrable par auteur, type de fiche, période "
        "et texte, exportable vers Excel.",
    ),
    ScreenSpec(
        "settings",
        "Paramètres",
        "app.ui.screens.settings",
        "L'identité de la collectivité, votre nom, et les seuils et objectifs datés.",
    ),
)

"""Domain enumerations (stored in the database, used by the pure rules; no dependency). Values are stable English codes; French labels are in
``LABELS`` (UI) and DECP labels in ``app.io`` mappings."""

from __future__ import annotations

import enum

StrEnum = enum.StrEnum


class OrganisationKind(StrEnum):
    COMMUNE = "commune"
    EPCI = "epci"
    DEPARTEMENT = "departement"
    REGION = "region"
    OTHER = "other"


class PurchaseNature(StrEnum):
    SUPPLIES = "supplies"
    SERVICES = "services"
    WORKS = "works"


class DecpNature(StrEnum):
    MARCHE = "marche"
    PARTENARIAT = "partenariat"
    DEFENSE = "defense"


class Procedure(StrEnum):
    ADAPTED = "adapted"  # Procédure adaptée (MAPA)
    OPEN_TENDER = "open_tender"  # Appel d'offres ouvert
    RESTRICTED_TENDER = "restricted_tender"  # Appel d'offres restreint
    NEGOTIATED = "negotiated"  # Procédure avec négociation
    NO_PUBLICITY = "no_publicity"  # Marché passé sans publicité ni mise en concurrence préalable
    COMPETITIVE_DIALOGUE = "competitive_dialogue"  # Dialogue compétitif


FORMALISED_PROCEDURES = frozenset(
    {Procedure.OPEN_TENDER, Procedure.RESTRICTED_TENDER, Procedure.NEGOTIATED, Procedure.COMPETITIVE_DIALOGUE}
)


class SupplierSize(StrEnum):
    TPE = "tpe"
    PME = "pme"
    ETI = "eti"
    GE = "ge"
    UNKNOWN = "unknown"


class SocialEconomyStatus(StrEnum):
    NONE = "none"
    ESS = "ess"
    SIAE = "siae"
    EA = "ea"
    ESAT = "esat"


class PriceForm(StrEnum):
    UNIT = "unit"  # Unitaire
    LUMP_SUM = "lump_sum"  # Forfaitaire
    MIXED = "mixed"  # Mixte


class Ccag(StrEnum):
    WORKS = "works"
    PROJECT_MANAGEMENT = "project_management"
    SUPPLIES_SERVICES = "supplies_services"
    INDUSTRIAL = "industrial"
    INTELLECTUAL = "intellectual"
    ICT = "ict"
    NONE = "none"


class OperatorGrouping(StrEnum):
    JOINT = "joint"  # Conjoint
    SEVERAL = "several"  # Solidaire
    NONE = "none"  # Pas de groupement


class ContractStatus(StrEnum):
    DRAFT = "draft"  # en préparation
    ACTIVE = "active"  # en cours
    ENDED = "ended"  # terminé
    CANCELLED = "cancelled"  # résilié


class ClauseKind(StrEnum):
    AWARD_CRITERION = "award_criterion"
    EXECUTION_CLAUSE = "execution_clause"
    RESERVATION = "reservation"
    PROCEDURE_CHOICE = "procedure_choice"
    FINANCIAL_TERM = "financial_term"


class ChecklistStatus(StrEnum):
    TO_STUDY = "to_study"  # à étudier
    RETAINED = "retained"  # retenue
    IN_TENDER = "in_tender"  # intégrée au DCE
    EXECUTED = "executed"  # exécutée
    DISMISSED = "dismissed"  # écartée (justification obligatoire)


class Priority(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class SettingKind(StrEnum):
    AMOUNT = "amount"  # euros HT
    DURATION = "duration"  # months or days, see unit
    RATE = "rate"  # 0..1
    INTEGER = "integer"
    TEXT = "text"
    DATE = "date"


LABELS: dict[enum.Enum, str] = {
    OrganisationKind.COMMUNE: "Commune",
    OrganisationKind.EPCI: "Intercommunalité",
    OrganisationKind.DEPARTEMENT: "Département",
    OrganisationKind.REGION: "Région",
    OrganisationKind.OTHER: "Autre organisme",
    PurchaseNature.SUPPLIES: "Fournitures",
    PurchaseNature.SERVICES: "Services",
    PurchaseNature.WORKS: "Travaux",
    DecpNature.MARCHE: "Marché",
    DecpNature.PARTENARIAT: "Marché de partenariat",
    DecpNature.DEFENSE: "Marché de défense ou de sécurité",
    Procedure.ADAPTED: "Procédure adaptée",
    Procedure.OPEN_TENDER: "Appel d'offres ouvert",
    Procedure.RESTRICTED_TENDER: "Appel d'offres restreint",
    Procedure.NEGOTIATED: "Procédure avec négociation",
    Procedure.NO_PUBLICITY: "Sans publicité ni mise en concurrence",
    Procedure.COMPETITIVE_DIALOGUE: "Dialogue compétitif",
    SupplierSize.TPE: "TPE",
    SupplierSize.PME: "PME",
    SupplierSize.ETI: "ETI",
    SupplierSize.GE: "Grande entreprise",
    SupplierSize.UNKNOWN: "Taille inconnue",
    SocialEconomyStatus.NONE: "Aucun",
    SocialEconomyStatus.ESS: "ESS",
    SocialEconomyStatus.SIAE: "SIAE",
    SocialEconomyStatus.EA: "Entreprise adaptée",
    SocialEconomyStatus.ESAT: "ESAT",
    PriceForm.UNIT: "Unitaire",
    PriceForm.LUMP_SUM: "Forfaitaire",
    PriceForm.MIXED: "Mixte",
    ContractStatus.DRAFT: "En préparation",
    ContractStatus.ACTIVE: "En cours",
    ContractStatus.ENDED: "Terminé",
    ContractStatus.CANCELLED: "Résilié",
    ClauseKind.AWARD_CRITERION: "Critère d'attribution",
    ClauseKind.EXECUTION_CLAUSE: "Clause d'exécution",
    ClauseKind.RESERVATION: "Réservation",
    ClauseKind.PROCEDURE_CHOICE: "Choix de procédure",
    ClauseKind.FINANCIAL_TERM: "Clause financière",
    ChecklistStatus.TO_STUDY: "À étudier",
    ChecklistStatus.RETAINED: "Retenue",
    ChecklistStatus.IN_TENDER: "Intégrée au DCE",
    ChecklistStatus.EXECUTED: "Exécutée",
    ChecklistStatus.DISMISSED: "Écartée",
}


def label(value: enum.Enum | None) -> str:
    """French label of an enum member, for display."""
    if value is None:
        return ""
    return LABELS.get(value, str(value.value))

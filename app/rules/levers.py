"""The contract-level SPASER levers (DOMAIN.md "The 26 actions"): one vocabulary shared by the
cotation (each lever is rated), the committee (chosen actions are levers) and the clause library
(each clause names the levers it implements), so a committee decision becomes checklist items."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lever:
    code: str
    title: str  # French, shown to users
    actions: tuple[int, ...]  # SPASER action numbers
    axis: str  # "social", "local", "ecology", "balanced"


LEVERS: tuple[Lever, ...] = (
    Lever("insertion_clause", "Clause d'insertion", (8, 9), "social"),
    Lever("insertion_criterion", "Critère d'insertion", (10,), "social"),
    Lever("reservation", "Réservation ESS / SIAE / EA / ESAT", (11,), "social"),
    Lever("social_clauses", "Clauses sociales (non-discrimination, égalité)", (12,), "social"),
    Lever("fair_trade", "Commerce équitable", (13,), "social"),
    Lever("allotment", "Allotissement adapté aux petites entreprises", (14,), "local"),
    Lever("sme_advance", "Avance de 30 % aux TPE/PME", (17,), "local"),
    Lever("right_need", "Juste besoin et sobriété", (18, 22), "ecology"),
    Lever("price_revision", "Révision des prix et délais de paiement", (19,), "balanced"),
    Lever("negotiation", "Négociation", (20,), "balanced"),
    Lever("ecological_criteria", "Critères écologiques et analyse du cycle de vie", (24,), "ecology"),
    Lever(
        "impact_reporting", "Clauses de suivi des impacts (livraisons, GES du transport)", (25,), "ecology"
    ),
    Lever(
        "sustainability_assistant", "Assistance à maîtrise d'ouvrage développement durable", (23,), "ecology"
    ),
    Lever("carbon_compensation", "Compensation carbone", (26,), "ecology"),
)

LEVERS_BY_CODE = {lever.code: lever for lever in LEVERS}

# SPASER actions that apply contract by contract (each must have at least one clause in the library).
CONTRACT_LEVEL_ACTIONS = frozenset(a for lever in LEVERS for a in lever.actions)

"""Cotation of a recurrent contract's "potentiel durable" (SPASER action 2), pure.

Everything the method decides is in this module, in two readable places:

* ``PREFILL_TABLE``: for each SPASER lever, rows tried in order; the first row whose condition holds
  gives the pre-filled ratings and the French reason shown to the buyer. A lever with no matching row
  does not apply to the contract (fair trade outside the relevant families, works-only levers...).
* ``FORMULA`` (and ``lever_potential`` / ``potential_score`` / ``priority_for``): how ratings become
  the 0-100 score and the A/B/C priority.

Thresholds are never literals: they come from the dated settings (``thresholds_from_settings``).

Ratings, each 0 to 3:
  stake (enjeu): how much the lever can improve the contract;
  feasibility (faisabilité): whether the supplier market can answer (offer exists, legal room);
  effort: the work it asks of the buyer (3 = heavy), which lowers the potential.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from app import format as fmt
from app.enums import (
    FORMALISED_PROCEDURES,
    Priority,
    Procedure,
    PurchaseNature,
    SocialEconomyStatus,
    SupplierSize,
)
from app.rules.calendar import add_months
from app.rules.contract import ContractFacts
from app.rules.dated_settings import MissingSetting, Settings
from app.rules.levers import LEVERS, LEVERS_BY_CODE

RATING_MAX = 3
TOP_LEVERS = 3

FORMULA = (
    "Potentiel d'un levier = enjeu/3 × (2 × faisabilité + (3 − effort)) / 9, entre 0 et 1. "
    "Potentiel durable du marché = moyenne des 3 meilleurs leviers × 100, arrondi à l'entier "
    "(un marché à moins de 3 leviers compte 0 pour les leviers manquants)."
)


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The dated settings the pre-fill rules use, resolved for one date."""

    insertion_study: Decimal
    reservation: Decimal
    publicity: Decimal
    eu_supplies_services: Decimal
    eu_works: Decimal
    spaser_advance: Decimal
    mandatory_advance: Decimal
    mandatory_advance_months: int
    price_revision_months: int
    sustainability_assistant_min: Decimal
    large_works_min: Decimal
    priority_a_min: int
    priority_b_min: int


def thresholds_from_settings(settings: Settings, on: dt.date) -> Thresholds:
    return Thresholds(
        insertion_study=settings.amount("threshold.insertion_study", on),
        reservation=settings.amount("threshold.reservation", on),
        publicity=settings.amount("threshold.publicity_boamp", on),
        eu_supplies_services=settings.amount("threshold.eu.supplies_services", on),
        eu_works=settings.amount("threshold.eu.works", on),
        spaser_advance=settings.amount("threshold.spaser_advance", on),
        mandatory_advance=settings.amount("threshold.mandatory_advance", on),
        mandatory_advance_months=settings.integer("duration.mandatory_advance_months", on),
        price_revision_months=settings.integer("duration.price_revision_months", on),
        sustainability_assistant_min=settings.amount("cotation.sustainability_assistant_min", on),
        large_works_min=settings.amount("cotation.large_works_min", on),
        priority_a_min=settings.integer("cotation.priority_a_min", on),
        priority_b_min=settings.integer("cotation.priority_b_min", on),
    )


def formula_text(thresholds: Thresholds) -> str:
    """The scoring in plain words for the buyer and the elected officials (the exact formula is
    ``FORMULA``), with the priority thresholds in force (not the setting keys)."""
    return (
        "Pour chaque levier, le potentiel est d'autant plus fort que l'enjeu est important, que les "
        "entreprises sont en mesure de répondre et que l'effort demandé à la commune est faible. Le "
        "potentiel durable du marché, noté sur 100, reprend les trois leviers les plus prometteurs. "
        f"Priorité A à partir de {thresholds.priority_a_min}, B à partir de "
        f"{thresholds.priority_b_min}, C en dessous (seuils réglables dans Paramètres)."
    )


# --- condition helpers (an unknown amount or duration never satisfies a comparison) -----------

Facts = ContractFacts
T = Thresholds


def _over(value: Decimal | int | None, limit: Decimal | int) -> bool:
    return value is not None and value > limit


def _under(value: Decimal | int | None, limit: Decimal | int) -> bool:
    return value is not None and value < limit


def _at_least(value: Decimal | int | None, limit: Decimal | int) -> bool:
    return value is not None and value >= limit


def _eu(f: Facts, t: T) -> Decimal:
    return t.eu_works if f.nature is PurchaseNature.WORKS else t.eu_supplies_services


_SME = frozenset({SupplierSize.TPE, SupplierSize.PME})
_LARGE = frozenset({SupplierSize.ETI, SupplierSize.GE})
_SOCIAL_ECONOMY = frozenset(
    {SocialEconomyStatus.ESS, SocialEconomyStatus.SIAE, SocialEconomyStatus.EA, SocialEconomyStatus.ESAT}
)
_LABOUR = frozenset({PurchaseNature.SERVICES, PurchaseNature.WORKS})


@dataclass(frozen=True)
class PrefillRule:
    lever: str
    when: str  # the condition in French, for the documentation and the tests
    test: Callable[[Facts, T], bool]
    ratings: tuple[int, int, int]  # (stake, feasibility, effort)
    reason: str  # French; placeholders {amount} {insertion} {reservation} {advance} {months} ...


def _always(_f: Facts, _t: T) -> bool:
    return True


# The pre-fill table. For each lever the first matching row wins.
PREFILL_TABLE: tuple[PrefillRule, ...] = (
    # Action 8: insertion clause, studied for every contract above the insertion threshold.
    PrefillRule(
        "insertion_clause",
        "montant > seuil d'étude de l'insertion, services ou travaux",
        lambda f, t: _over(f.amount, t.insertion_study) and f.nature in _LABOUR,
        (3, 2, 1),
        "Montant de {amount} HT, au-delà de {insertion} : la clause d'insertion doit être étudiée "
        "(action 8), et des services ou des travaux mobilisent des heures de main-d'œuvre.",
    ),
    PrefillRule(
        "insertion_clause",
        "montant > seuil d'étude de l'insertion, fournitures",
        lambda f, t: _over(f.amount, t.insertion_study),
        (2, 1, 2),
        "Montant de {amount} HT, au-delà de {insertion} : clause d'insertion à étudier (action 8), "
        "mais un marché de fournitures offre peu d'heures de travail à confier.",
    ),
    PrefillRule(
        "insertion_clause",
        "montant ≤ seuil, services ou travaux",
        lambda f, t: f.nature in _LABOUR,
        (1, 2, 2),
        "Montant sous le seuil d'étude systématique ({insertion}) : une clause d'insertion reste "
        "possible pour des services ou des travaux.",
    ),
    PrefillRule(
        "insertion_clause",
        "autres cas",
        _always,
        (1, 1, 2),
        "Montant sous le seuil d'étude systématique ({insertion}) ou inconnu, marché de fournitures : "
        "enjeu limité.",
    ),
    # Action 10: insertion award criterion.
    PrefillRule(
        "insertion_criterion",
        "procédure formalisée et montant > seuil d'insertion",
        lambda f, t: f.procedure in FORMALISED_PROCEDURES and _over(f.amount, t.insertion_study),
        (2, 2, 2),
        "Procédure formalisée au-delà de {insertion} : un critère de performance en matière "
        "d'insertion peut compléter la clause (action 10).",
    ),
    PrefillRule(
        "insertion_criterion",
        "montant > seuil d'insertion",
        lambda f, t: _over(f.amount, t.insertion_study),
        (2, 1, 2),
        "Au-delà de {insertion}, un critère d'insertion est envisageable (action 10).",
    ),
    PrefillRule(
        "insertion_criterion",
        "autres cas",
        _always,
        (1, 1, 2),
        "Petit marché : un critère d'insertion pèse peu face à l'effort de notation.",
    ),
    # Action 11: reservation to ESS / SIAE / EA / ESAT under the reservation threshold.
    PrefillRule(
        "reservation",
        "montant < seuil de réservation et titulaire de l'économie sociale et solidaire",
        lambda f, t: _under(f.amount, t.reservation) and f.supplier_social_economy in _SOCIAL_ECONOMY,
        (3, 3, 1),
        "Montant de {amount} HT, sous {reservation}, et le titulaire actuel relève de l'économie "
        "sociale et solidaire : l'offre existe, la réservation est à privilégier (action 11).",
    ),
    PrefillRule(
        "reservation",
        "montant < seuil de réservation, services",
        lambda f, t: _under(f.amount, t.reservation) and f.nature is PurchaseNature.SERVICES,
        (2, 2, 1),
        "Montant de {amount} HT, sous {reservation} : réservation possible si des structures de "
        "l'ESS, SIAE, EA ou ESAT proposent ce service (action 11).",
    ),
    PrefillRule(
        "reservation",
        "montant < seuil de réservation",
        lambda f, t: _under(f.amount, t.reservation),
        (2, 1, 1),
        "Montant de {amount} HT, sous {reservation} : réservation possible (action 11), offre des "
        "structures solidaires à vérifier.",
    ),
    PrefillRule(
        "reservation",
        "autres cas",
        _always,
        (1, 1, 2),
        "Au-delà de {reservation} (ou montant inconnu), la réservation n'est pas visée par le SPASER ; "
        "elle reste possible pour un lot.",
    ),
    # Action 12: anti-discrimination tie-break clause and gender equality, in every contract.
    PrefillRule(
        "social_clauses",
        "pas encore de clause sociale",
        lambda f, t: not f.has_social_clause,
        (2, 3, 0),
        "Le marché ne déclare pas de clause sociale : la clause de départage non-discrimination "
        "doit figurer dans tout marché (action 12).",
    ),
    PrefillRule(
        "social_clauses",
        "clause sociale déjà présente",
        _always,
        (1, 3, 0),
        "Le marché déclare déjà une clause sociale : vérifier la clause de départage et l'égalité "
        "femmes-hommes (action 12).",
    ),
    # Action 13: fair trade only in the relevant families.
    PrefillRule(
        "fair_trade",
        "famille concernée par le commerce équitable",
        lambda f, t: f.fair_trade_relevant,
        (3, 2, 1),
        "La famille « {family} » est concernée par le commerce équitable (action 13).",
    ),
    # Action 14: allotment sized for small firms.
    PrefillRule(
        "allotment",
        "non alloti et montant ≥ seuil européen",
        lambda f, t: not f.has_lots and _at_least(f.amount, _eu(f, t)),
        (3, 2, 2),
        "Marché de {amount} HT d'un seul tenant, au-delà du seuil européen : des lots à la taille "
        "des petites entreprises élargiraient la concurrence (action 14).",
    ),
    PrefillRule(
        "allotment",
        "travaux non allotis",
        lambda f, t: not f.has_lots and f.nature is PurchaseNature.WORKS,
        (3, 2, 2),
        "Travaux d'un seul tenant : l'allotissement par corps d'état ouvre le marché aux artisans "
        "(action 14).",
    ),
    PrefillRule(
        "allotment",
        "déjà alloti",
        lambda f, t: f.has_lots,
        (1, 2, 1),
        "Le marché est déjà alloti : vérifier que la taille des lots convient aux petites entreprises.",
    ),
    PrefillRule(
        "allotment",
        "titulaire ETI ou grande entreprise et montant ≥ seuil de publicité",
        lambda f, t: f.supplier_size in _LARGE and _at_least(f.amount, t.publicity),
        (2, 2, 1),
        "Titulaire de grande taille sur un marché de {amount} HT : des lots plus petits permettraient "
        "aux TPE et PME locales de répondre (action 14).",
    ),
    PrefillRule(
        "allotment",
        "autres cas",
        _always,
        (1, 1, 1),
        "Marché de taille modeste : l'allotissement apporte peu.",
    ),
    # Action 17: 30 % advance without guarantee for TPE/PME under the SPASER advance threshold.
    PrefillRule(
        "sme_advance",
        "montant < seuil SPASER de l'avance, titulaire TPE/PME, avance non accordée",
        lambda f, t: _under(f.amount, t.spaser_advance) and f.supplier_size in _SME and not f.advance_granted,
        (3, 3, 0),
        "Marché de {amount} HT, sous {advance}, tenu par une TPE/PME sans avance : proposer l'avance "
        "de 30 % sans garantie (action 17).",
    ),
    PrefillRule(
        "sme_advance",
        "montant < seuil SPASER de l'avance, avance non accordée",
        lambda f, t: _under(f.amount, t.spaser_advance) and not f.advance_granted,
        (2, 3, 0),
        "Marché sous {advance} sans avance : l'avance de 30 % aux TPE/PME est à prévoir (action 17).",
    ),
    PrefillRule(
        "sme_advance",
        "montant < seuil SPASER de l'avance, avance déjà accordée",
        lambda f, t: _under(f.amount, t.spaser_advance),
        (1, 3, 0),
        "Une avance est déjà accordée : vérifier son taux (30 % pour les TPE/PME, action 17).",
    ),
    PrefillRule(
        "sme_advance",
        "montant > seuil de l'avance obligatoire et durée > seuil",
        lambda f, t: (
            _over(f.amount, t.mandatory_advance) and _over(f.duration_months, t.mandatory_advance_months)
        ),
        (1, 3, 0),
        "Au-delà de {advance}, le taux de 30 % n'est pas visé, mais l'avance reste obligatoire "
        "(plus de {mandatory} HT et de {mandatory_months} mois).",
    ),
    # Actions 18 and 22: define the right need, question the purchase.
    PrefillRule(
        "right_need",
        "fournitures à bons de commande",
        lambda f, t: f.nature is PurchaseNature.SUPPLIES and f.is_framework,
        (3, 2, 1),
        "Accord-cadre de fournitures à bons de commande : interroger les quantités, la durée de vie, "
        "la location ou le partage (actions 18 et 22).",
    ),
    PrefillRule(
        "right_need",
        "catégorie de produits AGEC",
        lambda f, t: f.agec_category is not None,
        (3, 2, 2),
        "Produits de la catégorie AGEC « {agec} » : réemploi, réparation et matières recyclées à "
        "intégrer au besoin (actions 18 et 22).",
    ),
    PrefillRule(
        "right_need",
        "fournitures",
        lambda f, t: f.nature is PurchaseNature.SUPPLIES,
        (2, 2, 1),
        "Fournitures : le juste besoin (quantités, spécifications) réduit l'impact et la dépense.",
    ),
    PrefillRule(
        "right_need",
        "services ou travaux",
        _always,
        (2, 1, 2),
        "Services ou travaux : redéfinir le besoin demande une analyse fonctionnelle.",
    ),
    # Action 19: price revision in every contract longer than the revision duration.
    PrefillRule(
        "price_revision",
        "durée > durée de révision et prix non révisables",
        lambda f, t: _over(f.duration_months, t.price_revision_months) and not f.price_revisable,
        (3, 3, 0),
        "Marché de {duration} mois, plus long que {months} mois, à prix non révisables : une clause de "
        "révision des prix est attendue (action 19).",
    ),
    PrefillRule(
        "price_revision",
        "durée > durée de révision, prix déjà révisables",
        lambda f, t: _over(f.duration_months, t.price_revision_months),
        (1, 3, 0),
        "Prix déjà révisables : vérifier l'indice, les délais de paiement et la protection des données.",
    ),
    PrefillRule(
        "price_revision",
        "autres cas",
        _always,
        (1, 2, 0),
        "Marché de {months} mois au plus (ou durée inconnue) : la révision n'est pas exigée ; vérifier "
        "les délais de paiement.",
    ),
    # Action 20: negotiate whenever possible.
    PrefillRule(
        "negotiation",
        "procédure adaptée",
        lambda f, t: f.procedure is Procedure.ADAPTED,
        (2, 3, 1),
        "Procédure adaptée : la négociation est la règle (action 20).",
    ),
    PrefillRule(
        "negotiation",
        "sans publicité ni mise en concurrence",
        lambda f, t: f.procedure is Procedure.NO_PUBLICITY,
        (2, 3, 0),
        "Marché sans publicité : négocier avec plusieurs entreprises reste possible et utile (action 20).",
    ),
    PrefillRule(
        "negotiation",
        "procédure avec négociation ou dialogue",
        lambda f, t: f.procedure in (Procedure.NEGOTIATED, Procedure.COMPETITIVE_DIALOGUE),
        (1, 3, 1),
        "La procédure prévoit déjà la négociation ou le dialogue.",
    ),
    PrefillRule(
        "negotiation",
        "appel d'offres",
        _always,
        (1, 0, 3),
        "Appel d'offres : la négociation y est interdite.",
    ),
    # Action 24: ecological criteria backed by life-cycle analysis.
    PrefillRule(
        "ecological_criteria",
        "pas de critère environnemental, catégorie AGEC",
        lambda f, t: not f.has_environmental_criterion and f.agec_category is not None,
        (3, 3, 1),
        "Aucun critère environnemental alors que les produits relèvent de la catégorie AGEC "
        "« {agec} » : écolabels et matières recyclées sont disponibles (action 24).",
    ),
    PrefillRule(
        "ecological_criteria",
        "pas de critère environnemental, fournitures",
        lambda f, t: not f.has_environmental_criterion and f.nature is PurchaseNature.SUPPLIES,
        (3, 2, 2),
        "Aucun critère environnemental : en fournitures, écolabels et coût du cycle de vie sont à "
        "étudier (action 24).",
    ),
    PrefillRule(
        "ecological_criteria",
        "pas de critère environnemental",
        lambda f, t: not f.has_environmental_criterion,
        (2, 2, 2),
        "Aucun critère environnemental : il sera obligatoire pour les consultations lancées après "
        "l'échéance de la loi Climat et résilience (action 24).",
    ),
    PrefillRule(
        "ecological_criteria",
        "critère déjà présent",
        _always,
        (1, 2, 1),
        "Un critère environnemental existe déjà : vérifier son poids et l'analyse du cycle de vie.",
    ),
    # Action 25: clauses that report and limit impacts (deliveries, transport GHG).
    PrefillRule(
        "impact_reporting",
        "fournitures à bons de commande",
        lambda f, t: f.nature is PurchaseNature.SUPPLIES and f.is_framework,
        (3, 2, 1),
        "Livraisons fréquentes à bons de commande : limiter leur nombre et demander les GES du "
        "transport (action 25, art. L.1431-3 du code des transports).",
    ),
    PrefillRule(
        "impact_reporting",
        "travaux",
        lambda f, t: f.nature is PurchaseNature.WORKS,
        (2, 2, 2),
        "Travaux : suivi des déchets de chantier, de l'eau et de l'énergie (action 25).",
    ),
    PrefillRule(
        "impact_reporting",
        "fournitures",
        lambda f, t: f.nature is PurchaseNature.SUPPLIES,
        (2, 2, 1),
        "Fournitures livrées : suivi du transport et des emballages (action 25).",
    ),
    PrefillRule(
        "impact_reporting",
        "services",
        _always,
        (1, 2, 2),
        "Services : suivi des déplacements et des consommations du prestataire (action 25).",
    ),
    # Action 23: sustainability assistant for construction and renovation works.
    PrefillRule(
        "sustainability_assistant",
        "travaux ≥ seuil de l'AMO développement durable",
        lambda f, t: f.nature is PurchaseNature.WORKS and _at_least(f.amount, t.sustainability_assistant_min),
        (3, 2, 2),
        "Travaux de {amount} HT, au moins {amo} : une assistance à maîtrise d'ouvrage développement "
        "durable est à étudier (action 23).",
    ),
    PrefillRule(
        "sustainability_assistant",
        "autres travaux",
        lambda f, t: f.nature is PurchaseNature.WORKS,
        (1, 2, 2),
        "Travaux de taille modeste : une assistance développement durable est rarement justifiée.",
    ),
    # Action 26: carbon compensation on large works only.
    PrefillRule(
        "carbon_compensation",
        "travaux ≥ seuil des grands travaux",
        lambda f, t: f.nature is PurchaseNature.WORKS and _at_least(f.amount, t.large_works_min),
        (2, 1, 3),
        "Grands travaux de {amount} HT (au moins {large}) : compensation carbone à étudier après "
        "réduction des émissions (action 26).",
    ),
)

_RULES_BY_LEVER: dict[str, list[PrefillRule]] = {}
for _rule in PREFILL_TABLE:
    _RULES_BY_LEVER.setdefault(_rule.lever, []).append(_rule)


# --- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeverRating:
    lever: str
    stake: int
    feasibility: int
    effort: int
    reason: str = ""
    prefilled_stake: int | None = None
    prefilled_feasibility: int | None = None
    prefilled_effort: int | None = None

    @property
    def title(self) -> str:
        return LEVERS_BY_CODE[self.lever].title

    @property
    def overridden(self) -> bool:
        return (self.prefilled_stake, self.prefilled_feasibility, self.prefilled_effort) not in (
            (None, None, None),
            (self.stake, self.feasibility, self.effort),
        )

    @property
    def potential(self) -> Fraction:
        return lever_potential(self.stake, self.feasibility, self.effort)


@dataclass(frozen=True)
class CotationResult:
    ratings: tuple[LeverRating, ...]
    score: int
    priority: Priority
    proposed: tuple[str, ...] = field(default=())  # lever codes that carry the score


def euros(value: Decimal) -> str:
    """Whole thresholds without cents ("90 000 €"), other amounts to the cent."""
    if value == value.to_integral_value():
        return f"{fmt.number(value)} €"
    return fmt.money(value)


def _format_reason(template: str, f: Facts, t: T) -> str:
    return template.format(
        amount=euros(f.amount) if f.amount is not None else "montant inconnu",
        insertion=euros(t.insertion_study),
        reservation=euros(t.reservation),
        advance=euros(t.spaser_advance),
        mandatory=euros(t.mandatory_advance),
        mandatory_months=t.mandatory_advance_months,
        months=t.price_revision_months,
        duration=f.duration_months if f.duration_months is not None else "?",
        family=f.family or "sans famille",
        agec=f.agec_category or "",
        amo=euros(t.sustainability_assistant_min),
        large=euros(t.large_works_min),
    )


def matching_rule(lever: str, facts: Facts, thresholds: Thresholds) -> PrefillRule | None:
    for rule in _RULES_BY_LEVER.get(lever, ()):
        if rule.test(facts, thresholds):
            return rule
    return None


def prefill(facts: Facts, thresholds: Thresholds) -> list[LeverRating]:
    """The levers that apply to the contract, in the SPASER order, with ratings and reasons."""
    out: list[LeverRating] = []
    for lever in LEVERS:
        rule = matching_rule(lever.code, facts, thresholds)
        if rule is None:
            continue
        out.append(
            LeverRating(
                lever=lever.code,
                stake=rule.ratings[0],
                feasibility=rule.ratings[1],
                effort=rule.ratings[2],
                reason=_format_reason(rule.reason, facts, thresholds),
                prefilled_stake=rule.ratings[0],
                prefilled_feasibility=rule.ratings[1],
                prefilled_effort=rule.ratings[2],
            )
        )
    return out


def override(
    rating: LeverRating,
    *,
    stake: int | None = None,
    feasibility: int | None = None,
    effort: int | None = None,
) -> LeverRating:
    """The buyer's override of a pre-filled rating (the pre-filled values are kept)."""
    changes = {
        k: v for k, v in (("stake", stake), ("feasibility", feasibility), ("effort", effort)) if v is not None
    }
    for name, value in changes.items():
        check_rating(name, value)
    return replace(rating, **changes)


RATING_LABELS = {"stake": "l'enjeu", "feasibility": "la faisabilité", "effort": "l'effort"}


def check_rating(name: str, value: int) -> None:
    if not isinstance(value, int) or not 0 <= value <= RATING_MAX:
        raise ValueError(
            f"La note de {RATING_LABELS.get(name, name)} doit être comprise entre 0 et {RATING_MAX}."
        )


# --- formula ----------------------------------------------------------------------------------


def lever_potential(stake: int, feasibility: int, effort: int) -> Fraction:
    """0..1: stake scales the lever; feasibility counts twice, a light effort once."""
    for name, value in (("stake", stake), ("feasibility", feasibility), ("effort", effort)):
        check_rating(name, value)
    return Fraction(stake, RATING_MAX) * Fraction(2 * feasibility + (RATING_MAX - effort), 3 * RATING_MAX)


def _best(ratings: Iterable[LeverRating]) -> list[LeverRating]:
    ranked = sorted(ratings, key=lambda r: (-r.potential, r.lever))
    return [r for r in ranked[:TOP_LEVERS] if r.potential > 0]


def potential_score(ratings: Iterable[LeverRating]) -> int:
    """0..100: mean of the best ``TOP_LEVERS`` lever potentials (missing levers count 0)."""
    best = _best(ratings)
    total = sum((r.potential for r in best), Fraction(0)) / TOP_LEVERS * 100
    return int((Decimal(total.numerator) / Decimal(total.denominator)).quantize(Decimal(1), ROUND_HALF_UP))


def priority_for(score: int, thresholds: Thresholds) -> Priority:
    if score >= thresholds.priority_a_min:
        return Priority.A
    if score >= thresholds.priority_b_min:
        return Priority.B
    return Priority.C


def evaluate(ratings: Sequence[LeverRating], thresholds: Thresholds) -> CotationResult:
    score = potential_score(ratings)
    return CotationResult(
        ratings=tuple(ratings),
        score=score,
        priority=priority_for(score, thresholds),
        proposed=tuple(r.lever for r in _best(ratings)),
    )


def prefill_documentation() -> list[tuple[str, str, int, int, int]]:
    """(lever title, condition, stake, feasibility, effort) for every row, for help screens."""
    return [(LEVERS_BY_CODE[r.lever].title, r.when, *r.ratings) for r in PREFILL_TABLE]


# --- the yearly cycle -------------------------------------------------------------------------


def default_cad_date(settings: Settings, year: int) -> dt.date:
    """The CAD of ``year`` when its session has no date yet: the 1st of the usual month."""
    month = settings.integer("cycle.cad_month", dt.date(year, 1, 1))
    return dt.date(year, max(1, min(12, month)), 1)


@dataclass(frozen=True)
class CycleWindows:
    cad_date: dt.date
    diagnose_from: dt.date  # end dates from ... (CAD date + J-14)
    diagnose_to: dt.date  # ... to (CAD date + J-24)
    present_year: int  # contracts ending this year are presented


def cycle_windows(settings: Settings, year: int, cad_date: dt.date) -> CycleWindows:
    start = settings.integer("cycle.cotation_start_months", cad_date)
    end = settings.integer("cycle.cotation_end_months", cad_date)
    return CycleWindows(
        cad_date=cad_date,
        diagnose_from=add_months(cad_date, end),
        diagnose_to=add_months(cad_date, start),
        present_year=year + 1,
    )


def to_diagnose(end_date: dt.date | None, windows: CycleWindows) -> bool:
    """The CAD date falls within J-24..J-14 of the contract's end."""
    return end_date is not None and windows.diagnose_from <= end_date <= windows.diagnose_to


def to_present(end_date: dt.date | None, windows: CycleWindows) -> bool:
    return end_date is not None and end_date.year == windows.present_year


def cotation_target(settings: Settings, renewal_year: int) -> Decimal | None:
    """Share of the contracts renewing in ``renewal_year`` to diagnose (None before deployment)."""
    try:
        return settings.rate("target.cotation_share", dt.date(renewal_year, 1, 1))
    except MissingSetting:
        return None


@dataclass(frozen=True)
class YearTarget:
    renewal_year: int
    contracts: int
    diagnosed: int
    target: Decimal | None
    unknown: int = 0  # contracts ending that year whose recurrence is not confirmed yet

    @property
    def share(self) -> Decimal | None:
        if not self.contracts:
            return None
        return (Decimal(self.diagnosed) / Decimal(self.contracts)).quantize(Decimal("0.0001"))

    @property
    def needed(self) -> int:
        """Contracts still to diagnose to reach the target."""
        if self.target is None:
            return 0
        goal = (self.target * self.contracts).to_integral_value(rounding="ROUND_CEILING")
        return max(0, int(goal) - self.diagnosed)

    @property
    def state(self) -> str:
        """French: "objectif atteint", "encore 2 à coter", "à compléter : …"."""
        if self.unknown:
            return (
                f"à compléter : {fmt.count(self.unknown, 'marché échéant', 'marchés échéant')} "
                f"en {self.renewal_year} sans récurrence "
                "confirmée (Données à compléter)"
            )
        if self.target is None:
            return "pas d'objectif"
        return "objectif atteint" if self.needed == 0 else f"encore {self.needed} à coter"

    @property
    def reached(self) -> bool | None:
        """None when it cannot be told: no target, or contracts whose recurrence is unknown."""
        if self.target is None or self.unknown:
            return None
        return self.needed == 0

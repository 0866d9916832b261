"""The SPASER's indicators, each one declaration: what it counts, over which contracts or orders,
against which yearly target, and a sentence an elected official understands.

Pure: plain facts in (``DashboardFacts``), plain results out (``IndicatorResult``); no Qt, no SQL.
**Unknown is not "no"**: a contract whose needed fact is unknown (procedure, duration, amount,
supplier size, offers received, year…) is counted apart as « à compléter », never in the
denominator as a contract without the clause. Adding an indicator is adding a declaration to
``INDICATORS`` (and its test: ``tests/unit/test_indicators.py`` refuses a declaration without one).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from app import format as fmt

# --- facts the indicators read ---------------------------------------------------------------------


@dataclass(frozen=True)
class ContractLine:
    """What the indicators need to know of one contract. ``None`` is "unknown", never "no"."""

    id: str
    reference: str
    object: str = ""
    organisation: str = ""
    year: int | None = None  # year the contract was passed (notification, else start): None unknown
    end_year: int | None = None
    amount: Decimal | None = None  # the amount thresholds compare
    total: Decimal | None = None  # what it costs, avenants included
    formalised: bool | None = None  # formalised procedure (appel d'offres, négociée, dialogue)
    duration_months: int | None = None
    recurrent: bool | None = None
    sme: bool | None = None  # held by a TPE or a PME; None: size unknown or no holder
    social_economy: bool = False  # holder is ESS, SIAE, EA or ESAT
    has_lots: bool = False
    offers_received: int | None = None
    # Clause-based facts: True when the contract's data or its checklist shows the clause, False when
    # they were given and do not, None when nobody said (no considerations, no checklist reviewed).
    advance_30: bool | None = False  # the 30 % advance is offered
    price_revision: bool | None = False
    env_criterion: bool | None = False
    env_consideration: bool | None = False
    social_consideration: bool | None = False
    insertion: bool | None = False
    insertion_hours: tuple[tuple[int, Decimal], ...] = ()  # (year, hours) as the PLIE reports them
    tiebreak: bool | None = False  # anti-discrimination tie-break clause
    circular: bool | None = False  # circular economy (réemploi, recyclé, AGEC)
    reserved: bool | None = False  # reserved to ESS, SIAE, EA or ESAT
    fair_trade_relevant: bool = False
    fair_trade: bool | None = False
    responsible_clause: bool = False  # at least one responsible clause retained
    assessed: bool = False  # a cotation with a score
    targeted_years: frozenset[int] = frozenset()  # years of the CAD that targeted it


@dataclass(frozen=True)
class CommitteeLine:
    """One organisation's CAD of one year."""

    organisation: str
    year: int
    held: bool  # a meeting date is recorded
    presented: tuple[tuple[str, bool | None], ...] = ()  # (reference, presented ≥ 12 months before end)
    decisions: tuple[DecisionLine, ...] = ()


@dataclass(frozen=True)
class DecisionLine:
    reference: str
    targeted: bool
    actions: int  # number of actions decided
    review_done: bool | None  # bilan of next year: carried out, not, not reviewed yet


@dataclass(frozen=True)
class OrderYear:
    """One organisation's orders of one year (the census), and the transport emissions."""

    organisation: str
    year: int
    orders: int
    previous_orders: int
    eligible_orders: int
    ghg_before: Decimal | None = None  # kg CO2e of the deliveries as ordered today
    ghg_after: Decimal | None = None  # after the accepted grouping plans
    lines: tuple[tuple[str, str, int, int], ...] = ()  # (dimension, label, orders, previous)


@dataclass(frozen=True)
class DashboardFacts:
    contracts: tuple[ContractLine, ...] = ()
    committees: tuple[CommitteeLine, ...] = ()
    orders: tuple[OrderYear, ...] = ()

    # Indexes built once: each indicator of each year reads only the contracts of that year.
    @cached_property
    def by_year(self) -> dict[int | None, tuple[ContractLine, ...]]:
        return _index(self.contracts, lambda c: (c.year,))

    @cached_property
    def by_end_year(self) -> dict[int | None, tuple[ContractLine, ...]]:
        return _index(self.contracts, lambda c: (c.end_year,))

    @cached_property
    def by_targeted_year(self) -> dict[int | None, tuple[ContractLine, ...]]:
        return _index(self.contracts, lambda c: tuple(c.targeted_years))

    def passed_in(self, year: int) -> tuple[ContractLine, ...]:
        """Contracts passed in ``year`` and those whose year is unknown (to complete)."""
        return self.by_year.get(year, ()) + self.by_year.get(None, ())


def _index(contracts: Iterable[ContractLine], keys: Callable[[ContractLine], tuple]) -> dict:
    index: dict = defaultdict(list)
    for c in contracts:
        for key in keys(c):
            index[key].append(c)
    return {k: tuple(v) for k, v in index.items()}


# --- declarations ----------------------------------------------------------------------------------


class Axis(enum.StrEnum):
    GOVERNANCE = "gouvernance"
    SOCIAL = "social"
    ECONOMIC = "économique"
    ENVIRONMENTAL = "environnemental"
    ORDERS = "commandes"


AXIS_TITLES = {
    Axis.GOVERNANCE: "Gouvernance : faire vivre le schéma",
    Axis.SOCIAL: "Social : emploi durable et solidarité",
    Axis.ECONOMIC: "Économie locale : TPE-PME et contrats équilibrés",
    Axis.ENVIRONMENTAL: "Environnement : consommer moins et mieux",
    Axis.ORDERS: "Commandes : mutualiser pour moins de livraisons",
}


class Unit(enum.StrEnum):
    SHARE = "%"
    COUNT = "nombre"
    EUROS = "€ HT"
    KG_CO2E = "kg CO2e"
    AVERAGE = "moyenne"
    HOURS = "heures"


class Direction(enum.StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@dataclass(frozen=True)
class Target:
    """Where an indicator's yearly target comes from: a dated setting (interpolated between its
    dated values when ``interpolate``), or a fixed commitment of the scheme."""

    key: str | None = None
    fixed: Decimal | None = None
    interpolate: bool = True
    direction: Direction = Direction.AT_LEAST
    negate: bool = False  # the setting holds a reduction (0,25) and the indicator a change (−25 %)


@dataclass(frozen=True)
class Count:
    numerator: Decimal
    denominator: Decimal | None = None  # None: the value is the numerator itself
    to_complete: int = 0
    numerator_refs: tuple[str, ...] = ()
    denominator_refs: tuple[str, ...] = ()
    to_complete_refs: tuple[str, ...] = ()
    detail: str = ""  # French, beside the value


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    actions: tuple[int, ...]
    axis: Axis
    unit: Unit
    explanation: str  # one sentence for elected officials
    method: str  # what it counts (the method page of the PDF)
    count: Callable[[DashboardFacts, int], Count]
    target: Target | None = None
    headline: bool = False  # shown on the one-page summary


# --- counting helpers ------------------------------------------------------------------------------

Test = Callable[[ContractLine], bool | None]


def _share(scope: Test, hit: Test, year_of: Callable[[ContractLine, int], bool | None] | None = None):
    """Share of the contracts in ``scope`` (passed in the year) that ``hit``; unknowns apart."""

    def count(facts: DashboardFacts, year: int) -> Count:
        num: list[str] = []
        den: list[str] = []
        unknown: list[str] = []
        candidates = facts.by_targeted_year.get(year, ()) if year_of else facts.passed_in(year)
        for c in candidates:
            in_year = year_of(c, year) if year_of else (None if c.year is None else c.year == year)
            if in_year is False:
                continue
            inside = scope(c)
            if inside is False:
                continue
            got = hit(c) if inside else None
            if in_year is None or inside is None or got is None:
                unknown.append(c.reference)
                continue
            den.append(c.reference)
            if got:
                num.append(c.reference)
        return Count(
            Decimal(len(num)), Decimal(len(den)), len(unknown), tuple(num), tuple(den), tuple(unknown)
        )

    return count


def _targeted(c: ContractLine, year: int) -> bool:
    return year in c.targeted_years


def _all(_c: ContractLine) -> bool:
    return True


def _under_215k(c: ContractLine) -> bool | None:
    return None if c.amount is None else c.amount < Decimal(215_000)


def _over_one_year(c: ContractLine) -> bool | None:
    return None if c.duration_months is None else c.duration_months > 12


def _sum_of(value: Callable[[ContractLine], Decimal | None], scope: Test, *, count_only: bool = False):
    def count(facts: DashboardFacts, year: int) -> Count:
        total = Decimal(0)
        refs: list[str] = []
        unknown: list[str] = []
        for c in facts.passed_in(year):
            inside = scope(c)
            if inside is False:
                continue
            amount = Decimal(1) if count_only else value(c)
            if inside is None or c.year is None or amount is None:
                unknown.append(c.reference)
                continue
            total += amount
            refs.append(c.reference)
        return Count(total, None, len(unknown), tuple(refs), (), tuple(unknown))

    return count


def _average_offers(facts: DashboardFacts, year: int) -> Count:
    total = Decimal(0)
    refs: list[str] = []
    unknown: list[str] = []
    for c in facts.passed_in(year):
        if c.year is None or c.offers_received is None:
            unknown.append(c.reference)
            continue
        total += c.offers_received
        refs.append(c.reference)
    return Count(total, Decimal(len(refs)), len(unknown), tuple(refs), tuple(refs), tuple(unknown))


def _unsuccessful(facts: DashboardFacts, year: int) -> Count:
    candidates = facts.passed_in(year)
    found = [c.reference for c in candidates if c.year == year and c.offers_received == 0]
    unknown = [c.reference for c in candidates if c.offers_received is None or c.year is None]
    return Count(Decimal(len(found)), None, len(unknown), tuple(found), (), tuple(unknown))


def _running_in(c: ContractLine, year: int) -> bool | None:
    """Whether the contract is being carried out in ``year`` (passed by then, not ended before)."""
    if c.year is None:
        return None
    return c.year <= year and (c.end_year is None or c.end_year >= year)


def _insertion_hours(facts: DashboardFacts, year: int) -> Count:
    """Hours reported for ``year``, whatever the year the contract was passed; a contract with an
    insertion clause running in the year (or of unknown year) without a figure is to complete."""
    total = Decimal(0)
    refs: list[str] = []
    unknown: list[str] = []
    for c in facts.contracts:
        hours = dict(c.insertion_hours).get(year) if c.insertion_hours else None
        if hours is not None:
            total += hours
            refs.append(c.reference)
        elif c.insertion and _running_in(c, year) is not False:
            unknown.append(c.reference)
    return Count(total, None, len(unknown), tuple(refs), (), tuple(unknown))


def _cotation_share(facts: DashboardFacts, year: int) -> Count:
    """Recurrent contracts ending in ``year`` diagnosed (cotation with a score) before."""
    num: list[str] = []
    den: list[str] = []
    unknown: list[str] = []
    for c in facts.by_end_year.get(year, ()):
        if c.recurrent is False:
            continue
        if c.recurrent is None:
            unknown.append(c.reference)
            continue
        den.append(c.reference)
        if c.assessed:
            num.append(c.reference)
    return Count(Decimal(len(num)), Decimal(len(den)), len(unknown), tuple(num), tuple(den), tuple(unknown))


def _committees(facts: DashboardFacts, year: int) -> list[CommitteeLine]:
    return [m for m in facts.committees if m.year == year]


def _cad_held(facts: DashboardFacts, year: int) -> Count:
    held = [m.organisation for m in _committees(facts, year) if m.held]
    organisations = sorted(
        {c.organisation for c in facts.contracts} | {m.organisation for m in facts.committees}
    )
    return Count(Decimal(len(held)), Decimal(len(organisations)), 0, tuple(held), tuple(organisations), ())


def _cad_on_time(facts: DashboardFacts, year: int) -> Count:
    num: list[str] = []
    den: list[str] = []
    unknown: list[str] = []
    for m in _committees(facts, year):
        for ref, on_time in m.presented:
            if on_time is None:
                unknown.append(ref)
                continue
            den.append(ref)
            if on_time:
                num.append(ref)
    return Count(Decimal(len(num)), Decimal(len(den)), len(unknown), tuple(num), tuple(den), tuple(unknown))


def _targeted_count(facts: DashboardFacts, year: int) -> Count:
    refs = [d.reference for m in _committees(facts, year) for d in m.decisions if d.targeted]
    return Count(Decimal(len(refs)), None, 0, tuple(refs))


def _actions_done(facts: DashboardFacts, year: int) -> Count:
    """Actions decided at the CAD of ``year - 1`` and carried out (the bilan), counted in actions."""
    done = decided = unknown = 0
    num: list[str] = []
    den: list[str] = []
    pending: list[str] = []
    for m in _committees(facts, year - 1):
        for d in m.decisions:
            if not d.targeted or not d.actions:
                continue
            if d.review_done is None:
                unknown += d.actions
                pending.append(d.reference)
                continue
            decided += d.actions
            den.append(d.reference)
            if d.review_done:
                done += d.actions
                num.append(d.reference)
    return Count(Decimal(done), Decimal(decided), unknown, tuple(num), tuple(den), tuple(pending))


def _order_years(facts: DashboardFacts, year: int) -> list[OrderYear]:
    return [o for o in facts.orders if o.year == year]


def _orders_count(facts: DashboardFacts, year: int) -> Count:
    rows = _order_years(facts, year)
    return Count(Decimal(sum(o.orders for o in rows)), None)


def _orders_change(facts: DashboardFacts, year: int) -> Count:
    rows = _order_years(facts, year)
    now, before = sum(o.orders for o in rows), sum(o.previous_orders for o in rows)
    if not before:
        return Count(Decimal(0), Decimal(0), detail=f"aucune commande recensée en {year - 1}")
    return Count(
        Decimal(now - before),
        Decimal(before),
        detail=f"{now} commandes en {year} contre {before} en {year - 1}",
    )


def _eligible_share(facts: DashboardFacts, year: int) -> Count:
    rows = _order_years(facts, year)
    return Count(Decimal(sum(o.eligible_orders for o in rows)), Decimal(sum(o.orders for o in rows)))


def _ghg(attribute: str):
    def count(facts: DashboardFacts, year: int) -> Count:
        rows = _order_years(facts, year)
        values = [getattr(o, attribute) for o in rows]
        known = [v for v in values if v is not None]
        missing = tuple(o.organisation for o, v in zip(rows, values, strict=True) if v is None and o.orders)
        if not known:
            detail = "aucun plan de mutualisation accepté pour l'année (écran Commandes et groupements)"
            return Count(Decimal(0), Decimal(0), len(missing), (), (), missing, detail if missing else "")
        return Count(sum(known, Decimal(0)), None, len(missing), (), (), missing)

    return count


# --- the indicators --------------------------------------------------------------------------------

_FIXED_ALL = Target(fixed=Decimal(1), interpolate=False)

INDICATORS: tuple[Indicator, ...] = (
    # Gouvernance (actions 1 to 3)
    Indicator(
        "cotation_share",
        "Marchés renouvelés dans l'année et diagnostiqués à l'avance",
        (2,),
        Axis.GOVERNANCE,
        Unit.SHARE,
        "Chaque marché qui revient doit être étudié un à deux ans avant son échéance pour y mettre "
        "des clauses durables : le schéma vise 40 % en 2026, 60 % en 2027 et 80 % en 2028.",
        "Marchés récurrents dont l'échéance tombe dans l'année et qui ont reçu une cotation (note de "
        "potentiel durable), rapportés à tous les marchés récurrents échéant dans l'année.",
        _cotation_share,
        Target(key="target.cotation_share", interpolate=False),
        headline=True,
    ),
    Indicator(
        "cad_held",
        "Comité annuel des achats durables (CAD) réuni",
        (1,),
        Axis.GOVERNANCE,
        Unit.SHARE,
        "Le comité se réunit une fois par an pour choisir les marchés à améliorer ; sans lui, le "
        "schéma reste sur le papier.",
        "Collectivités du fichier dont le CAD de l'année a une date de réunion enregistrée.",
        _cad_held,
        _FIXED_ALL,
        headline=True,
    ),
    Indicator(
        "cad_on_time",
        "Marchés présentés au CAD au moins 12 mois avant leur échéance",
        (1, 2),
        Axis.GOVERNANCE,
        Unit.SHARE,
        "Présenter un marché un an avant sa fin laisse le temps de préparer un nouvel appel d'offres "
        "plus durable.",
        "Marchés présentés au CAD de l'année dont l'échéance tombe au moins 12 mois après la réunion.",
        _cad_on_time,
        _FIXED_ALL,
    ),
    Indicator(
        "targeted_count",
        "Marchés ciblés par le CAD",
        (1,),
        Axis.GOVERNANCE,
        Unit.COUNT,
        "Nombre de marchés que le comité a choisi d'améliorer cette année.",
        "Marchés retenus comme « ciblés » dans les décisions du CAD de l'année.",
        _targeted_count,
    ),
    Indicator(
        "actions_done",
        "Actions décidées l'an dernier et réalisées",
        (1, 3),
        Axis.GOVERNANCE,
        Unit.SHARE,
        "Le bilan dit si ce que le comité a décidé l'an dernier a vraiment été fait.",
        "Actions décidées au CAD de l'année précédente pour les marchés ciblés dont le bilan dit "
        "« réalisé », comptées en actions (un marché à trois actions compte trois).",
        _actions_done,
        _FIXED_ALL,
    ),
    # The six yearly targets of the scheme
    Indicator(
        "env_criterion",
        "Marchés avec un critère environnemental",
        (24,),
        Axis.ENVIRONMENTAL,
        Unit.SHARE,
        "L'environnement compte dans le choix de l'entreprise : l'offre la plus respectueuse gagne "
        "des points.",
        "Marchés passés dans l'année dont les considérations environnementales comprennent un "
        "critère d'attribution, ou dont la clause « critère environnemental » est retenue.",
        _share(_all, lambda c: c.env_criterion),
        Target(key="target.env_criterion"),
        headline=True,
    ),
    Indicator(
        "env_consideration",
        "Marchés avec des considérations environnementales",
        (24, 25),
        Axis.ENVIRONMENTAL,
        Unit.SHARE,
        "Le marché demande quelque chose pour l'environnement : critère, clause d'exécution, "
        "écolabel ou produits réemployés.",
        "Marchés passés dans l'année qui portent au moins une considération environnementale.",
        _share(_all, lambda c: c.env_consideration),
        Target(key="target.env_consideration"),
        headline=True,
    ),
    Indicator(
        "insertion_formalised",
        "Procédures formalisées avec une clause d'insertion",
        (8,),
        Axis.SOCIAL,
        Unit.SHARE,
        "Les grands marchés réservent des heures de travail à des personnes éloignées de l'emploi.",
        "Marchés passés dans l'année en procédure formalisée (appel d'offres, procédure avec "
        "négociation, dialogue compétitif) dont la clause d'insertion est retenue ; une procédure "
        "inconnue est à compléter.",
        _share(lambda c: c.formalised, lambda c: c.insertion),
        Target(key="target.insertion_formalised"),
        headline=True,
    ),
    Indicator(
        "social_formalised",
        "Procédures formalisées avec des considérations sociales",
        (8, 10, 12),
        Axis.SOCIAL,
        Unit.SHARE,
        "Les grands marchés tiennent compte de l'emploi, de l'égalité ou de la lutte contre les "
        "discriminations.",
        "Marchés passés dans l'année en procédure formalisée qui portent au moins une considération "
        "sociale (clause ou critère).",
        _share(lambda c: c.formalised, lambda c: c.social_consideration),
        Target(key="target.social_formalised"),
        headline=True,
    ),
    Indicator(
        "circular_targeted",
        "Marchés ciblés intégrant l'économie circulaire",
        (24,),
        Axis.ENVIRONMENTAL,
        Unit.SHARE,
        "Parmi les marchés choisis par le comité, ceux qui achètent du réemployé, du recyclé ou du "
        "réparable, comme le demande la loi anti-gaspillage (AGEC).",
        "Marchés ciblés au CAD de l'année dont la clause « réemploi, réutilisation, matières "
        "recyclées » est retenue.",
        _share(_all, lambda c: c.circular, _targeted),
        Target(key="target.circular_targeted"),
        headline=True,
    ),
    Indicator(
        "sme_targeted",
        "Marchés ciblés attribués à des TPE-PME",
        (14, 16),
        Axis.ECONOMIC,
        Unit.SHARE,
        "Parmi les marchés choisis par le comité, ceux qui sont tenus par de petites et moyennes "
        "entreprises.",
        "Marchés ciblés au CAD de l'année dont le titulaire est une TPE ou une PME ; une taille "
        "d'entreprise inconnue est à compléter.",
        _share(lambda c: True, lambda c: c.sme, _targeted),
        Target(key="target.sme_targeted"),
        headline=True,
    ),
    # The three "100 %" commitments
    Indicator(
        "advance_30",
        "Avance de 30 % proposée dans les marchés de moins de 215 000 € HT",
        (17,),
        Axis.ECONOMIC,
        Unit.SHARE,
        "Une avance de 30 % aide les petites entreprises à démarrer sans emprunter : le schéma la "
        "promet dans tous les marchés de moins de 215 000 € HT.",
        "Marchés passés dans l'année d'un montant inférieur à 215 000 € HT dont l'avance est "
        "accordée à 30 % au moins ou dont la clause « avance de 30 % » est retenue.",
        _share(_under_215k, lambda c: c.advance_30),
        _FIXED_ALL,
    ),
    Indicator(
        "price_revision",
        "Révision des prix dans les marchés de plus d'un an",
        (19,),
        Axis.ECONOMIC,
        Unit.SHARE,
        "Au-delà d'un an, les prix doivent pouvoir suivre les coûts : c'est un contrat équilibré "
        "pour l'entreprise comme pour la commune.",
        "Marchés passés dans l'année d'une durée de plus de 12 mois dont les prix sont révisables "
        "(type de prix ou clause retenue) ; une durée inconnue est à compléter.",
        _share(_over_one_year, lambda c: c.price_revision),
        _FIXED_ALL,
    ),
    Indicator(
        "tiebreak",
        "Clause de départage contre les discriminations",
        (12,),
        Axis.SOCIAL,
        Unit.SHARE,
        "À note égale, l'entreprise qui agit le plus contre les discriminations l'emporte : le schéma "
        "la prévoit dans tous les marchés.",
        "Marchés passés dans l'année dont la clause de départage « lutte contre les discriminations » "
        "est retenue.",
        _share(_all, lambda c: c.tiebreak),
        _FIXED_ALL,
    ),
    # Realisation of the actions on the targeted contracts
    Indicator(
        "targeted_with_clause",
        "Marchés ciblés ayant reçu une clause responsable",
        (1, 2, 3, 7),
        Axis.GOVERNANCE,
        Unit.SHARE,
        "Un marché ciblé par le comité doit repartir avec au moins une clause sociale ou environnementale.",
        "Marchés ciblés au CAD de l'année dont au moins une clause de la liste est retenue, intégrée "
        "au dossier de consultation ou exécutée.",
        _share(_all, lambda c: c.responsible_clause, _targeted),
        _FIXED_ALL,
    ),
    Indicator(
        "insertion_targeted",
        "Marchés ciblés avec une clause d'insertion",
        (8, 9),
        Axis.SOCIAL,
        Unit.SHARE,
        "Parmi les marchés choisis par le comité, ceux qui réservent des heures à l'insertion.",
        "Marchés ciblés au CAD de l'année dont la clause d'insertion est retenue.",
        _share(_all, lambda c: c.insertion, _targeted),
    ),
    Indicator(
        "insertion_hours",
        "Heures d'insertion réalisées",
        (8, 9),
        Axis.SOCIAL,
        Unit.HOURS,
        "Les heures de travail confiées, grâce aux clauses d'insertion, à des personnes éloignées de "
        "l'emploi (chômeurs de longue durée, jeunes sans qualification, bénéficiaires du RSA).",
        "Somme des heures d'insertion de l'année saisies marché par marché (onglet « Heures "
        "d'insertion » de la fiche marché), telles que le PLIE ou le facilitateur les communique ; un "
        "marché avec clause d'insertion en cours dans l'année sans heures saisies est à compléter.",
        _insertion_hours,
    ),
    Indicator(
        "reserved_count",
        "Marchés réservés à l'économie sociale et solidaire",
        (11,),
        Axis.SOCIAL,
        Unit.COUNT,
        "Des marchés sont réservés aux structures qui emploient des personnes handicapées ou en "
        "insertion (ESS, SIAE, EA, ESAT).",
        "Marchés passés dans l'année dont une clause de réservation est retenue.",
        _sum_of(lambda c: Decimal(1), lambda c: c.reserved, count_only=True),
    ),
    Indicator(
        "reserved_spend",
        "Montant des marchés réservés",
        (11,),
        Axis.SOCIAL,
        Unit.EUROS,
        "L'argent public confié aux structures d'insertion et du handicap par ces marchés réservés.",
        "Somme des montants HT (avenants compris) des marchés réservés passés dans l'année.",
        _sum_of(lambda c: c.total, lambda c: c.reserved),
    ),
    Indicator(
        "reserved_held_by_ess",
        "Marchés réservés effectivement tenus par une structure ESS, SIAE, EA ou ESAT",
        (11,),
        Axis.SOCIAL,
        Unit.SHARE,
        "Vérifie que la réservation a bien profité à une structure de l'économie sociale.",
        "Parmi les marchés réservés passés dans l'année, ceux dont le titulaire est déclaré ESS, "
        "SIAE, entreprise adaptée ou ESAT.",
        _share(lambda c: c.reserved, lambda c: c.social_economy),
    ),
    Indicator(
        "fair_trade",
        "Commerce équitable dans les familles concernées",
        (13,),
        Axis.SOCIAL,
        Unit.SHARE,
        "Restauration scolaire, réceptions et objets promotionnels peuvent acheter équitable.",
        "Marchés passés dans l'année dans une famille d'achat où le commerce équitable est pertinent "
        "(réglé dans Paramètres) dont la clause « commerce équitable » est retenue.",
        _share(lambda c: c.fair_trade_relevant, lambda c: c.fair_trade),
    ),
    Indicator(
        "lots",
        "Marchés découpés en lots",
        (14,),
        Axis.ECONOMIC,
        Unit.SHARE,
        "Découper un marché en lots permet aux petites entreprises d'y répondre.",
        "Marchés passés dans l'année qui comportent au moins deux lots enregistrés.",
        _share(_all, lambda c: c.has_lots),
    ),
    Indicator(
        "sme_holders",
        "Marchés attribués à des TPE-PME",
        (14, 16, 17),
        Axis.ECONOMIC,
        Unit.SHARE,
        "La part des marchés de l'année tenue par de petites et moyennes entreprises.",
        "Marchés passés dans l'année dont le titulaire est une TPE ou une PME ; une taille inconnue "
        "est à compléter.",
        _share(_all, lambda c: c.sme),
    ),
    Indicator(
        "offers_average",
        "Nombre moyen d'offres reçues",
        (15, 16),
        Axis.ECONOMIC,
        Unit.AVERAGE,
        "Plus d'offres, c'est plus de concurrence et souvent de meilleurs prix.",
        "Moyenne du nombre d'offres reçues par les marchés passés dans l'année qui le renseignent.",
        _average_offers,
    ),
    Indicator(
        "unsuccessful",
        "Procédures infructueuses",
        (16, 18),
        Axis.ECONOMIC,
        Unit.COUNT,
        "Une consultation sans aucune offre signale un besoin mal dimensionné ou des entreprises "
        "qui n'osent pas répondre.",
        "Marchés passés dans l'année dont le nombre d'offres reçues est zéro.",
        _unsuccessful,
    ),
    # Orders (the « mutualiser les commandes » sheet)
    Indicator(
        "orders_count",
        "Commandes passées dans l'année",
        (25,),
        Axis.ORDERS,
        Unit.COUNT,
        "Chaque bon de commande, c'est une livraison, un camion et du temps administratif.",
        "Bons de commande de l'année, tous services confondus (recensement des commandes).",
        _orders_count,
    ),
    Indicator(
        "orders_change",
        "Évolution du nombre de commandes par rapport à l'an dernier",
        (25,),
        Axis.ORDERS,
        Unit.SHARE,
        "Regrouper les commandes des services doit en réduire le nombre d'un quart.",
        "Différence entre le nombre de commandes de l'année et celui de l'année précédente, rapportée "
        "au nombre de l'année précédente (une baisse d'un quart est l'objectif).",
        _orders_change,
        Target(key="target.order_reduction", interpolate=False, direction=Direction.AT_MOST, negate=True),
        headline=True,
    ),
    Indicator(
        "orders_eligible",
        "Commandes dans des familles qui peuvent être regroupées",
        (25,),
        Axis.ORDERS,
        Unit.SHARE,
        "La part des commandes qui pourrait être regroupée en une seule livraison.",
        "Commandes de l'année dans une famille d'achat déclarée mutualisable, sur toutes les commandes.",
        _eligible_share,
    ),
    Indicator(
        "ghg_today",
        "Gaz à effet de serre du transport des livraisons (aujourd'hui)",
        (25,),
        Axis.ORDERS,
        Unit.KG_CO2E,
        "L'estimation des émissions des camions qui livrent les commandes telles qu'elles sont "
        "passées aujourd'hui.",
        "Émissions estimées du transport des livraisons de l'année (distance, poids, facteurs "
        "d'émission de l'ADEME), calculées par le plan de mutualisation accepté.",
        _ghg("ghg_before"),
    ),
    Indicator(
        "ghg_after",
        "Gaz à effet de serre du transport après regroupement des commandes",
        (25,),
        Axis.ORDERS,
        Unit.KG_CO2E,
        "Les mêmes livraisons une fois les commandes regroupées selon les plans acceptés.",
        "Émissions estimées du transport des livraisons de l'année après les plans de mutualisation "
        "acceptés.",
        _ghg("ghg_after"),
    ),
)

BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}

OBJECTIVES_MET = Indicator(
    "objectives_met",
    "Objectifs de l'année atteints",
    (3,),
    Axis.GOVERNANCE,
    Unit.SHARE,
    "La part des indicateurs qui ont un objectif et l'atteignent cette année.",
    "Indicateurs ayant un objectif et une valeur dont la valeur atteint l'objectif, sur tous les "
    "indicateurs ayant un objectif et une valeur.",
    lambda facts, year: Count(Decimal(0)),  # computed from the other results, see ``evaluate_all``
    headline=True,
)
ALL_INDICATORS = (*INDICATORS, OBJECTIVES_MET)


# --- targets ----------------------------------------------------------------------------------------


def interpolate(points: Sequence[tuple[int, Decimal]], year: int, *, linear: bool = True) -> Decimal | None:
    """The target of ``year`` from dated values ``(year, value)``: linear between two dated values
    (2024: 30 %, 2026: 70 % → 2025: 50 %), the last value after the last date, none before the
    first (the scheme had not started); stepwise when not ``linear``."""
    points = sorted(points)
    if not points or year < points[0][0]:
        return None
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if y0 <= year < y1:
            if not linear:
                return v0
            return (v0 + (v1 - v0) * Decimal(year - y0) / Decimal(y1 - y0)).quantize(Decimal("0.0001"))
    return points[-1][1]


def target_for(
    indicator: Indicator, year: int, points: Mapping[str, Sequence[tuple[int, Decimal]]]
) -> Decimal | None:
    spec = indicator.target
    if spec is None:
        return None
    if spec.fixed is not None:
        return spec.fixed
    value = interpolate(points.get(spec.key or "", ()), year, linear=spec.interpolate)
    if value is not None and spec.negate:
        value = -value
    return value


# --- results ----------------------------------------------------------------------------------------


class Status(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NO_TARGET = "no_target"
    TO_COMPLETE = "to_complete"
    NOTHING = "nothing"


STATUS_TEXT = {
    Status.MET: "Objectif atteint",
    Status.NOT_MET: "Objectif non atteint",
    Status.NO_TARGET: "Pas d'objectif",
    Status.TO_COMPLETE: "À compléter",
    Status.NOTHING: "Rien à compter",
}
STATUS_ICON = {
    Status.MET: "✔",
    Status.NOT_MET: "✘",
    Status.NO_TARGET: "•",
    Status.TO_COMPLETE: "?",
    Status.NOTHING: "–",
}

_RATE = Decimal("0.0001")


@dataclass(frozen=True)
class IndicatorResult:
    id: str
    label: str
    axis: Axis
    actions: tuple[int, ...]
    unit: Unit
    year: int
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal | None
    to_complete: int
    target: Decimal | None
    status: Status
    explanation: str
    method: str
    headline: bool = False
    detail: str = ""
    numerator_refs: tuple[str, ...] = ()
    denominator_refs: tuple[str, ...] = ()
    to_complete_refs: tuple[str, ...] = ()
    trend: tuple[tuple[int, Decimal | None], ...] = field(default=())

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def gap(self) -> Decimal | None:
        """Value minus target (in the indicator's unit), None without one of them."""
        if self.value is None or self.target is None:
            return None
        return self.value - self.target

    def to_json(self) -> dict:
        def num(v: Decimal | None) -> float | None:
            return None if v is None else float(v)

        return {
            "id": self.id,
            "label": self.label,
            "axis": self.axis.value,
            "actions": list(self.actions),
            "year": self.year,
            "unit": self.unit.value,
            "value": num(self.value),
            "numerator": num(self.numerator),
            "denominator": num(self.denominator),
            "target": num(self.target),
            "to_complete": self.to_complete,
            "status": self.status.value,
            "status_text": self.status_text,
            "trend": [[y, num(v)] for y, v in self.trend],
        }


def _status(value: Decimal | None, target: Decimal | None, direction: Direction, count: Count) -> Status:
    if value is None:
        return Status.TO_COMPLETE if count.to_complete else Status.NOTHING
    if target is None:
        return Status.NO_TARGET
    met = value >= target if direction is Direction.AT_LEAST else value <= target
    if met:
        # Met by the known files, but the ones left to complete could still undo it: not yet known.
        if count.to_complete and count.denominator:
            worst = (
                count.numerator / (count.denominator + count.to_complete)
                if direction is Direction.AT_LEAST
                else (count.numerator + count.to_complete) / (count.denominator + count.to_complete)
            )
            if (worst < target) if direction is Direction.AT_LEAST else (worst > target):
                return Status.TO_COMPLETE
        return Status.MET
    # Unmet, but the files left to complete could still reach the target: say what is missing.
    if count.to_complete and count.denominator and direction is Direction.AT_LEAST:
        best = (count.numerator + count.to_complete) / (count.denominator + count.to_complete)
        if best >= target:
            return Status.TO_COMPLETE
    return Status.NOT_MET


def value_of(indicator: Indicator, count: Count) -> Decimal | None:
    if count.denominator is None:
        if indicator.unit is Unit.KG_CO2E and not count.numerator and count.to_complete:
            return None
        return count.numerator
    if not count.denominator:
        return None
    return (count.numerator / count.denominator).quantize(
        Decimal("0.01") if indicator.unit is Unit.AVERAGE else _RATE, ROUND_HALF_UP
    )


def evaluate(
    indicator: Indicator,
    facts: DashboardFacts,
    year: int,
    points: Mapping[str, Sequence[tuple[int, Decimal]]] | None = None,
    *,
    trend_years: Iterable[int] = (),
) -> IndicatorResult:
    points = points or {}
    counts = {y: indicator.count(facts, y) for y in (*trend_years, year)}
    count = counts[year]
    value = value_of(indicator, count)
    target = target_for(indicator, year, points)
    direction = indicator.target.direction if indicator.target else Direction.AT_LEAST
    trend = tuple((y, value_of(indicator, counts[y])) for y in trend_years)
    return IndicatorResult(
        id=indicator.id,
        label=indicator.label,
        axis=indicator.axis,
        actions=indicator.actions,
        unit=indicator.unit,
        year=year,
        value=value,
        numerator=count.numerator,
        denominator=count.denominator,
        to_complete=count.to_complete,
        target=target,
        status=_status(value, target, direction, count),
        explanation=indicator.explanation,
        method=indicator.method,
        headline=indicator.headline,
        detail=count.detail,
        numerator_refs=count.numerator_refs,
        denominator_refs=count.denominator_refs,
        to_complete_refs=count.to_complete_refs,
        trend=trend,
    )


def objectives_met(results: Sequence[IndicatorResult], year: int) -> IndicatorResult:
    with_target = [r for r in results if r.target is not None]
    judged = [r for r in with_target if r.status in (Status.MET, Status.NOT_MET)]
    met = [r for r in judged if r.status is Status.MET]
    pending = [r for r in with_target if r.status is Status.TO_COMPLETE]
    count = Count(
        Decimal(len(met)),
        Decimal(len(judged)),
        len(pending),
        tuple(r.label for r in met),
        tuple(r.label for r in judged),
        tuple(r.label for r in pending),
    )
    value = value_of(OBJECTIVES_MET, count)
    return IndicatorResult(
        id=OBJECTIVES_MET.id,
        label=OBJECTIVES_MET.label,
        axis=OBJECTIVES_MET.axis,
        actions=OBJECTIVES_MET.actions,
        unit=OBJECTIVES_MET.unit,
        year=year,
        value=value,
        numerator=count.numerator,
        denominator=count.denominator,
        to_complete=count.to_complete,
        target=None,
        status=_status(value, None, Direction.AT_LEAST, count),
        explanation=OBJECTIVES_MET.explanation,
        method=OBJECTIVES_MET.method,
        headline=True,
        numerator_refs=count.numerator_refs,
        denominator_refs=count.denominator_refs,
        to_complete_refs=count.to_complete_refs,
    )


def evaluate_all(
    facts: DashboardFacts,
    year: int,
    points: Mapping[str, Sequence[tuple[int, Decimal]]] | None = None,
    *,
    trend_years: Iterable[int] = (),
) -> list[IndicatorResult]:
    """Every indicator of ``year`` (with the values of ``trend_years`` for the trend), then the share
    of the objectives met."""
    trend_years = tuple(trend_years)
    results = [evaluate(i, facts, year, points, trend_years=trend_years) for i in INDICATORS]
    return [*results, objectives_met(results, year)]


# --- display ----------------------------------------------------------------------------------------


def _fr_number(value: Decimal, places: int) -> str:
    return f"{value:,.{places}f}".replace(",", "\u202f").replace(".", ",").replace("-", "−")


def format_value(unit: Unit, value: Decimal | None) -> str:
    """French display of a value: « 45 % », « 12 », « 35 400 € HT », « 2,5 offres »."""
    if value is None:
        return "—"
    if unit is Unit.SHARE:
        pct = (value * 100).quantize(Decimal(1), ROUND_HALF_UP)
        return f"{_fr_number(pct, 0)}\u202f%"
    if unit is Unit.EUROS:
        return f"{_fr_number(value, 0)}\u202f€\u00a0HT"
    if unit is Unit.KG_CO2E:
        return f"{_fr_number(value, 0)} kg CO2e"
    if unit is Unit.AVERAGE:
        return _fr_number(value, 1)
    if unit is Unit.HOURS:
        return f"{_fr_number(value.quantize(Decimal(1), ROUND_HALF_UP), 0)}\u202fheures"
    return _fr_number(value, 0)


def format_target(result: IndicatorResult) -> str:
    if result.target is None:
        return "pas d'objectif"
    indicator = BY_ID.get(result.id)
    word = (
        "au plus"
        if indicator and indicator.target and indicator.target.direction is Direction.AT_MOST
        else ""
    )
    text = format_value(result.unit, result.target)
    return f"{word} {text}".strip()


def format_gap(result: IndicatorResult) -> str:
    gap = result.gap
    if gap is None:
        return ""
    if result.unit is Unit.SHARE:
        points = (gap * 100).quantize(Decimal(1), ROUND_HALF_UP)
        sign = "+" if points > 0 else ("−" if points < 0 else "")
        return f"{sign}{_fr_number(abs(points), 0)} points"
    sign = "+" if gap > 0 else ("−" if gap < 0 else "")
    return f"{sign}{format_value(result.unit, abs(gap))}"


def status_line(result: IndicatorResult) -> str:
    """« ✔ Objectif atteint », « ✘ Objectif non atteint (−12 points) », « ? À compléter : 3 marchés »."""
    text = f"{STATUS_ICON[result.status]} {result.status_text}"
    gap = format_gap(result)
    if result.status is Status.NOT_MET and gap:
        text += f" ({gap})"
    if result.to_complete:
        text += f" — {result.to_complete} à compléter"
    return text


def summary_sentence(result: IndicatorResult) -> str:
    """One plain-French sentence for the one-page summary."""
    value = format_value(result.unit, result.value)
    if result.value is None:
        if result.to_complete:
            return f"{result.label} : pas encore mesurable, {fmt.count(result.to_complete, 'dossier')} à compléter."
        return f"{result.label} : rien à compter cette année."
    sentence = f"{result.label} : {value}"
    if result.target is not None:
        sentence += f" pour un objectif de {format_target(result)}"
    sentence += "."
    if result.to_complete:
        rest = fmt.plural(result.to_complete, "reste", "restent")
        sentence += f" {fmt.count(result.to_complete, 'dossier')} {rest} à compléter."
    return sentence

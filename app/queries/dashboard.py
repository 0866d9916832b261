"""Reading the plain facts the SPASER indicators count (``app.rules.indicators.DashboardFacts``):
the contract facts, the clause checklists, the cotations, the CAD decisions, the insertion hours,
the census of orders, the purchasing groups and the indicator targets."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from app.enums import (
    FORMALISED_PROCEDURES,
    ChecklistStatus,
    ContractStatus,
    SocialEconomyStatus,
    SupplierSize,
)
from app.model import (
    Assessment,
    Clause,
    CommitteeDecision,
    Contract,
    ContractClause,
    GroupingPlan,
    InsertionHours,
    Order,
    PurchaseFamily,
    PurchasingGroup,
    PurchasingGroupMember,
)
from app.queries.committee import committees_of
from app.queries.contracts import contracts_facts
from app.queries.organisation_settings import settings_for
from app.queries.organisations import require_organisation
from app.rules import indicators as engine
from app.rules.calendar import add_months
from app.rules.contract import ContractFacts
from app.rules.indicators import CommitteeLine, ContractLine, DashboardFacts, DecisionLine, OrderYear

_HAS_CLAUSE = (ChecklistStatus.RETAINED, ChecklistStatus.IN_TENDER, ChecklistStatus.EXECUTED)
_ENV_CODES = {
    "env-award-criterion", "env-execution-clause", "eco-labels", "agec-reuse-recycled", "life-cycle-cost",
    "transport-ghg-info", "delivery-grouping", "impact-reporting", "carbon-compensation",
}  # fmt: skip
_ENV_CRITERION_CODES = {"env-award-criterion", "life-cycle-cost"}
_SOCIAL_CODES = {
    "insertion-clause", "insertion-criterion", "reservation-ea-esat", "reservation-siae", "reservation-ess",
    "anti-discrimination-tiebreak", "gender-equality", "fair-trade",
}  # fmt: skip
_RESERVATION_CODES = {"reservation-ea-esat", "reservation-siae", "reservation-ess"}


def target_points(session: Session, organisation_id: uuid.UUID) -> dict[str, list[tuple[int, Decimal]]]:
    """The dated values of each indicator target, as (year, value): the organisation's own over the
    shipped ones."""
    settings = settings_for(session, organisation_id)
    keys = {i.target.key for i in engine.INDICATORS if i.target and i.target.key}
    points: dict[str, list[tuple[int, Decimal]]] = {}
    for key in keys:
        by_year: dict[int, Decimal] = {}
        for value in settings.history(key):  # sorted; the organisation's own value comes last
            by_year[value.valid_from.year] = Decimal(value.value)
        points[key] = sorted(by_year.items())
    return points


# --- gathering facts -----------------------------------------------------------------------------------


def _mentions(values: Sequence[str], *words: str) -> bool:
    for value in values:
        low = value.lower()
        if low.startswith("pas de"):
            continue
        if any(w in low for w in words):
            return True
    return False


def _considered(values: Sequence[str]) -> bool:
    return any(v.strip() and not v.lower().startswith("pas de") for v in values)


def _shown(evidence: bool, said: bool) -> bool | None:
    """A clause is there when something shows it; absent only when someone said what the contract
    holds (its DECP values, or a reviewed checklist); otherwise unknown, never "no"."""
    if evidence:
        return True
    return False if said else None


def contract_line(
    f: ContractFacts,
    organisation: str,
    *,
    codes: frozenset[str] = frozenset(),
    offers_received: int | None = None,
    assessed: bool = False,
    targeted_years: frozenset[int] = frozenset(),
    insertion_hours: tuple[tuple[int, Decimal], ...] = (),
    reviewed: bool = True,
) -> ContractLine:
    """What the indicators read of one contract: its facts and the clauses retained in its checklist."""
    passed = f.notification_date or f.start_date
    size = f.supplier_size
    sme = (
        None
        if size is SupplierSize.UNKNOWN or not f.supplier_name
        else size in (SupplierSize.TPE, SupplierSize.PME)
    )
    env, social = f.environmental_considerations, f.social_considerations
    # ``reviewed``: the checklist has at least one decision, so a clause absent from it is absent.
    env_said, social_said = bool(env) or reviewed, bool(social) or reviewed
    return ContractLine(
        id=str(f.id),
        reference=f.reference,
        object=f.object,
        organisation=organisation,
        year=passed.year if passed else None,
        end_year=f.end_date.year if f.end_date else None,
        amount=f.amount,
        total=f.total_with_amendments,
        formalised=None if f.procedure is None else f.procedure in FORMALISED_PROCEDURES,
        duration_months=f.duration_months,
        recurrent=f.recurrent,
        sme=sme,
        social_economy=f.supplier_social_economy is not SocialEconomyStatus.NONE,
        has_lots=f.has_lots,
        offers_received=offers_received,
        advance_30=_shown(
            "sme-advance-30" in codes
            or bool(f.advance_granted and f.advance_rate is not None and f.advance_rate >= Decimal("0.30")),
            reviewed or bool(f.advance_granted),
        ),
        price_revision=_shown(
            f.price_revisable or "price-revision" in codes, bool(f.price_types) or reviewed
        ),
        env_criterion=_shown(f.has_environmental_criterion or bool(codes & _ENV_CRITERION_CODES), env_said),
        env_consideration=_shown(_considered(env) or bool(codes & _ENV_CODES), env_said),
        social_consideration=_shown(_considered(social) or bool(codes & _SOCIAL_CODES), social_said),
        insertion=_shown(
            "insertion-clause" in codes or "insertion-criterion" in codes or _mentions(social, "insertion"),
            social_said,
        ),
        insertion_hours=insertion_hours,
        tiebreak=_shown("anti-discrimination-tiebreak" in codes, reviewed),
        circular=_shown(
            "agec-reuse-recycled" in codes or _mentions(env, "circulaire", "réemploi", "recycl"), env_said
        ),
        reserved=_shown(bool(codes & _RESERVATION_CODES) or _mentions(social, "réserv"), social_said),
        fair_trade_relevant=f.fair_trade_relevant,
        fair_trade=_shown("fair-trade" in codes or _mentions(social, "équitable"), social_said),
        responsible_clause=bool(codes),
        assessed=assessed,
        targeted_years=targeted_years,
    )


def _chunks(items: list, size: int = 500):  # noqa: ANN001, ANN202
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _retained_codes(session: Session, organisation_id: uuid.UUID, ids: set[uuid.UUID]) -> dict:
    """The clause codes each of ``ids`` retained (one query over the organisation's checklists)."""
    codes: dict[uuid.UUID, set[str]] = defaultdict(set)
    for contract_id, code, copied_from in session.execute(
        select(ContractClause.contract_id, Clause.code, Clause.copied_from)
        .join(Clause, Clause.id == ContractClause.clause_id)
        .join(Contract, Contract.id == ContractClause.contract_id)
        .where(Contract.organisation_id == organisation_id, ContractClause.status.in_(_HAS_CLAUSE))
    ):
        if contract_id in ids:
            codes[contract_id].add(copied_from or code)
    return codes


def _reviewed(session: Session, organisation_id: uuid.UUID, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``ids`` whose clause checklist has at least one decision (any status)."""
    decided = session.scalars(
        select(ContractClause.contract_id)
        .join(Contract, Contract.id == ContractClause.contract_id)
        .where(Contract.organisation_id == organisation_id)
        .distinct()
    )
    return {contract_id for contract_id in decided if contract_id in ids}


def _insertion_hours(session: Session, organisation_id: uuid.UUID) -> dict[uuid.UUID, tuple]:
    """Each contract's insertion hours as (year, hours), by year."""
    hours: dict[uuid.UUID, list[tuple[int, Decimal]]] = defaultdict(list)
    for contract_id, year, value in session.execute(
        select(InsertionHours.contract_id, InsertionHours.year, InsertionHours.hours)
        .join(Contract, Contract.id == InsertionHours.contract_id)
        .where(Contract.organisation_id == organisation_id)
        .order_by(InsertionHours.year)
    ):
        hours[contract_id].append((year, value))
    return {k: tuple(v) for k, v in hours.items()}


def _committee_lines(
    session: Session, organisation_id: uuid.UUID, organisation: str, ends: dict[uuid.UUID, dt.date | None]
) -> tuple[list[CommitteeLine], dict[uuid.UUID, set[int]]]:
    targeted: dict[uuid.UUID, set[int]] = defaultdict(set)
    lines = []
    committees = committees_of(session, organisation_id)
    for committee in committees:
        decisions = session.execute(
            select(CommitteeDecision, Contract.reference, Contract.end_date)
            .join(Contract, Contract.id == CommitteeDecision.contract_id)
            .where(CommitteeDecision.committee_id == committee.id)
            .order_by(Contract.reference)
        ).all()
        presented = []
        decided = []
        for decision, reference, end_date in decisions:
            end = ends.get(decision.contract_id, end_date)
            on_time = None
            if committee.meeting_date is not None and end is not None:
                on_time = end >= add_months(committee.meeting_date, 12)
            presented.append((reference, on_time))
            decided.append(
                DecisionLine(reference, decision.targeted, len(decision.actions or []), decision.review_done)
            )
            if decision.targeted:
                targeted[decision.contract_id].add(committee.year)
        lines.append(
            CommitteeLine(
                organisation,
                committee.year,
                committee.meeting_date is not None,
                tuple(presented),
                tuple(decided),
            )
        )
    return lines, targeted


def _order_years(
    session: Session,
    organisation_id: uuid.UUID,
    organisation: str,
    years: Sequence[int],
    references: dict[uuid.UUID, str] | None = None,
) -> list[OrderYear]:
    """The census of orders per year (total, eligible, per family and per contract, with the year
    before), counted by the database, and the emissions of the latest accepted grouping plan.
    ``references``: the contract references already read (the organisation's facts), by id."""
    # Counted by ids alone, one date range per year: the covering index on (organisation, date,
    # family, contract) answers each count without reading an order row nor computing a year per
    # row; then named: a family label or a contract reference shared by several ids adds up as it
    # did when grouped by it.
    family_key, contract_key = type_coerce(Order.family_id, String), type_coerce(Order.contract_id, String)
    rows = []
    for year in range(years[0] - 1, years[-1] + 1):
        rows.extend(
            (year, family_id, contract_id, count)
            for family_id, contract_id, count in session.execute(
                select(family_key, contract_key, func.count())
                .where(
                    Order.organisation_id == organisation_id,
                    Order.order_date >= dt.date(year, 1, 1),
                    Order.order_date <= dt.date(year, 12, 31),
                )
                .group_by(family_key, contract_key)
            )
        )
    families = {
        key: (label, eligible)
        for key, label, eligible in session.execute(
            select(
                type_coerce(PurchaseFamily.id, String), PurchaseFamily.label, PurchaseFamily.grouping_eligible
            ).where(type_coerce(PurchaseFamily.id, String).in_({r[1] for r in rows if r[1] is not None}))
        )
    }
    # Contract references: those already read, then the others (a contract of another organisation).
    known = references or {}
    names: dict[str, str] = {}
    for key in {r[2] for r in rows if r[2] is not None}:
        found = known.get(key if isinstance(key, uuid.UUID) else uuid.UUID(key))
        if found is not None:
            names[key] = found
    wanted = sorted({r[2] for r in rows if r[2] is not None} - set(names))
    for chunk in _chunks(wanted):
        contract_key = type_coerce(Contract.id, String)
        names.update(
            session.execute(select(contract_key, Contract.reference).where(contract_key.in_(chunk))).all()
        )
    totals: Counter = Counter()
    eligible: Counter = Counter()
    per: dict[tuple[str, int], Counter] = defaultdict(Counter)
    for year, family_id, contract_id, count in rows:
        family, family_eligible = families.get(family_id, (None, None))
        reference = names.get(contract_id)
        totals[year] += count
        if family_eligible is None or family_eligible:  # no family: as the grouping does, eligible
            eligible[year] += count
        per[("family", year)][family or "Sans famille d'achat"] += count
        if reference:
            per[("contract", year)][reference] += count
    plans: dict[int, dict] = {}
    for plan in session.scalars(
        select(GroupingPlan)
        .where(GroupingPlan.organisation_id == organisation_id, GroupingPlan.accepted_at.is_not(None))
        .order_by(GroupingPlan.accepted_at)
    ):
        plans[plan.year] = dict(plan.summary or {})  # the latest accepted plan of the year
    out = []
    for year in years:
        summary = plans.get(year, {})

        def kg(key: str) -> Decimal | None:
            value = summary.get(key)  # noqa: B023 - used at once
            return None if value is None else Decimal(str(value))

        lines = tuple(
            (dimension, label, per[(dimension, year)][label], per[(dimension, year - 1)][label])
            for dimension in ("family", "contract")
            for label in sorted(set(per[(dimension, year)]) | set(per[(dimension, year - 1)]))
        )
        out.append(
            OrderYear(
                organisation,
                year,
                totals[year],
                totals[year - 1],
                eligible[year],
                kg("kgco2e_before"),
                kg("kgco2e_after"),
                lines,
            )
        )
    return out


def gather_facts(
    session: Session,
    organisation_id: uuid.UUID,
    years: Sequence[int],
    *,
    today: dt.date | None = None,
    facts: Sequence[ContractFacts] | None = None,
) -> DashboardFacts:
    """The plain facts of one organisation the indicators of ``years`` read. ``facts``: the
    organisation's contract facts when the caller already read them in this unit of work (read
    with the same ``today``), so that a screen reads them once."""
    name = require_organisation(session, organisation_id).name
    every = contracts_facts(session, organisation_id, today=today) if facts is None else facts
    facts = [f for f in every if f.status not in (ContractStatus.CANCELLED, ContractStatus.DRAFT)]
    ids = {f.id for f in facts}
    codes = _retained_codes(session, organisation_id, ids)
    reviewed = _reviewed(session, organisation_id, ids)
    # One query each over the organisation (not one IN list per 500 contracts).
    offers: dict[uuid.UUID, int | None] = dict(
        session.execute(
            select(Contract.id, Contract.offers_received).where(Contract.organisation_id == organisation_id)
        ).all()
    )
    assessed = set(
        session.scalars(
            select(Assessment.contract_id)
            .join(Contract, Contract.id == Assessment.contract_id)
            .where(Contract.organisation_id == organisation_id, Assessment.score.is_not(None))
        )
    )
    hours = _insertion_hours(session, organisation_id)
    committees, targeted = _committee_lines(session, organisation_id, name, {f.id: f.end_date for f in facts})
    contracts = tuple(
        contract_line(
            f,
            name,
            codes=frozenset(codes.get(f.id, ())),
            offers_received=offers.get(f.id),
            assessed=f.id in assessed,
            targeted_years=frozenset(targeted.get(f.id, ())),
            insertion_hours=hours.get(f.id, ()),
            reviewed=f.id in reviewed,
        )
        for f in facts
    )
    return DashboardFacts(
        contracts,
        tuple(committees),
        tuple(_order_years(session, organisation_id, name, years, {f.id: f.reference for f in every})),
    )


def groups_of(session: Session, organisation_id: uuid.UUID) -> list[tuple[str, set[uuid.UUID]]]:
    """The purchasing groups the organisation belongs to, with their other members."""
    rows = session.execute(
        select(PurchasingGroup.id, PurchasingGroup.name, PurchasingGroupMember.organisation_id)
        .join(PurchasingGroupMember, PurchasingGroupMember.group_id == PurchasingGroup.id)
        .order_by(PurchasingGroup.name)
    ).all()
    members: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    names: dict[uuid.UUID, str] = {}
    for group_id, group_name, member in rows:
        members[group_id].add(member)
        names[group_id] = group_name
    return [
        (f"Groupement « {names[g]} »", ids - {organisation_id})
        for g, ids in members.items()
        if organisation_id in ids
    ]

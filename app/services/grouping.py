"""Order grouping use cases: propose grouped orders with their transport emissions, and accept a
proposal (a ``GroupingPlan`` that keeps every original order). The orders and plans are read by
``app.queries.grouping``; the report and the workbook are in ``grouping_outputs``; the proposal's
types in ``app.grouping.proposal``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

from app.errors import UserError
from app.grouping.algorithm import (
    CENTRAL,
    CapacityUnit,
    Group,
    GroupingOptions,
    GroupingResult,
    group_orders,
    naive_weekly_groups,
    reduction_by,
)
from app.grouping.calendar import ordering_calendar
from app.grouping.proposal import FamilyReduction, GroupingProposal, GroupRow
from app.model import GroupedOrder, GroupedOrderItem, GroupingPlan
from app.queries import grouping as queries
from app.queries.grouping import (
    LoadedOrders,
    Names,
    as_uuid,
    emission_factors,
    gc_paused,
    load_orders,
    organisation_key,
)
from app.queries.organisation_settings import settings_for
from app.rules.dated_settings import decimal_in_force, year_end
from app.rules.emissions import CargoBikeLimits, Delivery, Factor, factors_in_force, three_scenarios
from app.rules.settings_catalogue import K
from app.services import scope
from app.storage.database import Database

Progress = Callable[[int, int, str], None]


def available_years(db: Database, organisation_id: uuid.UUID) -> list[int]:
    with db.read() as session:
        low, high = queries.order_date_range(session, organisation_id)
    if low is None:
        return []
    return list(range(high.year, low.year - 1, -1))


# --- proposal -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalInputs:
    """What a proposal reads from the file (one unit of work); the grouping itself reads nothing."""

    loaded: LoadedOrders
    factors: dict[str, Factor]
    default_distance_km: Decimal
    cargo_bike: CargoBikeLimits
    target_rate: Decimal


def proposal_inputs(session: Session, organisation_id: uuid.UUID, year: int) -> ProposalInputs:
    """The orders of ``year`` and the settings and emission factors in force at its end."""
    on = year_end(year)
    settings = settings_for(session, organisation_id)
    return ProposalInputs(
        loaded=load_orders(session, organisation_id, [year]),
        factors=factors_in_force(emission_factors(session), on),
        default_distance_km=decimal_in_force(settings, K.TRANSPORT_DEFAULT_DISTANCE_KM, on),
        cargo_bike=CargoBikeLimits(
            max_load_kg=decimal_in_force(settings, K.CARGO_BIKE_MAX_LOAD_KG, on),
            max_distance_km=decimal_in_force(settings, K.CARGO_BIKE_MAX_DISTANCE_KM, on),
        ),
        target_rate=decimal_in_force(settings, K.TARGET_ORDER_REDUCTION, on),
    )


@gc_paused
def propose_grouping(
    db: Database,
    organisation_id: uuid.UUID,
    year: int,
    *,
    capacity: Decimal | None = None,
    capacity_unit: CapacityUnit = "kg",
    progress: Progress | None = None,
    details: bool = True,
) -> GroupingProposal:
    """Group the organisation's orders of ``year`` and compare the transport of the three scenarios.

    ``details=False``: leave ``families`` and ``calendar`` empty, for a caller that shows neither
    (``group-orders`` without ``--out``); the summary and the rows are the same."""
    _check_capacity(capacity)
    with db.read() as session:
        inputs = proposal_inputs(session, organisation_id, year)
    return proposal_from(
        inputs,
        organisation_id,
        year,
        capacity=capacity,
        capacity_unit=capacity_unit,
        progress=progress,
        details=details,
    )


def _check_capacity(capacity: Decimal | None) -> None:
    if capacity is not None and capacity <= 0:
        raise UserError("La capacité d'une livraison doit être un nombre positif.")


@gc_paused
def proposal_from(
    inputs: ProposalInputs,
    organisation_id: uuid.UUID,
    year: int,
    *,
    capacity: Decimal | None = None,
    capacity_unit: CapacityUnit = "kg",
    progress: Progress | None = None,
    details: bool = True,
) -> GroupingProposal:
    """The proposal computed from what ``proposal_inputs`` read (no database)."""
    _check_capacity(capacity)
    loaded, factors = inputs.loaded, inputs.factors
    if progress:
        progress(1, 3, "Recherche des commandes groupables…")
    if "diesel_van" not in factors:
        raise UserError("Le facteur d'émission du véhicule utilitaire diesel manque : ouvrez les Paramètres.")
    options = GroupingOptions(
        capacity=capacity,
        capacity_unit=capacity_unit,
        central_reception=(
            frozenset({organisation_key(organisation_id)}) if loaded.central_reception else frozenset()
        ),
    )
    result = group_orders(loaded.orders, options)
    if progress:
        progress(2, 3, "Calcul des émissions du transport…")
    default_distance, cargo, target = inputs.default_distance_km, inputs.cargo_bike, inputs.target_rate
    names = loaded.names

    # One distance per supplier, computed once; a Delivery (distance, load, distance known?) per
    # order before grouping and per group after, built inline (180,000 of them at scale).
    known = {k: Decimal(str(km)) for k, km in names.distances.items()}
    before = [
        Delivery(known.get(o.supplier, default_distance), o.weight_kg, o.supplier in known)
        for o in loaded.orders
    ]
    after = [
        Delivery(known.get(s, default_distance), g.total_weight_kg, s in known)
        for g in result.groups
        for s in (g.orders[0].supplier,)
    ]
    scenarios = three_scenarios(before, after, factors, cargo)
    rows = _rows(result.groups, names, after)
    families = _family_reductions(loaded, result, target) if details else []
    if progress:
        progress(3, 3, "")
    return GroupingProposal(
        organisation_id=organisation_id,
        organisation_name=loaded.organisation_name,
        year=year,
        capacity=capacity,
        capacity_unit=capacity_unit,
        result=result,
        rows=rows,
        families=families,
        scenarios=scenarios,
        factors=sorted(factors.values(), key=lambda f: f.kgco2e_per_km, reverse=True),
        cargo_bike=cargo,
        naive_groups=naive_weekly_groups(loaded.orders),
        target_rate=target,
        default_distance_km=default_distance,
        deliveries_with_default_distance=sum(1 for d in before if not d.distance_known),
        calendar=ordering_calendar(loaded.orders, names.families) if details else [],
        central_reception=loaded.central_reception,
    )


def _family_reductions(
    loaded: LoadedOrders, result: GroupingResult, target: Decimal
) -> list[FamilyReduction]:
    eligible_families = {o.family for o in loaded.orders if o.eligible}
    families = [
        FamilyReduction(
            family=loaded.names.families.get(r.key, "Sans famille"),
            before=r.before,
            after=r.after,
            reduction=r.reduction,
            on_target=(r.reduction >= target) if r.key in eligible_families else None,
        )
        for r in reduction_by(result, "family")
    ]
    families.sort(key=lambda f: (-f.before, f.family))
    return families


def _rows(groups: tuple[Group, ...], names: Names, after: list[Delivery]) -> list[GroupRow]:
    """The rows of the groups, most orders first, then by order date and first order number.

    ``groups`` come from ``group_orders`` sorted by (order date, first order number), which is also
    each row's (order_date, order_numbers[0]); a stable sort by size alone, descending (``reverse``
    keeps ties in their order), therefore gives the (-size, order_date, first number) order without
    a key tuple per row. The display names of a group depend only on its supplier, contract, family
    and site: looked up once per distinct combination (a few hundred), not per group (100,000)."""
    labels: dict[tuple, tuple[str, str, str, str]] = {}
    suppliers, contracts, families = names.suppliers, names.contracts, names.families
    make = GroupRow._make
    over_note = "Dépasse à elle seule la capacité d'une livraison"
    rows = []
    append = rows.append
    for group, delivery in zip(groups, after, strict=True):
        orders = group.orders
        first = orders[0]
        site = group.site
        combo = (first.supplier, first.contract, first.family, site)
        label = labels.get(combo)
        if label is None:
            contract = first.contract
            label = labels[combo] = (
                suppliers.get(first.supplier, "Fournisseur non renseigné"),
                contracts.get(contract, "Hors marché") if contract else "Hors marché",
                families.get(first.family, "Sans famille"),
                names.site(site),
            )
        reason = group.reason
        if len(orders) == 1:  # most groups at scale: the same values without sorting or sets
            numbers = [first.number]
            departments = [first.department] if first.department else []
            notes = [reason] if reason else []
        else:
            numbers, departments = group.order_numbers, group.departments
            notes = [n for n in (reason, group.warning) if n]
        if group.over_capacity:
            notes.append(over_note)
        append(
            make(
                (
                    group.order_date,
                    group.delivery_date,
                    *label,
                    len(orders),
                    numbers,
                    departments,
                    group.total_amount,
                    group.total_weight_kg,
                    delivery.distance_km,
                    " ; ".join(notes),
                )
            )
        )
    rows.sort(key=_size, reverse=True)
    return rows


_size = itemgetter(6)  # GroupRow.size


# --- accepting a proposal -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    id: uuid.UUID
    year: int
    name: str
    grouped_orders: int
    accepted_by: str | None
    accepted_at: dt.datetime | None
    summary: dict[str, Any]


def accept_proposal(
    db: Database, proposal: GroupingProposal, *, organisation_id: uuid.UUID, accepted_by: str = ""
) -> uuid.UUID:
    """Record the proposal as a grouping plan: one ``GroupedOrder`` per group of several orders, each
    with a ``GroupedOrderItem`` per original order (who asked for what)."""
    merged = proposal.result.merged_groups
    if not merged:
        raise UserError("Aucune commande ne peut être groupée cette année : il n'y a rien à enregistrer.")
    order_ids = [as_uuid(o.id) for g in merged for o in g.orders]
    with db.write() as session:
        scope.ensure_own(
            session, proposal.organisation_id, organisation_id, f"Le groupement des commandes {proposal.year}"
        )
        found = queries.existing_order_ids(session, order_ids)
        if len(found) != len(set(order_ids)):
            raise UserError(
                "Des commandes ont été modifiées ou supprimées depuis le calcul de la proposition : "
                "relancez le calcul avant de l'accepter."
            )
        plan = GroupingPlan(
            organisation_id=proposal.organisation_id,
            year=proposal.year,
            name=f"Commandes groupées {proposal.year}",
            parameters=_plain({"capacity": proposal.capacity, "capacity_unit": proposal.capacity_unit}),
            summary=proposal.summary.stored(),
            accepted_by=accepted_by or None,
            accepted_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        )
        session.add(plan)
        session.flush()
        for group in merged:
            grouped = GroupedOrder(
                plan_id=plan.id,
                supplier_id=as_uuid(group.supplier),
                contract_id=as_uuid(group.contract),
                family_id=as_uuid(group.family),
                delivery_site_id=None if group.site == CENTRAL else as_uuid(group.site),
                order_date=group.order_date,
                delivery_date=group.delivery_date,
                total_amount=group.total_amount,
                total_weight_kg=group.total_weight_kg,
            )
            session.add(grouped)
            session.flush()
            session.add_all(
                GroupedOrderItem(grouped_order_id=grouped.id, order_id=as_uuid(o.id)) for o in group.orders
            )
        return plan.id


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """JSON-storable copy: Decimal amounts as strings (exact), the rest unchanged."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in data.items()}


def list_plans(db: Database, organisation_id: uuid.UUID) -> list[PlanRow]:
    with db.read() as session:
        counts = queries.grouped_order_counts(session)
        plans = queries.plans_of(session, organisation_id)
        return [
            PlanRow(p.id, p.year, p.name, counts.get(p.id, 0), p.accepted_by, p.accepted_at, dict(p.summary))
            for p in plans
        ]


@dataclass(frozen=True)
class PlanItem:
    """One grouped order of a recorded plan: the original orders it gathers and their departments."""

    grouped_order_id: uuid.UUID
    order_numbers: list[str]
    departments: list[str]


def plan_items(db: Database, plan_id: uuid.UUID) -> list[PlanItem]:
    """Each grouped order of a plan with its original order numbers and their departments."""
    with db.read() as session:
        rows = queries.plan_order_rows(session, plan_id)
    out: dict[uuid.UUID, tuple[list[str], set[str]]] = {}
    for grouped_id, number, department in rows:
        numbers, departments = out.setdefault(grouped_id, ([], set()))
        numbers.append(number)
        if department:
            departments.add(department)
    return [PlanItem(k, numbers, sorted(deps)) for k, (numbers, deps) in out.items()]

"""Order grouping use cases: load a year's orders, propose grouped orders with their transport
emissions, and accept a proposal (a ``GroupingPlan`` that keeps every original order). The report
and the workbook are in ``grouping_outputs``; the proposal's types in ``app.grouping.proposal``."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, String, func, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlalchemy.sql.operators import custom_op

from app.errors import UserError
from app.grouping.algorithm import (
    CENTRAL,
    CapacityUnit,
    Group,
    GroupingOptions,
    GroupingResult,
    OrderInput,
    group_orders,
    naive_weekly_groups,
    order_window_end,
    reduction_by,
)
from app.grouping.calendar import ordering_calendar
from app.grouping.proposal import FamilyReduction, GroupingProposal, GroupRow
from app.model import (
    Contract,
    DeliverySite,
    Department,
    EmissionFactor,
    GroupedOrder,
    GroupedOrderItem,
    GroupingPlan,
    Order,
    Organisation,
    PurchaseFamily,
    Supplier,
)
from app.queries.organisation_settings import settings_for
from app.rules.dated_settings import decimal_in_force, year_end
from app.rules.emissions import CargoBikeLimits, Delivery, Factor, factors_in_force, three_scenarios
from app.rules.settings_catalogue import K
from app.storage.database import Database

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Names:
    """Display names of the ids the pure layer works with."""

    suppliers: dict[Any, str] = field(default_factory=dict)
    contracts: dict[Any, str] = field(default_factory=dict)
    families: dict[Any, str] = field(default_factory=dict)
    sites: dict[Any, str] = field(default_factory=dict)
    distances: dict[Any, float] = field(default_factory=dict)  # supplier id -> km typed by the buyer

    def site(self, key: Any) -> str:
        if key == CENTRAL:
            return "Site de réception central"
        return self.sites.get(key, "Site non renseigné")


@dataclass(frozen=True)
class LoadedOrders:
    organisation_id: uuid.UUID
    organisation_name: str
    orders: list[OrderInput]
    names: Names
    central_reception: bool


# --- settings helpers -------------------------------------------------------------------------


# Shared with census and joint purchasing through their public names in app.rules.dated_settings.
_setting_value = decimal_in_force
_year_end = year_end


def gc_paused(function: Callable) -> Callable:
    """Run ``function`` with the cyclic garbage collector paused. Loading and grouping 100,000 orders
    allocates a few hundred thousand acyclic objects that all stay alive; meanwhile the collector
    ran again and again over every one of them, about 40 % of the time. Nothing here makes cycles,
    and the collector resumes (if it was on) as soon as the call returns."""

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


# --- loading ------------------------------------------------------------------------------------


def organisation_name(session: Session, organisation_id: uuid.UUID) -> str:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise UserError("Cette collectivité n'existe plus dans le fichier.")
    return org.name


class _HexKey(ColumnElement):
    """A UUID key as 32 hex characters: as stored on SQLite; PostgreSQL's uuid type made so."""

    inherit_cache = True
    type = String()

    def __init__(self, column: Any) -> None:
        self.column = column


@compiles(_HexKey)
def _hex_key(element: _HexKey, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_HexKey, "postgresql")
def _hex_key_postgresql(element: _HexKey, compiler: Any, **kw: Any) -> str:
    return f"replace(CAST({compiler.process(element.column, **kw)} AS TEXT), '-', '')"


def _key(column: Any) -> Any:
    """A key column as stored (32 hex characters on SQLite), not turned into a ``uuid.UUID``: the
    grouping only compares keys, and 400,000 UUID objects cost seconds at 100,000 orders."""
    return _HexKey(column)


def as_uuid(key: Any) -> uuid.UUID | None:
    """A key loaded by ``load_orders`` back as a UUID (to write it to the database)."""
    if key is None or isinstance(key, uuid.UUID):
        return key
    return uuid.UUID(key)


def organisation_key(organisation_id: uuid.UUID) -> str:
    """The organisation as the loaded orders carry it (a plain string hashes faster than a UUID)."""
    return organisation_id.hex


def _decimal(scale: int) -> Callable[[Any], Decimal | None]:
    """SQLite stores Numeric as REAL: the same Decimal SQLAlchemy would build (value rounded to the
    column's scale), without its per-value type processing."""
    pattern = f"%.{scale}f"

    def convert(value: Any) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, Decimal):  # a server that returns decimals itself
            return value
        return Decimal(pattern % value)

    return convert


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


class _OffIndex(ColumnElement):
    """``+column`` on SQLite: the same value, which SQLite's planner will not look up through an
    index; the plain column elsewhere (PostgreSQL has no unary + on uuid, and a planner of its own)."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_OffIndex)
def _off_index_default(element: _OffIndex, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_OffIndex, "sqlite")
def _off_index_sqlite(element: _OffIndex, compiler: Any, **kw: Any) -> str:
    return compiler.process(
        UnaryExpression(element.column, operator=custom_op("+"), type_=element.type), **kw
    )


def _off_index(column: Any) -> Any:
    return _OffIndex(column)


def _most_of_the_table(session: Session, where: tuple) -> bool:
    """On SQLite, whether the orders ``where`` selects are more than half of all orders (two
    counts on the indexes, a few milliseconds)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    selected = session.scalar(select(func.count()).select_from(Order).where(*where))
    return selected * 2 > session.scalar(select(func.count()).select_from(Order))


def _by_key(session: Session, column: Any, *where: Any) -> dict[Any, Any]:
    """``column`` of each row of its table, by key as stored (the keys ``load_orders`` gives)."""
    key = column.class_.id
    return dict(session.execute(select(_key(key), column).where(*where)).all())


@gc_paused
def load_orders(session: Session, organisation_id: uuid.UUID, years: Iterable[int]) -> LoadedOrders:
    """The organisation's orders of ``years`` as plain ``OrderInput`` (one Core select of raw values).

    Keys (supplier, contract, family, site) are the stored values, and so are the keys of ``names``;
    turn one back into a UUID with ``as_uuid``. ``organisation`` is ``organisation_key(organisation_id)``."""
    years = sorted(set(years))
    settings = settings_for(session, organisation_id)
    default_delay = int(_setting_value(settings, K.GROUPING_MAX_DELAY_DAYS, _year_end(years[-1])))
    name = organisation_name(session, organisation_id)
    order, department, family = Order.__table__.c, Department.__table__.c, PurchaseFamily.__table__.c
    statement = (
        select(
            _key(order.id),
            order.number,
            type_coerce(order.order_date, String),
            type_coerce(order.latest_delivery_date, String),
            _key(order.supplier_id),
            _key(order.contract_id),
            _key(order.family_id),
            _key(order.delivery_site_id),
            type_coerce(order.amount, Float),
            type_coerce(order.weight_kg, Float),
            department.name,
            family.grouping_eligible,
            family.max_delay_days,
        )
        .select_from(Order.__table__)
        .outerjoin(Department.__table__, department.id == order.department_id)
        .outerjoin(PurchaseFamily.__table__, family.id == order.family_id)
    )
    where = (
        order.organisation_id == organisation_id,
        order.order_date >= dt.date(years[0], 1, 1),
        order.order_date <= _year_end(years[-1]),
    )
    if _most_of_the_table(session, where):
        # SQLite would still walk the (organisation, date) index and fetch each row from the table
        # in index order, twice the time of reading the table straight through when the years
        # hold most of it (a town's file of a year or two): unary "+" keeps it off the index.
        where = (
            _off_index(order.organisation_id) == organisation_id,
            _off_index(order.order_date) >= dt.date(years[0], 1, 1),
            _off_index(order.order_date) <= _year_end(years[-1]),
        )
    statement = statement.where(*where)
    amount, weight = _decimal(Order.amount.type.scale), _decimal(Order.weight_kg.type.scale)
    wanted = set(years)
    org_key = organisation_key(organisation_id)
    make = OrderInput._make
    orders = []
    append = orders.append
    rows = session.connection().execute(statement).all()  # one fetch, not one call per row
    for oid, number, day, latest, supplier, contract, fam, site, value, kg, dep, eligible, delay in rows:
        day = _date(day)
        if day.year not in wanted:
            continue
        append(
            make(
                (
                    oid,
                    number,
                    org_key,
                    supplier,
                    contract,
                    fam,
                    site,
                    day,
                    order_window_end(day, _date(latest), delay, default_delay),
                    amount(value),
                    weight(kg),
                    dep,
                    True if eligible is None else bool(eligible),
                )
            )
        )
    names = Names(
        suppliers=_by_key(session, Supplier.name),
        contracts=_by_key(session, Contract.reference, Contract.organisation_id == organisation_id),
        families=_by_key(session, PurchaseFamily.label, PurchaseFamily.organisation_id == organisation_id),
        sites=_by_key(session, DeliverySite.name, DeliverySite.organisation_id == organisation_id),
        distances=_by_key(session, Supplier.distance_km, Supplier.distance_km.is_not(None)),
    )
    central = (
        session.scalar(
            select(DeliverySite.id).where(
                DeliverySite.organisation_id == organisation_id, DeliverySite.is_central.is_(True)
            )
        )
        is not None
    )
    return LoadedOrders(organisation_id, name, orders, names, central)


def emission_factors(session: Session) -> list[Factor]:
    return [
        Factor(
            code=f.code,
            label=f.label,
            kgco2e_per_km=f.kgco2e_per_km,
            valid_from=f.valid_from,
            max_load_kg=f.max_load_kg,
            source=f.source,
            to_verify=f.to_verify,
        )
        for f in session.scalars(select(EmissionFactor))
    ]


def available_years(db: Database, organisation_id: uuid.UUID) -> list[int]:
    with db.read() as session:
        low, high = session.execute(
            select(func.min(Order.order_date), func.max(Order.order_date)).where(
                Order.organisation_id == organisation_id
            )
        ).one()
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
    on = _year_end(year)
    settings = settings_for(session, organisation_id)
    return ProposalInputs(
        loaded=load_orders(session, organisation_id, [year]),
        factors=factors_in_force(emission_factors(session), on),
        default_distance_km=_setting_value(settings, K.TRANSPORT_DEFAULT_DISTANCE_KM, on),
        cargo_bike=CargoBikeLimits(
            max_load_kg=_setting_value(settings, K.CARGO_BIKE_MAX_LOAD_KG, on),
            max_distance_km=_setting_value(settings, K.CARGO_BIKE_MAX_DISTANCE_KM, on),
        ),
        target_rate=_setting_value(settings, K.TARGET_ORDER_REDUCTION, on),
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
    rows = [_row(g, names, d.distance_km) for g, d in zip(result.groups, after, strict=True)]
    rows.sort(key=lambda r: (-r.size, r.order_date, r.order_numbers[0]))
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


def _row(group: Group, names: Names, distance: Decimal) -> GroupRow:
    orders = group.orders
    if len(orders) == 1:  # most groups at scale: the same values without sorting or sets
        (order,) = orders
        numbers, departments = [order.number], [order.department] if order.department else []
        notes = [group.reason] if group.reason else []
    else:
        numbers, departments = group.order_numbers, group.departments
        notes = [n for n in (group.reason, group.warning) if n]
    if group.over_capacity:
        notes.append("Dépasse à elle seule la capacité d'une livraison")
    contract = orders[0].contract
    return GroupRow(
        order_date=group.order_date,
        delivery_date=group.delivery_date,
        supplier=names.suppliers.get(orders[0].supplier, "Fournisseur non renseigné"),
        contract=names.contracts.get(contract, "Hors marché") if contract else "Hors marché",
        family=names.families.get(orders[0].family, "Sans famille"),
        site=names.site(group.site),
        size=len(orders),
        order_numbers=numbers,
        departments=departments,
        amount=group.total_amount,
        weight_kg=group.total_weight_kg,
        distance_km=distance,
        note=" ; ".join(notes),
    )


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


def accept_proposal(db: Database, proposal: GroupingProposal, *, accepted_by: str = "") -> uuid.UUID:
    """Record the proposal as a grouping plan: one ``GroupedOrder`` per group of several orders, each
    with a ``GroupedOrderItem`` per original order (who asked for what)."""
    merged = proposal.result.merged_groups
    if not merged:
        raise UserError("Aucune commande ne peut être groupée cette année : il n'y a rien à enregistrer.")
    order_ids = [as_uuid(o.id) for g in merged for o in g.orders]
    with db.write() as session:
        found = set()
        for start in range(0, len(order_ids), 500):
            chunk = order_ids[start : start + 500]
            found.update(session.scalars(select(Order.id).where(Order.id.in_(chunk))))
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
        counts = dict(
            session.execute(
                select(GroupedOrder.plan_id, func.count(GroupedOrder.id)).group_by(GroupedOrder.plan_id)
            ).all()
        )
        plans = session.scalars(
            select(GroupingPlan)
            .where(GroupingPlan.organisation_id == organisation_id)
            .order_by(GroupingPlan.year.desc(), GroupingPlan.accepted_at.desc())
        ).all()
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
        rows = session.execute(
            select(GroupedOrder.id, Order.number, Department.name)
            .join(GroupedOrderItem, GroupedOrderItem.grouped_order_id == GroupedOrder.id)
            .join(Order, Order.id == GroupedOrderItem.order_id)
            .outerjoin(Department, Department.id == Order.department_id)
            .where(GroupedOrder.plan_id == plan_id)
            .order_by(GroupedOrder.order_date, Order.number)
        ).all()
    out: dict[uuid.UUID, tuple[list[str], set[str]]] = {}
    for grouped_id, number, department in rows:
        numbers, departments = out.setdefault(grouped_id, ([], set()))
        numbers.append(number)
        if department:
            departments.add(department)
    return [PlanItem(k, numbers, sorted(deps)) for k, (numbers, deps) in out.items()]

"""Reading a year's orders for the grouping, the order census and the grouping plans (one Core
select of raw values: the grouping's load is speed-critical, see ``benchmarks/bench_group_orders.py``)."""

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
from app.grouping.algorithm import CENTRAL, OrderInput, order_window_end
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
from app.rules.emissions import Factor
from app.rules.settings_catalogue import K


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
    default_delay = int(decimal_in_force(settings, K.GROUPING_MAX_DELAY_DAYS, year_end(years[-1])))
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
        order.order_date <= year_end(years[-1]),
    )
    if _most_of_the_table(session, where):
        # SQLite would still walk the (organisation, date) index and fetch each row from the table
        # in index order, twice the time of reading the table straight through when the years
        # hold most of it (a town's file of a year or two): unary "+" keeps it off the index.
        where = (
            _off_index(order.organisation_id) == organisation_id,
            _off_index(order.order_date) >= dt.date(years[0], 1, 1),
            _off_index(order.order_date) <= year_end(years[-1]),
        )
    statement = statement.where(*where)
    amount, weight = _decimal(Order.amount.type.scale), _decimal(Order.weight_kg.type.scale)
    amount_pattern = f"%.{Order.amount.type.scale}f"
    weight_pattern = f"%.{Order.weight_kg.type.scale}f"
    wanted = set(years)
    org_key = organisation_key(organisation_id)
    make = OrderInput._make
    orders = []
    append = orders.append
    # The dates repeat (a year has 365 days, and few delays): each (order date, latest delivery
    # date, family delay) is parsed and its window end computed once, not per order; SQLite's
    # REAL amounts become Decimals inline (what ``_decimal`` does, without a call per value).
    windows: dict[tuple, tuple[dt.date, dt.date] | None] = {}
    # One fetch of the driver's plain tuples: no ``Row`` per order, and no result processing (the
    # columns are coerced to types without any: strings, floats, integers; the family's boolean
    # may come as 0/1 and is turned into a bool below).
    result = session.connection().execute(statement)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    for oid, number, day, latest, supplier, contract, fam, site, value, kg, dep, eligible, delay in rows:
        window = windows.get((day, latest, delay), windows)
        if window is windows:
            start = _date(day)
            window = windows[(day, latest, delay)] = (
                (start, order_window_end(start, _date(latest), delay, default_delay))
                if start.year in wanted
                else None
            )
        if window is None:
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
                    *window,
                    Decimal(amount_pattern % value) if value.__class__ is float else amount(value),
                    Decimal(weight_pattern % kg) if kg.__class__ is float else weight(kg),
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


def order_date_range(session: Session, organisation_id: uuid.UUID) -> tuple[dt.date | None, dt.date | None]:
    """The first and the last order date of the organisation (``None, None`` without orders)."""
    low, high = session.execute(
        select(func.min(Order.order_date), func.max(Order.order_date)).where(
            Order.organisation_id == organisation_id
        )
    ).one()
    return low, high


def existing_order_ids(session: Session, order_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``order_ids`` still in the file (by chunks of 500: SQLite's bound-parameter limit)."""
    found: set[uuid.UUID] = set()
    for start in range(0, len(order_ids), 500):
        chunk = order_ids[start : start + 500]
        found.update(session.scalars(select(Order.id).where(Order.id.in_(chunk))))
    return found


def grouped_order_counts(session: Session) -> dict[uuid.UUID, int]:
    """Number of grouped orders of each grouping plan."""
    return dict(
        session.execute(
            select(GroupedOrder.plan_id, func.count(GroupedOrder.id)).group_by(GroupedOrder.plan_id)
        ).all()
    )


def plans_of(session: Session, organisation_id: uuid.UUID) -> list[GroupingPlan]:
    """The organisation's grouping plans, latest year first, then latest accepted first."""
    return list(
        session.scalars(
            select(GroupingPlan)
            .where(GroupingPlan.organisation_id == organisation_id)
            .order_by(GroupingPlan.year.desc(), GroupingPlan.accepted_at.desc())
        ).all()
    )


def plan_order_rows(session: Session, plan_id: uuid.UUID) -> list[tuple[uuid.UUID, str, str | None]]:
    """(grouped order id, original order number, its department) of every order of a plan, by date."""
    return [
        tuple(row)
        for row in session.execute(
            select(GroupedOrder.id, Order.number, Department.name)
            .join(GroupedOrderItem, GroupedOrderItem.grouped_order_id == GroupedOrder.id)
            .join(Order, Order.id == GroupedOrderItem.order_id)
            .outerjoin(Department, Department.id == Order.department_id)
            .where(GroupedOrder.plan_id == plan_id)
            .order_by(GroupedOrder.order_date, Order.number)
        ).all()
    ]

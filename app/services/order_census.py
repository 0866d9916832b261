"""Census of the departments' orders for a year, against the previous year and the target."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.grouping.order_counts import Census
from app.grouping.order_counts import order_census as census_of
from app.queries.grouping import load_orders
from app.queries.organisation_settings import settings_for
from app.rules.dated_settings import decimal_in_force, year_end
from app.rules.settings_catalogue import K
from app.storage.database import Database


def order_census(db: Database, organisation_id: uuid.UUID, year: int) -> Census:
    """Orders of ``year`` per family, contract, department and supplier, with ``year - 1`` beside."""
    with db.read() as session:
        return census_in(session, organisation_id, year)


def census_in(session: Session, organisation_id: uuid.UUID, year: int) -> Census:
    """``order_census`` inside the caller's unit of work (the grouping report's)."""
    loaded = load_orders(session, organisation_id, [year - 1, year])
    target = decimal_in_force(
        settings_for(session, organisation_id), K.TARGET_ORDER_REDUCTION, year_end(year)
    )
    names = loaded.names
    return census_of(
        loaded.orders,
        year,
        target,
        labels={"family": names.families, "contract": names.contracts, "supplier": names.suppliers},
    )

"""Census of the departments' orders for a year, against the previous year and the target."""

from __future__ import annotations

import uuid

from app.grouping.census import Census
from app.grouping.census import order_census as census_of
from app.queries.organisation_settings import settings_for
from app.rules.dated_settings import decimal_in_force, year_end
from app.rules.settings_catalogue import K
from app.services.grouping import load_orders
from app.storage.database import Database


def order_census(db: Database, organisation_id: uuid.UUID, year: int) -> Census:
    """Orders of ``year`` per family, contract, department and supplier, with ``year - 1`` beside."""
    with db.session(write=False) as session:
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

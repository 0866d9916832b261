"""Loading orders for the grouping: keys as stored, and the same orders whichever way SQLite is told
to read them (through the (organisation, date) index for a year among many, straight through the
table when the years asked hold most of it)."""

from __future__ import annotations

import uuid

from app.queries import grouping
from app.queries.grouping import as_uuid, load_orders


def test_a_year_among_several_and_all_the_years_give_the_same_orders(demo_db, demo_org, monkeypatch):
    with demo_db.session(write=False) as s:
        one_year = load_orders(s, demo_org, [2025]).orders
        all_years = load_orders(s, demo_org, [2024, 2025, 2026]).orders
        scanned = []
        monkeypatch.setattr(grouping, "_most_of_the_table", lambda *_: scanned.append(1) or True)
        forced_scan = load_orders(s, demo_org, [2025]).orders
    assert scanned, "the scan path ran"
    assert 500 < len(one_year) < len(all_years)
    assert sorted(one_year) == sorted(o for o in all_years if o.order_date.year == 2025)
    assert sorted(forced_scan) == sorted(one_year)


def test_keys_are_loaded_as_stored_and_turn_back_into_uuids(demo_db, demo_org):
    with demo_db.session(write=False) as s:
        loaded = load_orders(s, demo_org, [2025])
    order = next(o for o in loaded.orders if o.supplier is not None)
    assert isinstance(order.id, str) and isinstance(order.supplier, str)
    assert order.supplier in loaded.names.suppliers
    assert as_uuid(order.id) == uuid.UUID(order.id) and as_uuid(None) is None
    assert as_uuid(as_uuid(order.id)) == uuid.UUID(order.id)


def test_a_proposal_without_details_has_the_same_summary_and_rows(demo_db, demo_org):
    from app.services.grouping import propose_grouping

    full = propose_grouping(demo_db, demo_org, 2025)
    light = propose_grouping(demo_db, demo_org, 2025, details=False)
    assert full.families and full.calendar
    assert light.families == [] and light.calendar == []
    assert light.summary == full.summary
    assert light.rows == full.rows

"""Write a large database for performance work: ``python benchmarks/scale_data.py OUT.sqlite
[--contracts 10000] [--orders 100000]``.

One organisation, 8 departments, 40 families, 500 suppliers, N contracts and M orders, seeded and
written with Core ``executemany`` (ORM ``add_all`` is 10x slower, PERFORMANCE.md §6). Every order is
placed in 2025, so ``group-orders --year 2025`` works on all M of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from app.enums import Procedure, PurchaseNature  # noqa: E402
from app.model import Contract, DeliverySite, Department, Order, Organisation, PurchaseFamily, Supplier  # noqa: E402
from app.rules.values import with_luhn_key  # noqa: E402
from app.services.organisations import seed_defaults  # noqa: E402
from app.storage import create_database  # noqa: E402

STAMP = dt.datetime(2026, 11, 1, 8, 0)
BASE = {"created_at": STAMP, "updated_at": STAMP, "version": 1}


def order_rows(
    rng: random.Random,
    org_id,
    deps,
    fams,
    sups,
    sites,
    contracts,
    count: int,
    start_number: int = 0,
    days: int = 700,
):
    """``count`` orders placed over ``days`` days from 1 January 2025."""
    start = dt.date(2025, 1, 1)
    rows = []
    for i in range(count):
        c = contracts[rng.randrange(len(contracts))] if rng.random() < 0.7 else None
        day = start + dt.timedelta(days=rng.randrange(days))
        rows.append(
            {
                **BASE,
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "organisation_id": org_id,
                "department_id": deps[rng.randrange(len(deps))],
                "number": f"BC-{start_number + i:07d}",
                "order_date": day,
                "latest_delivery_date": day + dt.timedelta(days=rng.randint(3, 30))
                if rng.random() < 0.5
                else None,
                "supplier_id": c["supplier_id"] if c else sups[rng.randrange(len(sups))],
                "contract_id": c["id"] if c else None,
                "family_id": c["family_id"] if c else fams[rng.randrange(len(fams))],
                "amount": Decimal(rng.randint(1000, 500000)) / 100,
                "weight_kg": Decimal(rng.randint(100, 200000)) / 1000,
                "delivery_site_id": sites[rng.randrange(len(sites))],
                "description": None,
            }
        )
    return rows


def write_scale_database(path: Path, contracts: int = 10_000, orders: int = 100_000, seed: int = 7) -> Path:
    rng = random.Random(seed)
    new_id = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)  # noqa: E731
    db = create_database(path, overwrite=True)
    org_id = new_id()
    with db.session() as s:
        seed_defaults(s, created_at=STAMP)
        s.execute(
            insert(Organisation),
            [
                {
                    **BASE,
                    "id": org_id,
                    "name": "Communauté de Test",
                    "kind": "epci",
                    "siret": with_luhn_key("2000000000001"),
                }
            ],
        )
        deps = [new_id() for _ in range(8)]
        s.execute(
            insert(Department),
            [
                {**BASE, "id": d, "organisation_id": org_id, "name": f"Service {i}"}
                for i, d in enumerate(deps)
            ],
        )
        fams = [new_id() for _ in range(40)]
        s.execute(
            insert(PurchaseFamily),
            [
                {
                    **BASE,
                    "id": f,
                    "organisation_id": org_id,
                    "code": f"F{i:02d}",
                    "label": f"Famille {i}",
                    "cpv_codes": [],
                    "grouping_eligible": True,
                    "max_delay_days": 14,
                    "fair_trade_relevant": False,
                }
                for i, f in enumerate(fams)
            ],
        )
        sites = [new_id() for _ in range(5)]
        s.execute(
            insert(DeliverySite),
            [
                {**BASE, "id": x, "organisation_id": org_id, "name": f"Site {i}", "is_central": i == 0}
                for i, x in enumerate(sites)
            ],
        )
        sups = [new_id() for _ in range(500)]
        s.execute(
            insert(Supplier),
            [
                {
                    **BASE,
                    "id": x,
                    "name": f"Fournisseur {i}",
                    "normalized_name": f"fournisseur {i}",
                    "size": rng.choice(["tpe", "pme", "eti", "ge"]),
                    "social_economy": "none",
                }
                for i, x in enumerate(sups)
            ],
        )
        crows = []
        for i in range(contracts):
            end = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(1800))
            crows.append(
                {
                    **BASE,
                    "id": new_id(),
                    "organisation_id": org_id,
                    "department_id": rng.choice(deps),
                    "family_id": rng.choice(fams),
                    "supplier_id": rng.choice(sups),
                    "reference": f"M-{i:06d}",
                    "object": f"Marché de test numéro {i} "
                    + rng.choice(["fournitures", "services", "travaux"]),
                    "nature": rng.choice(list(PurchaseNature)).value,
                    "decp_nature": "marche",
                    "procedure": rng.choice(list(Procedure)).value,
                    "status": "active",
                    "notified_amount": Decimal(rng.randint(100000, 50000000)) / 100,
                    "start_date": end - dt.timedelta(days=rng.choice([365, 730, 1095])),
                    "end_date": end,
                    "duration_months": 24,
                    "recurrent": rng.random() < 0.7,
                    "is_framework": False,
                    "renewable": False,
                    "innovative": False,
                    "advance_granted": False,
                    "subcontracting_declared": False,
                    "operator_grouping": "none",
                    "price_types": [],
                    "techniques": [],
                    "execution_modes": [],
                    "social_considerations": [],
                    "environmental_considerations": [],
                }
            )
        s.execute(insert(Contract), crows)
        if orders:  # an empty parameter list would insert one row of defaults
            s.execute(
                insert(Order), order_rows(rng, org_id, deps, fams, sups, sites, crows, orders, days=365)
            )
    db.dispose()
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=100_000)
    a = parser.parse_args()
    t = time.perf_counter()
    write_scale_database(Path(a.out), a.contracts, a.orders)
    print(f"wrote {a.out}: {a.contracts} contracts, {a.orders} orders in {time.perf_counter() - t:.2f} s")

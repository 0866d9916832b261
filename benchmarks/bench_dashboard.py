"""How long the SPASER indicators take on the scale database (10,000 contracts, 100,000 orders).

Measures, in the same run:
- the engine: every indicator of the year with its two-year trend, for all organisations, from the
  plain facts (``app.rules.indicators.evaluate_all``) — the figure the issue bounds at 300 ms;
- the whole service (``dashboard_data``: reading the facts from the file, then the engine);
- the baseline: one naive Python loop over ORM ``Contract`` objects per indicator and per year.

``run_all`` runs the registered measure: the whole service on the scale database, first call of a
fresh process, against reading the contract rows with the sqlite3 module (target: under 1 s).

    .venv/bin/python benchmarks/bench_dashboard.py [CONTRACTS] [ORDERS]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app.enums import FORMALISED_PROCEDURES, SupplierSize  # noqa: E402
from app.model import Contract, Organisation, Supplier  # noqa: E402
from app.rules import indicators as engine  # noqa: E402
from benchmarks.harness import Context, measure  # noqa: E402

YEAR = 2026
TODAY = dt.date(2026, 12, 1)


def best_of(runs: int, fn) -> tuple[float, object]:  # noqa: ANN001
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def naive(db, org_id) -> dict[str, tuple[int, int]]:  # noqa: ANN001
    """The same contract shares, the obvious way: for each indicator and year, loop over the ORM
    objects (and their supplier) and test each one."""
    tests = {
        "env_criterion": (
            lambda c, s: True,
            lambda c, s: any("critère" in v.lower() for v in c.environmental_considerations or ()),
        ),
        "env_consideration": (lambda c, s: True, lambda c, s: bool(c.environmental_considerations)),
        "insertion_formalised": (lambda c, s: c.procedure in FORMALISED_PROCEDURES, lambda c, s: False),
        "social_formalised": (
            lambda c, s: c.procedure in FORMALISED_PROCEDURES,
            lambda c, s: bool(c.social_considerations),
        ),
        "sme_holders": (
            lambda c, s: s is not None,
            lambda c, s: s.size in (SupplierSize.TPE, SupplierSize.PME),
        ),
        "advance_30": (lambda c, s: (c.notified_amount or 0) < 215_000, lambda c, s: bool(c.advance_granted)),
        "price_revision": (lambda c, s: (c.duration_months or 0) > 12, lambda c, s: bool(c.price_types)),
        "lots": (lambda c, s: True, lambda c, s: bool(c.lots)),
    }
    out = {}
    with db.session(write=False) as session:
        for key, (scope, hit) in tests.items():
            for year in (YEAR - 2, YEAR - 1, YEAR):
                num = den = 0
                for contract in session.scalars(select(Contract).where(Contract.organisation_id == org_id)):
                    passed = contract.notification_date or contract.start_date
                    if passed is None or passed.year != year:
                        continue
                    supplier = session.get(Supplier, contract.supplier_id) if contract.supplier_id else None
                    if scope(contract, supplier):
                        den += 1
                        num += bool(hit(contract, supplier))
                out[(key, year)] = (num, den)
    return out


def _timed_on_scale(ctx: Context, read) -> tuple[float, float]:  # noqa: ANN001
    """``read(db, org_id)`` timed on a copy of the scale database, first call of a fresh process,
    after the baseline (reading the contract rows with the sqlite3 module) in the same round."""
    import sqlite3

    from app.storage import open_database

    path = ctx.copy_db()
    start = time.perf_counter()
    con = sqlite3.connect(path)
    assert con.execute("SELECT * FROM contract").fetchall()
    con.close()
    baseline = time.perf_counter() - start
    db = open_database(path)
    with db.read() as session:
        org_id = session.scalars(select(Organisation.id).order_by(Organisation.name)).first()
    start = time.perf_counter()
    assert read(db, org_id)
    figure = time.perf_counter() - start
    db.dispose()
    return figure, baseline


@measure(
    "Indicateurs SPASER (tableau de bord entier, 10 000 marchés)",
    target_s=1.0,
    baseline="sqlite3 : lecture des 10 000 marchés",
)
def indicators_round(ctx: Context) -> tuple[float, float]:
    """One round for ``run_all``: ``dashboard_data`` (every indicator of the year and its trend, all
    scopes) on the scale database, against reading the contract rows with the sqlite3 module."""
    from app.services.dashboard import dashboard_data

    return _timed_on_scale(ctx, lambda db, org: dashboard_data(db, org, YEAR, today=TODAY).results)


@measure(
    "Tableau de bord : tout ce qu'il affiche à l'ouverture (10 000 marchés)",
    target_s=1.0,
    baseline="sqlite3 : lecture des 10 000 marchés",
)
def dashboard_screen_round(ctx: Context) -> tuple[float, float]:
    """One round: ``dashboard_screen`` (counts, « À faire », the facts sentence and every indicator,
    the facts read once), against reading the contract rows with the sqlite3 module."""
    from app.services.dashboard import dashboard_screen

    return _timed_on_scale(ctx, lambda db, org: dashboard_screen(db, org, YEAR, today=TODAY).rows)


def main(contracts: int, orders: int) -> None:
    from app.queries.dashboard import gather_facts, target_points
    from app.services.dashboard import dashboard_data
    from app.storage import open_database
    from benchmarks.scale_data import write_scale_database

    with tempfile.TemporaryDirectory() as folder:
        path = write_scale_database(Path(folder) / "scale.sqlite", contracts, orders)
        db = open_database(path)
        with db.session(write=False) as session:
            org_ids = list(session.scalars(select(Organisation.id)))
            years = (YEAR - 2, YEAR - 1, YEAR)
            parts = [gather_facts(session, org, years, today=TODAY) for org in org_ids]
            points = target_points(session, org_ids[0])
        facts = engine.DashboardFacts(
            tuple(c for p in parts for c in p.contracts),
            tuple(m for p in parts for m in p.committees),
            tuple(o for p in parts for o in p.orders),
        )
        engine_s, results = best_of(5, lambda: engine.evaluate_all(facts, YEAR, points, trend_years=years))
        service_s, _ = best_of(2, lambda: dashboard_data(db, org_ids[0], YEAR, today=TODAY))
        naive_s, _ = best_of(1, lambda: naive(db, org_ids[0]))
        db.dispose()
    print(
        f"contracts: {len(facts.contracts)}, orders: {sum(o.orders for o in facts.orders if o.year == YEAR)} in {YEAR}"
    )
    print(f"indicators: {len(results)} (year and two-year trend), organisations: {len(org_ids)}")
    print(f"engine, all indicators:            {engine_s * 1000:8.1f} ms   (limit 300 ms)")
    print(f"whole service (read file + engine): {service_s * 1000:8.1f} ms")
    print(f"baseline, naive ORM loop (8 shares): {naive_s * 1000:8.1f} ms")
    print(f"ratio baseline / engine:            {naive_s / engine_s:8.1f}x")
    print(f"ratio baseline / whole service:     {naive_s / service_s:8.1f}x")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    )

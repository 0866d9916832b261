"""Group 100,000 orders: ``python benchmarks/bench_grouping.py [--orders 100000] [--capacity 500]``.

Orders come from ``scale_data.order_rows`` (one organisation, 8 departments, 40 families, 500
suppliers, 5 sites, 300 contracts by default, two years). Prints the time of the exact (uncapacitated)
grouping and of the capacity heuristic, the reduction, the gap to the lower bound, and a naive
baseline measured in the same run: one order per supplier and calendar week.
Target: under 2 s for 100,000 orders. Registered in ``run_all.py`` (the exact grouping).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.grouping.algorithm import (  # noqa: E402
    GroupingOptions,
    OrderInput,
    group_orders,
    naive_weekly_groups,
    order_window_end,
)
from benchmarks.harness import Context, measure  # noqa: E402
from benchmarks.scale_data import order_rows  # noqa: E402


def make_orders(count: int, contracts_count: int = 300, seed: int = 7) -> list[OrderInput]:
    rng = random.Random(seed)
    new_id = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)  # noqa: E731
    org = new_id()
    deps = [new_id() for _ in range(8)]
    fams = [new_id() for _ in range(40)]
    sups = [new_id() for _ in range(500)]
    sites = [new_id() for _ in range(5)]
    contracts = [
        {"id": new_id(), "supplier_id": rng.choice(sups), "family_id": rng.choice(fams)}
        for _ in range(contracts_count)
    ]
    rows = order_rows(rng, org, deps, fams, sups, sites, contracts, count)
    return [
        OrderInput(
            id=r["id"],
            number=r["number"],
            organisation=org,
            supplier=r["supplier_id"],
            contract=r["contract_id"],
            family=r["family_id"],
            site=r["delivery_site_id"],
            order_date=r["order_date"],
            window_end=order_window_end(r["order_date"], r["latest_delivery_date"], 14, 14),
            amount=r["amount"],
            weight_kg=r["weight_kg"],
            department=str(r["department_id"]),
        )
        for r in rows
    ]


def timed(fn):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


@measure(
    "Groupement seul (algorithme exact), 100 000 commandes en mémoire",
    target_s=2.0,
    baseline="regroupement naïf fournisseur + semaine",
)
def exact_grouping(ctx: Context) -> tuple[float, float]:
    orders = make_orders(100_000)
    _, naive_time = timed(lambda: naive_weekly_groups(orders))
    _, exact_time = timed(lambda: group_orders(orders))
    return exact_time, naive_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--capacity", type=int, default=500, help="kg per delivery for the capacity run")
    parser.add_argument(
        "--contracts",
        type=int,
        default=300,
        help="contracts the orders are placed under (300: many orders per contract, as in a town's order "
        "forms; 10000 makes almost every order unique, so little can be grouped)",
    )
    args = parser.parse_args()
    orders, build = timed(lambda: make_orders(args.orders, args.contracts))
    print(f"{len(orders)} orders generated in {build:.2f} s")

    naive, naive_time = timed(lambda: naive_weekly_groups(orders))
    exact, exact_time = timed(lambda: group_orders(orders))
    capped, capped_time = timed(
        lambda: group_orders(orders, GroupingOptions(capacity=Decimal(args.capacity), capacity_unit="kg"))
    )
    n = len(orders)
    print(
        f"naive baseline (supplier + calendar week): {naive} orders ({(n - naive) / n:.1%} fewer) in {naive_time:.3f} s"
    )
    print(
        f"exact grouping (no capacity): {exact.orders_after} orders ({float(exact.reduction):.1%} fewer) "
        f"in {exact_time:.3f} s; lower bound {exact.lower_bound} (gap {exact.orders_after - exact.lower_bound})"
    )
    gap = (capped.orders_after - capped.lower_bound) / capped.lower_bound if capped.lower_bound else 0
    print(
        f"capacity {args.capacity} kg: {capped.orders_after} orders ({float(capped.reduction):.1%} fewer) "
        f"in {capped_time:.3f} s; lower bound {capped.lower_bound} (gap {gap:.1%})"
    )
    print(f"time ratio exact / naive baseline: {exact_time / naive_time:.1f}x")
    verdict = "OK" if max(exact_time, capped_time) < 2.0 else "TOO SLOW"
    print(f"target < 2 s for {n} orders: {verdict}")


if __name__ == "__main__":
    main()

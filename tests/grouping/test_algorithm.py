"""Grouping algorithm: exact optimum without capacity (against brute force), and properties that
hold with or without capacity (keys, windows, capacity, every order in exactly one group)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.grouping.algorithm import (
    CENTRAL,
    NOT_ELIGIBLE,
    GroupingOptions,
    OrderInput,
    group_orders,
    grouping_key,
    naive_weekly_groups,
    order_window_end,
    reduction_by,
)

DAY0 = dt.date(2026, 1, 5)


def make_order(i, start, length, *, supplier="S1", contract="C1", family="F1", site="A", org="O1", **kw):
    return OrderInput(
        id=i,
        number=f"BC-{i:04d}",
        organisation=org,
        supplier=supplier,
        contract=contract,
        family=family,
        site=site,
        order_date=DAY0 + dt.timedelta(days=start),
        window_end=DAY0 + dt.timedelta(days=start + length),
        amount=kw.pop("amount", Decimal("100")),
        weight_kg=kw.pop("weight_kg", Decimal("10")),
        department=kw.pop("department", f"Service {i % 3}"),
        **kw,
    )


def set_partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in set_partitions(rest):
        for i in range(len(partition)):
            yield partition[:i] + [[first, *partition[i]]] + partition[i + 1 :]
        yield [[first], *partition]


def feasible(block, options):
    keys = {grouping_key(o, options) for o in block}
    if len(block) > 1 and (len(keys) != 1 or None in keys):
        return False
    if max(o.order_date for o in block) > min(o.window_end for o in block):
        return False
    if options.capacity is not None and len(block) > 1:
        return sum(o.load(options.capacity_unit) for o in block) <= options.capacity
    return True


def brute_force_minimum(orders, options):
    return min(len(p) for p in set_partitions(list(orders)) if all(feasible(block, options) for block in p))


def random_orders(rng, n):
    return [
        make_order(
            i,
            rng.randint(0, 20),
            rng.randint(0, 8),
            supplier=rng.choice(["S1", "S2"]),
            contract=rng.choice(["C1", None]),
            family=rng.choice(["F1", "F2"]),
            site=rng.choice(["A", "B"]),
            weight_kg=Decimal(rng.randint(1, 60)),
            eligible=rng.random() > 0.1,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("seed", range(60))
def test_greedy_is_optimal_against_brute_force(seed):
    rng = random.Random(seed)
    orders = random_orders(rng, rng.randint(1, 8))
    options = GroupingOptions(central_reception=frozenset({"O1"}) if seed % 4 == 0 else frozenset())
    result = group_orders(orders, options)
    assert result.orders_after == brute_force_minimum(orders, options)
    assert result.lower_bound == result.orders_after


@pytest.mark.parametrize("seed", range(40))
def test_capacity_heuristic_between_lower_bound_and_brute_force_checked(seed):
    rng = random.Random(1000 + seed)
    orders = random_orders(rng, rng.randint(1, 7))
    options = GroupingOptions(capacity=Decimal(80), capacity_unit="kg")
    result = group_orders(orders, options)
    optimum = brute_force_minimum(orders, options)
    assert result.lower_bound <= optimum <= result.orders_after


def test_interval_example_from_the_docstring():
    # Windows [0,4], [2,6], [5,9], [8,8]: days 4 and 8 pierce all of them; 2 is optimal.
    orders = [make_order(1, 0, 4), make_order(2, 2, 4), make_order(3, 5, 4), make_order(4, 8, 0)]
    result = group_orders(orders)
    assert [g.order_numbers for g in result.groups] == [["BC-0001", "BC-0002"], ["BC-0003", "BC-0004"]]
    first = result.groups[0]
    assert first.order_date == DAY0 + dt.timedelta(days=2)
    assert first.delivery_date == DAY0 + dt.timedelta(days=4)
    assert first.departments == ["Service 1", "Service 2"]


def test_different_contracts_sites_and_suppliers_never_merge():
    orders = [
        make_order(1, 0, 10),
        make_order(2, 0, 10, contract="C2"),
        make_order(3, 0, 10, site="B"),
        make_order(4, 0, 10, supplier="S2"),
    ]
    assert group_orders(orders).orders_after == 4


def test_central_reception_site_lets_sites_merge():
    orders = [make_order(1, 0, 10, site="A"), make_order(2, 1, 10, site="B")]
    result = group_orders(orders, GroupingOptions(central_reception=frozenset({"O1"})))
    assert result.orders_after == 1
    assert result.groups[0].site == CENTRAL


def test_ineligible_family_stays_alone_with_its_reason():
    orders = [make_order(1, 0, 10, eligible=False), make_order(2, 0, 10, eligible=False)]
    result = group_orders(orders)
    assert result.orders_after == 2
    assert {g.reason for g in result.groups} == {NOT_ELIGIBLE}


def test_orders_without_contract_group_by_family_with_a_price_warning():
    orders = [make_order(1, 0, 10, contract=None), make_order(2, 3, 10, contract=None)]
    (group,) = group_orders(orders).groups
    assert group.size == 2
    assert "prix" in group.warning


def test_overweight_order_is_delivered_alone_and_flagged():
    orders = [make_order(1, 0, 10, weight_kg=Decimal(500)), make_order(2, 0, 10, weight_kg=Decimal(5))]
    result = group_orders(orders, GroupingOptions(capacity=Decimal(100)))
    assert result.orders_after == 2
    assert [g.over_capacity for g in result.groups if g.size == 1 and g.total_weight_kg == 500] == [True]


def test_capacity_in_euros():
    orders = [make_order(i, 0, 10, amount=Decimal(400)) for i in range(5)]
    result = group_orders(orders, GroupingOptions(capacity=Decimal(1000), capacity_unit="eur"))
    assert result.orders_after == 3
    assert result.lower_bound == 2


def test_result_does_not_depend_on_input_order():
    rng = random.Random(5)
    orders = random_orders(rng, 200)
    shuffled = orders[:]
    rng.shuffle(shuffled)
    a = group_orders(orders, GroupingOptions(capacity=Decimal(90)))
    b = group_orders(shuffled, GroupingOptions(capacity=Decimal(90)))
    assert [g.order_numbers for g in a.groups] == [g.order_numbers for g in b.groups]


def test_window_end_uses_latest_delivery_then_family_delay_then_default():
    day = dt.date(2026, 3, 2)
    assert order_window_end(day, dt.date(2026, 3, 5), 14, 30) == dt.date(2026, 3, 5)
    assert order_window_end(day, None, 7, 30) == dt.date(2026, 3, 9)
    assert order_window_end(day, None, None, 14) == dt.date(2026, 3, 16)


def test_naive_baseline_and_reduction_by_family():
    orders = [make_order(1, 0, 1), make_order(2, 1, 1), make_order(3, 7, 1, family="F2", contract=None)]
    assert naive_weekly_groups(orders) == 2
    result = group_orders(orders)
    by_family = {r.key: (r.before, r.after) for r in reduction_by(result, "family")}
    assert by_family == {"F1": (2, 1), "F2": (1, 1)}
    assert result.reduction == Decimal(1) / Decimal(3)


order_strategy = st.builds(
    lambda i, start, length, supplier, contract, site, weight, eligible: make_order(
        i,
        start,
        length,
        supplier=supplier,
        contract=contract,
        site=site,
        weight_kg=weight,
        eligible=eligible,
    ),
    i=st.integers(0, 10**6),
    start=st.integers(0, 60),
    length=st.integers(0, 21),
    supplier=st.sampled_from(["S1", "S2", "S3", None]),
    contract=st.sampled_from(["C1", "C2", None]),
    site=st.sampled_from(["A", "B"]),
    weight=st.one_of(st.none(), st.integers(0, 300).map(Decimal)),
    eligible=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    orders=st.lists(order_strategy, max_size=60, unique_by=lambda o: o.id),
    capacity=st.one_of(st.none(), st.integers(1, 400).map(Decimal)),
    unit=st.sampled_from(["kg", "eur"]),
    central=st.booleans(),
)
def test_every_group_respects_keys_windows_capacity_and_partitions_the_orders(
    orders, capacity, unit, central
):
    options = GroupingOptions(
        capacity=capacity, capacity_unit=unit, central_reception=frozenset({"O1"} if central else ())
    )
    result = group_orders(orders, options)
    seen = [o.id for g in result.groups for o in g.orders]
    assert sorted(seen) == sorted(o.id for o in orders)  # each order in exactly one group
    assert result.lower_bound <= result.orders_after
    for group in result.groups:
        keys = {grouping_key(o, options) for o in group.orders}
        assert len(keys) == 1
        if group.size > 1:
            assert None not in keys
        for order in group.orders:
            assert order.order_date <= group.order_date <= group.delivery_date <= order.window_end
        if capacity is not None and group.size > 1:
            assert sum(o.load(unit) for o in group.orders) <= capacity
        if group.over_capacity:
            assert group.size == 1
    if capacity is None:
        assert result.lower_bound == result.orders_after

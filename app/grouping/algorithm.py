"""Which orders can share one grouped order, and the fewest grouped orders that serve them all.

Two orders may be grouped when they have the same **key**: the same organisation, the same supplier,
the same contract (or, for orders placed without a contract, the same purchase family), and the same
delivery site, unless the organisation has a central reception site, where every delivery arrives
anyway. Departments are *not* part of the key: grouping across departments is the whole point.
Orders whose family is excluded from grouping by the buyer, or whose supplier is unknown, stay alone.

Each order has a **time window** ``[order_date, window_end]``: it is known from its order date and
must be delivered by its latest delivery date (or order date + the family's maximum delay). A set of
orders can be served by one delivery if and only if there is a day inside all of their windows.

Minimum number of grouped orders (no capacity)
==============================================
Within one key, finding the fewest groups is the *interval piercing* (stabbing) problem: choose the
fewest days such that every window contains one chosen day; the orders whose window contains a day
are ordered together on that day.

*Groups ↔ days.* A group is feasible iff its windows share a day: windows are intervals of a line,
and pairwise-intersecting intervals always share a point (Helly's property in dimension one: the
largest start is ≤ the smallest end). So any feasible grouping with ``k`` groups yields ``k`` days
piercing every window (one per group), and any ``k`` piercing days yield a grouping with ``k``
groups (each order goes to one day its window contains).

*The greedy.* Sort the windows by end (ties by start). Take the first window's end ``p`` as a day;
every following window with ``start ≤ p`` contains ``p`` (its end is ≥ ``p`` by the sort order), so
it joins the group; the first window with ``start > p`` opens a new group at its own end. This is
``O(n log n)`` for the sort and ``O(n)`` afterwards.

*Why it is optimal* (disjoint witnesses). Let ``p1 < p2 < … < pk`` be the greedy's days and let
``w1, …, wk`` be the windows that opened each group; ``pi`` is the end of ``wi``. For ``i < j``,
``wj`` opened a new group, so its start is after the day in force then, ``p_{j-1} ≥ pi``.
So ``wi`` and ``wj`` are **disjoint**: ``wi`` ends at ``pi`` and ``wj`` starts after ``pi``. Hence
``w1, …, wk`` are ``k`` pairwise-disjoint windows; no single day lies in two of them, so any piercing
set — any grouping — needs at least ``k`` days. The greedy's ``k`` is therefore the minimum.
Keys are independent (no group spans two keys), so the sum of the per-key minima is the global
minimum. ``tests/grouping/test_algorithm.py`` checks this against brute force on random instances.

Capacity per delivery (kg or euros HT)
======================================
With a capacity, the problem becomes a bin-packing variant (NP-hard in general), so we use a
heuristic and report a **lower bound** next to its result:

*Heuristic* ("earliest deadline, first fit"): repeatedly take the unassigned order with the earliest
window end ``p``; the candidates are the unassigned orders whose window contains ``p`` (start ≤ ``p``).
Fill one delivery with them in order of window end (most urgent first), skipping any order that does
not fit in what is left of the capacity (at most ``SKIP_LIMIT`` skipped in a row, to stay
``O(n log n)``). Skipped orders wait for a later day. An order heavier than the capacity on its own
is delivered alone and marked ``over_capacity`` (it cannot be split here). An order whose weight is
unknown counts for 0 kg (its amount is always known).

*Lower bound*, per key: the larger of the uncapacitated optimum (capacity only adds constraints) and
``ceil(Σ min(load, capacity) / capacity)`` (every delivery carries at most one capacity; an order
alone over the capacity is clamped to it). The sum over keys bounds the global optimum from below;
when the heuristic meets the bound, its result is optimal.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Literal, NamedTuple

CapacityUnit = Literal["kg", "eur"]

# The label of the single delivery site used for organisations with a central reception site.
CENTRAL = "__central__"
# How many candidates the capacity heuristic skips in a row before closing a delivery.
SKIP_LIMIT = 64

NOT_ELIGIBLE = "Famille exclue de la mutualisation"
NO_SUPPLIER = "Fournisseur inconnu"
NO_BASIS = "Ni marché ni famille d'achat"


class OrderInput(NamedTuple):
    """One order as the grouping sees it (ids are any hashable values: UUIDs, ints, strings).

    A named tuple, immutable and hashable like the frozen dataclass it was, but built from a row in
    a tenth of the time (``OrderInput._make(values)``): the loader makes 100,000 of them."""

    id: Hashable
    number: str
    organisation: Hashable
    supplier: Hashable | None
    contract: Hashable | None
    family: Hashable | None
    site: Hashable | None
    order_date: dt.date
    window_end: dt.date
    amount: Decimal
    weight_kg: Decimal | None = None
    department: str | None = None
    eligible: bool = True

    def load(self, unit: CapacityUnit) -> Decimal:
        if unit == "eur":
            return self.amount
        return self.weight_kg if self.weight_kg is not None else Decimal(0)


def order_window_end(
    order_date: dt.date, latest_delivery: dt.date | None, max_delay_days: int | None, default_days: int
) -> dt.date:
    """The last day an order can be delivered: its latest delivery date, else order date + the
    family's maximum delay (else the default delay setting)."""
    if latest_delivery is not None:
        return max(latest_delivery, order_date)
    days = max_delay_days if max_delay_days is not None else default_days
    return order_date + dt.timedelta(days=max(days, 0))


@dataclass(frozen=True)
class GroupingOptions:
    capacity: Decimal | None = None
    capacity_unit: CapacityUnit = "kg"
    # Organisations with a central reception site: their delivery sites do not split groups.
    central_reception: frozenset[Hashable] = frozenset()


@dataclass(slots=True, eq=False)  # not frozen: built 100,000 times, frozen init is 3x slower
class Group:
    """One grouped order (or an order left alone). ``order_date`` is the day it is placed (the
    latest start of its members' windows), ``delivery_date`` the day it must be delivered by (the
    earliest end); every member's window contains both."""

    key: tuple | None
    orders: tuple[OrderInput, ...]
    order_date: dt.date
    delivery_date: dt.date
    total_amount: Decimal
    total_weight_kg: Decimal | None
    over_capacity: bool = False
    reason: str | None = None  # why the order could not be grouped at all

    @property
    def size(self) -> int:
        return len(self.orders)

    @property
    def order_numbers(self) -> list[str]:
        return [o.number for o in self.orders]

    @property
    def departments(self) -> list[str]:
        return sorted({o.department for o in self.orders if o.department})

    @property
    def supplier(self) -> Hashable | None:
        return self.orders[0].supplier

    @property
    def contract(self) -> Hashable | None:
        return self.orders[0].contract

    @property
    def family(self) -> Hashable | None:
        return self.orders[0].family

    @property
    def site(self) -> Hashable | None:
        return self.key[3] if self.key else self.orders[0].site

    @property
    def warning(self) -> str | None:
        """Orders merged without a contract may carry different prices: the buyer must check."""
        if self.size > 1 and self.contract is None:
            return "Commandes hors marché : vérifier que les prix unitaires sont identiques"
        return None


@dataclass(frozen=True)
class GroupingResult:
    groups: tuple[Group, ...]
    lower_bound: int
    options: GroupingOptions = field(default_factory=GroupingOptions)

    @cached_property  # read by every summary figure: summed once over the 100,000 groups
    def orders_before(self) -> int:
        return sum(g.size for g in self.groups)

    @property
    def orders_after(self) -> int:
        return len(self.groups)

    @property
    def reduction(self) -> Decimal:
        """Share of orders saved (0..1)."""
        if not self.orders_before:
            return Decimal(0)
        return Decimal(self.orders_before - self.orders_after) / Decimal(self.orders_before)

    @property
    def merged_groups(self) -> list[Group]:
        return [g for g in self.groups if g.size > 1]


def grouping_key(order: OrderInput, options: GroupingOptions) -> tuple | None:
    """The key orders must share to be grouped, or None when the order must stay alone."""
    if not order.eligible or order.supplier is None:
        return None
    if order.contract is not None:
        basis: tuple = ("contract", order.contract)
    elif order.family is not None:
        basis = ("family", order.family)
    else:
        return None
    site = CENTRAL if order.organisation in options.central_reception else order.site
    return (order.organisation, order.supplier, basis, site)


def _alone_reason(order: OrderInput) -> str:
    if not order.eligible:
        return NOT_ELIGIBLE
    if order.supplier is None:
        return NO_SUPPLIER
    return NO_BASIS


def _make_group(
    key: tuple | None, members: Sequence[OrderInput], *, over: bool = False, reason=None
) -> Group:
    if len(members) == 1:  # the common case at scale: no sort, no sums
        (order,) = members
        return Group(
            key=key,
            orders=(order,),
            order_date=order.order_date,
            delivery_date=order.window_end,
            total_amount=order.amount,
            total_weight_kg=order.weight_kg,
            over_capacity=over,
            reason=reason,
        )
    members = sorted(members, key=lambda o: (o.order_date, o.number))
    weights = [o.weight_kg for o in members if o.weight_kg is not None]
    return Group(
        key=key,
        orders=tuple(members),
        order_date=max(o.order_date for o in members),
        delivery_date=min(o.window_end for o in members),
        total_amount=sum((o.amount for o in members), Decimal(0)),
        total_weight_kg=sum(weights, Decimal(0)) if weights else None,
        over_capacity=over,
        reason=reason,
    )


def _single(key: tuple | None, order: OrderInput, over: bool, reason: str | None) -> Group:
    """``_make_group(key, [order], over=over, reason=reason)`` without the list and keywords."""
    return Group(
        key, (order,), order.order_date, order.window_end, order.amount, order.weight_kg, over, reason
    )


def _by_end(orders: Iterable[OrderInput]) -> list[OrderInput]:
    return sorted(orders, key=lambda o: (o.window_end, o.order_date, o.number))


def pierce(orders: Iterable[OrderInput]) -> list[list[OrderInput]]:
    """Fewest groups of orders whose windows share a day (the greedy proved optimal above).
    All ``orders`` are assumed to have the same key."""
    groups: list[list[OrderInput]] = []
    point: dt.date | None = None
    for order in _by_end(orders):
        if point is not None and order.order_date <= point:
            groups[-1].append(order)
        else:
            groups.append([order])
            point = order.window_end
    return groups


def pierce_with_capacity(
    orders: Iterable[OrderInput], capacity: Decimal, unit: CapacityUnit
) -> list[tuple[list[OrderInput], bool]]:
    """Earliest-deadline first-fit heuristic (see the module docstring); returns (members, over)."""
    by_end = _by_end(orders)
    by_start = sorted(range(len(by_end)), key=lambda i: (by_end[i].order_date, i))
    assigned = [False] * len(by_end)
    active: list[int] = []  # heap of indexes into by_end (sorted by end, so index order = end order)
    next_end = 0
    next_start = 0
    out: list[tuple[list[OrderInput], bool]] = []
    while True:
        while next_end < len(by_end) and assigned[next_end]:
            next_end += 1
        if next_end == len(by_end):
            return out
        point = by_end[next_end].window_end
        while next_start < len(by_start) and by_end[by_start[next_start]].order_date <= point:
            heapq.heappush(active, by_start[next_start])
            next_start += 1
        members: list[OrderInput] = []
        left = capacity
        skipped: list[int] = []
        over = False
        while active and len(skipped) < SKIP_LIMIT:
            index = heapq.heappop(active)
            if assigned[index]:
                continue
            load = by_end[index].load(unit)
            if not members and load > capacity:
                # Too heavy for one delivery on its own: delivered alone, flagged.
                members.append(by_end[index])
                assigned[index] = True
                over = True
                break
            if load <= left:
                members.append(by_end[index])
                assigned[index] = True
                left -= load
                if left <= 0:
                    break
            else:
                skipped.append(index)
        for index in skipped:
            heapq.heappush(active, index)
        out.append((members, over))


def _lower_bound_for_key(orders: Sequence[OrderInput], uncapacitated: int, options: GroupingOptions) -> int:
    if options.capacity is None or options.capacity <= 0:
        return uncapacitated
    capacity = options.capacity
    clamped = sum((min(o.load(options.capacity_unit), capacity) for o in orders), Decimal(0))
    return max(uncapacitated, math.ceil(clamped / capacity))


def group_orders(orders: Iterable[OrderInput], options: GroupingOptions | None = None) -> GroupingResult:
    """Group ``orders``: exact minimum without capacity, earliest-deadline first-fit with one.

    Deterministic: the same orders in any input order give the same groups.
    """
    options = options or GroupingOptions()
    by_key: dict[tuple, list[OrderInput]] = defaultdict(list)
    groups: list[Group] = []
    lower_bound = 0
    capacity = options.capacity if options.capacity is not None and options.capacity > 0 else None
    unit, central = options.capacity_unit, options.central_reception
    for order in orders:
        # ``grouping_key`` inline (100,000 calls at scale): the same key, or None.
        if not order.eligible or order.supplier is None:
            key = None
        elif order.contract is not None:
            key = (order.organisation, order.supplier, ("contract", order.contract), order.site)
        elif order.family is not None:
            key = (order.organisation, order.supplier, ("family", order.family), order.site)
        else:
            key = None
        if key is None:
            over = capacity is not None and order.load(unit) > capacity
            groups.append(_single(None, order, over, _alone_reason(order)))
            lower_bound += 1
        else:
            if central and order.organisation in central:
                key = (*key[:3], CENTRAL)
            by_key[key].append(order)
    # Keys are independent, and the groups are sorted at the end: no need to order the keys.
    append = groups.append
    for key, members in by_key.items():
        if len(members) == 1:
            over = capacity is not None and members[0].load(unit) > capacity
            append(_single(key, members[0], over, None))
            lower_bound += 1
            continue
        exact = pierce(members)
        lower_bound += _lower_bound_for_key(members, len(exact), options)
        if capacity is None:
            for g in exact:
                append(_single(key, g[0], False, None) if len(g) == 1 else _make_group(key, g))
        else:
            groups.extend(
                _make_group(key, g, over=over) for g, over in pierce_with_capacity(members, capacity, unit)
            )
    groups.sort(key=lambda g: (g.order_date, g.orders[0].number))
    return GroupingResult(groups=tuple(groups), lower_bound=lower_bound, options=options)


def naive_weekly_groups(orders: Iterable[OrderInput]) -> int:
    """Baseline: one grouped order per organisation, supplier and calendar week (ignores contracts,
    sites and delivery windows; ineligible orders and orders without supplier stay alone)."""
    keys: set[tuple] = set()
    alone = 0
    weeks: dict[dt.date, tuple[int, int]] = {}  # a year has 365 days, not 100,000
    for order in orders:
        if not order.eligible or order.supplier is None:
            alone += 1
            continue
        day = order.order_date
        week = weeks.get(day)
        if week is None:
            week = weeks[day] = tuple(day.isocalendar())[:2]
        keys.add((order.organisation, order.supplier, *week))
    return len(keys) + alone


@dataclass(frozen=True)
class Reduction:
    key: Hashable
    before: int
    after: int

    @property
    def reduction(self) -> Decimal:
        return Decimal(self.before - self.after) / Decimal(self.before) if self.before else Decimal(0)


def reduction_by(result: GroupingResult, attribute: str) -> list[Reduction]:
    """Orders before and after per value of ``attribute`` ("family", "contract", "supplier"...):
    a group counts once for each value its members carry."""
    before: dict[Hashable, int] = defaultdict(int)
    after: dict[Hashable, int] = defaultdict(int)
    for group in result.groups:
        values = {getattr(o, attribute) for o in group.orders}
        for order in group.orders:
            before[getattr(order, attribute)] += 1
        for value in values:
            after[value] += 1
    return [Reduction(k, before[k], after[k]) for k in sorted(before, key=lambda v: (v is None, str(v)))]

"""Ordering calendar: for each family open to grouping, a rhythm derived from the orders.

The period is the family's typical delivery window (median of its orders' windows) rounded down to
whole weeks, between one and four weeks: a need that arises any day then waits at most one period
for the next grouped order, so it is still delivered within its usual delay. The day of the week
is the one on which the departments already order most often (Monday to Friday).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from app.grouping.algorithm import OrderInput

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MAX_PERIOD_WEEKS = 4


@dataclass(frozen=True)
class Rhythm:
    family: Hashable
    label: str
    orders: int  # orders placed in the family over the period studied
    median_window_days: int
    period_weeks: int
    weekday: int  # 0 = Monday
    slots_per_year: int
    keys: int  # distinct supplier/contract/site combinations ordered from

    @property
    def text(self) -> str:
        day = WEEKDAYS[self.weekday]
        if self.period_weeks == 1:
            return f"une commande groupée tous les {day}s"
        if self.period_weeks == 2:
            return f"une commande groupée tous les deux {day}s"
        word = {3: "trois", 4: "quatre"}[self.period_weeks]
        return f"une commande groupée toutes les {word} semaines, le {day}"

    @property
    def expected_orders_per_year(self) -> int:
        return min(self.orders, self.slots_per_year * self.keys)

    def dates(self, start: dt.date, count: int) -> list[dt.date]:
        """The next ``count`` ordering days from ``start`` (included)."""
        first = start + dt.timedelta(days=(self.weekday - start.weekday()) % 7)
        return [first + dt.timedelta(weeks=self.period_weeks * i) for i in range(count)]


def propose_rhythm(family: Hashable, label: str, orders: Iterable[OrderInput]) -> Rhythm | None:
    """The rhythm of one family from its orders (None when it has none)."""
    orders = list(orders)
    if not orders:
        return None
    windows = [(o.window_end - o.order_date).days for o in orders]
    median = int(statistics.median_low(windows))
    period = min(max(median // 7, 1), MAX_PERIOD_WEEKS)
    weekdays = Counter(o.order_date.weekday() for o in orders if o.order_date.weekday() < 5)
    weekday = min(weekdays, key=lambda d: (-weekdays[d], d)) if weekdays else 0
    keys = len({(o.organisation, o.supplier, o.contract, o.site) for o in orders})
    return Rhythm(
        family=family,
        label=label,
        orders=len(orders),
        median_window_days=median,
        period_weeks=period,
        weekday=weekday,
        slots_per_year=math.ceil(52 / period),
        keys=keys,
    )


def ordering_calendar(orders: Iterable[OrderInput], labels: Mapping[Hashable, str]) -> list[Rhythm]:
    """One rhythm per eligible family, the busiest families first."""
    by_family: dict[Hashable, list[OrderInput]] = {}
    for order in orders:
        if order.eligible and order.family is not None:
            by_family.setdefault(order.family, []).append(order)
    rhythms = [
        propose_rhythm(family, labels.get(family, str(family)), items) for family, items in by_family.items()
    ]
    return sorted((r for r in rhythms if r), key=lambda r: (-r.orders, r.label))

"""Census of the departments' orders (fiche action « Mutualiser les commandes »).

Orders per year per purchase family, per contract, per department and per supplier; the share of
orders in families eligible for grouping; the change against the previous year and against the
target (25 % fewer orders, setting ``target.order_reduction``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from app.grouping.algorithm import OrderInput

DIMENSIONS = ("family", "contract", "department", "supplier")


@dataclass(frozen=True)
class CensusLine:
    dimension: str
    key: Hashable
    label: str
    count: int
    previous: int
    eligible: bool | None = None  # families only

    @property
    def change(self) -> Decimal | None:
        """Change against the previous year (-0.25 = 25 % fewer orders); None without a base."""
        if not self.previous:
            return None
        return Decimal(self.count - self.previous) / Decimal(self.previous)

    def target_max(self, rate: Decimal) -> int | None:
        """Most orders allowed this year to meet the reduction target against the previous year."""
        if not self.previous:
            return None
        return math.floor(Decimal(self.previous) * (1 - rate))

    def on_target(self, rate: Decimal) -> bool | None:
        limit = self.target_max(rate)
        return None if limit is None else self.count <= limit


@dataclass(frozen=True)
class Census:
    year: int
    target_rate: Decimal
    total: int
    previous_total: int
    eligible_count: int
    lines: dict[str, list[CensusLine]]

    @property
    def eligible_share(self) -> Decimal:
        return Decimal(self.eligible_count) / Decimal(self.total) if self.total else Decimal(0)

    @property
    def change(self) -> Decimal | None:
        if not self.previous_total:
            return None
        return Decimal(self.total - self.previous_total) / Decimal(self.previous_total)

    @property
    def target_total(self) -> int | None:
        if not self.previous_total:
            return None
        return math.floor(Decimal(self.previous_total) * (1 - self.target_rate))


def order_census(
    orders: Iterable[OrderInput],
    year: int,
    target_rate: Decimal,
    labels: Mapping[str, Mapping[Hashable, str]] | None = None,
) -> Census:
    """Count ``orders`` of ``year`` and ``year - 1`` per dimension. ``labels[dimension][key]`` gives
    the display name of a key (the department dimension already carries names)."""
    labels = labels or {}
    current: dict[str, Counter] = {d: Counter() for d in DIMENSIONS}
    previous: dict[str, Counter] = {d: Counter() for d in DIMENSIONS}
    family_eligible: dict[Hashable, bool] = {}
    total = previous_total = eligible = 0
    for order in orders:
        if order.order_date.year == year:
            target = current
            total += 1
            eligible += order.eligible
        elif order.order_date.year == year - 1:
            target = previous
            previous_total += 1
        else:
            continue
        family_eligible.setdefault(order.family, order.eligible)
        for dimension in DIMENSIONS:
            target[dimension][getattr(order, dimension)] += 1
    lines: dict[str, list[CensusLine]] = {}
    for dimension in DIMENSIONS:
        names = labels.get(dimension, {})
        keys = set(current[dimension]) | set(previous[dimension])
        rows = [
            CensusLine(
                dimension=dimension,
                key=key,
                label=_label(dimension, key, names),
                count=current[dimension][key],
                previous=previous[dimension][key],
                eligible=family_eligible.get(key) if dimension == "family" else None,
            )
            for key in keys
        ]
        rows.sort(key=lambda r: (-r.count, -r.previous, r.label))
        lines[dimension] = rows
    return Census(
        year=year,
        target_rate=target_rate,
        total=total,
        previous_total=previous_total,
        eligible_count=eligible,
        lines=lines,
    )


def _label(dimension: str, key: Hashable, names: Mapping[Hashable, str]) -> str:
    if key is None:
        return {
            "family": "Sans famille",
            "contract": "Hors marché",
            "department": "Service non renseigné",
            "supplier": "Fournisseur non renseigné",
        }[dimension]
    return names.get(key, str(key))

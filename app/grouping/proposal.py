"""A grouping proposal as every output takes it: the screen, the PDF report, the workbook, the
``group-orders`` command and the recorded plan (plain frozen data; no Qt, no SQL).

Amounts, distances and emissions stay ``Decimal`` here; each output formats them itself, and
``GroupingSummary.to_json()`` is the one place that turns them into the numbers of the JSON output.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from app.grouping.algorithm import CapacityUnit, GroupingResult
from app.grouping.calendar import Rhythm
from app.rules.emissions import CargoBikeLimits, Factor, Scenario


class GroupRow(NamedTuple):
    """One grouped order as shown in the screen, the report and the spreadsheet (a named tuple: one
    per group, 100,000 at scale, built far faster than a frozen dataclass)."""

    order_date: dt.date
    delivery_date: dt.date
    supplier: str
    contract: str
    family: str
    site: str
    size: int
    order_numbers: list[str]
    departments: list[str]
    amount: Decimal
    weight_kg: Decimal | None
    distance_km: Decimal
    note: str


@dataclass(frozen=True)
class FamilyReduction:
    family: str
    before: int
    after: int
    reduction: Decimal
    on_target: bool | None  # None: the buyer excluded the family from grouping


def _tenth(value: Decimal) -> float:
    """A figure of the JSON output: a float rounded to one decimal (as the output always gave)."""
    return round(float(value), 1)


@dataclass(frozen=True)
class GroupingSummary:
    """The figures of a proposal: orders before and after, and the transport of the three scenarios."""

    year: int
    organisation: str
    capacity: Decimal | None
    capacity_unit: CapacityUnit
    orders_before: int
    orders_after: int
    reduction: Decimal  # share of orders saved, 0..1
    lower_bound: int
    naive_weekly_groups: int
    deliveries_before: int
    deliveries_after: int
    km_before: Decimal
    km_after: Decimal
    kgco2e_before: Decimal
    kgco2e_after: Decimal
    kgco2e_cargo_bike: Decimal
    default_distance_km: Decimal
    deliveries_with_default_distance: int

    @property
    def reduction_pct(self) -> Decimal:
        return self.reduction * 100

    @property
    def at_lower_bound(self) -> bool:
        return self.lower_bound == self.orders_after

    def to_json(self) -> dict[str, Any]:
        """The figures of ``group-orders --json`` (Decimal values are left to the JSON writer)."""
        return {
            "year": self.year,
            "organisation": self.organisation,
            "capacity": self.capacity,
            "capacity_unit": self.capacity_unit if self.capacity is not None else None,
            "orders_before": self.orders_before,
            "orders_after": self.orders_after,
            "reduction_pct": round(float(self.reduction) * 100, 1),
            "lower_bound": self.lower_bound,
            "naive_weekly_groups": self.naive_weekly_groups,
            "deliveries_before": self.deliveries_before,
            "deliveries_after": self.deliveries_after,
            "km_before": _tenth(self.km_before),
            "km_after": _tenth(self.km_after),
            "kgco2e_before": _tenth(self.kgco2e_before),
            "kgco2e_after": _tenth(self.kgco2e_after),
            "kgco2e_cargo_bike": _tenth(self.kgco2e_cargo_bike),
            "default_distance_km": self.default_distance_km,
            "deliveries_with_default_distance": self.deliveries_with_default_distance,
        }

    def stored(self) -> dict[str, Any]:
        """What a recorded plan keeps (JSON column): ``to_json()`` with Decimals as exact strings."""
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in self.to_json().items()}


@dataclass(frozen=True)
class GroupingProposal:
    organisation_id: uuid.UUID
    organisation_name: str
    year: int
    capacity: Decimal | None
    capacity_unit: CapacityUnit
    result: GroupingResult
    rows: list[GroupRow]
    families: list[FamilyReduction]
    scenarios: tuple[Scenario, Scenario, Scenario]
    factors: list[Factor]
    cargo_bike: CargoBikeLimits
    naive_groups: int
    target_rate: Decimal
    default_distance_km: Decimal
    deliveries_with_default_distance: int
    calendar: list[Rhythm]
    central_reception: bool

    @property
    def merged_rows(self) -> list[GroupRow]:
        return [r for r in self.rows if r.size > 1]

    @property
    def summary(self) -> GroupingSummary:
        today, grouped, bike = self.scenarios
        return GroupingSummary(
            year=self.year,
            organisation=self.organisation_name,
            capacity=self.capacity,
            capacity_unit=self.capacity_unit,
            orders_before=self.result.orders_before,
            orders_after=self.result.orders_after,
            reduction=self.result.reduction,
            lower_bound=self.result.lower_bound,
            naive_weekly_groups=self.naive_groups,
            deliveries_before=today.deliveries,
            deliveries_after=grouped.deliveries,
            km_before=today.km,
            km_after=grouped.km,
            kgco2e_before=today.kgco2e,
            kgco2e_after=grouped.kgco2e,
            kgco2e_cargo_bike=bike.kgco2e,
            default_distance_km=self.default_distance_km,
            deliveries_with_default_distance=self.deliveries_with_default_distance,
        )

"""Greenhouse gas of delivering the goods (SPASER action 25; code des transports, art. L.1431-3).

Regulatory method, level 1: emissions = energy consumed × the energy's emission factor. The shipped
factors (``resources/defaults/emission_factors.toml``, table ``EmissionFactor``) already give
kgCO2e per vehicle-km, with their source and a "à vérifier" flag for values not confirmed from a
primary text. Here: each delivery is a round trip supplier → site → supplier, so

    kgCO2e = Σ deliveries  2 × distance (km) × factor (kgCO2e/km) of the vehicle used.

The vehicle is the standard light van, or the rigid truck when the load exceeds the van's maximum
load. Three scenarios are compared: today (one delivery per order), grouped (one per grouped
order), and grouped with an electric cargo bike for the deliveries it can carry (known weight and
distance within the ``cargo_bike.*`` settings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

STANDARD_VEHICLE = "diesel_van"
HEAVY_VEHICLE = "rigid_truck"
CARGO_BIKE = "cargo_bike"


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    kgco2e_per_km: Decimal
    valid_from: dt.date
    max_load_kg: Decimal | None = None
    source: str = ""
    to_verify: bool = False


class Delivery(NamedTuple):
    """One delivery: one-way distance from the supplier, and the load when known (a named tuple:
    one per order and per group, 180,000 at scale, built far faster than a frozen dataclass)."""

    distance_km: Decimal
    weight_kg: Decimal | None = None
    distance_known: bool = True


@dataclass(frozen=True)
class CargoBikeLimits:
    max_load_kg: Decimal
    max_distance_km: Decimal

    def can_carry(self, delivery: Delivery) -> bool:
        return (
            delivery.weight_kg is not None
            and delivery.weight_kg <= self.max_load_kg
            and delivery.distance_km <= self.max_distance_km
        )


@dataclass(frozen=True)
class VehicleUse:
    code: str
    deliveries: int
    km: Decimal
    kgco2e: Decimal


@dataclass(frozen=True)
class Scenario:
    code: str  # "today", "grouped", "cargo_bike"
    label: str
    deliveries: int
    km: Decimal
    kgco2e: Decimal
    vehicles: tuple[VehicleUse, ...] = field(default_factory=tuple)


SCENARIO_LABELS = {
    "today": "Aujourd'hui (une livraison par commande)",
    "grouped": "Commandes groupées",
    "cargo_bike": "Groupées, avec vélo-cargo quand c'est possible",
}


def factors_in_force(factors: Iterable[Factor], on: dt.date) -> dict[str, Factor]:
    """The factor of each vehicle in force on ``on`` (the latest ``valid_from`` not after it)."""
    chosen: dict[str, Factor] = {}
    for factor in sorted(factors, key=lambda f: f.valid_from):
        if factor.valid_from <= on:
            chosen[factor.code] = factor
    return chosen


def road_vehicle(delivery: Delivery, factors: dict[str, Factor]) -> str:
    """The van, or the truck when the load is over the van's maximum load."""
    van = factors[STANDARD_VEHICLE]
    if (
        delivery.weight_kg is not None
        and van.max_load_kg is not None
        and delivery.weight_kg > van.max_load_kg
        and HEAVY_VEHICLE in factors
    ):
        return HEAVY_VEHICLE
    return STANDARD_VEHICLE


def scenario(
    code: str,
    deliveries: Sequence[Delivery],
    factors: dict[str, Factor],
    cargo_bike: CargoBikeLimits | None = None,
) -> Scenario:
    """Deliveries × round-trip distance × factor of the vehicle each delivery uses."""
    if STANDARD_VEHICLE not in factors:
        raise KeyError(STANDARD_VEHICLE)
    # Deliveries counted per (vehicle, distance), then summed once per pair: a few hundred
    # distinct distances instead of 100,000 Decimal additions. The sums are exact (a handful of
    # decimals, far within Decimal's 28 digits), so the totals are those of the delivery loop.
    bike = cargo_bike if cargo_bike is not None and CARGO_BIKE in factors else None
    van = factors[STANDARD_VEHICLE]
    heavy_over = van.max_load_kg if van.max_load_kg is not None and HEAVY_VEHICLE in factors else None
    counts: dict[tuple[str, Decimal], int] = {}
    for delivery in deliveries:
        weight, distance = delivery.weight_kg, delivery.distance_km
        if (
            bike is not None
            and weight is not None
            and weight <= bike.max_load_kg
            and distance <= bike.max_distance_km
        ):
            vehicle = CARGO_BIKE
        elif heavy_over is not None and weight is not None and weight > heavy_over:
            vehicle = HEAVY_VEHICLE
        else:
            vehicle = STANDARD_VEHICLE
        pair = (vehicle, distance)
        counts[pair] = counts.get(pair, 0) + 1
    uses: dict[str, list[Decimal]] = {}
    for (vehicle, distance), n in counts.items():
        km = 2 * distance * n
        entry = uses.setdefault(vehicle, [Decimal(0), Decimal(0), Decimal(0)])
        entry[0] += n
        entry[1] += km
        entry[2] += km * factors[vehicle].kgco2e_per_km
    vehicles = tuple(
        VehicleUse(code=v, deliveries=int(n), km=km, kgco2e=kg) for v, (n, km, kg) in sorted(uses.items())
    )
    return Scenario(
        code=code,
        label=SCENARIO_LABELS.get(code, code),
        deliveries=len(deliveries),
        km=sum((v.km for v in vehicles), Decimal(0)),
        kgco2e=sum((v.kgco2e for v in vehicles), Decimal(0)),
        vehicles=vehicles,
    )


def three_scenarios(
    before: Sequence[Delivery],
    after: Sequence[Delivery],
    factors: dict[str, Factor],
    cargo_bike: CargoBikeLimits,
) -> tuple[Scenario, Scenario, Scenario]:
    """Today, grouped, and grouped with cargo bike, side by side."""
    return (
        scenario("today", before, factors),
        scenario("grouped", after, factors),
        scenario("cargo_bike", after, factors, cargo_bike),
    )

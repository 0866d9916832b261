"""The shipped emission factors (transport CO2 per km, by vehicle), seeded into every file with
stable ids, so that merging two towns' files never duplicates them."""

from __future__ import annotations

import datetime as dt
import tomllib
import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from app.model import EmissionFactor
from app.paths import resource
from app.queries.reference import emission_factor_keys


def default_emission_factors() -> list[dict]:
    with open(resource("defaults", "emission_factors.toml"), "rb") as fh:
        return tomllib.load(fh)["factor"]


# Shipped defaults get ids derived from their key and date: the same default has the same id in every
# file, so merging two towns' files never duplicates them.
DEFAULTS_NAMESPACE = uuid.UUID("6f1d0c52-8a43-4f0e-9a55-1c0d7e3b2a10")


def default_id(kind: str, key: str, valid_from: dt.date) -> uuid.UUID:
    return uuid.uuid5(DEFAULTS_NAMESPACE, f"{kind}:{key}:{valid_from.isoformat()}")


def seed_emission_factors(session: Session, *, created_at: dt.datetime | None = None) -> None:
    """Insert the shipped emission factors the file does not have yet (idempotent)."""
    stamps = {"created_at": created_at, "updated_at": created_at} if created_at else {}
    factors = emission_factor_keys(session)
    for item in default_emission_factors():
        valid_from = dt.date.fromisoformat(item["valid_from"])
        if (item["code"], valid_from) in factors:
            continue
        session.add(
            EmissionFactor(
                id=default_id("factor", item["code"], valid_from),
                code=item["code"],
                label=item["label"],
                kgco2e_per_km=Decimal(item["kgco2e_per_km"]),
                energy_per_km=Decimal(item["energy_per_km"]) if item.get("energy_per_km") else None,
                energy_unit=item.get("energy_unit"),
                max_load_kg=Decimal(item["max_load_kg"]) if item.get("max_load_kg") else None,
                valid_from=valid_from,
                source=item.get("source", ""),
                to_verify=bool(item.get("to_verify", False)),
                **stamps,
            )
        )
    session.flush()

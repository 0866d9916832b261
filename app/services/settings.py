"""Settings and emission factors: the organisation's own choices, shipped factors, dated snapshots."""

from __future__ import annotations

import datetime as dt
import tomllib
import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import SettingKind
from app.errors import ValidationError
from app.model import EmissionFactor, Setting
from app.paths import resource
from app.queries import settings as queries
from app.rules.settings import Settings, validate_setting_value
from app.rules.settings_catalogue import catalogue


def default_emission_factors() -> list[dict]:
    with open(resource("defaults", "emission_factors.toml"), "rb") as fh:
        return tomllib.load(fh)["factor"]


# Shipped defaults get ids derived from their key and date: the same default has the same id in every
# file, so merging two towns' files never duplicates them.
DEFAULTS_NAMESPACE = uuid.UUID("6f1d0c52-8a43-4f0e-9a55-1c0d7e3b2a10")


def default_id(kind: str, key: str, valid_from: dt.date) -> uuid.UUID:
    return uuid.uuid5(DEFAULTS_NAMESPACE, f"{kind}:{key}:{valid_from.isoformat()}")


def seed_defaults(session: Session, *, created_at: dt.datetime | None = None) -> None:
    """Insert the shipped emission factors and clause library that the file does not have yet
    (idempotent). Settings are not copied: they are read from the catalogue (``queries.settings``)."""
    stamps = {"created_at": created_at, "updated_at": created_at} if created_at else {}
    factors = {
        (code, vf) for code, vf in session.execute(select(EmissionFactor.code, EmissionFactor.valid_from))
    }
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
    from app.services.clauses import seed_builtin_clauses  # clause library (issue 6)

    seed_builtin_clauses(session, created_at=created_at)


def settings_for(session: Session, organisation_id: uuid.UUID | None) -> Settings:
    """The settings snapshot of one organisation: the catalogue with its own choices on top."""
    return queries.settings_for(session, organisation_id)


def set_organisation_value(
    session: Session, organisation_id: uuid.UUID, key: str, value: str, valid_from: dt.date
) -> Setting:
    """Record an organisation's own value for a local choice ``key`` from ``valid_from`` (validated).
    A legal value is not the town's to change."""
    declaration = catalogue().declaration(key)
    if declaration is None:
        raise ValidationError(f"Réglage inconnu : « {key} ».", field="key")
    if not declaration.local_choice:
        raise ValidationError(
            f"« {declaration.label} » est fixé par un texte ({declaration.source}) : "
            "la collectivité ne peut pas le modifier.",
            field="key",
        )
    problem = validate_setting_value(declaration.kind, value)
    if problem:
        raise ValidationError(problem, field="value")
    normalized = value.strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    row = session.scalars(
        select(Setting).where(
            Setting.organisation_id == organisation_id, Setting.key == key, Setting.valid_from == valid_from
        )
    ).first()
    if row is None:
        row = Setting(
            organisation_id=organisation_id,
            key=key,
            kind=SettingKind(declaration.kind),
            unit=declaration.unit,
            label=declaration.label,
            source="Valeur choisie par la collectivité",
            valid_from=valid_from,
            value=normalized,
        )
        session.add(row)
    else:
        row.value = normalized
    session.flush()
    return row


def drop_organisation_values(
    session: Session, organisation_id: uuid.UUID, key: str
) -> list[tuple[uuid.UUID, str, dt.date]]:
    """Delete the organisation's own values of ``key`` (id, value, date of each)."""
    rows = list(
        session.scalars(select(Setting).where(Setting.organisation_id == organisation_id, Setting.key == key))
    )
    dropped = [(row.id, row.value, row.valid_from) for row in rows]
    for row in rows:
        session.delete(row)
    session.flush()
    return dropped

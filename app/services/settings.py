"""Settings and emission factors: shipped defaults, per-organisation values, dated snapshots."""

from __future__ import annotations

import datetime as dt
import tomllib
import uuid
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.enums import SettingKind
from app.errors import ValidationError
from app.model import EmissionFactor, Setting
from app.paths import resource
from app.rules.settings import DatedValue, Settings, validate_setting_value


def default_settings() -> list[dict]:
    """``resources/defaults/settings.toml`` plus any ``settings-<feature>.toml`` beside it."""
    folder = resource("defaults")
    items: list[dict] = []
    for path in [folder / "settings.toml", *sorted(folder.glob("settings-*.toml"))]:
        with open(path, "rb") as fh:
            items.extend(tomllib.load(fh).get("setting", []))
    return items


def default_emission_factors() -> list[dict]:
    with open(resource("defaults", "emission_factors.toml"), "rb") as fh:
        return tomllib.load(fh)["factor"]


# Shipped defaults get ids derived from their key and date: the same default has the same id in every
# file, so merging two towns' files never duplicates them.
DEFAULTS_NAMESPACE = uuid.UUID("6f1d0c52-8a43-4f0e-9a55-1c0d7e3b2a10")


def default_id(kind: str, key: str, valid_from: dt.date) -> uuid.UUID:
    return uuid.uuid5(DEFAULTS_NAMESPACE, f"{kind}:{key}:{valid_from.isoformat()}")


def seed_defaults(session: Session, *, created_at: dt.datetime | None = None) -> None:
    """Insert the shipped defaults that the file does not have yet (idempotent)."""
    existing = {
        (key, valid_from)
        for key, valid_from in session.execute(
            select(Setting.key, Setting.valid_from).where(Setting.organisation_id.is_(None))
        )
    }
    stamps = {"created_at": created_at, "updated_at": created_at} if created_at else {}
    for item in default_settings():
        valid_from = dt.date.fromisoformat(item["valid_from"])
        if (item["key"], valid_from) in existing:
            continue
        session.add(
            Setting(
                id=default_id("setting", item["key"], valid_from),
                key=item["key"],
                kind=SettingKind(item["kind"]),
                value=str(item["value"]),
                unit=item.get("unit"),
                valid_from=valid_from,
                label=item.get("label", ""),
                source=item.get("source", ""),
                to_verify=bool(item.get("to_verify", False)),
                **stamps,
            )
        )
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
    """The settings snapshot of one organisation: its own values over the file's defaults."""
    rows = session.scalars(
        select(Setting).where(
            or_(Setting.organisation_id.is_(None), Setting.organisation_id == organisation_id)
        )
    )
    return Settings(
        DatedValue(
            key=row.key,
            value=row.value,
            valid_from=row.valid_from,
            kind=row.kind.value,
            unit=row.unit,
            label=row.label,
            source=row.source,
            to_verify=row.to_verify,
            organisation_specific=row.organisation_id is not None,
        )
        for row in rows
    )


def set_organisation_value(
    session: Session, organisation_id: uuid.UUID, key: str, value: str, valid_from: dt.date
) -> Setting:
    """Record an organisation's own value for ``key`` from ``valid_from`` (validated)."""
    template = session.scalars(
        select(Setting).where(Setting.key == key).order_by(Setting.valid_from.desc())
    ).first()
    if template is None:
        raise ValidationError(f"Réglage inconnu : « {key} ».", field="key")
    problem = validate_setting_value(template.kind.value, value)
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
            kind=template.kind,
            unit=template.unit,
            label=template.label,
            source="Valeur saisie par la collectivité",
            valid_from=valid_from,
            value=normalized,
        )
        session.add(row)
    else:
        row.value = normalized
    session.flush()
    return row

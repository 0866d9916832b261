"""Dated settings (thresholds, targets, delays), emission factors and the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import SettingKind
from app.model.base import Entity, enum_column


class Setting(Entity):
    """A value in force from ``valid_from`` (until the next one). ``organisation_id`` NULL is the
    default for every organisation of the file; an organisation may override it."""

    __tablename__ = "setting"

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[SettingKind] = enum_column(SettingKind)
    value: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(20))
    valid_from: Mapped[dt.date]
    label: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    to_verify: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        UniqueConstraint("organisation_id", "key", "valid_from"),
        Index("ix_setting_key", "key", "valid_from"),
    )


class EmissionFactor(Entity):
    __tablename__ = "emission_factor"

    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    kgco2e_per_km: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    energy_per_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    energy_unit: Mapped[str | None] = mapped_column(String(10))
    max_load_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 1))
    valid_from: Mapped[dt.date]
    source: Mapped[str] = mapped_column(Text, default="")
    to_verify: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (UniqueConstraint("code", "valid_from"),)


class AuditEntry(Entity):
    __tablename__ = "audit_entry"

    at: Mapped[dt.datetime]
    user_name: Mapped[str] = mapped_column(String(120), default="")
    workstation: Mapped[str] = mapped_column(String(120), default="")
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (Index("ix_audit_entity", "entity_id", "at"),)

"""Contracts (marchés), their lots and amendments (avenants)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import (
    Ccag,
    ContractStatus,
    DecpNature,
    OperatorGrouping,
    PriceForm,
    Procedure,
    PurchaseNature,
)
from app.model.base import Entity, enum_column


class Contract(Entity):
    __tablename__ = "contract"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"))
    family_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("purchase_family.id", ondelete="SET NULL"))
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("supplier.id", ondelete="SET NULL"))

    reference: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(String(1000))
    # Nullable where a town's register may not say: unknown is not false (app.rules.contract).
    nature: Mapped[PurchaseNature | None] = enum_column(PurchaseNature, nullable=True)
    decp_nature: Mapped[DecpNature] = enum_column(DecpNature, default=DecpNature.MARCHE)
    procedure: Mapped[Procedure | None] = enum_column(Procedure, nullable=True)
    status: Mapped[ContractStatus] = enum_column(ContractStatus, default=ContractStatus.ACTIVE)
    cpv_code: Mapped[str | None] = mapped_column(String(10))

    estimated_amount: Mapped[Decimal | None]
    notified_amount: Mapped[Decimal | None]
    # Framework contracts with order forms (accord-cadre à bons de commande).
    is_framework: Mapped[bool] = mapped_column(default=False)
    max_amount: Mapped[Decimal | None]
    min_amount: Mapped[Decimal | None]

    notification_date: Mapped[dt.date | None]
    publication_date: Mapped[dt.date | None]
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    duration_months: Mapped[int | None]
    renewable: Mapped[bool | None]
    renewals_max: Mapped[int | None]
    recurrent: Mapped[bool | None]
    # Préavis: months before the end by which renewal or non-renewal must be notified.
    notice_months: Mapped[int | None]

    # DECP 2.0.3 fields.
    place_code: Mapped[str | None] = mapped_column(String(10))
    place_type: Mapped[str | None] = mapped_column(String(30))
    price_form: Mapped[PriceForm | None] = enum_column(PriceForm, nullable=True)
    price_types: Mapped[list[str]] = mapped_column(default=list)
    techniques: Mapped[list[str]] = mapped_column(default=list)
    execution_modes: Mapped[list[str]] = mapped_column(default=list)
    innovative: Mapped[bool] = mapped_column(default=False)
    ccag: Mapped[Ccag | None] = enum_column(Ccag, nullable=True)
    offers_received: Mapped[int | None]
    advance_granted: Mapped[bool] = mapped_column(default=False)
    advance_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    subcontracting_declared: Mapped[bool] = mapped_column(default=False)
    operator_grouping: Mapped[OperatorGrouping] = enum_column(OperatorGrouping, default=OperatorGrouping.NONE)
    social_considerations: Mapped[list[str]] = mapped_column(default=list)
    environmental_considerations: Mapped[list[str]] = mapped_column(default=list)
    decp_id: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    # Where each fact's stored value came from (field -> app.rules.contract.Source value).
    fact_sources: Mapped[dict[str, Any]] = mapped_column(default=dict)

    lots: Mapped[list[Lot]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="Lot.number"
    )
    amendments: Mapped[list[Amendment]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="Amendment.number"
    )

    __table_args__ = (
        UniqueConstraint("organisation_id", "reference"),
        CheckConstraint(
            "estimated_amount IS NULL OR estimated_amount >= 0", name="estimated_amount_non_negative"
        ),
        CheckConstraint(
            "notified_amount IS NULL OR notified_amount >= 0", name="notified_amount_non_negative"
        ),
        CheckConstraint("max_amount IS NULL OR max_amount >= 0", name="max_amount_non_negative"),
        CheckConstraint("min_amount IS NULL OR min_amount >= 0", name="min_amount_non_negative"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="end_after_start"
        ),
        CheckConstraint("duration_months IS NULL OR duration_months >= 0", name="duration_non_negative"),
        CheckConstraint(
            "advance_rate IS NULL OR (advance_rate >= 0 AND advance_rate <= 1)", name="advance_rate_range"
        ),
        Index("ix_contract_end", "organisation_id", "end_date"),
    )


class Lot(Entity):
    __tablename__ = "lot"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    amount: Mapped[Decimal | None]
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("supplier.id", ondelete="SET NULL"))

    contract: Mapped[Contract] = relationship(back_populates="lots")

    __table_args__ = (
        UniqueConstraint("contract_id", "number"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_non_negative"),
    )


class Amendment(Entity):
    """Avenant: a signed change to a contract, possibly with an amount (positive or negative)."""

    __tablename__ = "amendment"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    number: Mapped[int]
    signed_on: Mapped[dt.date | None]
    amount_delta: Mapped[Decimal | None]
    object: Mapped[str] = mapped_column(String(500), default="")
    new_end_date: Mapped[dt.date | None]

    contract: Mapped[Contract] = relationship(back_populates="amendments")

    __table_args__ = (UniqueConstraint("contract_id", "number"),)

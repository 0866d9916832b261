"""Orders (bons de commande) placed by departments, and grouping plans built from them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.model.base import Entity


class Order(Entity):
    __tablename__ = "purchase_order"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"))
    number: Mapped[str] = mapped_column(String(40))
    order_date: Mapped[dt.date]
    latest_delivery_date: Mapped[dt.date | None]
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("supplier.id", ondelete="SET NULL"))
    contract_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))
    family_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("purchase_family.id", ondelete="SET NULL"))
    amount: Mapped[Decimal]
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    delivery_site_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("delivery_site.id", ondelete="SET NULL")
    )
    description: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("weight_kg IS NULL OR weight_kg >= 0", name="weight_non_negative"),
        CheckConstraint(
            "latest_delivery_date IS NULL OR latest_delivery_date >= order_date", name="delivery_after_order"
        ),
        # The census of orders (per year, family and contract) reads this index alone (migration 0006).
        Index("ix_order_census", "organisation_id", "order_date", "family_id", "contract_id"),
        Index("ix_order_contract", "contract_id", "amount"),
    )


class GroupingPlan(Entity):
    """A grouping proposal the buyer accepted for a year: it keeps every original order."""

    __tablename__ = "grouping_plan"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    year: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    accepted_by: Mapped[str | None] = mapped_column(String(120))
    accepted_at: Mapped[dt.datetime | None]


class GroupedOrder(Entity):
    __tablename__ = "grouped_order"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grouping_plan.id", ondelete="CASCADE"))
    supplier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("supplier.id", ondelete="SET NULL"))
    contract_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))
    family_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("purchase_family.id", ondelete="SET NULL"))
    delivery_site_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("delivery_site.id", ondelete="SET NULL")
    )
    order_date: Mapped[dt.date]
    delivery_date: Mapped[dt.date]
    total_amount: Mapped[Decimal]
    total_weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))


class GroupedOrderItem(Entity):
    """Who asked for what: one original order inside a grouped order."""

    __tablename__ = "grouped_order_item"

    grouped_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grouped_order.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_order.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("grouped_order_id", "order_id"),)

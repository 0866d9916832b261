"""Joint purchasing between towns (groupements de commandes)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.model.base import Entity


class PurchasingGroup(Entity):
    __tablename__ = "purchasing_group"

    name: Mapped[str] = mapped_column(String(200))
    family_label: Mapped[str | None] = mapped_column(String(200))
    cpv_group: Mapped[str | None] = mapped_column(String(10))
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    combined_amount: Mapped[Decimal | None]
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    notes: Mapped[str | None] = mapped_column(Text)


class PurchasingGroupMember(Entity):
    __tablename__ = "purchasing_group_member"

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchasing_group.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    contract_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("group_id", "organisation_id", "contract_id"),)

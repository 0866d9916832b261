"""Insertion hours: the hours of work done by people far from employment on a contract, per year,
as the PLIE (or the facilitator of the insertion clause) reports them to the town."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.model.base import Entity

Hours = Numeric(10, 2, asdecimal=True)


class InsertionHours(Entity):
    __tablename__ = "insertion_hours"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    year: Mapped[int]
    hours: Mapped[Decimal] = mapped_column(Hours)
    source: Mapped[str] = mapped_column(String(200), default="")  # "Bilan PLIE 2025", the facilitator…

    __table_args__ = (
        UniqueConstraint("contract_id", "year"),
        CheckConstraint("hours >= 0", name="hours_not_negative"),
    )

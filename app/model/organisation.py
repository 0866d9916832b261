"""Organisations (towns), their departments, delivery sites, purchase families, and suppliers."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.enums import OrganisationKind, SocialEconomyStatus, SupplierSize
from app.model.base import Entity, enum_column
from app.rules.values import validate_siret


def _checked_siret(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    return validate_siret(value)


class Organisation(Entity):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    insee_code: Mapped[str | None] = mapped_column(String(5))
    kind: Mapped[OrganisationKind] = enum_column(OrganisationKind, default=OrganisationKind.COMMUNE)
    population: Mapped[int | None]
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(120))

    departments: Mapped[list[Department]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("population IS NULL OR population >= 0", name="population_non_negative"),
    )

    @validates("siret")
    def _siret(self, _key: str, value: str | None) -> str | None:
        return _checked_siret(value)


class Department(Entity):
    """A service / direction of an organisation: the unit that buys and orders."""

    __tablename__ = "department"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str | None] = mapped_column(String(20))

    organisation: Mapped[Organisation] = relationship(back_populates="departments")

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)


class DeliverySite(Entity):
    __tablename__ = "delivery_site"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(250))
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(120))
    # A central reception site lets grouping ignore the departments' own sites.
    is_central: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)


class PurchaseFamily(Entity):
    """The town's own grouping of purchases (nomenclature interne), mapped to CPV codes."""

    __tablename__ = "purchase_family"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    cpv_codes: Mapped[list[str]] = mapped_column(default=list)
    grouping_eligible: Mapped[bool] = mapped_column(default=True)
    max_delay_days: Mapped[int] = mapped_column(default=14)
    # Relevant for fair trade (school catering, catering, promotional items: SPASER action 13).
    fair_trade_relevant: Mapped[bool] = mapped_column(default=False)
    # Product category of the AGEC reuse/recycled-content obligation, when one applies.
    agec_category: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (
        UniqueConstraint("organisation_id", "code"),
        CheckConstraint("max_delay_days >= 0", name="max_delay_non_negative"),
    )


class Supplier(Entity):
    """Shared by every organisation of the file: the same SIRET is the same supplier."""

    __tablename__ = "supplier"

    name: Mapped[str] = mapped_column(String(200))
    normalized_name: Mapped[str] = mapped_column(String(200), index=True)
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    size: Mapped[SupplierSize] = enum_column(SupplierSize, default=SupplierSize.UNKNOWN)
    social_economy: Mapped[SocialEconomyStatus] = enum_column(
        SocialEconomyStatus, default=SocialEconomyStatus.NONE
    )
    postcode: Mapped[str | None] = mapped_column(String(10))
    commune: Mapped[str | None] = mapped_column(String(120))
    # Road distance to the town typed by the buyer; used for transport emissions when known.
    distance_km: Mapped[float | None]
    notes: Mapped[str | None] = mapped_column(Text)

    @validates("siret")
    def _siret(self, _key: str, value: str | None) -> str | None:
        return _checked_siret(value)


Index("ix_supplier_postcode", Supplier.postcode)

"""Cotation (assessment of a contract's "potentiel durable") and the annual committee (CAD)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import Priority
from app.model.base import Entity, enum_column


class Assessment(Entity):
    __tablename__ = "assessment"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    year: Mapped[int]  # year of the CAD the assessment prepares
    assessed_on: Mapped[dt.date | None]
    assessed_by: Mapped[str | None] = mapped_column(String(120))
    score: Mapped[int | None]
    priority: Mapped[Priority | None] = enum_column(Priority, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text)

    levers: Mapped[list[AssessmentLever]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentLever.lever"
    )

    __table_args__ = (
        UniqueConstraint("contract_id", "year"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
    )


class AssessmentLever(Entity):
    """One SPASER lever of an assessment: pre-filled ratings, and the buyer's overrides."""

    __tablename__ = "assessment_lever"

    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    lever: Mapped[str] = mapped_column(String(60))
    stake: Mapped[int]
    feasibility: Mapped[int]
    effort: Mapped[int]
    prefilled_stake: Mapped[int | None]
    prefilled_feasibility: Mapped[int | None]
    prefilled_effort: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[Assessment] = relationship(back_populates="levers")

    __table_args__ = (
        UniqueConstraint("assessment_id", "lever"),
        CheckConstraint("stake BETWEEN 0 AND 3", name="stake_range"),
        CheckConstraint("feasibility BETWEEN 0 AND 3", name="feasibility_range"),
        CheckConstraint("effort BETWEEN 0 AND 3", name="effort_range"),
    )


class Committee(Entity):
    """A CAD session (Comité annuel des Achats Durables)."""

    __tablename__ = "committee"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    year: Mapped[int]
    meeting_date: Mapped[dt.date | None]
    place: Mapped[str | None] = mapped_column(String(200))
    closed: Mapped[bool] = mapped_column(default=False)  # targeted list fixed by the CAO president
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("organisation_id", "year"),)


class CommitteeMember(Entity):
    __tablename__ = "committee_member"

    committee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120), default="")


class CommitteeDecision(Entity):
    """The committee's decision on one presented contract, and next year's review (bilan)."""

    __tablename__ = "committee_decision"

    committee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    targeted: Mapped[bool] = mapped_column(default=False)
    actions: Mapped[list[str]] = mapped_column(default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    review_done: Mapped[bool | None]
    review_comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("committee_id", "contract_id"),)

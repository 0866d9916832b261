"""Clause library and per-contract clause checklists."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import ChecklistStatus, ClauseKind
from app.model.base import Entity, enum_column


class Clause(Entity):
    """A responsible clause. ``code`` is the library id that keeps duplicates out when libraries
    are shared between towns; built-in clauses come from ``resources/``."""

    __tablename__ = "clause"

    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ClauseKind] = enum_column(ClauseKind)
    actions: Mapped[list[int]] = mapped_column(default=list)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    applies_when: Mapped[str] = mapped_column(Text, default="")
    guidance: Mapped[str] = mapped_column(Text, default="")
    model_text: Mapped[str] = mapped_column(Text, default="")
    # DECP consideration this clause gives the contract (e.g. "Clause sociale"), if any.
    decp_consideration: Mapped[str | None] = mapped_column(String(60))
    builtin: Mapped[bool] = mapped_column(default=False)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    copied_from: Mapped[str | None] = mapped_column(String(80))


class ContractClause(Entity):
    """One line of a contract's checklist: the buyer's decision on one clause."""

    __tablename__ = "contract_clause"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    clause_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clause.id", ondelete="CASCADE"))
    status: Mapped[ChecklistStatus] = enum_column(ChecklistStatus, default=ChecklistStatus.TO_STUDY)
    justification: Mapped[str | None] = mapped_column(Text)
    chosen_text: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None]

    __table_args__ = (UniqueConstraint("contract_id", "clause_id"),)

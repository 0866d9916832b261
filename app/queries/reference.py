"""Reading reference data: departments, purchase families, suppliers, delivery sites, emission factors."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import EmissionFactor


def items(
    session: Session, model: type, order_by: str, *, scoped: bool, organisation_id: uuid.UUID | None
) -> list[Any]:
    """Every row of a reference ``model`` (only the organisation's when ``scoped``), ordered by a column."""
    stmt = select(model).order_by(getattr(model, order_by))
    if scoped:
        stmt = stmt.where(model.organisation_id == organisation_id)
    return list(session.scalars(stmt))


def holder_of(
    session: Session,
    model: type,
    column: str,
    value: object,
    *,
    organisation_id: uuid.UUID | None = None,
    other_than: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """The id of a row whose ``column`` already holds ``value`` (in the organisation when given),
    other than ``other_than``."""
    stmt = select(model.id).where(getattr(model, column) == value)
    if organisation_id is not None:
        stmt = stmt.where(model.organisation_id == organisation_id)
    if other_than is not None:
        stmt = stmt.where(model.id != other_than)
    return session.scalar(stmt)


def emission_factor_keys(session: Session) -> set[tuple[str, dt.date]]:
    """(code, valid from) of the emission factors the file holds."""
    return {
        (code, valid_from)
        for code, valid_from in session.execute(select(EmissionFactor.code, EmissionFactor.valid_from))
    }

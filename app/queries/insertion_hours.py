"""Reading a contract's insertion hours, by year."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import InsertionHours


def hours_by_year(session: Session, contract_id: uuid.UUID) -> dict[int, InsertionHours]:
    return {
        r.year: r
        for r in session.scalars(select(InsertionHours).where(InsertionHours.contract_id == contract_id))
    }

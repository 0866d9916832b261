"""Which CAD years each contract already has a cotation for (the « À faire » list drops a cotation
that is done)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import Assessment, Contract


def rated_years(session: Session, organisation_id: uuid.UUID) -> dict[uuid.UUID, frozenset[int]]:
    """For each contract of the organisation with a saved cotation, the CAD years it was rated for."""
    found: dict[uuid.UUID, set[int]] = {}
    rows = session.execute(
        select(Assessment.contract_id, Assessment.year)
        .join(Contract, Contract.id == Assessment.contract_id)
        .where(Contract.organisation_id == organisation_id)
    )
    for contract_id, year in rows:
        found.setdefault(contract_id, set()).add(year)
    return {k: frozenset(v) for k, v in found.items()}

"""Reading the organisations of a file."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.model import Contract, Organisation


def require_organisation(session: Session, organisation_id: uuid.UUID) -> Organisation:
    """The organisation, or ``NotFound`` in French."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("Collectivité introuvable dans ce fichier.")
    return organisation


def organisations(session: Session) -> list[Organisation]:
    """Every organisation of the file, by name."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def other_organisation_ids(session: Session, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    """The other organisations of the file, by name."""
    return list(
        session.scalars(
            select(Organisation.id).where(Organisation.id != organisation_id).order_by(Organisation.name)
        )
    )


def contract_counts(session: Session) -> dict[uuid.UUID, int]:
    """How many contracts each organisation has."""
    return dict(
        session.execute(
            select(Contract.organisation_id, func.count()).group_by(Contract.organisation_id)
        ).all()
    )


def organisation_with_siret(session: Session, siret: str) -> uuid.UUID | None:
    return session.scalar(select(Organisation.id).where(Organisation.siret == siret))

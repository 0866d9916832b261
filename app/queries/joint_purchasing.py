"""Reading what joint purchasing needs: the file's organisations and the groups already proposed."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import Organisation, PurchasingGroup


def organisation_names(session: Session) -> dict[uuid.UUID, str]:
    """Every organisation of the file by id, in the file's order."""
    return dict(session.execute(select(Organisation.id, Organisation.name)).all())


def proposed_group_id(session: Session, name: str) -> uuid.UUID | None:
    """The purchasing group of this name still « proposé », if any."""
    return session.scalar(
        select(PurchasingGroup.id).where(PurchasingGroup.name == name, PurchasingGroup.status == "proposed")
    )

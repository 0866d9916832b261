"""Reading what joint purchasing needs: the file's organisations and the groups already proposed."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.model import Organisation, PurchasingGroup, PurchasingGroupMember


def organisation_names(session: Session) -> dict[uuid.UUID, str]:
    """Every organisation of the file by id, in the file's order."""
    return dict(session.execute(select(Organisation.id, Organisation.name)).all())


def proposed_group_id(session: Session, name: str) -> uuid.UUID | None:
    """The purchasing group of this name still « proposé », if any."""
    return session.scalar(
        select(PurchasingGroup.id).where(PurchasingGroup.name == name, PurchasingGroup.status == "proposed")
    )


def groups_of(session: Session, organisation_id: uuid.UUID) -> list[tuple[PurchasingGroup, set[uuid.UUID]]]:
    """The purchasing groups ``organisation_id`` coordinates or belongs to, by name, each with the
    ids of its member organisations."""
    members: dict[uuid.UUID, set[uuid.UUID]] = {}
    for group_id, org_id in session.execute(
        select(PurchasingGroupMember.group_id, PurchasingGroupMember.organisation_id)
    ):
        members.setdefault(group_id, set()).add(org_id)
    groups = session.scalars(select(PurchasingGroup).order_by(PurchasingGroup.name))
    return [
        (g, members.get(g.id, set()))
        for g in groups
        if g.coordinator_id == organisation_id or organisation_id in members.get(g.id, set())
    ]

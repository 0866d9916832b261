"""Edits are scoped to the organisation the user works for: another organisation's records of the
same file can be read, not changed."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.errors import UserError
from app.model import Organisation


class OtherOrganisation(UserError):
    """The record belongs to another organisation of the file than the one the user works for."""


def ensure_own(session: Session, owner_id: uuid.UUID | None, organisation_id: uuid.UUID, what: str) -> None:
    """Refuse, in French, to change ``what`` (« Le marché « X » ») when it belongs to another
    organisation than ``organisation_id``, the one the user chose at start."""
    if owner_id is None or owner_id == organisation_id:
        return
    owner = session.get(Organisation, owner_id)
    mine = session.get(Organisation, organisation_id)
    owner_name = owner.name if owner is not None else "une autre collectivité"
    mine_name = mine.name if mine is not None else "votre collectivité"
    raise OtherOrganisation(
        f"{what} appartient à « {owner_name} » : vous travaillez pour « {mine_name} », vous pouvez "
        "le consulter mais pas le modifier. Pour le modifier, choisissez cette collectivité "
        "(menu Fichier, « Changer de collectivité ou d'utilisateur »)."
    )

"""Edits are scoped to the organisation the user works for: another organisation's records of the
same file can be read, not changed; a purchasing group's shared data is changed by its coordinator.

Every write use case calls one of these before it changes a row; the decision itself is the pure
rule ``app.rules.editing.may_edit``, which the screens also call to show a row read-only."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.errors import NotFound, UserError
from app.model import Committee, Contract, Organisation, PurchasingGroup
from app.rules import editing


class OtherOrganisation(UserError):
    """The record belongs to another organisation of the file than the one the user works for."""


def _name(session: Session, organisation_id: uuid.UUID | None, default: str) -> str:
    org = session.get(Organisation, organisation_id) if organisation_id is not None else None
    return org.name if org is not None else default


def ensure_own(session: Session, owner_id: uuid.UUID | None, organisation_id: uuid.UUID, what: str) -> None:
    """Refuse, in French, to change ``what`` (« Le marché « X » ») when it belongs to another
    organisation than ``organisation_id``, the one the user chose at start."""
    if editing.may_edit(owner_id, organisation_id):
        return
    owner_name = _name(session, owner_id, "une autre collectivité")
    mine_name = _name(session, organisation_id, "votre collectivité")
    raise OtherOrganisation(
        f"{what} appartient à « {owner_name} » : vous travaillez pour « {mine_name} », vous pouvez "
        "le consulter mais pas le modifier. Pour le modifier, choisissez cette collectivité "
        "(menu Fichier, « Changer de collectivité ou d'utilisateur »)."
    )


def own_contract(
    session: Session, contract_id: uuid.UUID, organisation_id: uuid.UUID, what: str = ""
) -> Contract:
    """The contract ``contract_id``, refused when it is gone or belongs to another organisation.
    ``what`` names the row the edit touches (« La cotation 2026 du marché « X » »)."""
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(
            "Ce marché n'existe plus dans le fichier : il a peut-être été supprimé sur un autre poste."
        )
    ensure_own(
        session, contract.organisation_id, organisation_id, what or f"Le marché « {contract.reference} »"
    )
    return contract


def own_committee(session: Session, committee: Committee, organisation_id: uuid.UUID) -> Committee:
    ensure_own(session, committee.organisation_id, organisation_id, f"Le CAD {committee.year}")
    return committee


def coordinated_group(session: Session, group_id: uuid.UUID, organisation_id: uuid.UUID) -> PurchasingGroup:
    """A purchasing group whose shared data ``organisation_id`` may change: it must coordinate it."""
    group = session.get(PurchasingGroup, group_id)
    if group is None:
        raise NotFound("Ce groupement de commandes n'existe plus dans le fichier.")
    owner = editing.group_owner(group.coordinator_id)
    if not editing.may_edit(owner, organisation_id):
        coordinator = _name(session, owner, "la collectivité coordinatrice")
        raise OtherOrganisation(
            f"Le groupement « {group.name} » est coordonné par « {coordinator} » : seuls ses "
            "utilisateurs en modifient les données communes ; les autres membres les consultent."
        )
    return group

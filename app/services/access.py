"""Who am I: the organisation a user works for in a shared file, and its optional password.

The password's salted hash (``app.rules.passwords``) is kept as an organisation setting row under
``PASSWORD_KEY``: the settings catalogue ignores keys it does not declare, so it never shows up
as a threshold. The hash guards choosing the organisation in the application; it does not encrypt
the file."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.enums import SettingKind
from app.errors import NotFound, UserError, ValidationError
from app.model import Organisation, Setting
from app.queries import organisations as org_queries
from app.queries.organisation_settings import own_values
from app.rules.passwords import hash_password, password_problem, verify_password
from app.services import audit
from app.storage.database import Database

PASSWORD_KEY = "access.password_hash"
_SINCE = dt.date(2000, 1, 1)  # the row's date: a password has no period of validity


class WrongPassword(UserError):
    """The password typed does not open the organisation."""


@dataclass(frozen=True)
class OrganisationChoice:
    id: uuid.UUID
    name: str
    protected: bool  # a password guards choosing it


def _stored(session: Session, organisation_id: uuid.UUID) -> Setting | None:
    rows = own_values(session, organisation_id, PASSWORD_KEY)
    return rows[0] if rows else None


def organisation_choices(db: Database) -> list[OrganisationChoice]:
    """The organisations of the file, for the « who am I » dialog."""
    with db.read() as session:
        return [
            OrganisationChoice(o.id, o.name, _stored(session, o.id) is not None)
            for o in org_queries.organisations(session)
        ]


def _check(session: Session, organisation_id: uuid.UUID, password: str) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound("Cette collectivité n'existe plus dans le fichier.")
    row = _stored(session, organisation_id)
    if row is not None and not verify_password(password, row.value):
        raise WrongPassword(
            f"Mot de passe incorrect pour « {org.name} ». Demandez-le à la personne qui l'a défini "
            "(Paramètres de cette collectivité)."
        )
    return org


def sign_in(db: Database, organisation_id: uuid.UUID, password: str = "") -> OrganisationChoice:
    """Choose ``organisation_id`` to work for; its password is checked when it has one."""
    with db.read() as session:
        org = _check(session, organisation_id, password)
        return OrganisationChoice(org.id, org.name, _stored(session, org.id) is not None)


def set_password(
    db: Database,
    organisation_id: uuid.UUID,
    new_password: str,
    *,
    current_password: str = "",
    user_name: str,
) -> bool:
    """Set, change (``current_password`` required) or remove (empty ``new_password``) the
    organisation's password; returns whether it is now protected. The audit entry says that the
    password changed, never its value."""
    if new_password:
        problem = password_problem(new_password)
        if problem:
            raise ValidationError(problem, field="password")
    with db.write() as session:
        _check(session, organisation_id, current_password)
        row = _stored(session, organisation_id)
        if not new_password:
            if row is None:
                return False
            session.delete(row)
            audit.record(
                session, "organisation", organisation_id, "update", {"mot de passe": "retiré"}, user_name
            )
            return False
        if row is None:
            row = Setting(
                organisation_id=organisation_id,
                key=PASSWORD_KEY,
                kind=SettingKind.TEXT,
                label="Mot de passe de la collectivité (empreinte)",
                source="Choisi par la collectivité",
                valid_from=_SINCE,
                value="",
            )
            session.add(row)
        row.value = hash_password(new_password)
        audit.record(
            session, "organisation", organisation_id, "update", {"mot de passe": "défini"}, user_name
        )
        return True

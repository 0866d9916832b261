"""Organisations of a file: creation (with default departments and settings) and listing."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.enums import OrganisationKind
from app.errors import NotFound, UserError, ValidationError
from app.model import Department, Organisation
from app.queries import organisations as queries
from app.rules.values import InvalidValue
from app.services.emission_factors import seed_emission_factors
from app.storage.database import Database, create_database_with
from app.storage.server import is_server_url

DEFAULT_DEPARTMENTS = (
    "Administration générale",
    "Services techniques",
    "Écoles et périscolaire",
    "Restauration scolaire",
    "Espaces verts",
    "Culture, sports et vie associative",
)


def seed_defaults(session: Session, *, created_at: dt.datetime | None = None) -> None:
    """Insert the shipped emission factors and clause library that the file does not have yet
    (idempotent). Settings are not copied: they are read from the catalogue
    (``app.queries.organisation_settings``)."""
    # Imported here: the clause library pulls in the contract rules and formatting (~0.15 s),
    # which a command that only looks an organisation up (``group-orders``) does not need.
    from app.services.clauses import seed_builtin_clauses

    seed_emission_factors(session, created_at=created_at)
    seed_builtin_clauses(session, created_at=created_at)


@dataclass(frozen=True)
class OrganisationRow:
    id: uuid.UUID
    name: str
    siret: str | None
    kind: OrganisationKind
    population: int | None
    contracts: int


def create_organisation(
    db: Database,
    name: str,
    *,
    siret: str | None = None,
    kind: OrganisationKind = OrganisationKind.COMMUNE,
    population: int | None = None,
    departments: tuple[str, ...] | list[str] = DEFAULT_DEPARTMENTS,
) -> uuid.UUID:
    name = name.strip()
    if not name:
        raise ValidationError("Le nom de la collectivité est obligatoire.", field="name")
    if population is not None and population < 0:
        raise ValidationError("La population ne peut pas être négative.", field="population")
    with db.write() as session:
        if siret and queries.organisation_with_siret(session, siret):
            raise ValidationError(
                f"Une collectivité avec le SIRET {siret} existe déjà dans ce fichier.", field="siret"
            )
        try:
            org = Organisation(name=name, siret=siret or None, kind=kind, population=population)
        except InvalidValue as exc:
            raise ValidationError(str(exc), field="siret") from exc
        org.departments = [Department(name=d.strip()) for d in dict.fromkeys(departments) if d.strip()]
        session.add(org)
        seed_defaults(session)
        session.flush()
        return org.id


def init_database(
    path: Path | str,
    name: str,
    *,
    siret: str | None = None,
    population: int | None = None,
    departments: tuple[str, ...] | list[str] = DEFAULT_DEPARTMENTS,
) -> uuid.UUID:
    """Create a new file for one organisation. The file appears at ``path`` only once complete (built
    aside, then renamed), and an existing file is never touched: ``init`` does not add a second
    organisation to it."""
    if not is_server_url(path):
        path = Path(path)
    if isinstance(path, Path) and path.exists():
        raise UserError(
            f"Le fichier « {path} » existe déjà : rien n'a été modifié. Pour créer une nouvelle base, "
            "choisissez un autre nom de fichier ; pour travailler dans celle-ci, ouvrez-la."
        )
    return create_database_with(
        path,
        lambda db: create_organisation(db, name, siret=siret, population=population, departments=departments),
    )


def list_organisations(db: Database) -> list[OrganisationRow]:
    with db.read() as session:
        return _rows(session)


def _rows(session: Session) -> list[OrganisationRow]:
    counts = queries.contract_counts(session)
    return [
        OrganisationRow(o.id, o.name, o.siret, o.kind, o.population, counts.get(o.id, 0))
        for o in queries.organisations(session)
    ]


def find_organisation(db: Database, key: str | None) -> OrganisationRow:
    """The organisation named by SIRET or name; the only one if ``key`` is None."""
    with db.read() as session:
        rows = _rows(session)
    if key is None:
        if len(rows) == 1:
            return rows[0]
        if not rows:
            raise NotFound("Ce fichier ne contient aucune collectivité : créez-en une d'abord.")
        names = ", ".join(f"{r.name} ({r.siret or 'sans SIRET'})" for r in rows)
        raise NotFound(
            f"Ce fichier contient plusieurs collectivités ; précisez laquelle avec --org : {names}."
        )
    for row in rows:
        if key in (row.siret, row.name, str(row.id)):
            return row
    raise NotFound(f"Aucune collectivité « {key} » dans ce fichier.")

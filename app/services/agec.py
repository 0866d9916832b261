"""The yearly AGEC declaration of an organisation: computed, printed and exported as CSV."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from app.errors import NotFound, UserError
from app.io.xlsx_writer import write_csv
from app.model import Organisation
from app.queries.agec import agec_spending
from app.queries.organisation_settings import settings_for
from app.rules.agec_declaration import CSV_HEADERS, AgecDeclaration, declaration
from app.storage.database import Database


def _check_year(year: int) -> None:
    if not 2021 <= year <= 2100:
        raise UserError(f"Année {year} hors de la loi AGEC (déclarations à partir de 2021).")


def agec_declaration(db: Database, organisation_id: uuid.UUID, year: int) -> AgecDeclaration:
    _check_year(year)
    with db.read() as session:
        return _declaration(session, organisation_id, year)


def _declaration(session: Session, organisation_id: uuid.UUID, year: int) -> AgecDeclaration:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound("Cette collectivité n'existe plus dans le fichier.")
    return declaration(
        year,
        org.siret,
        org.name,
        agec_spending(session, organisation_id, year),
        settings_for(session, organisation_id),
    )


def export_agec_declaration(
    db: Database, organisation_id: uuid.UUID, year: int, out: Path | str
) -> AgecDeclaration:
    """Write the declaration as a French CSV (one line per category) and return it."""
    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise UserError(f"« {out.name} » : la déclaration AGEC s'exporte en .csv.")
    if not out.parent.is_dir():
        raise UserError(f"Le dossier « {out.parent} » n'existe pas.")
    _check_year(year)
    with db.read() as session:
        result = _declaration(session, organisation_id, year)
    write_csv(out, CSV_HEADERS, result.rows())
    return result

"""Insertion hours per contract and per year, as the PLIE reports them (SPASER actions 8 and 9).

Each change is written to the contract's history (audit), so the « Historique » tab of the contract
form shows who entered which figure. Edits carry the version read: a figure changed meanwhile on
another workstation is refused, never silently overwritten.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from app import format as fmt
from app.errors import ConcurrentEdit, NotFound, ValidationError
from app.model import Contract, InsertionHours
from app.queries.insertion_hours import hours_by_year
from app.services import audit, scope
from app.storage.database import Database

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_HOURS = Decimal(10_000_000)  # far above any contract; catches a slip of the keyboard


@dataclass(frozen=True)
class HoursRow:
    year: int
    hours: Decimal
    source: str = ""
    id: uuid.UUID | None = None  # None: not saved yet
    version: int | None = None


def _row(r: InsertionHours) -> HoursRow:
    return HoursRow(r.year, r.hours, r.source or "", r.id, r.version)


def validate_rows(rows: Sequence[HoursRow]) -> None:
    """French errors for what a user can type wrong (the form calls it before saving the contract)."""
    for row in rows:
        if row.year is None or not FIRST_YEAR <= row.year <= LAST_YEAR:
            raise ValidationError(
                f"Heures d'insertion : l'année doit être comprise entre {FIRST_YEAR} et {LAST_YEAR} "
                f"(saisi : {row.year if row.year is not None else 'rien'}).",
                field="insertion_hours",
            )
        if row.hours is None:
            raise ValidationError(
                f"Heures d'insertion {row.year} : indiquez le nombre d'heures (0 si aucune).",
                field="insertion_hours",
            )
        if row.hours < 0 or row.hours > MAX_HOURS:
            raise ValidationError(
                f"Heures d'insertion {row.year} : {fmt.number(row.hours, 2)} heures n'est pas possible "
                f"(entre 0 et {fmt.number(MAX_HOURS, 0)}).",
                field="insertion_hours",
            )
    twice = sorted(year for year, n in Counter(r.year for r in rows).items() if n > 1)
    if twice:
        raise ValidationError(
            f"Heures d'insertion : l'année {twice[0]} est saisie deux fois ; une seule ligne par année.",
            field="insertion_hours",
        )


def _contract(session: Session, contract_id: uuid.UUID) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Ce marché n'existe plus dans ce fichier.")
    return contract


def _own(session: Session, contract_id: uuid.UUID, organisation_id: uuid.UUID) -> Contract:
    contract = _contract(session, contract_id)
    return scope.own_contract(
        session, contract_id, organisation_id, f"Les heures d'insertion du marché « {contract.reference} »"
    )


def _log(session: Session, contract_id: uuid.UUID, year: int, old, new, user_name: str) -> None:  # noqa: ANN001
    def shown(value: Decimal | None) -> str:
        return "—" if value is None else f"{fmt.number(value, 2)} h"

    audit.record(
        session,
        "contract",
        contract_id,
        "update",
        {f"Heures d'insertion {year}": f"{shown(old)} → {shown(new)}"},
        user_name,
    )


def _changed_meanwhile(session: Session, contract_id: uuid.UUID, year: int) -> ConcurrentEdit:
    return audit.conflict(
        session,
        contract_id,
        f"Les heures d'insertion {year} de ce marché ont été modifiées {{who}}. Rouvrez la fiche du marché.",
    )


def list_insertion_hours(db: Database, contract_id: uuid.UUID) -> tuple[HoursRow, ...]:
    with db.read() as session:
        _contract(session, contract_id)
        return tuple(_row(r) for _, r in sorted(hours_by_year(session, contract_id).items()))


def set_insertion_hours(
    db: Database,
    contract_id: uuid.UUID,
    year: int,
    hours: Decimal,
    *,
    source: str = "",
    expected_version: int,
    organisation_id: uuid.UUID,
    user_name: str = "",
) -> HoursRow:
    """Enter or correct the hours of one year. ``expected_version`` (required): the version read, 0
    when the year had no figure yet."""
    validate_rows([HoursRow(year, hours, source)])
    with db.write() as session:
        _own(session, contract_id, organisation_id)
        row = hours_by_year(session, contract_id).get(year)
        if (row.version if row else 0) != expected_version:
            raise _changed_meanwhile(session, contract_id, year)
        old = row.hours if row else None
        if row is None:
            row = InsertionHours(contract_id=contract_id, year=year, hours=hours, source=source.strip())
            session.add(row)
        else:
            row.hours, row.source = hours, source.strip()
        if old != hours:
            _log(session, contract_id, year, old, hours, user_name)
        session.flush()
        return _row(row)


def delete_insertion_hours(
    db: Database,
    contract_id: uuid.UUID,
    year: int,
    *,
    expected_version: int,
    organisation_id: uuid.UUID,
    user_name: str = "",
) -> None:
    with db.write() as session:
        _own(session, contract_id, organisation_id)
        row = hours_by_year(session, contract_id).get(year)
        if row is None:
            raise NotFound(f"Ce marché n'a pas d'heures d'insertion saisies pour {year}.")
        if row.version != expected_version:
            raise _changed_meanwhile(session, contract_id, year)
        _log(session, contract_id, year, row.hours, None, user_name)
        session.delete(row)


def save_insertion_hours(
    db: Database,
    contract_id: uuid.UUID,
    rows: Sequence[HoursRow],
    *,
    loaded: Sequence[HoursRow] = (),
    organisation_id: uuid.UUID,
    user_name: str = "",
) -> tuple[HoursRow, ...]:
    """The contract's table of hours as edited in its form, in one transaction: ``rows`` as shown
    when saving, ``loaded`` as read when the form opened (a loaded row missing from ``rows`` was
    removed by the user). A figure changed or entered meanwhile elsewhere is refused."""
    validate_rows(rows)
    with db.write() as session:
        _own(session, contract_id, organisation_id)
        by_id = {r.id: r for r in hours_by_year(session, contract_id).values()}
        kept = {r.id for r in rows if r.id is not None}
        for gone in loaded:
            if gone.id is None or gone.id in kept:
                continue
            stored = by_id.pop(gone.id, None)
            if stored is None:
                continue  # already removed elsewhere: the wish is met
            if stored.version != gone.version:
                raise _changed_meanwhile(session, contract_id, stored.year)
            _log(session, contract_id, stored.year, stored.hours, None, user_name)
            session.delete(stored)
        session.flush()
        taken = {r.year: r for r in by_id.values()}
        for row in sorted(rows, key=lambda r: r.id is None):  # corrections first, then new years
            stored = by_id.get(row.id) if row.id is not None else None
            if row.id is not None and (stored is None or stored.version != row.version):
                raise _changed_meanwhile(session, contract_id, row.year)
            other = taken.get(row.year)
            if other is not None and other is not stored:  # a figure entered meanwhile elsewhere
                raise _changed_meanwhile(session, contract_id, row.year)
            source = (row.source or "").strip()
            if stored is None:
                session.add(
                    InsertionHours(contract_id=contract_id, year=row.year, hours=row.hours, source=source)
                )
                _log(session, contract_id, row.year, None, row.hours, user_name)
                continue
            if (stored.year, stored.hours, stored.source or "") == (row.year, row.hours, source):
                continue
            if stored.year != row.year:
                _log(session, contract_id, stored.year, stored.hours, None, user_name)
                _log(session, contract_id, row.year, None, row.hours, user_name)
            elif stored.hours != row.hours:
                _log(session, contract_id, row.year, stored.hours, row.hours, user_name)
            taken.pop(stored.year, None)
            stored.year, stored.hours, stored.source = row.year, row.hours, source
            taken[row.year] = stored
            session.flush()
        session.flush()
        return tuple(_row(r) for _, r in sorted(hours_by_year(session, contract_id).items()))

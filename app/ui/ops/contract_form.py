"""What the contract form reads and writes, each as one op on the database worker.

The form loads everything it shows once (``load_form``): the choices of its lists, the cycle
delays of the organisation (so the computed dates and the consumption warning are worked out from
the values in the form, with no database access while the user types), and for an existing
contract its detail, history and insertion hours.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.rules import calendar as cal
from app.services import contracts as svc
from app.services import insertion_hours as hours_svc
from app.services.alerts import delays_for
from app.services.audit import AuditRow, history

if TYPE_CHECKING:
    from app.storage.database import Database


@dataclass(frozen=True)
class ContractRecord:
    """An existing contract as the form shows it."""

    detail: svc.ContractDetail
    history: tuple[AuditRow, ...]
    hours: tuple[hours_svc.HoursRow, ...]


@dataclass(frozen=True)
class FormData:
    choices: svc.ContractChoices
    delays: cal.CycleDelays
    record: ContractRecord | None


def load_record(db: Database, contract_id: uuid.UUID) -> ContractRecord:
    return ContractRecord(
        svc.get_contract(db, contract_id),
        tuple(history(db, contract_id)),
        hours_svc.list_insertion_hours(db, contract_id),
    )


def load_form(
    db: Database, organisation_id: uuid.UUID, contract_id: uuid.UUID | None, today: dt.date
) -> FormData:
    record = load_record(db, contract_id) if contract_id is not None else None
    # Another organisation's contract is shown (read-only) with its own departments and families.
    owner = record.detail.organisation_id if record is not None else None
    return FormData(
        svc.contract_choices(db, owner or organisation_id),
        delays_for(db, owner or organisation_id, today),
        record,
    )


@dataclass(frozen=True)
class Saved:
    """The contract saved; ``hours_error`` when its insertion hours could not be (the contract is)."""

    detail: svc.ContractDetail
    hours_error: str | None = None


def save_form(
    db: Database,
    organisation_id: uuid.UUID,
    data: svc.ContractInput,
    *,
    contract_id: uuid.UUID | None,
    expected_version: int | None,
    overwrite: bool,
    user_name: str,
    hours: list[hours_svc.HoursRow] | None,
    loaded_hours: tuple[hours_svc.HoursRow, ...],
) -> Saved:
    """Save the contract, then its insertion hours when they changed (``hours`` not ``None``)."""
    from app.errors import UserError

    detail = svc.save_contract(
        db,
        organisation_id,
        data,
        contract_id=contract_id,
        expected_version=expected_version,
        overwrite=overwrite,
        user_name=user_name,
    )
    if hours is not None:
        try:
            hours_svc.save_insertion_hours(
                db,
                detail.id,
                hours,
                loaded=loaded_hours,
                organisation_id=organisation_id,
                user_name=user_name,
            )
        except UserError as exc:
            return Saved(detail, exc.message)
    return Saved(detail)


def save_hours(
    db: Database,
    contract_id: uuid.UUID,
    hours: list[hours_svc.HoursRow],
    loaded: tuple[hours_svc.HoursRow, ...],
    user_name: str,
    organisation_id: uuid.UUID,
) -> tuple[tuple[hours_svc.HoursRow, ...], tuple[AuditRow, ...]]:
    saved = hours_svc.save_insertion_hours(
        db, contract_id, hours, loaded=loaded, organisation_id=organisation_id, user_name=user_name
    )
    return tuple(saved), tuple(history(db, contract_id))

"""Contract register: queries, filters, and edits with validation, audit and optimistic concurrency.

Edits carry the ``version`` the user loaded: saving over a row someone else changed meanwhile
raises ``ConcurrentEdit`` unless the user chose to overwrite. A deletion returns a snapshot of
everything the database removed with the contract, so that it can be restored (undo).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.enums import ContractStatus, Procedure, PurchaseNature
from app.errors import ConcurrentEdit, NotFound, UserError, ValidationError
from app.model import Amendment, Base, Contract, Lot, Organisation, utcnow
from app.queries import deletion, register
from app.queries import organisations as org_queries
from app.queries.register import ContractRow  # noqa: F401 - the register's rows, read by the screens
from app.rules import calendar as cal
from app.rules import contract as facts_rules
from app.rules import editing
from app.services import audit, scope
from app.services.text import fold
from app.storage.database import Database


def list_contracts(db: Database, organisation_id: uuid.UUID) -> list[ContractRow]:
    """Every contract of an organisation, ordered by end date, as plain rows (one query)."""
    with db.read() as session:
        return register.contract_rows(session, organisation_id)


@dataclass(frozen=True)
class SharedRegister:
    """The contracts of every organisation of the file: one's own editable, the others read-only."""

    rows: list[ContractRow]
    owners: dict[uuid.UUID, uuid.UUID]  # contract id → its organisation
    names: dict[uuid.UUID, str]  # organisation id → name

    def owner_name(self, row: ContractRow) -> str:
        return self.names.get(self.owners.get(row.id), "")

    def access(self, row: ContractRow, acting_id: uuid.UUID | None) -> editing.Access:
        owner = self.owners.get(row.id)
        return editing.access(owner, self.names.get(owner, "") if owner else "", acting_id)


def list_shared_contracts(db: Database, organisation_id: uuid.UUID) -> SharedRegister:
    """The user's contracts, then those of the file's other organisations (readable, not editable)."""
    with db.read() as session:
        names = {o.id: o.name for o in org_queries.organisations(session)}
        rows: list[ContractRow] = []
        owners: dict[uuid.UUID, uuid.UUID] = {}
        for org_id in [organisation_id, *(o for o in names if o != organisation_id)]:
            found = register.contract_rows(session, org_id)
            rows.extend(found)
            owners.update((row.id, org_id) for row in found)
        return SharedRegister(rows, owners, names)


# --- filtering and searching (pure, over rows) -----------------------------------------------------


@dataclass(frozen=True)
class ContractFilter:
    text: str = ""
    department_id: uuid.UUID | None = None
    family_id: uuid.UUID | None = None
    nature: PurchaseNature | None = None
    status: ContractStatus | None = None
    end_from: dt.date | None = None
    end_to: dt.date | None = None
    renewing_next_year: bool = False
    missing_mandatory_clause: bool = False


def _fast_fold(text: str) -> str:
    return text.casefold() if text.isascii() else fold(text)


def search_key(row: ContractRow, cache: dict[str, str] | None = None) -> str:
    """What the search box matches: reference, object and supplier, without case or accents.

    ``cache`` remembers the folded objects and suppliers, which repeat across rows."""
    if cache is None:
        cache = {}
    parts = []
    for text in (row.object, row.supplier):
        folded = cache.get(text)
        if folded is None:
            folded = cache[text] = _fast_fold(text)
        parts.append(folded)
    return f"{_fast_fold(row.reference)}\x1f{parts[0]}\x1f{parts[1]}"


def search_keys(rows: list[ContractRow]) -> dict[uuid.UUID, str]:
    cache: dict[str, str] = {}
    return {row.id: search_key(row, cache) for row in rows}


def filter_contracts(
    rows: list[ContractRow],
    criteria: ContractFilter,
    today: dt.date,
    *,
    keys: dict[uuid.UUID, str] | None = None,
    missing_clause: set[uuid.UUID] | None = None,
) -> list[ContractRow]:
    """Rows matching every criterion; ``keys`` caches ``search_key`` per row id."""
    words = fold(criteria.text).split()
    out = []
    for row in rows:
        if criteria.department_id is not None and row.department_id != criteria.department_id:
            continue
        if criteria.family_id is not None and row.family_id != criteria.family_id:
            continue
        if criteria.nature is not None and row.nature != criteria.nature:
            continue
        if criteria.status is not None and row.status != criteria.status:
            continue
        if criteria.end_from is not None and (row.end_date is None or row.end_date < criteria.end_from):
            continue
        if criteria.end_to is not None and (row.end_date is None or row.end_date > criteria.end_to):
            continue
        if criteria.renewing_next_year and not cal.renews_next_year(row.end_date, today):
            continue
        if criteria.missing_mandatory_clause and (missing_clause is None or row.id not in missing_clause):
            continue
        if words:
            key = keys.get(row.id) if keys is not None else None
            if key is None:
                key = search_key(row)
            if not all(w in key for w in words):
                continue
        out.append(row)
    return out


# --- choices for the form --------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    label: str


@dataclass(frozen=True)
class ContractChoices:
    departments: list[Choice]
    families: list[Choice]
    suppliers: list[Choice]


def contract_choices(db: Database, organisation_id: uuid.UUID) -> ContractChoices:
    with db.read() as s:
        return ContractChoices(
            [Choice(*r) for r in register.departments(s, organisation_id)],
            [Choice(*r) for r in register.families(s, organisation_id)],
            [Choice(*r) for r in register.suppliers(s)],
        )


# --- detail, validation and saving -----------------------------------------------------------------


@dataclass(frozen=True)
class LotInput:
    number: int
    title: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class AmendmentInput:
    number: int
    signed_on: dt.date | None = None
    amount_delta: Decimal | None = None
    object: str = ""
    new_end_date: dt.date | None = None


@dataclass(frozen=True)
class ContractInput:
    reference: str
    object: str
    nature: PurchaseNature | None = None  # None: not known yet (app.rules.contract)
    procedure: Procedure | None = None
    status: ContractStatus = ContractStatus.ACTIVE
    department_id: uuid.UUID | None = None
    family_id: uuid.UUID | None = None
    supplier_id: uuid.UUID | None = None
    cpv_code: str | None = None
    recurrent: bool | None = None
    estimated_amount: Decimal | None = None
    notified_amount: Decimal | None = None
    is_framework: bool = False
    max_amount: Decimal | None = None
    min_amount: Decimal | None = None
    notification_date: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    duration_months: int | None = None
    renewable: bool | None = None
    renewals_max: int | None = None
    notice_months: int | None = None
    notes: str | None = None
    lots: tuple[LotInput, ...] = ()
    amendments: tuple[AmendmentInput, ...] = ()


SCALAR_FIELDS = tuple(
    f.name for f in dataclasses.fields(ContractInput) if f.name not in ("lots", "amendments")
)

FIELD_LABELS = facts_rules.CONTRACT_FIELD_LABELS  # read by the contract form


@dataclass(frozen=True)
class ContractDetail:
    id: uuid.UUID
    version: int
    data: ContractInput
    consumed: Decimal = Decimal(0)
    updated_at: dt.datetime | None = None
    organisation_id: uuid.UUID | None = None  # the owner: another organisation's contract is read-only
    organisation_name: str = ""

    def access(self, acting_id: uuid.UUID | None) -> editing.Access:
        """Whether the user working for ``acting_id`` may change this contract, and whose it is."""
        return editing.access(self.organisation_id, self.organisation_name, acting_id)

    @property
    def total_with_amendments(self) -> Decimal | None:
        deltas = [a.amount_delta for a in self.data.amendments if a.amount_delta is not None]
        return facts_rules.total_amount(
            self.data.notified_amount, self.data.estimated_amount, sum(deltas, Decimal(0)) if deltas else None
        )

    @property
    def notice_deadline(self) -> dt.date | None:
        return cal.notice_deadline(self.data.end_date, self.data.notice_months)


def validate_contract(data: ContractInput) -> ContractInput:
    """Raise ``ValidationError`` (French, with the field) for the first broken rule; return cleaned data."""
    reference = data.reference.strip()
    problems = facts_rules.validate_contract_values(
        {name: getattr(data, name) for name in SCALAR_FIELDS} | {"reference": reference}
    )
    if problems:
        raise ValidationError(problems[0].message, field=problems[0].field)
    cpv = (data.cpv_code or "").strip() or None
    numbers = [lot.number for lot in data.lots]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("Deux lots portent le même numéro.", field="lots")
    for lot in data.lots:
        if lot.number < 1:
            raise ValidationError("Le numéro d'un lot doit être 1 ou plus.", field="lots")
        if not lot.title.strip():
            raise ValidationError(f"Le lot n° {lot.number} doit avoir un intitulé.", field="lots")
        if lot.amount is not None and lot.amount < 0:
            raise ValidationError(
                f"Le montant du lot n° {lot.number} ne peut pas être négatif.", field="lots"
            )
    numbers = [a.number for a in data.amendments]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("Deux avenants portent le même numéro.", field="amendments")
    for a in data.amendments:
        if a.number < 1:
            raise ValidationError("Le numéro d'un avenant doit être 1 ou plus.", field="amendments")
        if a.new_end_date and data.start_date and a.new_end_date < data.start_date:
            raise ValidationError(
                f"La nouvelle échéance de l'avenant n° {a.number} est antérieure au début du marché.",
                field="amendments",
            )
    return dataclasses.replace(
        data,
        reference=reference,
        object=data.object.strip(),
        cpv_code=cpv,
        notes=(data.notes or "").strip() or None,
    )


def _input_from(contract: Contract) -> ContractInput:
    return ContractInput(
        **{name: getattr(contract, name) for name in SCALAR_FIELDS},
        lots=tuple(LotInput(lot.number, lot.title, lot.amount) for lot in contract.lots),
        amendments=tuple(
            AmendmentInput(a.number, a.signed_on, a.amount_delta, a.object, a.new_end_date)
            for a in contract.amendments
        ),
    )


def _audit_values(data: ContractInput) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(data, name) for name in SCALAR_FIELDS}
    values["lots"] = [
        f"{lot.number}. {lot.title} ({lot.amount if lot.amount is not None else '—'})" for lot in data.lots
    ]
    values["amendments"] = [
        f"{a.number}. {a.object} ({a.amount_delta if a.amount_delta is not None else '—'})"
        for a in data.amendments
    ]
    return values


def get_contract(db: Database, contract_id: uuid.UUID) -> ContractDetail:
    with db.read() as session:
        contract = session.get(Contract, contract_id)
        if contract is None:
            raise NotFound("Ce marché n'existe plus : il a peut-être été supprimé depuis un autre poste.")
        owner = session.get(Organisation, contract.organisation_id)
        return ContractDetail(
            contract.id,
            contract.version,
            _input_from(contract),
            register.consumed(session, contract.id),
            contract.updated_at,
            contract.organisation_id,
            owner.name if owner is not None else "",
        )


def _conflict_message(session: Session, contract: Contract) -> str:
    return (
        f"Le marché « {contract.reference} » a été modifié {audit.changed_by(session, contract.id)}, "
        "depuis que vous l'avez ouvert. Rechargez-le pour voir sa version actuelle, ou écrasez-la avec "
        "vos modifications."
    )


def save_contract(
    db: Database,
    organisation_id: uuid.UUID,
    data: ContractInput,
    *,
    contract_id: uuid.UUID | None = None,
    expected_version: int | None,
    overwrite: bool = False,
    user_name: str = "",
) -> ContractDetail:
    """Create (``contract_id`` None) or update a contract; returns its new state.

    ``expected_version`` is required: the version read (None when creating). Updating with any other
    version than the row's, None included, raises ``ConcurrentEdit`` unless ``overwrite`` is true.
    """
    data = validate_contract(data)
    try:
        with db.write() as session:
            if register.reference_holder(session, organisation_id, data.reference, contract_id) is not None:
                raise ValidationError(
                    f"Un autre marché porte déjà la référence « {data.reference} ».", field="reference"
                )
            if contract_id is None:
                contract = Contract(organisation_id=organisation_id)
                before: dict[str, Any] = {}
                session.add(contract)
            else:
                contract = session.get(Contract, contract_id)
                if contract is None:
                    raise NotFound(
                        "Ce marché n'existe plus : il a été supprimé depuis un autre poste. "
                        "Vos modifications n'ont pas été enregistrées."
                    )
                scope.ensure_own(
                    session, contract.organisation_id, organisation_id, f"Le marché « {contract.reference} »"
                )
                if contract.version != expected_version and not overwrite:
                    raise ConcurrentEdit(_conflict_message(session, contract))
                before = _audit_values(_input_from(contract))
            sources = dict(contract.fact_sources or {})
            for name in SCALAR_FIELDS:
                value = getattr(data, name)
                if name in facts_rules.FACT_LABELS and value != getattr(contract, name, None):
                    sources[name] = facts_rules.Source.ENTERED.value
                setattr(contract, name, value)
            contract.fact_sources = sources
            contract.updated_at = utcnow()  # always bump the version, even when only lots changed
            _sync_children(contract, data)
            session.flush()
            after = _audit_values(data)
            changes = audit.diff(before, after)
            audit.record(
                session,
                "contract",
                contract.id,
                "create" if contract_id is None else "update",
                changes,
                user_name,
            )
            session.flush()
            return ContractDetail(
                contract.id,
                contract.version,
                data,
                register.consumed(session, contract.id),
                contract.updated_at,
                contract.organisation_id,
            )
    except StaleDataError as exc:  # the row changed between our read and our write
        raise ConcurrentEdit(
            "Ce marché vient d'être modifié sur un autre poste. Rechargez-le puis recommencez."
        ) from exc


def _sync_children(contract: Contract, data: ContractInput) -> None:
    lots = {lot.number: lot for lot in contract.lots}
    keep = []
    for item in sorted(data.lots, key=lambda x: x.number):
        lot = lots.get(item.number) or Lot(number=item.number)
        lot.title, lot.amount = item.title.strip(), item.amount
        keep.append(lot)
    contract.lots = keep
    amendments = {a.number: a for a in contract.amendments}
    keep_a = []
    for item in sorted(data.amendments, key=lambda x: x.number):
        a = amendments.get(item.number) or Amendment(number=item.number)
        a.signed_on, a.amount_delta, a.object, a.new_end_date = (
            item.signed_on,
            item.amount_delta,
            item.object.strip(),
            item.new_end_date,
        )
        keep_a.append(a)
    contract.amendments = keep_a


# --- deletion and undo -----------------------------------------------------------------------------


@dataclass
class DeletedContract:
    """Everything a deletion removed or unlinked, so that ``restore_contract`` can put it back."""

    id: uuid.UUID
    reference: str
    rows: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)  # parents first
    unlinked: list[tuple[str, str, list[uuid.UUID]]] = field(default_factory=list)  # SET NULL links


def delete_contract(
    db: Database,
    contract_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    expected_version: int,
    user_name: str = "",
) -> DeletedContract:
    """Delete a contract of ``organisation_id`` (the user's) read at ``expected_version``."""
    with db.write() as session:
        contract = session.get(Contract, contract_id)
        if contract is None:
            raise NotFound("Ce marché a déjà été supprimé.")
        scope.ensure_own(
            session, contract.organisation_id, organisation_id, f"Le marché « {contract.reference} »"
        )
        if contract.version != expected_version:
            raise ConcurrentEdit(_conflict_message(session, contract))
        rows, unlinked = deletion.cascade(session, Contract.__table__, [contract.id])
        snapshot = DeletedContract(contract.id, contract.reference, rows, unlinked)
        session.expunge(contract)
        session.execute(Contract.__table__.delete().where(Contract.__table__.c.id == contract_id))
        audit.record(session, "contract", contract_id, "delete", {"reference": contract.reference}, user_name)
        return snapshot


def restore_contract(db: Database, snapshot: DeletedContract, *, user_name: str = "") -> None:
    """Put back a deleted contract and everything that went with it (undo)."""
    tables = Base.metadata.tables
    try:
        with db.write() as session:
            for name, rows in snapshot.rows:
                session.execute(insert(tables[name]), rows)
            for name, column, (row_id, value) in snapshot.unlinked:
                table = tables[name]
                session.execute(
                    update(table)
                    .where(table.c.id == row_id, table.c[column].is_(None))
                    .values({column: value})
                )
            audit.record(
                session, "contract", snapshot.id, "restore", {"reference": snapshot.reference}, user_name
            )
    except IntegrityError as exc:
        raise UserError(
            f"Le marché « {snapshot.reference} » ne peut pas être rétabli : un autre marché porte "
            "désormais la même référence, ou ses données liées ont changé."
        ) from exc

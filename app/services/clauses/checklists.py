"""Each contract's clause checklist: the rules' verdict on every clause of the organisation's library
(mandatory, recommended...) with the buyer's decision (retenue, intégrée au DCE...), and the
committee's levers turned into lines to study."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from app.enums import ChecklistStatus, ClauseKind, ContractStatus
from app.errors import NotFound, ValidationError
from app.model import Clause, Contract, ContractClause, Organisation, utcnow
from app.queries import clauses as queries
from app.queries.contracts import contract_facts
from app.rules.clause_library import levers_for_actions
from app.rules.clauses import (
    APPLICABILITY_ORDER,
    Applicability,
    Basis,
    ContractFacts,
    Verdict,
    applicability_label,
    evaluate_all,
)
from app.rules.levers import LEVERS_BY_CODE
from app.services import audit, scope
from app.services.clauses.library import ClauseRow, library_rows
from app.storage.database import Database

# Decisions that settle a mandatory clause (a dismissal carries its written justification).
SETTLED = frozenset(
    {ChecklistStatus.RETAINED, ChecklistStatus.IN_TENDER, ChecklistStatus.EXECUTED, ChecklistStatus.DISMISSED}
)
OPEN_CONTRACT_STATUSES = (ContractStatus.DRAFT, ContractStatus.ACTIVE)


@dataclass(frozen=True)
class ChecklistItem:
    clause_id: uuid.UUID
    code: str
    title: str
    kind: ClauseKind
    actions: tuple[int, ...]
    applicability: Applicability
    reason: str
    evidence: str | None
    status: ChecklistStatus
    justification: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    text: str  # the chosen text if any, else the clause's model text
    legal_basis: str
    decp_consideration: str | None
    builtin: bool
    item_version: int | None  # version of the checklist line, None while undecided
    basis: Basis | None = None  # for a mandatory clause: the law or the town's SPASER commitment

    @property
    def applicability_label(self) -> str:
        """ "Obligatoire (obligation légale)", "Obligatoire (engagement du SPASER)", "Recommandée"…"""
        return applicability_label(self.applicability, self.basis)

    @property
    def settled(self) -> bool:
        return self.evidence is not None or self.status in SETTLED

    @property
    def missing(self) -> bool:
        return self.applicability is Applicability.MANDATORY and not self.settled

    def to_json(self) -> dict:
        """One line of ``clauses --contract REF --json``."""
        return {
            "id": self.code,
            "title": self.title,
            "status": self.applicability.value,
            "basis": self.basis.value if self.basis else None,  # "law" | "spaser" for a mandatory clause
            "reason": self.reason,
            "evidence": self.evidence,
            "checklist_status": self.status.value,
            "justification": self.justification,
            "decp_consideration": self.decp_consideration,
        }


@dataclass(frozen=True)
class Checklist:
    contract_id: uuid.UUID
    organisation: str
    reference: str
    object: str
    amount: Decimal | None
    duration_months: int | None
    consultation_date: dt.date
    items: list[ChecklistItem] = field(default_factory=list)
    total_amount: Decimal | None = None  # what the register shows: notified (else estimated) + avenants

    @property
    def missing_mandatory(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.missing]

    def to_json(self) -> dict:
        """``clauses --contract REF --json`` (Decimal and dates are left to the JSON writer)."""
        return {
            "contract": self.reference,
            "organisation": self.organisation,
            "amount": self.amount,
            "duration_months": self.duration_months,
            "consultation_date": self.consultation_date,
            "missing_mandatory": [i.code for i in self.missing_mandatory],
            "clauses": [i.to_json() for i in self.items],
        }


def effective_library(clauses: list[ClauseRow], decided: set[uuid.UUID]) -> list[ClauseRow]:
    """The organisation's copies replace their originals, unless the contract already decided on one."""
    replaced = {c.copied_from for c in clauses if not c.builtin and c.copied_from}
    return [c for c in clauses if c.code not in replaced or c.id in decided]


def clause_verdicts(clauses: list[ClauseRow], facts: ContractFacts, settings) -> list[Verdict]:  # noqa: ANN001
    return evaluate_all([c.rule_code for c in clauses], facts, settings)


def _load_contract(session: Session, contract_id: uuid.UUID) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Ce marché n'existe plus (supprimé sur un autre poste ?).")
    return contract


def checklist_in(session: Session, contract_id: uuid.UUID, *, today: dt.date | None = None) -> Checklist:
    from app.queries.organisation_settings import settings_for

    contract = _load_contract(session, contract_id)
    facts = contract_facts(session, contract.id, today=today)
    items = {i.clause_id: i for i in queries.contract_lines(session, contract_id)}
    clauses = effective_library(library_rows(session, contract.organisation_id), set(items))
    verdicts = clause_verdicts(clauses, facts, settings_for(session, contract.organisation_id))
    out = []
    for clause, verdict in zip(clauses, verdicts, strict=True):
        item = items.get(clause.id)
        out.append(
            ChecklistItem(
                clause_id=clause.id,
                code=clause.code,
                title=clause.title,
                kind=clause.kind,
                actions=clause.actions,
                applicability=verdict.status,
                reason=verdict.reason,
                evidence=verdict.evidence,
                status=item.status if item else ChecklistStatus.TO_STUDY,
                justification=item.justification if item else None,
                decided_by=item.decided_by if item else None,
                decided_at=item.decided_at if item else None,
                text=(item.chosen_text if item and item.chosen_text else clause.model_text),
                legal_basis=clause.legal_basis,
                decp_consideration=clause.decp_consideration,
                builtin=clause.builtin,
                item_version=item.version if item else None,
                basis=verdict.basis,
            )
        )
    out.sort(
        key=lambda i: (APPLICABILITY_ORDER[i.applicability], min(i.actions, default=99), i.title.lower())
    )
    org = session.get(Organisation, contract.organisation_id)
    return Checklist(
        contract_id=contract.id,
        organisation=org.name if org else "",
        reference=contract.reference,
        object=contract.object,
        amount=facts.amount,
        duration_months=facts.duration_months,
        consultation_date=facts.consultation_date,
        items=out,
        total_amount=facts.total_with_amendments,
    )


def checklist(db: Database, contract_id: uuid.UUID, *, today: dt.date | None = None) -> Checklist:
    """Every clause of the organisation's library for one contract, with verdict and decision."""
    with db.read() as session:
        return checklist_in(session, contract_id, today=today)


def find_contract(db: Database, organisation_id: uuid.UUID, reference: str) -> uuid.UUID:
    with db.read() as session:
        found = queries.contract_id_by_reference(session, organisation_id, reference.strip())
    if found is None:
        raise NotFound(f"Aucun marché de référence « {reference} » pour cette collectivité.")
    return found


def set_item_status(
    db: Database,
    contract_id: uuid.UUID,
    clause_id_: uuid.UUID,
    status: ChecklistStatus,
    *,
    user_name: str = "",
    justification: str | None = None,
    chosen_text: str | None = None,
    expected_version: int | None,  # the version read; None when the contract had no line for it
    organisation_id: uuid.UUID,  # the user's: another organisation's checklist is read-only
) -> None:
    """Record the buyer's decision on one clause of a contract; dismissing needs a justification."""
    justification = (justification or "").strip() or None
    if status is ChecklistStatus.DISMISSED and not justification:
        raise ValidationError(
            "Pour écarter une clause, indiquez pourquoi : la justification est obligatoire "
            "(elle sera lue au comité et lors d'un contrôle).",
            field="justification",
        )
    with db.write() as session:
        contract = _load_contract(session, contract_id)
        scope.own_contract(
            session, contract_id, organisation_id, f"La liste de clauses du marché « {contract.reference} »"
        )
        clause = session.get(Clause, clause_id_)
        if clause is None:
            raise NotFound("Cette clause n'existe plus.")
        item = queries.contract_line(session, contract_id, clause_id_)
        if item is None:
            item = ContractClause(contract_id=contract_id, clause_id=clause_id_)
            session.add(item)
        elif item.version != expected_version:
            raise audit.conflict(
                session,
                item.id,
                f"La ligne « {clause.title} » de la liste de clauses du marché « {contract.reference} » a "
                "été modifiée {who}. Rechargez la liste.",
            )
        old = item.status
        item.status = status
        item.justification = justification
        if chosen_text is not None:
            item.chosen_text = chosen_text.strip() or None
        item.decided_by = user_name.strip() or None
        item.decided_at = utcnow()
        session.flush()
        audit.record(
            session,
            "contract_clause",
            item.id,
            "update" if old is not None else "create",
            {"marché": contract.reference, "clause": clause.title, "statut": [old, status]},
            user_name,
        )


def add_items_for_levers(
    session: Session, contract_id: uuid.UUID, lever_codes: list[str], user_name: str
) -> int:
    """Committee decisions become checklist lines "à étudier" (inside the caller's unit of work).

    Every clause implementing one of the levers is added unless the rules find it not applicable
    to this contract or the contract already has a line for it. Returns the number of lines added.
    """
    from app.queries.organisation_settings import settings_for

    wanted: set[str] = set()
    for code in lever_codes:
        code = str(code).strip()
        if code in LEVERS_BY_CODE:
            wanted.add(code)
        elif code.isdigit():  # an action number instead of a lever code
            wanted.update(levers_for_actions([int(code)]))
    if not wanted:
        return 0
    contract = _load_contract(session, contract_id)
    existing = queries.decided_clause_ids(session, contract_id)
    clauses = [
        c
        for c in effective_library(library_rows(session, contract.organisation_id), existing)
        if set(c.levers) & wanted
    ]
    verdicts = clause_verdicts(
        clauses, contract_facts(session, contract.id), settings_for(session, contract.organisation_id)
    )
    added = 0
    now = utcnow()
    for clause, verdict in zip(clauses, verdicts, strict=True):
        if clause.id in existing or verdict.status is Applicability.NOT_APPLICABLE:
            continue
        session.add(
            ContractClause(
                contract_id=contract_id,
                clause_id=clause.id,
                status=ChecklistStatus.TO_STUDY,
                decided_by=user_name.strip() or None,
                decided_at=now,
            )
        )
        existing.add(clause.id)
        added += 1
    session.flush()
    return added

"""Across an organisation's contracts: which ones lack a mandatory clause (register filter,
alerts, dashboards), and the DECP considerations their clauses give (open-data export)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.enums import ChecklistStatus
from app.queries import clauses as queries
from app.queries.contracts import contracts_facts
from app.rules.clause_library import DECP_ENVIRONMENTAL, DECP_SOCIAL
from app.rules.clauses import first_missing_mandatory
from app.rules.contract import ContractFacts
from app.services.clauses.checklists import (
    OPEN_CONTRACT_STATUSES,
    SETTLED,
    effective_library,
)
from app.services.clauses.library import library_rows
from app.storage.database import Database

# Decisions that put the clause in the contract (and so in its DECP considerations).
IN_CONTRACT = frozenset({ChecklistStatus.IN_TENDER, ChecklistStatus.EXECUTED})


def contracts_missing_mandatory(
    db: Database, organisation_id: uuid.UUID, *, today: dt.date | None = None
) -> set[uuid.UUID]:
    """Contracts in preparation or running that lack a mandatory clause (not shown by their data,
    not retained, not dismissed with a justification). Used by the register filter and dashboards."""
    with db.read() as session:
        return missing_mandatory_in(session, organisation_id, today=today)


def missing_mandatory_in(
    session: Session,
    organisation_id: uuid.UUID,
    *,
    today: dt.date | None = None,
    facts: Sequence[ContractFacts] | None = None,
) -> set[uuid.UUID]:
    """``contracts_missing_mandatory`` inside the caller's unit of work (a dashboard's, an alert's);
    ``facts``: the organisation's contract facts when the caller already read them (same ``today``)."""
    from app.queries.organisation_settings import settings_for

    settings = settings_for(session, organisation_id)
    if facts is None:
        facts = contracts_facts(session, organisation_id, today=today)
    contracts = [f for f in facts if f.status in OPEN_CONTRACT_STATUSES]
    if not contracts:
        return set()
    settled: dict[uuid.UUID, set[uuid.UUID]] = {}
    decided: dict[uuid.UUID, set[uuid.UUID]] = {}
    for cid, clid, status in queries.organisation_decisions(session, organisation_id):
        decided.setdefault(cid, set()).add(clid)
        if status in SETTLED:
            settled.setdefault(cid, set()).add(clid)
    library = library_rows(session, organisation_id)
    missing: set[uuid.UUID] = set()
    # Most contracts share their decisions (none at all): their rule codes are listed once.
    codes_for: dict[tuple[frozenset, frozenset], list[str]] = {}
    for facts in contracts:
        key = (frozenset(decided.get(facts.id, ())), frozenset(settled.get(facts.id, ())))
        codes = codes_for.get(key)
        if codes is None:
            clauses = effective_library(library, set(key[0]))
            codes = codes_for[key] = [c.rule_code for c in clauses if c.id not in key[1]]
        if first_missing_mandatory(codes, facts, settings):
            missing.add(facts.id)
    return missing


def contract_considerations(session: Session, contract_id: uuid.UUID) -> tuple[list[str], list[str]]:
    """DECP social and environmental considerations given by the clauses put in the contract
    (intégrée au DCE or exécutée), so the open-data export needs no second entry."""
    values = queries.decp_considerations(session, contract_id, IN_CONTRACT)
    present = {v for v in values if v}
    return [v for v in DECP_SOCIAL if v in present], [v for v in DECP_ENVIRONMENTAL if v in present]

"""The demo's clause decisions on the running contracts' checklists."""

from __future__ import annotations

import datetime as dt
import uuid

from app.enums import ChecklistStatus
from app.model import ContractClause
from app.queries.demo import contracts_with_status
from app.rules.clauses import Applicability
from app.services.clauses import CLAUSE_NAMESPACE, OPEN_CONTRACT_STATUSES, checklist_in
from app.storage.database import Database

DEMO_DISMISSAL = "Prestations indissociables : un seul titulaire garantit la continuité du service."


def add_demo_checklists(db: Database, *, today: dt.date, stamp: dt.datetime) -> None:
    """Demo: decisions on the clause checklists of the running contracts, deterministic. One contract
    in three has every mandatory clause in its tender file; one in three has a retained tie-break
    clause and a justified non-allotment; the others are left to the buyer (and flagged)."""
    with db.write() as session:
        contracts = contracts_with_status(session, OPEN_CONTRACT_STATUSES)
        for index, contract in enumerate(contracts):
            items = checklist_in(session, contract.id, today=today).items
            decisions: dict[str, tuple[ChecklistStatus, str | None]] = {}
            if index % 3 == 0:
                for item in items:
                    if item.applicability is Applicability.MANDATORY:
                        decisions[item.code] = (ChecklistStatus.IN_TENDER, None)
            elif index % 3 == 1:
                decisions["anti-discrimination-tiebreak"] = (ChecklistStatus.RETAINED, None)
                decisions["allotment"] = (ChecklistStatus.DISMISSED, DEMO_DISMISSAL)
            for item in items:
                if item.code not in decisions:
                    continue
                status, justification = decisions[item.code]
                session.add(
                    ContractClause(
                        id=uuid.uuid5(CLAUSE_NAMESPACE, f"demo:{contract.id}:{item.code}"),
                        contract_id=contract.id,
                        clause_id=item.clause_id,
                        status=status,
                        justification=justification,
                        decided_by="Service de la commande publique",
                        decided_at=stamp,
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )

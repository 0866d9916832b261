"""Clauses: the library, its sharing as files, each contract's checklist, and what the checklists
say across contracts. One module per concern; the names are gathered here so that callers write
``from app.services.clauses import checklist``.

- ``library``: built-in and own clauses (list, add, copy, edit, delete; seeding the built-in ones).
- ``sharing``: export and import a library file (.toml).
- ``checklists``: one contract's checklist (verdicts and decisions), decisions, committee levers.
- ``coverage``: contracts lacking a mandatory clause; DECP considerations given by the clauses.
"""

from __future__ import annotations

from app.services.clauses.checklists import (
    OPEN_CONTRACT_STATUSES,
    SETTLED,
    Checklist,
    ChecklistItem,
    add_items_for_levers,
    checklist,
    checklist_in,
    find_contract,
    set_item_status,
)
from app.services.clauses.coverage import (
    IN_CONTRACT,
    contract_considerations,
    contracts_missing_mandatory,
    missing_mandatory_in,
)
from app.services.clauses.library import (
    CLAUSE_NAMESPACE,
    ClauseInput,
    ClauseRow,
    add_clause,
    builtin_clauses_seeded_in,
    builtin_library,
    clause_id,
    copy_clause,
    delete_clause,
    ensure_builtin_clauses,
    get_clause,
    list_library,
    seed_builtin_clauses,
    update_clause,
)
from app.services.clauses.sharing import (
    ImportResult,
    export_library,
    import_library,
)

__all__ = [
    "CLAUSE_NAMESPACE",
    "Checklist",
    "ChecklistItem",
    "ClauseInput",
    "ClauseRow",
    "IN_CONTRACT",
    "ImportResult",
    "OPEN_CONTRACT_STATUSES",
    "SETTLED",
    "add_clause",
    "add_items_for_levers",
    "builtin_clauses_seeded_in",
    "builtin_library",
    "checklist",
    "checklist_in",
    "clause_id",
    "contract_considerations",
    "contracts_missing_mandatory",
    "copy_clause",
    "delete_clause",
    "ensure_builtin_clauses",
    "export_library",
    "find_contract",
    "get_clause",
    "import_library",
    "missing_mandatory_in",
    "list_library",
    "seed_builtin_clauses",
    "set_item_status",
    "update_clause",
]

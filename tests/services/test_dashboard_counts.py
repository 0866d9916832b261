"""The dashboard counts active contracts missing a mandatory clause ("counted by the
dashboards"), and the count falls when the buyer settles a contract's mandatory clauses."""

from __future__ import annotations

import datetime as dt

from app.enums import ChecklistStatus, ContractStatus
from app.services.alerts import dashboard_counts
from app.services.clauses import checklist, contracts_missing_mandatory, set_item_status
from app.services.contracts import list_contracts

TODAY = dt.date(2026, 11, 1)


def test_dashboard_counts_active_contracts_missing_a_mandatory_clause(demo_db, demo_org):
    active = {r.id for r in list_contracts(demo_db, demo_org) if r.status == ContractStatus.ACTIVE}
    missing = contracts_missing_mandatory(demo_db, demo_org)
    before = dashboard_counts(demo_db, demo_org, TODAY).missing_mandatory_clause
    assert before == len(active & missing) > 0

    contract_id = sorted(active & missing)[0]
    for item in checklist(demo_db, contract_id).missing_mandatory:
        set_item_status(
            demo_db,
            contract_id,
            item.clause_id,
            ChecklistStatus.RETAINED,
            user_name="Test",
            expected_version=None,
            organisation_id=demo_org,
        )
    assert not checklist(demo_db, contract_id).missing_mandatory
    assert dashboard_counts(demo_db, demo_org, TODAY).missing_mandatory_clause == before - 1

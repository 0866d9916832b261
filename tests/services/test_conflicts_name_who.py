"""A stale edit of any kind raises ``ConcurrentEdit`` naming who changed the row, from which machine
and when (issue 13, item 3): committee sessions and decisions, cotations, checklist lines, clauses,
reference data, settings and the organisation's identity, not only contracts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import platform
from decimal import Decimal

import pytest

from app.enums import ChecklistStatus
from app.errors import ConcurrentEdit
from app.rules.settings_catalogue import K
from app.services import clauses, committee, cotation, reference
from app.services import contracts as svc
from app.services.identity_and_settings import (
    get_identity,
    reset_setting,
    save_identity,
    save_setting,
    setting_lines,
)

MACHINE = platform.node()


def _who(name: str) -> str:
    return rf"entre-temps par {name} \({MACHINE}\), le \d\d/\d\d/\d{{4}} à \d\d:\d\d"


@pytest.fixture
def contract(new_db):
    detail = svc.save_contract(
        new_db,
        new_db.organisation_id,
        svc.ContractInput(
            reference="CAN-1",
            object="Restauration scolaire",
            start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2027, 6, 30),
            notified_amount=Decimal("80000.00"),
            recurrent=True,
        ),
        expected_version=None,
    )
    return detail.id


def test_committee_session_and_decision(new_db, contract):
    db, org = new_db, new_db.organisation_id
    view = committee.save_session(
        db, org, 2026, meeting_date=dt.date(2026, 11, 19), expected_version=None, user_name="Marie Martin"
    )
    with pytest.raises(ConcurrentEdit, match="La séance du CAD 2026 a été modifiée " + _who("Marie Martin")):
        committee.save_session(db, org, 2026, meeting_date=dt.date(2026, 11, 20), expected_version=None)
    committee.present_due_contracts(db, org, 2026)
    (decision,) = committee.committee_view(db, org, 2026).decisions
    committee.record_decision(
        db,
        decision.id,
        targeted=True,
        actions=["negotiation"],
        expected_version=decision.version,
        organisation_id=org,
        user_name="Paul Durand",
    )
    with pytest.raises(
        ConcurrentEdit, match="La décision du CAD du marché « CAN-1 » a été modifiée " + _who("Paul Durand")
    ):
        committee.record_decision(
            db, decision.id, targeted=False, expected_version=decision.version, organisation_id=org
        )
    assert view.version is not None


def test_cotation(new_db, contract):
    db, org = new_db, new_db.organisation_id
    view = cotation.load_assessment(db, contract, 2026)
    first = cotation.save_assessment(
        db, contract, 2026, view.ratings, expected_version=None, organisation_id=org, user_name="Marie Martin"
    )
    cotation.save_assessment(
        db,
        contract,
        2026,
        view.ratings,
        notes="revue",
        expected_version=first.version,
        organisation_id=org,
        user_name="Paul Durand",
    )
    with pytest.raises(
        ConcurrentEdit, match="La cotation 2026 du marché « CAN-1 » a été modifiée " + _who("Paul Durand")
    ):
        cotation.save_assessment(
            db, contract, 2026, view.ratings, expected_version=first.version, organisation_id=org
        )


def test_checklist_line_and_clause(new_db, contract):
    db, org = new_db, new_db.organisation_id
    clause = clauses.clause_id("payment-delays")
    clauses.set_item_status(
        db,
        contract,
        clause,
        ChecklistStatus.RETAINED,
        expected_version=None,
        organisation_id=org,
        user_name="Léa",
    )
    version = next(i for i in clauses.checklist(db, contract).items if i.clause_id == clause).item_version
    clauses.set_item_status(
        db,
        contract,
        clause,
        ChecklistStatus.IN_TENDER,
        expected_version=version,
        organisation_id=org,
        user_name="Paul Durand",
    )
    with pytest.raises(
        ConcurrentEdit,
        match="de la liste de clauses du marché « CAN-1 » a été modifiée " + _who("Paul Durand"),
    ):
        clauses.set_item_status(
            db, contract, clause, ChecklistStatus.EXECUTED, expected_version=version, organisation_id=org
        )
    own = clauses.copy_clause(db, org, clauses.clause_id("allotment"))
    row = clauses.get_clause(db, own)
    data = clauses.ClauseInput(
        row.title, row.kind, row.actions, row.legal_basis, row.applies_when, row.guidance, row.model_text
    )
    clauses.update_clause(
        db,
        own,
        dataclasses.replace(data, guidance="Voir le guide"),
        expected_version=row.version,
        organisation_id=org,
        user_name="Marie Martin",
    )
    with pytest.raises(ConcurrentEdit, match=_who("Marie Martin")):
        clauses.update_clause(db, own, data, expected_version=row.version, organisation_id=org)
    with pytest.raises(ConcurrentEdit, match=_who("Marie Martin")):
        clauses.delete_clause(db, own, expected_version=row.version, organisation_id=org)


def test_reference_data_identity_and_settings(new_db):
    db, org = new_db, new_db.organisation_id
    item = reference.save_item(
        db, "department", org, {"name": "Cantine"}, expected_version=None, user_name="Léa"
    )
    reference.save_item(
        db,
        "department",
        org,
        {"name": "Cantine centrale"},
        item_id=item.id,
        expected_version=item.version,
        user_name="Paul Durand",
    )
    with pytest.raises(ConcurrentEdit, match=_who("Paul Durand")):
        reference.save_item(
            db, "department", org, {"name": "X"}, item_id=item.id, expected_version=item.version
        )
    with pytest.raises(ConcurrentEdit, match=_who("Paul Durand")):
        reference.delete_item(db, "department", item.id, organisation_id=org, expected_version=item.version)

    identity = get_identity(db, org)
    save_identity(
        db, dataclasses.replace(identity, population=1600), organisation_id=org, user_name="Marie Martin"
    )
    with pytest.raises(
        ConcurrentEdit, match="L'identité de la collectivité a été modifiée " + _who("Marie Martin")
    ):
        save_identity(db, dataclasses.replace(identity, population=1700), organisation_id=org)

    today = dt.date(2026, 12, 2)
    key = K.TARGET_ORDER_REDUCTION.key
    seen = next(line for line in setting_lines(db, org, today) if line.key == key).value
    save_setting(
        db, org, key, "0,30", dt.date(2026, 1, 1), expected=seen, user_name="Paul Durand", today=today
    )
    with pytest.raises(
        ConcurrentEdit, match="a été modifié " + _who("Paul Durand") + r" \(valeur en vigueur : « 0.30 »\)"
    ):
        save_setting(db, org, key, "0,40", dt.date(2026, 1, 1), expected=seen, today=today)
    with pytest.raises(ConcurrentEdit, match=_who("Paul Durand")):
        reset_setting(db, org, key, expected=seen, today=today)
    # What the user saw last is current: the edit goes through.
    save_setting(db, org, key, "0,40", dt.date(2026, 1, 1), expected="0,30", today=today)
    assert reset_setting(db, org, key, expected="0.40", today=today) == 1

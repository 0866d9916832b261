"""CAD sessions: members, decisions, closing by the CAO president, the bilan of year N-1."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest

from app.errors import ConcurrentEdit, ValidationError
from app.services import committee as svc
from tests.services.test_cotation_service import add_contract


@pytest.fixture
def prepared(new_db):
    org = new_db.organisation_id
    add_contract(new_db, org, "C-1", dt.date(2027, 2, 1))
    add_contract(new_db, org, "C-2", dt.date(2027, 9, 1))
    add_contract(new_db, org, "C-3", dt.date(2029, 1, 1))
    return new_db, org


def test_session_members_and_presented_contracts(prepared):
    db, org = prepared
    view = svc.committee_view(db, org, 2026)
    assert view.id is None and not view.closed and view.decisions == []
    view = svc.save_session(
        db,
        org,
        2026,
        meeting_date=dt.date(2026, 11, 19),
        place="Mairie",
        members=[svc.MemberRow("Jean Dufour", "Président de la CAO"), svc.MemberRow("  ", "vide")],
        expected_version=None,
    )
    assert view.meeting_date == dt.date(2026, 11, 19) and [m.name for m in view.members] == ["Jean Dufour"]
    assert svc.present_due_contracts(db, org, 2026) == 2
    assert svc.present_due_contracts(db, org, 2026) == 0  # idempotent
    view = svc.committee_view(db, org, 2026)
    assert [d.reference for d in view.decisions] == ["C-1", "C-2"]
    with pytest.raises(ValidationError, match="2026"):
        svc.save_session(db, org, 2026, meeting_date=dt.date(2027, 1, 5), expected_version=None)


def test_decisions_closing_and_clause_hook(prepared, monkeypatch):
    db, org = prepared
    svc.save_session(
        db,
        org,
        2026,
        meeting_date=dt.date(2026, 11, 19),
        members=[svc.MemberRow("A", "Adjointe")],
        expected_version=None,
    )
    svc.present_due_contracts(db, org, 2026)
    first, second = svc.committee_view(db, org, 2026).decisions
    with pytest.raises(ValidationError, match="au moins une action"):
        svc.record_decision(
            db, first.id, targeted=True, actions=[], expected_version=first.version, organisation_id=org
        )
    with pytest.raises(ValidationError, match="inconnue"):
        svc.record_decision(
            db, first.id, targeted=True, actions=["nope"], expected_version=first.version, organisation_id=org
        )
    svc.record_decision(
        db,
        first.id,
        targeted=True,
        actions=["insertion_clause", "sme_advance"],
        comment="Oui",
        expected_version=first.version,
        organisation_id=org,
    )
    svc.record_decision(
        db,
        second.id,
        targeted=False,
        actions=["right_need"],
        comment="Trop tôt",
        expected_version=second.version,
        organisation_id=org,
    )
    view = svc.committee_view(db, org, 2026)
    assert [d.targeted for d in view.decisions] == [True, False]
    assert view.decisions[1].actions == []  # a contract not targeted gets no action
    assert view.targeted[0].action_titles[0] == "Clause d'insertion"
    with pytest.raises(ValidationError, match="président de la CAO"):
        svc.close_committee(db, org, 2026)

    calls = []
    fake = types.ModuleType("app.services.clauses")
    fake.add_items_for_levers = lambda session, contract_id, levers, user: calls.append(
        (contract_id, levers, user)
    )
    monkeypatch.setitem(sys.modules, "app.services.clauses", fake)
    monkeypatch.setattr(svc, "_clause_hook", lambda: fake.add_items_for_levers)
    svc.save_session(
        db,
        org,
        2026,
        meeting_date=dt.date(2026, 11, 19),
        members=[svc.MemberRow("Jean Dufour", "Présidente de la CAO")],
        expected_version=svc.committee_view(db, org, 2026).version,
    )
    result = svc.close_committee(db, org, 2026, user_name="Claire")
    assert result == svc.CloseResult(targeted=1, checklist_updated=True)
    assert calls == [(first.contract_id, ["insertion_clause", "sme_advance"], "Claire")]
    assert svc.committee_view(db, org, 2026).closed
    with pytest.raises(ValidationError, match="clôturé"):
        svc.record_decision(
            db, second.id, targeted=False, expected_version=second.version, organisation_id=org
        )
    with pytest.raises(ValidationError, match="clôturé"):
        svc.close_committee(db, org, 2026)


def test_closing_without_clause_library_still_closes(prepared, monkeypatch):
    db, org = prepared
    monkeypatch.setattr(svc, "_clause_hook", lambda: None)
    svc.save_session(
        db,
        org,
        2026,
        meeting_date=dt.date(2026, 11, 19),
        members=[svc.MemberRow("J", "Président CAO")],
        expected_version=None,
    )
    svc.present_due_contracts(db, org, 2026)
    result = svc.close_committee(db, org, 2026)
    assert result == svc.CloseResult(targeted=0, checklist_updated=False)


def test_bilan_of_previous_year(prepared):
    db, org = prepared
    svc.save_session(db, org, 2025, meeting_date=dt.date(2025, 10, 14), expected_version=None)
    add_contract(db, org, "OLD-1", dt.date(2026, 6, 1))
    svc.present_due_contracts(db, org, 2025)
    decision = svc.committee_view(db, org, 2025).decisions[0]
    svc.record_decision(
        db,
        decision.id,
        targeted=True,
        actions=["social_clauses"],
        expected_version=decision.version,
        organisation_id=org,
    )
    version = svc.committee_view(db, org, 2025).decisions[0].version
    with pytest.raises(ValidationError, match="pourquoi"):
        svc.record_review(
            db, decision.id, done=False, comment=" ", expected_version=version, organisation_id=org
        )
    svc.record_review(
        db,
        decision.id,
        done=False,
        comment="Pas d'offre d'insertion",
        expected_version=version,
        organisation_id=org,
    )
    with pytest.raises(ConcurrentEdit):  # a stale bilan does not overwrite the one just written
        svc.record_review(db, decision.id, done=True, expected_version=version, organisation_id=org)
    bilan = svc.committee_view(db, org, 2026).bilan
    assert [(b.reference, b.review_done, b.review_comment) for b in bilan] == [
        ("OLD-1", False, "Pas d'offre d'insertion")
    ]


def test_demo_bilan(demo_db, demo_org):
    view = svc.committee_view(demo_db, demo_org, 2026)
    assert view.bilan and any(b.review_done for b in view.bilan) and not view.closed
    assert any(svc.is_president(m.role) for m in view.members)

"""Every write use case checks that the acting organisation may change the row (issue 13, item 2):
another town's contract, cotation, checklist, insertion hours, committee, clause, reference data
and identity are refused in French through the service API, and a purchasing group's shared data
is changed by its coordinator only. A refused write leaves the row as it was."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.enums import ChecklistStatus
from app.model import PurchasingGroup, PurchasingGroupMember
from app.rules import editing
from app.services import clauses, committee, cotation, facts, insertion_hours, joint_purchasing, reference
from app.services import contracts as svc
from app.services.identity_and_settings import get_identity, save_identity
from app.services.organisations import create_organisation
from app.services.scope import OtherOrganisation

REFUSED = "appartient à « Commune Voisine »"


def _contract(reference: str) -> svc.ContractInput:
    return svc.ContractInput(
        reference=reference,
        object="Restauration scolaire",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2027, 6, 30),
        notified_amount=Decimal("80000.00"),
        recurrent=True,
    )


@pytest.fixture
def two_towns(new_db):
    """Our town (new_db.organisation_id) and a neighbour with a contract of its own."""
    mine = new_db.organisation_id
    theirs = create_organisation(new_db, "Commune Voisine", departments=["Cantine"])
    their_contract = svc.save_contract(new_db, theirs, _contract("VOI-1"), expected_version=None)
    return new_db, mine, theirs, their_contract


def test_the_rule_edits_ones_own_rows_and_shared_rows_only():
    import uuid

    a, b = uuid.uuid4(), uuid.uuid4()
    assert editing.may_edit(a, a) and editing.may_edit(None, a)
    assert not editing.may_edit(b, a) and not editing.may_edit(a, None)
    access = editing.access(b, "Commune Voisine", a)
    assert not access.editable and "Commune Voisine" in access.marker
    assert access.explanation.startswith("Lecture seule — Commune Voisine")
    assert editing.access(a, "Moi", a).marker == ""


def test_another_towns_contract_is_read_only(two_towns):
    db, mine, _theirs, detail = two_towns
    with pytest.raises(OtherOrganisation, match=REFUSED):
        svc.save_contract(
            db, mine, _contract("VOI-1"), contract_id=detail.id, expected_version=detail.version
        )
    with pytest.raises(OtherOrganisation, match=REFUSED):
        svc.delete_contract(db, detail.id, organisation_id=mine, expected_version=detail.version)
    assert svc.get_contract(db, detail.id).version == detail.version


def test_another_towns_cotation_is_read_only(two_towns):
    db, mine, theirs, detail = two_towns
    view = cotation.load_assessment(db, detail.id, 2026)
    with pytest.raises(OtherOrganisation, match="La cotation 2026 du marché « VOI-1 » " + REFUSED):
        cotation.save_assessment(
            db, detail.id, 2026, view.ratings, expected_version=None, organisation_id=mine
        )
    with pytest.raises(OtherOrganisation, match=REFUSED):
        cotation.delete_assessment(db, detail.id, 2026, organisation_id=mine, expected_version=None)
    assert not cotation.load_assessment(db, detail.id, 2026).saved
    saved = cotation.save_assessment(
        db, detail.id, 2026, view.ratings, expected_version=None, organisation_id=theirs
    )
    assert saved.saved


def test_another_towns_checklist_is_read_only(two_towns):
    db, mine, _theirs, detail = two_towns
    clause = clauses.clause_id("payment-delays")
    with pytest.raises(OtherOrganisation, match="La liste de clauses du marché « VOI-1 » " + REFUSED):
        clauses.set_item_status(
            db, detail.id, clause, ChecklistStatus.RETAINED, expected_version=None, organisation_id=mine
        )
    line = next(i for i in clauses.checklist(db, detail.id).items if i.clause_id == clause)
    assert line.item_version is None


def test_another_towns_insertion_hours_are_read_only(two_towns):
    db, mine, _theirs, detail = two_towns
    with pytest.raises(OtherOrganisation, match="Les heures d'insertion du marché « VOI-1 » " + REFUSED):
        insertion_hours.set_insertion_hours(
            db, detail.id, 2026, Decimal(100), expected_version=0, organisation_id=mine
        )
    with pytest.raises(OtherOrganisation, match=REFUSED):
        insertion_hours.save_insertion_hours(
            db, detail.id, [insertion_hours.HoursRow(2026, Decimal(5))], organisation_id=mine
        )
    assert insertion_hours.list_insertion_hours(db, detail.id) == ()


def test_another_towns_facts_are_read_only(two_towns):
    db, mine, _theirs, detail = two_towns
    with pytest.raises(OtherOrganisation, match=REFUSED):
        facts.set_fact(
            db, mine, "offers_received", "3", [detail.id], expected_versions={detail.id: detail.version}
        )
    with pytest.raises(OtherOrganisation, match=REFUSED):
        facts.accept_proposals(db, mine, [detail.id], expected_versions={detail.id: detail.version})
    assert svc.get_contract(db, detail.id).version == detail.version


def test_another_towns_committee_decisions_are_read_only(two_towns):
    db, mine, theirs, _detail = two_towns
    committee.present_due_contracts(db, theirs, 2026)
    (decision,) = committee.committee_view(db, theirs, 2026).decisions
    with pytest.raises(OtherOrganisation, match="Le CAD 2026 " + REFUSED):
        committee.record_decision(
            db,
            decision.id,
            targeted=True,
            actions=["negotiation"],
            expected_version=decision.version,
            organisation_id=mine,
        )
    with pytest.raises(OtherOrganisation, match=REFUSED):
        committee.record_review(
            db, decision.id, done=True, expected_version=decision.version, organisation_id=mine
        )
    with pytest.raises(OtherOrganisation, match=REFUSED):
        committee.withdraw_contract(db, decision.id, organisation_id=mine)
    (unchanged,) = committee.committee_view(db, theirs, 2026).decisions
    assert unchanged.version == decision.version and not unchanged.targeted


def test_another_towns_clause_and_reference_data_are_read_only(two_towns):
    db, mine, theirs, _detail = two_towns
    theirs_clause = clauses.copy_clause(db, theirs, clauses.clause_id("allotment"))
    row = clauses.get_clause(db, theirs_clause)
    data = clauses.ClauseInput(
        row.title, row.kind, row.actions, row.legal_basis, row.applies_when, row.guidance, row.model_text
    )
    with pytest.raises(OtherOrganisation, match=REFUSED):
        clauses.update_clause(db, theirs_clause, data, expected_version=row.version, organisation_id=mine)
    with pytest.raises(OtherOrganisation, match=REFUSED):
        clauses.delete_clause(db, theirs_clause, expected_version=row.version, organisation_id=mine)
    (canteen,) = reference.list_items(db, "department", theirs)
    with pytest.raises(OtherOrganisation, match=REFUSED):
        reference.delete_item(
            db, "department", canteen.id, organisation_id=mine, expected_version=canteen.version
        )
    identity = get_identity(db, theirs)
    with pytest.raises(OtherOrganisation, match=REFUSED):
        save_identity(db, identity, organisation_id=mine)
    assert clauses.get_clause(db, theirs_clause).version == row.version
    assert [i.id for i in reference.list_items(db, "department", theirs)] == [canteen.id]


def _group(db, coordinator, member) -> object:
    with db.session() as s:
        group = PurchasingGroup(name="Groupement « Restauration » 2027", coordinator_id=coordinator)
        s.add(group)
        s.flush()
        s.add_all(
            PurchasingGroupMember(group_id=group.id, organisation_id=org) for org in (coordinator, member)
        )
        return group.id


def test_a_purchasing_groups_data_is_changed_by_its_coordinator_and_read_by_members(two_towns):
    db, mine, theirs, _detail = two_towns
    group_id = _group(db, coordinator=theirs, member=mine)
    (seen_by_member,) = joint_purchasing.purchasing_groups(db, mine)
    assert not seen_by_member.access.editable and seen_by_member.coordinator == "Commune Voisine"
    assert seen_by_member.members == ("Commune Voisine", "Commune de Test")
    with pytest.raises(OtherOrganisation, match="coordonné par « Commune Voisine »"):
        joint_purchasing.update_purchasing_group(
            db, group_id, status="agreed", expected_version=seen_by_member.version, organisation_id=mine
        )
    (seen_by_coordinator,) = joint_purchasing.purchasing_groups(db, theirs)
    assert seen_by_coordinator.access.editable
    joint_purchasing.update_purchasing_group(
        db,
        group_id,
        status="agreed",
        notes="Convention signée le 2 décembre",
        expected_version=seen_by_coordinator.version,
        organisation_id=theirs,
        user_name="Paul Durand",
    )
    (after,) = joint_purchasing.purchasing_groups(db, mine)
    assert after.status_label == "Convention signée" and after.notes == "Convention signée le 2 décembre"
    from app.errors import ConcurrentEdit

    with pytest.raises(ConcurrentEdit, match="entre-temps par Paul Durand"):
        joint_purchasing.update_purchasing_group(
            db,
            group_id,
            status="launched",
            expected_version=seen_by_coordinator.version,
            organisation_id=theirs,
        )

"""Cotation service on real database files: due list, pre-filled proposal, save with overrides."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from app.enums import PurchaseNature, SocialEconomyStatus, SupplierSize
from app.errors import ConcurrentEdit, ValidationError
from app.model import Contract, PurchaseFamily, Supplier
from app.services import cotation as svc


def add_contract(db, org, ref, end, *, amount="50000", recurrent=True, nature=PurchaseNature.SERVICES, **kw):
    with db.session() as s:
        c = Contract(
            organisation_id=org,
            reference=ref,
            object=f"Objet {ref}",
            nature=nature,
            procedure=kw.pop("procedure", "adapted"),
            notified_amount=Decimal(amount),
            start_date=dt.date(2022, 1, 1),
            end_date=end,
            duration_months=36,
            recurrent=recurrent,
            **kw,
        )
        s.add(c)
        s.flush()
        return c.id


def test_due_list_windows_and_targets(new_db):
    org = new_db.organisation_id
    # CAD 2026 on the usual month (1 October): diagnose contracts ending 01/12/2027..01/10/2028.
    add_contract(new_db, org, "D-EDGE-LOW", dt.date(2027, 12, 1))
    add_contract(new_db, org, "D-EDGE-HIGH", dt.date(2028, 10, 1))
    add_contract(new_db, org, "D-OUT", dt.date(2028, 10, 2))
    add_contract(new_db, org, "P-1", dt.date(2027, 1, 1))
    add_contract(new_db, org, "P-2", dt.date(2027, 11, 30))
    add_contract(new_db, org, "P-NOT-RECURRENT", dt.date(2027, 6, 1), recurrent=False)
    due = svc.due_list(new_db, org, 2026)
    assert due.windows.cad_date == dt.date(2026, 10, 1)
    assert [r.reference for r in due.to_diagnose] == ["D-EDGE-LOW", "D-EDGE-HIGH"]
    # D-EDGE-LOW ends in 2027: presented at this CAD and still inside the diagnosis window.
    assert [r.reference for r in due.to_present] == ["P-1", "P-2", "D-EDGE-LOW"]
    t2027 = due.present_target
    assert (t2027.renewal_year, t2027.contracts, t2027.diagnosed, t2027.target) == (
        2027,
        3,
        0,
        Decimal("0.60"),
    )
    view = svc.load_assessment(new_db, due.to_present[0].contract_id, 2026)
    svc.save_assessment(
        new_db,
        view.contract_id,
        2026,
        view.ratings,
        user_name="Claire",
        expected_version=None,
        organisation_id=org,
    )
    due = svc.due_list(new_db, org, 2026)
    assert due.present_target.diagnosed == 1 and due.present_target.share == Decimal("0.3333")
    assert due.to_present[0].score == view.score and due.to_present[0].assessed


def test_prefill_uses_family_and_supplier(new_db):
    org = new_db.organisation_id
    with new_db.session() as s:
        fam = PurchaseFamily(
            organisation_id=org, code="REST", label="Restauration scolaire", fair_trade_relevant=True
        )
        sup = Supplier(
            name="Jardins",
            normalized_name="jardins",
            size=SupplierSize.TPE,
            social_economy=SocialEconomyStatus.SIAE,
        )
        s.add_all([fam, sup])
        s.flush()
        fam_id, sup_id = fam.id, sup.id
    cid = add_contract(
        new_db, org, "R-1", dt.date(2027, 3, 1), amount="80000", family_id=fam_id, supplier_id=sup_id
    )
    view = svc.load_assessment(new_db, cid, 2026)
    assert not view.saved and view.supplier == "Jardins"
    by = {r.lever: r for r in view.ratings}
    assert "fair_trade" in by and "Restauration scolaire" in by["fair_trade"].reason
    assert (by["reservation"].stake, by["reservation"].feasibility) == (3, 3)
    assert "sustainability_assistant" not in by  # works only
    assert 0 <= view.score <= 100 and view.priority.value in "ABC"


def test_save_overrides_history_and_concurrency(new_db):
    org = new_db.organisation_id
    cid = add_contract(new_db, org, "S-1", dt.date(2027, 5, 1))
    view = svc.load_assessment(new_db, cid, 2026)
    ratings = [
        dataclasses.replace(r, stake=3, feasibility=3, effort=0) if r.lever == "negotiation" else r
        for r in view.ratings
    ]
    saved = svc.save_assessment(
        new_db,
        cid,
        2026,
        ratings,
        notes="  Vu avec le service  ",
        user_name="Claire",
        expected_version=None,
        organisation_id=org,
    )
    assert saved.saved and saved.version == 1 and saved.notes == "Vu avec le service"
    neg = next(r for r in saved.ratings if r.lever == "negotiation")
    assert (neg.stake, neg.prefilled_stake, neg.overridden) == (3, 2, True)
    assert saved.score >= view.score
    again = svc.save_assessment(
        new_db, cid, 2026, saved.ratings, expected_version=saved.version, organisation_id=org
    )
    assert again.version == 2
    with pytest.raises(ConcurrentEdit):
        svc.save_assessment(new_db, cid, 2026, saved.ratings, expected_version=1, organisation_id=org)
    svc.save_assessment(
        new_db, cid, 2025, view.ratings, user_name="Claire", expected_version=None, organisation_id=org
    )
    history = svc.load_assessment(new_db, cid, 2026).history
    assert [h.year for h in history] == [2026, 2025]
    # The proposal restores the pre-filled values without losing the saved state.
    fresh = svc.proposal(new_db, cid, 2026)
    assert next(r for r in fresh.ratings if r.lever == "negotiation").stake == 2 and fresh.saved


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stake": 4}, "entre 0 et 3"),
        ({"effort": -1}, "entre 0 et 3"),
        ({"lever": "unknown"}, "Levier inconnu"),
    ],
)
def test_save_rejects_bad_ratings(new_db, change, message):
    cid = add_contract(new_db, new_db.organisation_id, "B-1", dt.date(2027, 5, 1))
    view = svc.load_assessment(new_db, cid, 2026)
    bad = [dataclasses.replace(view.ratings[0], **change), *view.ratings[1:]]
    with pytest.raises(ValidationError, match=message):
        svc.save_assessment(
            new_db, cid, 2026, bad, expected_version=None, organisation_id=new_db.organisation_id
        )


def test_demo_has_assessments_for_this_years_cad(demo_db, demo_org):
    due = svc.due_list(demo_db, demo_org, 2026)
    assert any(r.assessed for r in due.to_present)
    assert any(not r.assessed for r in due.to_present)

"""Contract register service: validation, audit, optimistic concurrency, delete and restore, filters."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from app.errors import ConcurrentEdit, ValidationError
from app.services import contracts as svc
from app.services.audit import history


def sample(**kw) -> svc.ContractInput:
    base = svc.ContractInput(
        reference="T-2026-001",
        object="Fourniture de papier",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
        notified_amount=Decimal("12000.00"),
        notice_months=3,
        lots=(
            svc.LotInput(1, "Papier blanc", Decimal("8000")),
            svc.LotInput(2, "Papier recyclé", Decimal("4000")),
        ),
        amendments=(svc.AmendmentInput(1, dt.date(2026, 6, 1), Decimal("500"), "Quantités"),),
    )
    return dataclasses.replace(base, **kw)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"reference": "  "}, "reference", "référence"),
        ({"object": ""}, "object", "objet"),
        ({"end_date": dt.date(2025, 12, 31)}, "end_date", "postérieure"),
        ({"notified_amount": Decimal("-1")}, "notified_amount", "négatif"),
        ({"max_amount": Decimal("10"), "min_amount": Decimal("20")}, "min_amount", "minimum"),
        ({"cpv_code": "3019"}, "cpv_code", "CPV"),
        ({"lots": (svc.LotInput(1, "A"), svc.LotInput(1, "B"))}, "lots", "même numéro"),
        ({"lots": (svc.LotInput(1, " "),)}, "lots", "intitulé"),
    ],
)
def test_validation_messages_are_french_and_name_the_field(new_db, change, field, words):
    with pytest.raises(ValidationError) as info:
        svc.save_contract(new_db, new_db.organisation_id, sample(**change), expected_version=None)
    assert info.value.field == field
    assert words in info.value.message


def test_create_edit_and_audit(new_db):
    org = new_db.organisation_id
    created = svc.save_contract(new_db, org, sample(), user_name="Marie", expected_version=None)
    assert created.version == 1
    detail = svc.get_contract(new_db, created.id)
    assert [lot.title for lot in detail.data.lots] == ["Papier blanc", "Papier recyclé"]
    assert detail.total_with_amendments == Decimal("12500.00")
    assert detail.notice_deadline == dt.date(2027, 9, 30)
    changed = svc.save_contract(
        new_db,
        org,
        dataclasses.replace(detail.data, object="Papier et enveloppes", lots=detail.data.lots[:1]),
        contract_id=created.id,
        expected_version=detail.version,
        user_name="Paul",
    )
    assert changed.version == 2
    entries = history(new_db, created.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].user_name == "Paul"
    assert entries[0].changes["object"] == ["Fourniture de papier", "Papier et enveloppes"]
    assert "lots" in entries[0].changes
    with pytest.raises(ValidationError, match="déjà la référence"):
        svc.save_contract(new_db, org, sample(object="Autre"), expected_version=None)


def test_stale_version_raises_concurrent_edit_unless_overwrite(new_db):
    org = new_db.organisation_id
    created = svc.save_contract(new_db, org, sample(), user_name="Marie", expected_version=None)
    mine = svc.get_contract(new_db, created.id)
    theirs = svc.get_contract(new_db, created.id)
    svc.save_contract(
        new_db,
        org,
        dataclasses.replace(theirs.data, object="Leur version"),
        contract_id=created.id,
        expected_version=theirs.version,
        user_name="Paul",
    )
    with pytest.raises(ConcurrentEdit, match="Paul"):
        svc.save_contract(
            new_db,
            org,
            dataclasses.replace(mine.data, object="Ma version"),
            contract_id=created.id,
            expected_version=mine.version,
        )
    assert svc.get_contract(new_db, created.id).data.object == "Leur version"
    svc.save_contract(
        new_db,
        org,
        dataclasses.replace(mine.data, object="Ma version"),
        contract_id=created.id,
        expected_version=mine.version,
        overwrite=True,
    )
    assert svc.get_contract(new_db, created.id).data.object == "Ma version"


def test_delete_and_restore_bring_back_children_and_order_links(demo_db, demo_org):
    rows = svc.list_contracts(demo_db, demo_org)
    target = next(r for r in rows if r.is_framework and r.consumed)
    before = svc.get_contract(demo_db, target.id)
    snapshot = svc.delete_contract(
        demo_db, target.id, organisation_id=demo_org, expected_version=target.version, user_name="Marie"
    )
    assert target.id not in {r.id for r in svc.list_contracts(demo_db, demo_org)}
    svc.restore_contract(demo_db, snapshot, user_name="Marie")
    after = svc.get_contract(demo_db, target.id)
    assert after.data == before.data
    assert after.consumed == before.consumed == target.consumed
    assert [e.action for e in history(demo_db, target.id)][:2] == ["restore", "delete"]


def test_filters_and_search(demo_db, demo_org):
    today = dt.date(2026, 11, 1)
    rows = svc.list_contracts(demo_db, demo_org)
    keys = {r.id: svc.search_key(r) for r in rows}
    paper = svc.filter_contracts(rows, svc.ContractFilter(text="PAPIER reprographie"), today, keys=keys)
    assert paper and all("papier" in r.object.lower() for r in paper)
    accent = svc.filter_contracts(rows, svc.ContractFilter(text="electricite"), today, keys=keys)
    assert accent and all("électricité" in r.object.lower() for r in accent)
    next_year = svc.filter_contracts(rows, svc.ContractFilter(renewing_next_year=True), today)
    assert next_year and all(r.end_date.year == 2027 for r in next_year)
    assert len(next_year) == sum(1 for r in rows if r.end_date and r.end_date.year == 2027)
    dep = rows[0].department_id
    by_dep = svc.filter_contracts(rows, svc.ContractFilter(department_id=dep), today)
    assert by_dep and all(r.department_id == dep for r in by_dep)
    window = svc.filter_contracts(
        rows, svc.ContractFilter(end_from=dt.date(2027, 1, 1), end_to=dt.date(2027, 6, 30)), today
    )
    assert all(dt.date(2027, 1, 1) <= r.end_date <= dt.date(2027, 6, 30) for r in window)
    missing = {rows[1].id}
    only = svc.filter_contracts(
        rows, svc.ContractFilter(missing_mandatory_clause=True), today, missing_clause=missing
    )
    assert [r.id for r in only] == [rows[1].id]


def test_an_edit_without_the_version_read_never_overwrites(new_db):
    org = new_db.organisation_id
    created = svc.save_contract(new_db, org, sample(), expected_version=None)
    with pytest.raises(TypeError):  # the parameter is mandatory: forgetting it is caught at once
        svc.save_contract(new_db, org, sample(object="Oubli"), contract_id=created.id)
    with pytest.raises(ConcurrentEdit):  # None means « creating »: an existing row is not overwritten
        svc.save_contract(new_db, org, sample(object="Oubli"), contract_id=created.id, expected_version=None)
    with pytest.raises(TypeError):
        svc.delete_contract(new_db, created.id, organisation_id=org)
    assert svc.get_contract(new_db, created.id).data.object == "Fourniture de papier"


def test_another_organisations_contract_is_read_only(new_db):
    from app.services.organisations import create_organisation
    from app.services.scope import OtherOrganisation

    mine = new_db.organisation_id
    theirs = create_organisation(new_db, "Commune Voisine")
    created = svc.save_contract(new_db, theirs, sample(reference="VOIS-1"), expected_version=None)
    with pytest.raises(OtherOrganisation) as info:
        svc.save_contract(
            new_db,
            mine,
            sample(reference="VOIS-1", object="Pirate"),
            contract_id=created.id,
            expected_version=created.version,
        )
    assert "appartient à « Commune Voisine »" in info.value.message
    assert "vous travaillez pour « Commune de Test »" in info.value.message
    with pytest.raises(OtherOrganisation):
        svc.delete_contract(new_db, created.id, organisation_id=mine, expected_version=created.version)
    assert svc.get_contract(new_db, created.id).data.object == "Fourniture de papier"
    svc.save_contract(  # its own organisation may
        new_db,
        theirs,
        sample(reference="VOIS-1", object="Voisine"),
        contract_id=created.id,
        expected_version=created.version,
    )

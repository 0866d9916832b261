"""Generic reference data: validation from field specs, uniqueness, edits with version checks."""

from __future__ import annotations

import pytest

from app.errors import ConcurrentEdit, ValidationError
from app.services import reference as ref


def test_supplier_siret_is_checked_and_unique(new_db):
    with pytest.raises(ValidationError, match="clé de contrôle") as info:
        ref.save_item(
            new_db, "supplier", None, {"name": "Atelier", "siret": "12345678901234"}, expected_version=None
        )
    assert info.value.field == "siret"
    item = ref.save_item(
        new_db,
        "supplier",
        None,
        {"name": "Atelier", "siret": "732 829 320 00074", "size": "tpe", "social_economy": "esat"},
        expected_version=None,
    )
    assert item.values["siret"] == "73282932000074" and item.values["social_economy"] == "esat"
    with pytest.raises(ValidationError, match="déjà"):
        ref.save_item(
            new_db, "supplier", None, {"name": "Autre", "siret": "73282932000074"}, expected_version=None
        )


def test_family_cpv_codes_and_version_check(new_db):
    org = new_db.organisation_id
    with pytest.raises(ValidationError, match="CPV"):
        ref.save_item(
            new_db,
            "family",
            org,
            {"code": "PAP", "label": "Papier", "cpv_codes": "3019"},
            expected_version=None,
        )
    item = ref.save_item(
        new_db,
        "family",
        org,
        {"code": "PAP", "label": "Papier", "cpv_codes": "30197630-1, 30192000", "grouping_eligible": True},
        expected_version=None,
    )
    assert item.values["cpv_codes"] == ["30197630-1", "30192000"] and item.values["max_delay_days"] == 14
    updated = ref.save_item(
        new_db,
        "family",
        org,
        {**item.values, "label": "Papeterie"},
        item_id=item.id,
        expected_version=item.version,
    )
    assert updated.version == item.version + 1
    with pytest.raises(ConcurrentEdit):
        ref.save_item(
            new_db,
            "family",
            org,
            {**item.values, "label": "X"},
            item_id=item.id,
            expected_version=item.version,
        )
    ref.delete_item(new_db, "family", item.id, organisation_id=org, expected_version=updated.version)
    assert [i for i in ref.list_items(new_db, "family", org) if i.id == item.id] == []


def test_departments_are_per_organisation(new_db):
    names = [i.values["name"] for i in ref.list_items(new_db, "department", new_db.organisation_id)]
    assert "Services techniques" in names
    with pytest.raises(ValidationError, match="obligatoire"):
        ref.save_item(new_db, "department", new_db.organisation_id, {"name": " "}, expected_version=None)


def test_another_organisations_department_is_read_only(new_db):
    from app.services.organisations import create_organisation
    from app.services.scope import OtherOrganisation

    theirs = create_organisation(new_db, "Commune Voisine", departments=["Cantine"])
    (canteen,) = ref.list_items(new_db, "department", theirs)
    with pytest.raises(OtherOrganisation, match="appartient à « Commune Voisine »"):
        ref.save_item(
            new_db,
            "department",
            new_db.organisation_id,
            {"name": "Cantine centrale"},
            item_id=canteen.id,
            expected_version=canteen.version,
        )
    assert [i.values["name"] for i in ref.list_items(new_db, "department", theirs)] == ["Cantine"]

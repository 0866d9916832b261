"""Insertion hours per contract and year: entered, corrected, removed, checked, written to the
contract's history, and refused when changed meanwhile on another workstation."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import ConcurrentEdit, NotFound, ValidationError
from app.model import Contract
from app.services.audit import history
from app.services.insertion_hours import (
    HoursRow,
    delete_insertion_hours,
    list_insertion_hours,
    save_insertion_hours,
    set_insertion_hours,
)


@pytest.fixture
def contract(demo_db, demo_org):
    with demo_db.session(write=False) as s:
        return s.scalars(
            select(Contract.id).where(Contract.organisation_id == demo_org).order_by(Contract.reference)
        ).first()


def test_set_correct_and_delete_with_history(demo_db, contract, demo_org):
    before = {r.year for r in list_insertion_hours(demo_db, contract)}
    year = max(before, default=2020) + 1
    row = set_insertion_hours(
        demo_db,
        contract,
        year,
        Decimal("350"),
        source="Bilan PLIE",
        user_name="Anne",
        expected_version=0,
        organisation_id=demo_org,
    )
    assert (row.year, row.hours, row.source, row.version) == (year, Decimal("350.00"), "Bilan PLIE", 1)
    row = set_insertion_hours(
        demo_db, contract, year, Decimal("412.5"), expected_version=1, organisation_id=demo_org
    )
    assert row.version == 2 and row.hours == Decimal("412.50")
    assert [r.hours for r in list_insertion_hours(demo_db, contract) if r.year == year] == [Decimal("412.50")]
    said = [c for entry in history(demo_db, contract) for c in entry.changes.items()]
    assert (f"Heures d'insertion {year}", "350,00 h → 412,50 h") in said
    assert (f"Heures d'insertion {year}", "— → 350,00 h") in said
    with pytest.raises(ConcurrentEdit, match="modifiées entre-temps"):
        set_insertion_hours(
            demo_db, contract, year, Decimal("1"), expected_version=1, organisation_id=demo_org
        )
    with pytest.raises(ConcurrentEdit):  # the form believed the year empty
        set_insertion_hours(
            demo_db, contract, year, Decimal("1"), expected_version=0, organisation_id=demo_org
        )
    delete_insertion_hours(demo_db, contract, year, expected_version=2, organisation_id=demo_org)
    assert year not in {r.year for r in list_insertion_hours(demo_db, contract)}
    with pytest.raises(NotFound, match=f"pas d'heures d'insertion saisies pour {year}"):
        delete_insertion_hours(demo_db, contract, year, expected_version=2, organisation_id=demo_org)


@pytest.mark.parametrize(
    ("year", "hours", "message"),
    [
        (2026, Decimal("-5"), "n'est pas possible"),
        (1999, Decimal("5"), "entre 2000 et 2100"),
        (2026, None, "indiquez le nombre d'heures"),
    ],
)
def test_wrong_figures_are_refused_in_french(demo_db, contract, year, hours, message, demo_org):
    with pytest.raises(ValidationError, match=message):
        set_insertion_hours(demo_db, contract, year, hours, expected_version=0, organisation_id=demo_org)


def test_unknown_contract(demo_db):
    with pytest.raises(NotFound, match="n'existe plus"):
        list_insertion_hours(demo_db, uuid.uuid4())


def test_save_the_form_table_in_one_go(demo_db, contract, demo_org):
    for row in list_insertion_hours(demo_db, contract):
        delete_insertion_hours(
            demo_db, contract, row.year, expected_version=row.version, organisation_id=demo_org
        )
    first = save_insertion_hours(
        demo_db,
        contract,
        [HoursRow(2024, Decimal(100)), HoursRow(2025, Decimal(200), "PLIE")],
        organisation_id=demo_org,
    )
    assert [(r.year, r.hours, r.source) for r in first] == [
        (2024, Decimal("100.00"), ""),
        (2025, Decimal("200.00"), "PLIE"),
    ]
    with pytest.raises(ValidationError, match="l'année 2026 est saisie deux fois"):
        save_insertion_hours(
            demo_db,
            contract,
            [HoursRow(2026, Decimal(1)), HoursRow(2026, Decimal(2))],
            organisation_id=demo_org,
        )
    # the user corrects 2025, removes 2024 and adds 2026
    corrected = HoursRow(2025, Decimal(250), "PLIE", first[1].id, first[1].version)
    second = save_insertion_hours(
        demo_db,
        contract,
        [corrected, HoursRow(2026, Decimal(30))],
        loaded=first,
        user_name="Anne",
        organisation_id=demo_org,
    )
    assert [(r.year, r.hours) for r in second] == [(2025, Decimal("250.00")), (2026, Decimal("30.00"))]
    # another workstation changes 2025 meanwhile: the stale table is refused, nothing is lost
    set_insertion_hours(
        demo_db, contract, 2025, Decimal(260), expected_version=second[0].version, organisation_id=demo_org
    )
    stale = HoursRow(2025, Decimal(999), "PLIE", second[0].id, second[0].version)
    with pytest.raises(ConcurrentEdit, match="2025"):
        save_insertion_hours(demo_db, contract, [stale, second[1]], loaded=second, organisation_id=demo_org)
    # and a year entered elsewhere is not overwritten by a new line of the same year
    with pytest.raises(ConcurrentEdit, match="2026"):
        save_insertion_hours(
            demo_db, contract, [HoursRow(2026, Decimal(5))], loaded=(), organisation_id=demo_org
        )
    assert [(r.year, r.hours) for r in list_insertion_hours(demo_db, contract)] == [
        (2025, Decimal("260.00")),
        (2026, Decimal("30.00")),
    ]

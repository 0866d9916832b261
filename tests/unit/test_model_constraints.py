"""The model refuses what the law and common sense refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.enums import Procedure, PurchaseNature
from app.model import Contract, Order, Organisation, Supplier
from app.rules.values import InvalidValue


def contract(org_id, **kw):
    base = dict(
        organisation_id=org_id,
        reference="M-1",
        object="Objet",
        nature=PurchaseNature.SUPPLIES,
        procedure=Procedure.ADAPTED,
    )
    base.update(kw)
    return Contract(**base)


def test_siret_checked_on_assignment():
    with pytest.raises(InvalidValue, match="clé de contrôle"):
        Supplier(name="X", normalized_name="x", siret="12345678901234")
    with pytest.raises(InvalidValue, match="14 chiffres"):
        Organisation(name="X", siret="123")
    assert Supplier(name="X", normalized_name="x", siret="215 901 638 00019").siret == "21590163800019"


@pytest.mark.parametrize(
    "fields",
    [
        {"start_date": dt.date(2026, 1, 1), "end_date": dt.date(2025, 12, 31)},
        {"notified_amount": Decimal("-1")},
        {"estimated_amount": Decimal("-0.01")},
        {"advance_rate": Decimal("1.5")},
    ],
    ids=["end-before-start", "negative-notified", "negative-estimate", "advance-rate"],
)
def test_contract_constraints(new_db, fields):
    with pytest.raises(IntegrityError), new_db.session() as session:
        session.add(contract(new_db.organisation_id, **fields))


def test_order_delivery_after_order_and_amount_non_negative(new_db):
    with pytest.raises(IntegrityError), new_db.session() as session:
        session.add(
            Order(
                organisation_id=new_db.organisation_id,
                number="1",
                order_date=dt.date(2026, 3, 1),
                latest_delivery_date=dt.date(2026, 2, 1),
                amount=Decimal("10"),
            )
        )
    with pytest.raises(IntegrityError), new_db.session() as session:
        session.add(
            Order(
                organisation_id=new_db.organisation_id,
                number="2",
                order_date=dt.date(2026, 3, 1),
                amount=Decimal("-10"),
            )
        )


def test_unknown_enum_value_refused_by_the_database(new_db):
    with pytest.raises(IntegrityError), new_db.session() as session:
        session.connection().exec_driver_sql(
            "INSERT INTO contract (id, organisation_id, reference, object, nature, decp_nature, procedure, status, "
            "is_framework, renewable, recurrent, innovative, advance_granted, subcontracting_declared, "
            "operator_grouping, price_types, techniques, execution_modes, social_considerations, "
            "environmental_considerations, created_at, updated_at, version) VALUES "
            f"('x', '{new_db.organisation_id.hex}', 'R', 'O', 'nonsense', 'marche', 'adapted', 'active', 0, 0, 0, 0, "
            "0, 0, 'none', '[]', '[]', '[]', '[]', '[]', '2026-01-01', '2026-01-01', 1)"
        )


def test_amounts_are_decimal_round_trip(new_db):
    with new_db.session() as session:
        session.add(contract(new_db.organisation_id, notified_amount=Decimal("123456789.12")))
    with new_db.session(write=False) as session:
        value = session.query(Contract.notified_amount).scalar()
    assert value == Decimal("123456789.12") and isinstance(value, Decimal)


def test_stale_edit_is_refused(new_db):
    """Optimistic concurrency: saving a copy loaded before someone else's save fails loudly."""
    with new_db.session() as session:
        c = contract(new_db.organisation_id)
        session.add(c)
    with new_db.session(write=False) as session:
        loaded_by_me = session.get(Contract, c.id)  # detached after the unit, version 1
    with new_db.session() as session:
        session.get(Contract, c.id).object = "Modifié par un autre poste"
    loaded_by_me.object = "Ma modification"
    with pytest.raises(StaleDataError), new_db.session() as session:
        session.add(loaded_by_me)
    with new_db.session(write=False) as session:
        assert session.get(Contract, c.id).object == "Modifié par un autre poste"

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules.values import (
    InvalidValue,
    luhn_ok,
    nature_from_cpv,
    normalize_cpv,
    siret_problem,
    to_money,
    validate_siret,
    with_luhn_key,
)


@pytest.mark.parametrize(
    "siret, ok",
    [
        ("21590163800019", True),  # Ville de Croix (real DECP file)
        ("215 901 638 00019", True),  # spaces typed by users
        ("21590163800018", False),  # wrong key
        ("2159016380001", False),  # 13 digits
        ("2159016380001A", False),
        ("", False),
        ("35600000000006", True),  # La Poste: 3+5+6+6 = 20, a multiple of 5 (fails Luhn)
        ("35600000000007", False),  # La Poste: 21
    ],
)
def test_siret(siret, ok):
    assert (siret_problem(siret) is None) is ok


def test_validate_siret_message_is_french():
    with pytest.raises(InvalidValue, match="clé de contrôle"):
        validate_siret("21590163800018")


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_luhn_key_completes_any_prefix(prefix):
    siret = with_luhn_key(prefix)
    assert luhn_ok(siret)
    if not siret.startswith("356000000"):
        assert siret_problem(siret) is None


@pytest.mark.parametrize(
    "value, expected",
    [
        (0.1 + 0.2, Decimal("0.30")),
        (1234.565, Decimal("1234.57")),
        ("12.3", Decimal("12.30")),
        (7, Decimal("7.00")),
    ],
)
def test_money_is_decimal_cents(value, expected):
    assert to_money(value) == expected


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf")])
def test_money_rejects_non_numbers(bad):
    with pytest.raises(InvalidValue):
        to_money(bad)


def test_cpv():
    assert normalize_cpv("30192700-8") == "30192700"
    assert normalize_cpv("45233141") == "45233141"
    with pytest.raises(InvalidValue):
        normalize_cpv("3019270")
    assert nature_from_cpv("45233141-9") == "works"
    assert nature_from_cpv("77310000-6") == "services"
    assert nature_from_cpv("30192000-1") == "supplies"

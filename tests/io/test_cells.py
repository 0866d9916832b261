"""French cell values: amounts, dates, yes/no, formula-escaped text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.io.cells import CellError, key_of, parse_bool, parse_date, parse_decimal, parse_money, parse_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1\u202f234,56 €", Decimal("1234.56")),
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("12,5", Decimal("12.5")),
        ("2 000", Decimal("2000")),
        ("-3,10", Decimal("-3.10")),
        ("(12,00)", Decimal("-12.00")),
        ("45 600,00 EUR", Decimal("45600.00")),
        (412.5, Decimal("412.5")),
        (0.1, Decimal("0.1")),
        (7, Decimal("7")),
    ],
)
def test_decimal_as_french_offices_type_it(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize(
    "raw", ["douze", "1,2,3", "", "12 €uros de plus", True, dt.date(2024, 1, 1), float("nan")]
)
def test_not_a_number_is_a_cell_error(raw):
    with pytest.raises(CellError):
        parse_decimal(raw)


def test_money_is_rounded_to_the_cent_from_calamine_floats():
    assert parse_money(56.789) == Decimal("56.79")
    assert parse_money(0.1 + 0.2) == Decimal("0.30")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/02/2024", dt.date(2024, 2, 12)),
        ("04/03/24", dt.date(2024, 3, 4)),
        ("4-3-2024", dt.date(2024, 3, 4)),
        ("04.03.2024", dt.date(2024, 3, 4)),
        ("2024-04-30", dt.date(2024, 4, 30)),
        ("2018-12-31+01:00", dt.date(2018, 12, 31)),
        ("12/02/2024 10:30", dt.date(2024, 2, 12)),
        (dt.datetime(2024, 3, 4, 0, 0), dt.date(2024, 3, 4)),
        (dt.date(2024, 3, 4), dt.date(2024, 3, 4)),
        (45355.0, dt.date(2024, 3, 4)),  # an Excel serial left unformatted
    ],
)
def test_dates_real_or_typed_as_text(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"), [("31/02/2024", "cette date n'existe pas"), ("demain", "ce n'est pas une date")]
)
def test_bad_dates_say_why(raw, message):
    with pytest.raises(CellError, match=message):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("oui", True), ("OUI", True), ("x", True), ("Non", False), (1.0, True), ("faux", False)],
)
def test_yes_no(raw, expected):
    assert parse_bool(raw) is expected


def test_text_keeps_siret_digits_and_strips_exactly_one_escape_apostrophe():
    assert parse_text(21590163800019.0) == "21590163800019"
    assert parse_text('\'=HYPERLINK("x")') == '=HYPERLINK("x")'
    assert parse_text("''=1") == "''=1"
    assert parse_text("'t Hooft") == "'t Hooft"


def test_header_keys_ignore_case_accents_and_punctuation():
    assert key_of("N° de commande") == key_of("n° DE COMMANDE")
    assert key_of("Montant (€ HT)") == "montant ht"
    assert key_of("Échéance") == "echeance"


@given(
    whole=st.integers(min_value=0, max_value=10**15 - 1),
    fraction=st.one_of(st.none(), st.text(alphabet="0123456789", min_size=1, max_size=12)),
    mark=st.sampled_from([",", "."]),
)
def test_plain_numbers_read_as_the_general_path_reads_them(whole, fraction, mark):
    """'1234,56' takes a fast path: the same Decimal (digits and exponent) as with a space added,
    which goes through the general path."""
    text = str(whole) + ("" if fraction is None else mark + fraction)
    fast, general = parse_decimal(text), parse_decimal(" " + text)
    assert (fast, fast.as_tuple()) == (general, general.as_tuple())

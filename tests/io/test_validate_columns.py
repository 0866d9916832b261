"""The validator reads whole columns at once (real dates, amounts, plain texts inline, each repeated
text once): every row must come out exactly as reading its cells one by one with ``parse_cell``
gives, values and problems alike, whatever the cells hold."""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal, InvalidOperation
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.io.cells import CellError, is_blank, parse_text
from app.io.readers import Table
from app.io.templates import template
from app.io.validate import parse_cell, validate
from app.rules.values import InvalidValue

ORDERS = template("orders")
# The columns read by a fast path (key text, date, money, decimal, repeated texts) and one without.
KEYS = ["number", "order_date", "amount", "weight_kg", "department", "supplier_siret", "description"]
COLUMNS = [ORDERS.column(k) for k in KEYS]

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1e13),
    st.floats(min_value=-1, max_value=1, allow_subnormal=True),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.sampled_from([0.0, -0.0, 0.005, 0.015, 2.675, 1e11, 99999999999.995, 1e12, 1e9, 999999999.9995]),
    st.booleans(),
)
number_texts = st.one_of(
    st.text(alphabet=string.digits + ",.", min_size=1, max_size=18),
    st.text(alphabet=string.digits + " ,.-+()€e'\u00a0\u202f", max_size=16),
    st.sampled_from(["1234,56", "12,345", "0,005", "999999999999,99", "1000000000000", "1 234,56 €", " 12,5",
                     "12,5 ", "٣", "1e3", "(12,00)", "00012", "0001000000000,004"]),
)  # fmt: skip
texts = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["", " ", "\t", "'=x", "'", "''", "a\x00b", "\ud800", "Écoles", " Écoles ", "x" * 41]),
)
dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    st.sampled_from(["05/03/2024", "31/02/2024", "2024-03-05", " 5/3/24 ", "demain", "1/1/70", "00/01/2024"]),
)
cells = st.one_of(st.none(), numbers, number_texts, texts, dates)


def reference(rows: list[list[object]]) -> tuple[list, list, int]:
    """Valid rows, problems (row, column, message) and blank rows, reading cell by cell."""
    valid, problems, blank_rows = [], [], 0
    for offset, row in enumerate(rows):
        number = offset + 2
        values, found, blanks = {}, [], 0
        for col, cell in zip(COLUMNS, row, strict=True):
            if is_blank(cell) or cell == "":
                blanks += 1
                if col.required:
                    found.append((number, col.label, "valeur manquante"))
                continue
            try:
                value = parse_cell(col, cell)
            except (CellError, InvalidValue, ValueError, OverflowError, TypeError, InvalidOperation) as exc:
                found.append((number, col.label, str(exc)))
                continue
            if value == "" or value == []:
                if col.required:
                    found.append((number, col.label, "valeur manquante"))
                continue
            values[col.key] = value
        if blanks == len(COLUMNS):
            blank_rows += 1
        elif found:
            problems.extend(found)
        else:
            valid.append((number, values))
    return valid, problems, blank_rows


def table(rows: list[list[object]]) -> Table:
    return Table(
        path=Path("x.xlsx"),
        sheet="F",
        header_row=0,
        headers=[c.label for c in COLUMNS],
        columns={i: c.key for i, c in enumerate(COLUMNS)},
        unmatched=[],
        missing_required=[],
        rows=[[c.label for c in COLUMNS], *rows],
    )


def check(rows: list[list[object]]) -> None:
    result = validate(table(rows), ORDERS)
    valid, problems, blank_rows = reference(rows)
    assert [(r.row, r.values) for r in result.rows] == valid
    assert [(p.row, p.column, p.message) for p in result.problems] == problems
    assert result.blank_rows == blank_rows


def unique_numbers(cells: list[object]) -> list[object]:
    """Key cells that are neither duplicates nor « Total » lines (those are other tests' business)."""
    out, seen = [], set()
    for n, cell in enumerate(cells):
        if isinstance(cell, str) and cell.strip():
            cell = f"N{n}{cell}"
        try:
            text = parse_text(cell).casefold()
        except ValueError:
            text = None
        if text in seen:
            cell = f"N{n}"
        seen.add(text)
        out.append(cell)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cells, min_size=len(KEYS), max_size=len(KEYS)), min_size=1, max_size=12))
def test_columns_read_as_cell_by_cell(rows):
    numbers = unique_numbers([row[0] for row in rows])
    check([[number, *row[1:]] for number, row in zip(numbers, rows, strict=True)])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dates(),
            st.floats(min_value=0, max_value=1e6),
            st.sampled_from(["Écoles", "Mairie", " ", None]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_typical_columns_read_as_cell_by_cell(rows):
    """The cells of a tidy export: every row on the short path, a few with a missing service."""
    check(
        [
            [f"BC-{n}", d, amount, None, service, None, "Fournitures"]
            for n, (d, amount, service) in enumerate(rows)
        ]
    )


def test_column_of_texts_with_a_refused_character_reads_cell_by_cell():
    rows = [
        ["BC-1", dt.date(2024, 1, 2), 10.0, None, "A", None, "x"],
        ["BC-\x002", dt.date(2024, 1, 2), "1,5", "", "A", None, "y"],
    ]
    check(rows)
    problems = validate(table(rows), ORDERS).problems
    assert [(p.row, p.column) for p in problems] == [(3, "N° de commande")]
    assert "caractère nul" in problems[0].message


def test_amounts_as_a_french_office_types_them():
    rows = [[f"BC-{n}", dt.date(2024, 1, 2), cell, None, "A", None, "x"]
            for n, cell in enumerate([12.345, "12,345", 0.005, "1234,5", 7, "1 234,56 €", 2.675, 1e11 - 0.005])]  # fmt: skip
    check(rows)
    amounts = [r.values["amount"] for r in validate(table(rows), ORDERS).rows]
    assert amounts == [Decimal("12.35"), Decimal("12.35"), Decimal("0.01"), Decimal("1234.50"), Decimal("7.00"),
                       Decimal("1234.56"), Decimal("2.68"), Decimal("100000000000.00")]  # fmt: skip

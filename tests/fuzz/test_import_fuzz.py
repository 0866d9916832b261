"""Fuzzing the import (RELIABILITY R18): random cell values never make the validator raise, and
mutated workbooks only ever give ``ImportRejected`` or row-level problems."""

from __future__ import annotations

import datetime as dt
import random
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import ImportRejected
from app.io.readers import RawSheet, Table, open_table
from app.io.templates import TEMPLATES, template
from app.io.validate import Problem, validate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"

cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(alphabet=string.digits + " ,.-/€%", max_size=20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    st.sampled_from(
        ["oui", "NON", "31/02/2024", "1 234,56", "=SUM(A1)", "Total", "MAPA", "PME", "'=x", "\x00"]
    ),
)


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_validator_never_raises_on_random_cells(kind, data):
    tpl = template(kind)
    width = len(tpl.columns)
    rows = data.draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), min_size=1, max_size=8))
    table = Table(
        path=Path("x.xlsx"),
        sheet="F",
        header_row=0,
        headers=tpl.labels,
        columns={i: c.key for i, c in enumerate(tpl.columns)},
        unmatched=[],
        missing_required=[],
        rows=[tpl.labels, *rows],
    )
    result = validate(table, tpl)
    assert all(isinstance(p, Problem) and p.row >= 2 and p.message for p in result.problems)
    assert len(result.rows) + result.invalid_rows + result.blank_rows + result.total_rows == len(rows)
    for row in result.rows:
        for col in tpl.columns:
            if col.required:
                assert row.values.get(col.key) not in (None, "")


def _mutate(data: bytes, rng: random.Random) -> bytes:
    blob = bytearray(data)
    choice = rng.randrange(4)
    if choice == 0:  # byte flips
        for _ in range(rng.randint(1, 20)):
            blob[rng.randrange(len(blob))] = rng.randrange(256)
    elif choice == 1:  # truncated
        blob = blob[: rng.randrange(1, len(blob))]
    elif choice == 2:  # a chunk removed
        start = rng.randrange(len(blob))
        del blob[start : start + rng.randint(1, 400)]
    else:  # a chunk duplicated
        start = rng.randrange(len(blob))
        blob[start:start] = blob[start : start + rng.randint(1, 400)]
    return bytes(blob)


@pytest.mark.parametrize("seed", range(200))
def test_mutated_workbooks_give_only_import_rejected(tmp_path, seed):
    rng = random.Random(seed)
    source = FIXTURES / rng.choice(["commandes_mairie.xlsx", "commandes_erreurs.xlsx", "marches_cp1252.csv"])
    path = tmp_path / f"mutant{source.suffix}"
    path.write_bytes(_mutate(source.read_bytes(), rng))
    for kind in ("orders", "contracts"):
        try:
            table = open_table(path, template(kind))
        except ImportRejected as exc:
            assert exc.message
            continue
        validate(table, template(kind))


def test_random_sheet_shapes_find_header_or_reject():
    rng = random.Random(7)
    tpl = template("orders")
    for _ in range(100):
        rows = [[rng.choice(["", "N° BC", "Date", "Montant", "x", 1.5, None]) for _ in range(rng.randint(0, 6))]
                for _ in range(rng.randint(0, 12))]  # fmt: skip
        try:
            table = open_table(Path("x.csv"), tpl, reader=lambda _p, rows=rows: [RawSheet("F", rows)])
        except ImportRejected:
            continue
        validate(table, tpl)

"""Safe Excel and CSV writer (RELIABILITY R19): formula-looking text stays text."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from app.io.safety import ensure_defusedxml
from app.io.xlsx_writer import EURO_FORMAT, SheetSpec, escape_formula, write_csv, write_xlsx

PAYLOADS = [
    "=1+1",
    "+33 1 23",
    "-2",
    "@SUM(A1)",
    "\tx",
    "\rx",
    '=HYPERLINK("http://x","y")',
    "=cmd|'/c calc'!A1",
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_escape_prefixes_one_apostrophe(text):
    assert escape_formula(text) == "'" + text
    assert escape_formula("Mairie") == "Mairie"


def test_xlsx_cells_are_text_with_real_dates_and_euros(tmp_path):
    out = tmp_path / "x.xlsx"
    rows = [[p, Decimal("1234.5"), dt.date(2024, 3, 4), True] for p in PAYLOADS]
    write_xlsx(out, [SheetSpec("Feuille", ["=Titre", "Montant", "Date", "Oui"], ["text", "money", "date", "bool"],
                               [20, 12, 12, 6], rows)])  # fmt: skip
    ensure_defusedxml()
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "'=Titre" and ws["A1"].data_type == "s"
    for i, payload in enumerate(PAYLOADS, start=2):
        cell = ws.cell(i, 1)
        # XML stores a carriage return as a line feed; the escape is what matters.
        assert cell.data_type == "s" and cell.value == "'" + payload.replace("\r", "\n")
        assert ws.cell(i, 2).number_format == EURO_FORMAT and ws.cell(i, 2).value == 1234.5
        assert ws.cell(i, 3).is_date and ws.cell(i, 3).number_format == "DD/MM/YYYY"
        assert ws.cell(i, 4).value == "oui"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:D{len(PAYLOADS) + 1}"
    assert ws.column_dimensions["A"].width == 20
    assert not list(tmp_path.glob("*.tmp"))


def test_csv_is_rfc4180_quoted_and_escaped(tmp_path):
    out = tmp_path / "x.csv"
    write_csv(out, ["Nom", "Montant"], [['=HYPERLINK("http://x","y")', Decimal("1.5")], ["a;b", 2]])
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows == [["Nom", "Montant"], ['\'=HYPERLINK("http://x","y")', "1,5"], ["a;b", "2"]]
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in raw.decode("utf-8-sig")

"""The town-hall files of tests/fixtures/towns say what facts.json says they hold.

Raw reading only (the app's reader to find the header, then the cells as they are): this checks the
fixtures and their facts, not the importer, so the end-to-end tests can trust facts.json.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.io.readers import open_table
from app.io.templates import template
from app.rules.values import luhn_ok

TOWNS = Path(__file__).resolve().parent.parent / "fixtures" / "towns"
FACTS = json.loads((TOWNS / "facts.json").read_text(encoding="utf-8"))
CPV_LIST = Path(__file__).resolve().parents[2] / "resources" / "cpv" / "cpv_2008_fr_en.csv"

KINDS = {
    "registre_saint_aubin.xlsx": "contracts",
    "registre_val_de_brenne.xlsx": "contracts",
    "export_compta_marches.csv": "contracts",
    "commandes_saint_aubin.xlsx": "orders",
    "commandes_export_compta.csv": "orders",
}
# The file's own header names for: reference, start, end, amount, duration, service, contract.
COLUMNS = {
    "registre_saint_aubin.xlsx": ("N° marché", "Date de début", "Date de fin", "Montant HT", None, None),
    "registre_val_de_brenne.xlsx": (
        "Numéro de marché",
        "Date de notification",
        "Date de fin",
        "Montant notifié (€ HT)",
        "Duree (mois)",
        "Service",
    ),  # fmt: skip
    "export_compta_marches.csv": (
        "Code marché",
        "Date début",
        "Date fin",
        "Montant HT",
        None,
        "Service gestionnaire",
    ),  # fmt: skip
    "commandes_saint_aubin.xlsx": ("N° BC", "Date", None, "Montant HT", None, "Service", "N° marché"),
    "commandes_export_compta.csv": (
        "N° engagement",
        "Date engagement",
        None,
        "Montant HT",
        None,
        "Service émetteur",
        "Marché",
    ),  # fmt: skip
}


def blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def as_date(cell: object) -> dt.date | None:
    if blank(cell):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    day, month, year = (int(p) for p in re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", str(cell).strip()).groups())
    return dt.date(year, month, day)


def as_amount(cell: object) -> Decimal:
    if isinstance(cell, int | float):
        return Decimal(str(cell))
    text = re.sub(r"[\s\u00a0€]", "", str(cell))
    return Decimal(text.replace(",", "."))


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def table_of(name: str):
    table = open_table(TOWNS / name, template(KINDS[name]))
    assert table.header_row + 1 == FACTS[name]["header_row"]
    col = {h: i for i, h in enumerate(table.headers) if h}
    body = table.rows[table.header_row + 1 :]
    data = [r for r in body if not all(blank(c) for c in r) and str(r[0]).strip() != "TOTAL"]
    blanks = sum(1 for r in body if all(blank(c) for c in r))
    totals = sum(1 for r in body if str(r[0]).strip() == "TOTAL")
    return table, col, data, (blanks, totals)


@pytest.mark.parametrize("name", list(KINDS))
def test_rows_references_and_services_match_the_facts(name):
    facts = FACTS[name]
    _, col, data, (blanks, totals) = table_of(name)
    assert len(data) == facts["rows"]
    assert (blanks, totals) == (facts["blank_rows"], facts["total_rows"])
    assert [str(r[0]).strip() for r in data] == facts["references"]
    service = COLUMNS[name][5]
    if service is None:
        assert facts["empty_service_rows"] is None
    else:
        assert sum(1 for r in data if blank(r[col[service]])) == facts["empty_service_rows"]


@pytest.mark.parametrize("name", [n for n, k in KINDS.items() if k == "contracts"])
def test_contract_dates_durations_and_amounts_match_the_facts(name):
    facts = FACTS[name]
    ref_h, start_h, end_h, amount_h, months_h, _ = COLUMNS[name]
    _, col, data, _ = table_of(name)
    ends, longer, amounts = {}, [], {}
    for row in data:
        ref = str(row[col[ref_h]]).strip()
        start, end = as_date(row[col[start_h]]), as_date(row[col[end_h]])
        months = row[col[months_h]] if months_h else None
        if end is None:  # no end typed: notification + duration
            end = add_months(start, int(months)) - dt.timedelta(days=1)
        ends[ref] = end.year
        # Declared duration if any, else [start, end] longer than a year.
        declared = months_h and not blank(months)
        if int(months) > 12 if declared else add_months(start, 12) <= end:
            longer.append(ref)
        amounts[ref] = as_amount(row[col[amount_h]])
    assert [r for r, y in ends.items() if y == 2027] == facts["ends_2027"]
    assert [r for r, y in ends.items() if y == 2028] == facts["ends_2028"]
    assert longer == facts["over_12_months"]
    assert [r for r, a in amounts.items() if a > 90000] == facts["over_90k"]
    assert [r for r, a in amounts.items() if a > 215000] == facts["over_215k"]
    assert {r: f"{a:.2f}" for r, a in amounts.items()} == {
        r: c["amount_ht"] for r, c in facts["contracts"].items()
    }
    assert sorted(facts["recurring_refs"] + facts["one_off_refs"]) == sorted(facts["references"])


def test_saint_aubin_register_carries_the_secretary_mess():
    _, col, data, _ = table_of("registre_saint_aubin.xlsx")
    renew = {str(r[col["Reconductible"]]) for r in data}
    assert {"Oui", "Non", "X", "oui ", ""} <= renew
    assert [r[col["Date de début"]] for r in data].count("01/09/2024") == 2
    assert [r[col["Montant HT"]] for r in data if isinstance(r[col["Montant HT"]], str)] == ["12 500,00 €"]
    from openpyxl import load_workbook

    ws = load_workbook(TOWNS / "registre_saint_aubin.xlsx").active
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:G1"]
    last = ws.max_row
    assert ws.cell(last, 1).value == "TOTAL" and ws.cell(last, 4).value == f"=SUM(D4:D{last - 1})"
    cached = load_workbook(TOWNS / "registre_saint_aubin.xlsx", data_only=True).active.cell(last, 4).value
    assert Decimal(str(cached)) == Decimal(FACTS["registre_saint_aubin.xlsx"]["total_formula_cached_value"])


@pytest.mark.parametrize("name", ["registre_val_de_brenne.xlsx", "export_compta_marches.csv"])
def test_sirets_pass_luhn_and_cpv_codes_exist(name):
    _, col, data, _ = table_of(name)
    siret_h = "SIRET" if "SIRET" in col else "SIRET tiers"
    sirets = [re.sub(r"\D", "", f"{c:.0f}" if isinstance(c, float) else str(c)) for r in data
              if not blank(c := r[col[siret_h]])]  # fmt: skip
    assert sirets and all(len(s) == 14 and luhn_ok(s) for s in sirets)
    if "Code CPV" in col:
        known = {line.split(",", 1)[0] for line in CPV_LIST.read_text(encoding="utf-8").splitlines()[1:]}
        codes = [str(r[col["Code CPV"]]) for r in data]
        by_root = {k[:8]: k for k in known}
        assert all(c in known if "-" in c else c in by_root for c in codes)
        assert any("-" in c for c in codes) and any("-" not in c for c in codes)


@pytest.mark.parametrize("name", [n for n, k in KINDS.items() if k == "orders"])
def test_orders_refer_to_their_contracts_and_fall_in_2025(name):
    facts = FACTS[name]
    number_h, date_h, _, amount_h, _, _, contract_h = COLUMNS[name]
    _, col, data, _ = table_of(name)
    linked = [str(r[col[contract_h]]).strip() for r in data if not blank(r[col[contract_h]])]
    assert len(linked) == facts["rows_with_contract"]
    assert set(linked) <= set(FACTS[facts["contracts_file"]]["references"])
    assert {as_date(r[col[date_h]]).year for r in data} == {2025}
    periods = FACTS[facts["contracts_file"]]["contracts"]
    for r in data:
        if not blank(ref := r[col[contract_h]]):
            assert periods[ref]["start"] <= as_date(r[col[date_h]]).isoformat() <= periods[ref]["end"], r
    total = sum(as_amount(r[col[amount_h]]) for r in data)
    assert f"{total:.2f}" == facts["total_amount_ht"]
    assert len({r[col[number_h]] for r in data}) == facts["rows"]


@pytest.mark.parametrize("name", ["export_compta_marches.csv", "commandes_export_compta.csv"])
def test_accounting_exports_are_windows_1252_with_crlf(name):
    data = (TOWNS / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert data.endswith(b"\r\n") and data.count(b"\n") == data.count(b"\r\n")
    assert len(text.split("\r\n")) - 2 == FACTS[name]["rows"]  # header, and the empty string after the last
    assert re.search(r";\d{1,3}(?: \d{3})*,\d\d;", text)
    if name == "export_compta_marches.csv":
        assert b"\x92" in data and b"\x80" in data and b"\xa0" in data

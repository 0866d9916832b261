"""From a town's own files to the SPASER dashboard: import Saint-Aubin's register and order export,
see the indicators say « à compléter » where the files are silent (never "no"), complete the facts
through the « Données à compléter » services, record a clause and a CAD decision, then the PDF,
the Excel workbook and ``indicators --json`` all give the same numbers.

Every expectation comes from tests/fixtures/towns/facts.json, not from what the app computes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.cli import main
from app.enums import ChecklistStatus
from app.rules.indicators import Status, format_value
from app.services.clauses import clause_id, find_contract, set_item_status
from app.services.dashboard import dashboard_data, write_dashboard_pdf, write_dashboard_xlsx
from app.services.imports import import_file
from app.services.organisations import create_organisation
from app.storage import create_database
from tests.e2e.test_town_files import set_fact_on

TOWNS = Path(__file__).resolve().parent.parent / "fixtures" / "towns"
FACTS = json.loads((TOWNS / "facts.json").read_text(encoding="utf-8"))
REGISTER = FACTS["registre_saint_aubin.xlsx"]
ORDERS = FACTS["commandes_saint_aubin.xlsx"]
TODAY = dt.date(2026, 12, 1)
YEAR = 2025  # the year of the order export, and of seven contracts of the register

# Contracts "passed" in 2025: the register has no notification date, so its start date tells.
PASSED = sorted(ref for ref, c in REGISTER["contracts"].items() if c["start"].startswith(str(YEAR)))
OVER_12 = sorted(set(PASSED) & set(REGISTER["over_12_months"]))


def _siret(base: str) -> str:
    from app.rules.values import luhn_ok

    return next(base + str(d) for d in range(10) if luhn_ok(base + str(d)))


@pytest.fixture
def town(tmp_path):
    db = create_database(tmp_path / "saint-aubin.sqlite")
    org = create_organisation(db, "Commune de Saint-Aubin-sur-Loire", siret=_siret("2137000170001"))
    import_file(db, org, TOWNS / "registre_saint_aubin.xlsx", "contracts", today=TODAY)
    import_file(
        db,
        org,
        TOWNS / "commandes_saint_aubin.xlsx",
        "orders",
        today=TODAY,
        defaults={"department": "Mairie"},
    )
    yield db, org, tmp_path
    db.dispose()


def _by_id(data):
    return {r.id: r for r in data.results}


def test_silent_files_give_to_complete_not_no(town):
    db, org, _ = town
    assert len(PASSED) == 7 and len(OVER_12) == 4  # read from facts.json, stated for the reader
    r = _by_id(dashboard_data(db, org, YEAR, today=TODAY))
    # No column says the holder's size: every contract of 2025 is apart, none counted as "not a PME".
    assert (r["sme_holders"].denominator, r["sme_holders"].to_complete) == (0, len(PASSED))
    assert r["sme_holders"].value is None and r["sme_holders"].status is Status.TO_COMPLETE
    # Nor the offers received.
    assert r["offers_average"].to_complete == len(PASSED) and r["offers_average"].value is None
    # The duration comes from the dates: the four contracts over 12 months are known, but no column
    # gives their type of price: they are « à compléter », not counted as without revision.
    assert r["price_revision"].denominator == 0 and r["price_revision"].numerator == 0
    assert set(r["price_revision"].to_complete_refs) == set(OVER_12)
    assert r["price_revision"].status is Status.TO_COMPLETE
    # The orders of the export are all of 2025 (first and last dates in facts.json).
    assert ORDERS["first_date"].startswith("2025") and ORDERS["last_date"].startswith("2025")
    assert r["orders_count"].value == ORDERS["rows"]
    # No grouping plan accepted yet: the transport emissions are to complete, not zero.
    assert r["ghg_today"].value is None and r["ghg_today"].status is Status.TO_COMPLETE


def test_completed_facts_move_the_indicators(town):
    db, org, _ = town
    set_fact_on(db, org, "offers_received", "3", PASSED)
    set_fact_on(db, org, "price_types", "Définitif révisable", OVER_12)
    # The buyer retains the tie-break clause on the first contract of 2025.
    first = find_contract(db, org, PASSED[0])
    set_item_status(
        db,
        first,
        clause_id("anti-discrimination-tiebreak"),
        ChecklistStatus.RETAINED,
        expected_version=None,
        organisation_id=org,
    )
    from app.services.grouping import accept_proposal, propose_grouping

    proposal = propose_grouping(db, org, YEAR)
    accept_proposal(db, proposal, organisation_id=org)
    r = _by_id(dashboard_data(db, org, YEAR, today=TODAY))
    assert r["offers_average"].value == Decimal(3) and r["offers_average"].to_complete == 0
    assert r["price_revision"].value == 1 and r["price_revision"].status is Status.MET
    # 1 of the 7 contracts of 2025 has the clause; the 6 others' checklists were never reviewed, so
    # they are « à compléter », not counted as without it.
    assert (r["tiebreak"].numerator, r["tiebreak"].denominator) == (1, 1)
    assert r["tiebreak"].to_complete == len(PASSED) - 1
    assert r["tiebreak"].status is Status.TO_COMPLETE
    summary = proposal.summary.to_json()
    assert r["ghg_today"].value == Decimal(str(summary["kgco2e_before"]))
    assert r["ghg_after"].value == Decimal(str(summary["kgco2e_after"]))


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_xlsx_and_json_agree(town, capsys):
    db, org, tmp_path = town
    set_fact_on(db, org, "offers_received", "2", PASSED)
    data = dashboard_data(db, org, YEAR, today=TODAY)
    pdf = write_dashboard_pdf(db, org, YEAR, tmp_path / "tableau.pdf", today=TODAY)
    from pypdf import PdfReader

    pages = PdfReader(str(pdf.path)).pages
    assert pdf.pages == len(pages) >= 6  # summary, five axes, method and glossary
    text = _plain("\n".join(p.extract_text() for p in pages))
    for r in data.results:
        assert _plain(r.label) in text, r.label
        assert _plain(format_value(r.unit, r.value)) in text, (r.id, format_value(r.unit, r.value))
    assert "Glossaire" in text and _plain("à compléter") in text

    out = tmp_path / "tableau.xlsx"
    write_dashboard_xlsx(db, org, YEAR, out, today=TODAY)
    assert main(["indicators", "--db", str(db.path), "--year", str(YEAR), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["indicators"]
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [
        "Synthèse", "Gouvernance", "Social", "Économique", "Environnemental", "Commandes", "Données",
        "Recensement des commandes",
    ]  # fmt: skip
    census = list(book["Recensement des commandes"].iter_rows(values_only=True))[1:]
    assert sum(row[4] for row in census if row[2] == "famille") == ORDERS["rows"]
    rows = {}
    for name in book.sheetnames[1:6]:
        header, *body = list(book[name].iter_rows(values_only=True))
        rows.update({row[1]: dict(zip(header, row, strict=True)) for row in body})
    assert set(rows) == {i["id"] for i in printed}
    for item in printed:
        row = rows[item["id"]]
        factor = 100 if item["unit"] == "%" else 1
        shown = row["Valeur (en % pour une part)"]
        assert (shown is None) == (item["value"] is None), item["id"]
        if shown is not None:
            assert float(shown) == pytest.approx(item["value"] * factor), item["id"]
        assert row["À compléter"] == item["to_complete"], item["id"]
        assert row["Indicateur"] == item["label"]
    # The data sheet lists the contracts behind each number.
    header, *behind = list(book["Données"].iter_rows(values_only=True))
    offers = {r[3] for r in behind if r[0] == "offers_average" and r[2] == "numérateur"}
    assert offers == set(PASSED)

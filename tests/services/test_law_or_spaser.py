"""A mandatory clause says whether the law or the town's SPASER makes it so: in the CLI JSON (stable
field ``basis``), the printed list, the checklist PDF and xlsx."""

from __future__ import annotations

import json
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from app.cli import main
from app.services.clause_exports import checklist_pdf, checklist_xlsx
from app.services.clauses import checklist, find_contract
from tests.conftest import DEMO

MEALS = "VDS-2026-026"  # Préparation et livraison de repas pour la restauration scolaire, CPV 55523100


def test_cli_json_has_a_stable_basis_field(tmp_path, capsys):
    db = tmp_path / "demo.sqlite"
    db.write_bytes(DEMO.read_bytes())
    args = ["clauses", "--db", str(db), "--org", "Commune de Val-des-Saules", "--contract", MEALS]
    assert main([*args, "--json"]) == 0
    by_id = {c["id"]: c for c in json.loads(capsys.readouterr().out)["clauses"]}
    assert (by_id["sme-advance-30"]["status"], by_id["sme-advance-30"]["basis"]) in (
        ("mandatory", "spaser"),
        ("to_study", None),
        ("not_applicable", None),
    )
    assert (
        by_id["anti-discrimination-tiebreak"]["status"],
        by_id["anti-discrimination-tiebreak"]["basis"],
    ) == (
        "mandatory",
        "spaser",
    )
    assert (by_id["egalim-quality-products"]["status"], by_id["egalim-quality-products"]["basis"]) == (
        "mandatory",
        "law",
    )
    # The demo's largest kind of contract delivers meals: it is told so.
    assert by_id["transport-ghg-info"]["status"] == "recommended"
    assert by_id["delivery-grouping"]["status"] != "not_applicable"
    assert all(c["basis"] is None for c in by_id.values() if c["status"] != "mandatory")
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "[Obligatoire (engagement du SPASER)" in text and "[Obligatoire (obligation légale)" in text


def test_pdf_and_xlsx_show_law_or_spaser(demo_db, demo_org, tmp_path):
    data = checklist(demo_db, find_contract(demo_db, demo_org, MEALS))
    checklist_pdf(data, tmp_path / "clauses.pdf")
    pdf = " ".join(
        re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(str(tmp_path / "clauses.pdf")).pages
    )
    assert "Obligatoire (engagement du SPASER)" in pdf and "Obligatoire (obligation légale)" in pdf
    checklist_xlsx(data, tmp_path / "clauses.xlsx")
    values = {
        cell
        for row in load_workbook(tmp_path / "clauses.xlsx")["Clauses"].iter_rows(values_only=True)
        for cell in row
    }
    assert {"Obligatoire (engagement du SPASER)", "Obligatoire (obligation légale)"} <= values

"""Every report that uses an acronym ends with a glossary page listing exactly the ones it uses."""

from __future__ import annotations

import json

from pypdf import PdfReader
from reportlab.platypus import Paragraph

from app.glossary import entries, explain, used_in
from app.paths import resource
from app.reports.base import build_document, data_table, glossary_pages, story_texts, styles


def test_the_glossary_file_defines_the_acronyms_of_the_issue():
    data = json.loads(resource("glossary.json").read_text(encoding="utf-8"))
    for acronym in ("SPASER", "DECP", "CPV", "GES", "kgCO2e", "CAO", "CAD", "AGEC", "EGalim", "SIRET"):
        assert data[acronym]["term"] and len(data[acronym]["definition"]) > 20, acronym
    assert len(entries()) == len(data)


def test_acronyms_are_found_as_whole_words_only():
    assert [e.acronym for e in used_in("Le CAD 2027 et la CAO ; un accord-cadre, http://x, cadre HT")] == [
        "CAD",
        "CAO",
        "HT",
    ]
    assert used_in("Aucun sigle ici.") == []
    assert explain("vos actions SPASER").startswith("SPASER : Schéma de promotion")


def test_story_texts_reach_table_cells():
    st = styles()
    story = [Paragraph("Bilan du CAD", st["body"]), data_table(["Code"], [["CPV 30192000"]], None)]
    assert "CPV 30192000" in story_texts(story)


def test_a_report_ends_with_only_the_acronyms_it_uses(tmp_path):
    st = styles()
    out = tmp_path / "r.pdf"
    pages = build_document(
        out,
        [Paragraph("Objectifs du SPASER et transport en kgCO2e.", st["body"])],
        organisation="X",
        title="T",
    )
    assert pages == 2
    last = PdfReader(out).pages[-1].extract_text()
    assert "Glossaire" in last and "SPASER" in last and "kgCO2e" in last
    assert "DECP" not in last and "CAO" not in last
    plain = tmp_path / "plain.pdf"
    assert (
        build_document(plain, [Paragraph("Rien de spécial.", st["body"])], organisation="X", title="T") == 1
    )
    assert glossary_pages([Paragraph("Rien", st["body"])]) == []


def test_the_cad_dossier_explains_its_acronyms(demo_db, demo_org, tmp_path):
    from app.services.cad_report import write_cad_dossier

    out = tmp_path / "cad.pdf"
    write_cad_dossier(demo_db, demo_org, 2026, out)
    last = PdfReader(out).pages[-1].extract_text()
    assert "Glossaire" in last and "CAD : Comité annuel des achats durables" not in last
    assert "Comité annuel des achats durables" in last and "SPASER" in last

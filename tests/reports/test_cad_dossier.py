"""The CAD dossier PDF: every presented contract, the totals, the bilan and the decision sheet."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pypdf import PdfReader

from app import format as fmt
from app.reports.cad import (
    BilanLine,
    CadDossierData,
    LeverLine,
    Member,
    PresentedContract,
    TargetLine,
    build_cad_dossier,
)
from app.services.cad_report import write_cad_dossier
from app.services.committee import committee_view


def pdf_pages(path) -> list[str]:
    return [re.sub(r"[\u202f\u00a0]", " ", p.extract_text()) for p in PdfReader(str(path)).pages]


def sample(n: int) -> CadDossierData:
    contracts = [
        PresentedContract(
            reference=f"REF-{i:03d}",
            object=f"Objet du marché numéro {i} avec des accents : éèàçœ",
            supplier="Fournisseur",
            amount=Decimal("1000.50") * (i + 1),
            end_date=dt.date(2027, 1 + i % 12, 1),
            score=None if i % 5 == 0 else 50 + i % 40,
            priority=None if i % 5 == 0 else "ABC"[i % 3],
            proposed_actions=["Clause d'insertion"],
            levers=[]
            if i % 5 == 0
            else [LeverLine("Clause d'insertion", 3, 2, 1, 67, "Montant élevé", True)],
        )
        for i in range(n)
    ]
    return CadDossierData(
        organisation="Commune d'Essai-sur-Loue",
        year=2026,
        meeting_date=dt.date(2026, 11, 19),
        place="Mairie",
        members=[Member("Jean Dufour", "Président de la CAO")],
        contracts=contracts,
        targets=[TargetLine(2027, 10, 4, Decimal("0.6"), Decimal("0.4"), 2)],
        bilan=[BilanLine("OLD-1", "Ancien marché", True, ["Clause d'insertion"], False, "Aucune offre")],
        formula="Formule",
        generated_on=dt.date(2026, 11, 1),
    )


def test_dossier_from_plain_data(tmp_path):
    data = sample(40)
    out = tmp_path / "cad.pdf"
    pages = build_cad_dossier(data, out)
    texts = pdf_pages(out)
    unrated = data.count_priority(None)
    assert pages == len(texts) >= 40 - unrated + 4  # the contracts never rated share one page
    assert f"Marchés non cotés ({unrated})" in "\n".join(texts)
    whole = "\n".join(texts)
    for c in data.contracts:
        assert c.reference in whole
    # Organisation and "page x / y" on every page.
    for number, text in enumerate(texts, 1):
        assert "Commune d'Essai-sur-Loue" in text and f"page {number} / {pages}" in text
    total = fmt.money(data.total_amount).replace("\u202f", " ").replace("\u00a0", " ")
    assert f"Total : 40 marchés, {total} HT" in whole
    assert "priorité A : 11, priorité B : 11, priorité C : 10, non cotés : 8" in whole
    assert "éèàçœ" in whole
    assert any("Relevé de décisions du CAD 2026" in t for t in texts[-3:])  # then the glossary
    assert "Signature" in texts[-2] and "Jean Dufour" in texts[-2]
    assert "Glossaire" in texts[-1] and "Comité annuel des achats durables" in texts[-1]
    assert "Aucune offre" in whole and "Bilan des décisions du CAD 2025" in whole
    # The summary table breaks across pages with its header repeated.
    summary_pages = [t for t in texts if "REF-0" in t and "Actions proposées" in t]
    assert len(summary_pages) >= 2


def test_demo_dossier(demo_db, demo_org, tmp_path):
    out = tmp_path / "demo-cad.pdf"
    result = write_cad_dossier(demo_db, demo_org, 2026, out, today=dt.date(2026, 11, 1))
    texts = pdf_pages(out)
    whole = "\n".join(texts)
    assert result.pages == len(texts) and result.contracts >= 5
    view = committee_view(demo_db, demo_org, 2026)
    from app.services.cotation import due_list

    for row in due_list(demo_db, demo_org, 2026).to_present:
        assert row.reference in whole
    for b in view.bilan:
        assert b.reference in whole
    assert "Relevé de décisions du CAD 2026" in whole and "Président de la CAO" in whole
    assert "Potentiel durable" in whole and not out.with_name(out.name + ".part").exists()


def test_demo_dossier_shows_the_score_stored_with_each_assessment(demo_db, demo_org):
    """The dossier prints what the buyer's assessment recorded, not a score recomputed with today's
    thresholds (which may have changed since)."""
    from app.enums import Priority
    from app.queries.cotation import latest_assessments
    from app.queries.register import ids_by_reference
    from app.services.cad_report import gather_cad_data

    before = {c.reference: c for c in gather_cad_data(demo_db, demo_org, 2026).contracts}
    scored = next(ref for ref, c in before.items() if c.score is not None)
    with demo_db.write() as session:
        contract_id = ids_by_reference(session, demo_org)[scored.casefold()]
        latest = latest_assessments(session, [contract_id], up_to_year=2026, scored_only=False)[contract_id]
        assert (latest.score, latest.priority.value) == (before[scored].score, before[scored].priority)
        latest.score, latest.priority = 7, Priority.C
    after = {c.reference: c for c in gather_cad_data(demo_db, demo_org, 2026).contracts}
    assert (after[scored].score, after[scored].priority) == (7, "C")
    assert after[scored].levers == before[scored].levers  # the ratings themselves are untouched

"""The register as printed: the commune and the date on every page, the titles on every page, no
row cut in two between pages; and « échu » only once a contract's end date is past (issue 14)."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from app.reports.table import build_table_report


def test_every_page_names_the_commune_and_the_date_and_keeps_rows_whole(tmp_path):
    long_object = "Entretien des espaces verts et des cimetières communaux, tonte et taille " * 3
    rows = [[f"REF-{i:03d}", f"{long_object} lot {i}", "Espaces verts", "12 500,00 €"] for i in range(120)]
    out = tmp_path / "registre.pdf"
    pages = build_table_report(
        out,
        organisation="Commune de Montclair-sur-Loue",
        title="Registre des marchés",
        headers=["Référence", "Objet", "Service", "Montant HT"],
        rows=rows,
        printed_on=dt.date(2026, 12, 1),
        numeric_columns=(3,),
    )
    texts = [page.extract_text() for page in PdfReader(out).pages]
    assert pages == len(texts) > 3
    for text in texts:
        assert "Commune de Montclair-sur-Loue" in text and "01/12/2026" in text
    for text in texts[:-1]:  # the last page is the glossary (HT)
        assert "Référence" in text and "Montant HT" in text  # the titles repeat
    assert "Glossaire" in texts[-1]
    for i in range(120):
        # a row whole on one page: its reference and the end of its object on the same page
        holding = [n for n, text in enumerate(texts) if f"REF-{i:03d}" in text]
        assert len(holding) == 1
        assert f"lot {i}" in texts[holding[0]].replace("\n", " ")


def test_a_contract_is_echu_only_after_its_end_date():
    from app.services.contracts import ContractRow
    from app.ui.screens.contracts import register_columns

    today = dt.date(2026, 12, 15)
    column = next(c for c in register_columns(today) if c.header == "Mois restants")
    fields = ContractRow.__dataclass_fields__

    def row(end):  # noqa: ANN001, ANN202
        values = {name: None for name in fields}
        values["end_date"] = end
        return ContractRow(**values)

    assert column.display(row(dt.date(2026, 12, 20))) == "0"  # ends in five days: not yet échu
    assert column.display(row(dt.date(2026, 12, 15))) == "0"  # ends today
    assert column.display(row(dt.date(2026, 12, 14))) == "échu"
    assert column.display(row(dt.date(2027, 3, 20))) == "3"


def test_the_clause_sheet_says_which_amount_it_shows(demo_db, demo_org):
    from app.services.clauses import checklist
    from app.services.contracts import list_contracts

    rows = list_contracts(demo_db, demo_org)
    differing = [r for r in rows if checklist(demo_db, r.id).amount != r.amount]
    assert differing, "the demo has a contract whose threshold amount is not its register amount"
    row = differing[0]
    sheet = checklist(demo_db, row.id)
    assert sheet.total_amount == row.amount  # the register's amount, the shared fact
    from app import format as fmt

    text = fmt.contract_amounts(sheet.amount, sheet.total_amount)
    assert fmt.money(row.amount) in text and "au registre (montant notifié, avenants compris)" in text
    assert "pour les seuils" in text
    assert fmt.contract_amounts(row.amount, row.amount) == f"{fmt.money(row.amount)} HT"

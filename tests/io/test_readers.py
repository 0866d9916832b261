"""Readers on the messy fixture files: header below a title, merged cells, text dates, totals,
cp1252 CSV with semicolons, UTF-8 CSV with BOM and commas. Exact rows and exact problems."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from app.enums import Procedure, PurchaseNature, SocialEconomyStatus, SupplierSize
from app.io.readers import decode_text, open_table, sniff_delimiter
from app.io.templates import template
from app.io.validate import Problem, validate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"


def checked(name: str, kind: str):
    tpl = template(kind)
    table = open_table(FIXTURES / name, tpl)
    return table, validate(table, tpl)


def test_orders_header_found_below_title_and_merged_service_filled_down():
    table, result = checked("commandes_mairie.xlsx", "orders")
    assert table.header_row == 3  # 0-based: the fourth line, under a merged title and a subtitle
    assert table.unmatched == [] and table.missing_required == []
    assert result.problems == []
    assert (result.blank_rows, result.total_rows) == (2, 1)
    assert [(r.row, r.values) for r in result.rows] == [
        (5, {"number": "BC-2024-001", "order_date": dt.date(2024, 1, 15), "department": "Restauration scolaire",
             "supplier": "Primeurs du Doubs", "supplier_siret": "73282932000074", "amount": Decimal("412.50"),
             "weight_kg": Decimal("120.000"), "delivery_site": "Cantine", "description": "Fruits et légumes"}),
        (6, {"number": "BC-2024-002", "order_date": dt.date(2024, 2, 12), "department": "Restauration scolaire",
             "supplier": "Primeurs du Doubs", "supplier_siret": "73282932000074", "amount": Decimal("1234.56"),
             "weight_kg": Decimal("85.500"), "delivery_site": "Cantine", "description": "Fruits et légumes"}),
        (7, {"number": "BC-2024-003", "order_date": dt.date(2024, 3, 4), "department": "Restauration scolaire",
             "supplier": "Boulangerie Martin", "amount": Decimal("98.00"), "delivery_site": "Cantine",
             "description": "Pain"}),
        (9, {"number": "BC-2024-004", "order_date": dt.date(2024, 3, 4), "department": "Services techniques",
             "supplier": "SARL Quincaillerie Comtoise", "amount": Decimal("2000.00"),
             "delivery_site": "Atelier municipal", "description": "Visserie"}),
        (10, {"number": "BC-2024-005", "order_date": dt.date(2024, 4, 30), "department": "Écoles",
              "supplier": "Papeterie du Centre", "amount": Decimal("56.79"), "delivery_site": "École Jules Ferry",
              "description": "=Ramettes (formule?)"}),
    ]  # fmt: skip


def test_orders_with_errors_every_problem_reported_with_row_and_column():
    _table, result = checked("commandes_erreurs.xlsx", "orders")
    assert result.problems == [
        Problem(3, "Date de commande", "31/02/2024", "cette date n'existe pas", "une date jj/mm/aaaa"),
        Problem(4, "SIRET du fournisseur", "12345678901234",
                "Le SIRET « 12345678901234 » a une clé de contrôle incorrecte : vérifiez les chiffres saisis",
                "14 chiffres avec une clé de contrôle correcte"),
        Problem(4, "Montant HT", "-5", "le montant est négatif", "un montant en euros, positif ou nul (ex. 1 234,56)"),
        Problem(5, "N° de commande", "", "valeur manquante",
                "le numéro du bon de commande (40 caractères au plus)"),
        Problem(6, "Montant HT", "douze euros", "ce n'est pas un nombre",
                "un montant en euros, positif ou nul (ex. 1 234,56)"),
        Problem(9, "N° de commande", "C-6", "déjà présent à la ligne 8", "une valeur unique dans le fichier"),
    ]  # fmt: skip
    assert [r.row for r in result.rows] == [7, 8]
    assert result.invalid_rows == 5


def test_contracts_from_cp1252_csv_with_semicolons():
    raw = (FIXTURES / "marches_cp1252.csv").read_bytes()
    assert "é".encode("cp1252") in raw and "é".encode() not in raw
    table, result = checked("marches_cp1252.csv", "contracts")
    assert table.header_row == 1
    assert result.problems == []
    assert (result.blank_rows, result.total_rows) == (1, 1)
    first, second, third = (r.values for r in result.rows)
    assert first == {
        "reference": "2024-001", "object": "Entretien des espaces verts", "nature": PurchaseNature.SERVICES,
        "procedure": Procedure.ADAPTED, "department": "Espaces verts", "supplier": "Jardins & Paysages",
        "supplier_siret": "73282932000074", "cpv_code": "77310000", "notified_amount": Decimal("45600.00"),
        "start_date": dt.date(2024, 3, 1), "end_date": dt.date(2027, 2, 28), "recurrent": True,
    }  # fmt: skip
    assert second["object"] == "Fourniture de repas — cantine"
    assert second["procedure"] is Procedure.OPEN_TENDER
    assert second["cpv_code"] == "15894200"
    assert second["notified_amount"] == Decimal("218400.50")
    assert third["nature"] is PurchaseNature.WORKS and third["recurrent"] is False
    assert third["object"] == "Réfection de la toiture de l'église"


def test_suppliers_from_utf8_bom_csv_with_commas():
    table, result = checked("fournisseurs_utf8_bom.csv", "suppliers")
    assert table.headers[0] == "Raison sociale"  # the BOM is not part of the first header
    assert [r.values for r in result.rows] == [
        {"name": "Jardins & Paysages", "siret": "73282932000074", "size": SupplierSize.PME,
         "social_economy": SocialEconomyStatus.NONE, "postcode": "25000", "commune": "Besançon"},
        {"name": "ESAT Les Ateliers du Doubs", "size": SupplierSize.TPE,
         "social_economy": SocialEconomyStatus.ESAT, "postcode": "25200", "commune": "Montbéliard"},
        {"name": "Régie de quartier, Planoise", "size": SupplierSize.TPE,
         "social_economy": SocialEconomyStatus.SIAE, "postcode": "25000", "commune": "Besançon"},
    ]  # fmt: skip


def test_user_mapping_names_an_unknown_header(tmp_path):
    path = tmp_path / "bc.csv"
    path.write_text("Pièce;Jour;Montant\nA1;01/02/2024;10\n", encoding="utf-8")
    tpl = template("orders")
    table = open_table(path, tpl, {"piece": "number"})
    assert table.columns == {0: "number", 1: "order_date", 2: "amount"} or table.missing_required
    table = open_table(path, tpl, {"piece": "number", "jour": "order_date"})
    assert table.columns == {0: "number", 1: "order_date", 2: "amount"}
    assert validate(table, tpl).rows[0].values["number"] == "A1"


def test_encoding_and_delimiter_sniffing():
    assert decode_text("Désignation".encode("cp1252")) == "Désignation"
    assert decode_text(b"\xef\xbb\xbfD\xc3\xa9") == "Dé"
    assert sniff_delimiter("a;b;c\n1;2,5;3\n") == ";"
    assert sniff_delimiter('a,b,c\n1,"2,5",3\n') == ","

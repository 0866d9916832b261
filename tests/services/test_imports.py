"""Import and export services against real database files: exact rows written, all-or-nothing,
skip-invalid, dry-run, re-import without duplicates, on-the-fly creation, cancel, DECP, round trip."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from sqlalchemy import func, select

from app.enums import ContractStatus, Procedure, PurchaseNature, SocialEconomyStatus, SupplierSize
from app.errors import ImportRejected
from app.model import Contract, DeliverySite, Department, Order, PurchaseFamily, Supplier
from app.services.exports import export_decp, export_table, save_template
from app.services.imports import ImportCancelled, import_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"
SCHEMA = Path(__file__).resolve().parents[2] / "resources" / "decp" / "schema_decp_v2.0.3.json"
TODAY = dt.date(2025, 1, 10)


def digest(db) -> str:
    db.dispose()
    return hashlib.sha256(db.path.read_bytes()).hexdigest()


def count(db, model) -> int:
    with db.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(model))


def orders(db) -> list[tuple]:
    with db.session(write=False) as s:
        rows = s.execute(
            select(Order.number, Order.order_date, Department.name, Supplier.name, Order.amount, Order.weight_kg,
                   DeliverySite.name, Order.description)
            .outerjoin(Department, Department.id == Order.department_id)
            .outerjoin(Supplier, Supplier.id == Order.supplier_id)
            .outerjoin(DeliverySite, DeliverySite.id == Order.delivery_site_id)
            .order_by(Order.number)
        )  # fmt: skip
        return [tuple(r) for r in rows]


EXPECTED_ORDERS = [
    ("BC-2024-001", dt.date(2024, 1, 15), "Restauration scolaire", "Primeurs du Doubs", Decimal("412.50"),
     Decimal("120.000"), "Cantine", "Fruits et légumes"),
    ("BC-2024-002", dt.date(2024, 2, 12), "Restauration scolaire", "Primeurs du Doubs", Decimal("1234.56"),
     Decimal("85.500"), "Cantine", "Fruits et légumes"),
    ("BC-2024-003", dt.date(2024, 3, 4), "Restauration scolaire", "Boulangerie Martin", Decimal("98.00"), None,
     "Cantine", "Pain"),
    ("BC-2024-004", dt.date(2024, 3, 4), "Services techniques", "SARL Quincaillerie Comtoise", Decimal("2000.00"),
     None, "Atelier municipal", "Visserie"),
    ("BC-2024-005", dt.date(2024, 4, 30), "Écoles", "Papeterie du Centre", Decimal("56.79"), None,
     "École Jules Ferry", "=Ramettes (formule?)"),
]  # fmt: skip


def test_messy_orders_imported_exactly_and_reimport_updates(new_db):
    org = new_db.organisation_id
    report = import_file(new_db, org, FIXTURES / "commandes_mairie.xlsx", "orders")
    assert (report.rows_read, report.created, report.updated) == (5, 5, 0)
    assert report.new_departments == ["Écoles"]  # the others exist by default
    assert report.new_suppliers == ["Primeurs du Doubs", "Boulangerie Martin", "SARL Quincaillerie Comtoise",
                                    "Papeterie du Centre"]  # fmt: skip
    assert report.new_delivery_sites == ["Cantine", "Atelier municipal", "École Jules Ferry"]
    assert orders(new_db) == EXPECTED_ORDERS
    again = import_file(new_db, org, FIXTURES / "commandes_mairie.xlsx", "orders")
    assert (again.created, again.updated, again.new_suppliers, again.new_departments) == (0, 5, [], [])
    assert count(new_db, Order) == 5 and count(new_db, Supplier) == 4
    with new_db.session(write=False) as s:
        assert set(s.scalars(select(Order.version))) == {2}
        assert (
            s.scalar(select(Supplier.siret).where(Supplier.name == "Primeurs du Doubs")) == "73282932000074"
        )


def test_one_invalid_row_rejects_the_file_and_writes_nothing(new_db):
    before = digest(new_db)
    with pytest.raises(ImportRejected) as info:
        import_file(new_db, new_db.organisation_id, FIXTURES / "commandes_erreurs.xlsx", "orders")
    assert info.value.message.startswith(
        "Le fichier « commandes_erreurs.xlsx » n'a pas été importé : 7 problèmes sur"
    )
    assert [(p.row, p.column, p.message) for p in info.value.problems] == [
        (3, "Date de commande", "cette date n'existe pas"),
        (4, "Montant HT", "le montant est négatif"),
        (4, "SIRET du fournisseur",
         "Le SIRET « 12345678901234 » a une clé de contrôle incorrecte : vérifiez les chiffres saisis"),
        (5, "N° de commande", "valeur manquante"),
        (6, "Montant HT", "ce n'est pas un nombre"),
        (7, "Référence du marché", "aucun marché de ce nom dans le registre"),
        (9, "N° de commande", "déjà présent à la ligne 8"),
    ]  # fmt: skip
    assert digest(new_db) == before


def test_skip_invalid_imports_the_valid_rows(new_db):
    report = import_file(new_db, new_db.organisation_id, FIXTURES / "commandes_erreurs.xlsx", "orders",
                         skip_invalid=True)  # fmt: skip
    assert (report.created, report.skipped_invalid, len(report.problems)) == (1, 6, 7)
    assert [o[0] for o in orders(new_db)] == ["C-6"]
    assert report.new_departments == []  # "Espaces verts" is one of the default departments
    assert report.new_suppliers == ["Jardiland"]


def test_dry_run_writes_nothing(new_db):
    before = digest(new_db)
    report = import_file(
        new_db, new_db.organisation_id, FIXTURES / "commandes_mairie.xlsx", "orders", dry_run=True
    )
    assert (report.created, report.updated, report.dry_run) == (5, 0, True)
    assert "Essai à blanc : rien n'a été enregistré." in report.summary()
    assert len(report.new_suppliers) == 4
    assert digest(new_db) == before


def test_cancel_during_write_writes_nothing(new_db):
    before = digest(new_db)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2  # after reading and validating: while writing

    with pytest.raises(ImportCancelled):
        import_file(
            new_db, new_db.organisation_id, FIXTURES / "commandes_mairie.xlsx", "orders", cancelled=cancelled
        )
    assert digest(new_db) == before


def test_contracts_then_orders_linked_and_suppliers_matched(new_db):
    org = new_db.organisation_id
    report = import_file(new_db, org, FIXTURES / "marches_cp1252.csv", "contracts", today=TODAY)
    assert (report.created, report.new_suppliers) == (3, ["Jardins & Paysages", "Cuisine Centrale Comtoise",
                                                          "Couvreurs Réunis"])  # fmt: skip
    with new_db.session(write=False) as s:
        rows = s.execute(select(Contract.reference, Contract.nature, Contract.procedure, Contract.notified_amount,
                                Contract.status, Contract.recurrent, Contract.cpv_code).order_by(Contract.reference)).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        ("2024-001", PurchaseNature.SERVICES, Procedure.ADAPTED, Decimal("45600.00"), ContractStatus.ACTIVE, True, "77310000"),
        ("2024-002", PurchaseNature.SUPPLIES, Procedure.OPEN_TENDER, Decimal("218400.50"), ContractStatus.ACTIVE, True, "15894200"),
        ("2024-003", PurchaseNature.WORKS, Procedure.ADAPTED, Decimal("128000.00"), ContractStatus.ENDED, False, "45261210"),
    ]  # fmt: skip
    # Suppliers file: SIRET first (Jardins & Paysages is updated, not duplicated), then the name.
    suppliers = import_file(new_db, org, FIXTURES / "fournisseurs_utf8_bom.csv", "suppliers")
    assert (suppliers.created, suppliers.updated) == (2, 1)
    assert suppliers.new_suppliers == ["ESAT Les Ateliers du Doubs", "Régie de quartier, Planoise"]
    with new_db.session(write=False) as s:
        jardins = s.scalars(select(Supplier).where(Supplier.siret == "73282932000074")).one()
        assert (jardins.size, jardins.commune) == (SupplierSize.PME, "Besançon")
        esat = s.scalars(select(Supplier).where(Supplier.name.like("ESAT%"))).one()
        assert esat.social_economy is SocialEconomyStatus.ESAT
    # An orders file naming a contract reference links to it.
    path = new_db.path.parent / "bc.csv"
    path.write_text(
        "N° BC;Date;Marché;Montant;Famille;Service\nX-1;05/05/2024;2024-001;100;Espaces verts;Mairie\n",
        encoding="utf-8",
    )
    linked = import_file(new_db, org, path, "orders")
    assert linked.new_families == ["Espaces verts"]
    with new_db.session(write=False) as s:
        order = s.scalars(select(Order)).one()
        assert s.get(Contract, order.contract_id).reference == "2024-001"
        assert s.get(PurchaseFamily, order.family_id).code == "ESPACES-VERTS"


def test_decp_import_filtered_by_siret_and_reimport_no_duplicates(new_db, tmp_path):
    from app.services.organisations import create_organisation

    croix = create_organisation(new_db, "Ville de Croix", siret="21590163800019")
    with pytest.raises(ImportRejected) as info:
        import_file(new_db, croix, FIXTURES / "decp_2019_croix.json", "decp", today=TODAY)
    assert [p.row for p in info.value.problems] == [33, 65]
    report = import_file(
        new_db, croix, FIXTURES / "decp_2019_croix.json", "decp", skip_invalid=True, today=TODAY
    )
    assert (report.created, report.updated, report.skipped_invalid, report.duplicates_skipped) == (
        156,
        0,
        2,
        1,
    )
    assert len(report.new_suppliers) == 94
    again = import_file(
        new_db, croix, FIXTURES / "decp_2019_croix.json", "decp", skip_invalid=True, today=TODAY
    )
    assert (again.created, again.updated, again.new_suppliers) == (0, 156, [])
    assert count(new_db, Contract) == 156
    with new_db.session(write=False) as s:
        c = s.scalars(select(Contract).where(Contract.decp_id == "202117F000000000")).first()
        assert c.procedure is Procedure.ADAPTED and c.is_framework and c.techniques == ["Accord-cadre"]
    # The test town (another SIRET) finds none of its own marchés in Croix's file.
    with pytest.raises(ImportRejected, match="Aucun marché de l'acheteur 21250056200013"):
        import_file(new_db, new_db.organisation_id, FIXTURES / "decp_2019_croix.json", "decp")


def test_demo_exports_reimport_to_the_same_data(demo_db, demo_org, tmp_path):
    def snapshot():
        with demo_db.session(write=False) as s:
            c = s.execute(select(Contract.reference, Contract.object, Contract.nature, Contract.procedure,
                                 Contract.notified_amount, Contract.start_date, Contract.end_date, Contract.supplier_id,
                                 Contract.department_id, Contract.family_id, Contract.price_types, Contract.ccag,
                                 Contract.social_considerations, Contract.environmental_considerations, Contract.status)
                          .where(Contract.organisation_id == demo_org).order_by(Contract.reference)).all()  # fmt: skip
            o = s.execute(select(Order.number, Order.order_date, Order.amount, Order.weight_kg, Order.contract_id,
                                 Order.supplier_id, Order.department_id, Order.delivery_site_id, Order.family_id)
                          .where(Order.organisation_id == demo_org).order_by(Order.number)).all()  # fmt: skip
            return [tuple(r) for r in c], [tuple(r) for r in o], count(demo_db, Supplier)

    before = snapshot()
    for kind in ("contracts", "orders", "suppliers"):
        out = tmp_path / f"{kind}.xlsx"
        exported = export_table(demo_db, demo_org, kind, out)
        report = import_file(demo_db, demo_org, out, kind)
        assert report.created == 0 and report.updated == exported.rows > 0, kind
        assert report.new_departments == report.new_families == report.new_suppliers == []
    assert snapshot() == before
    csv_out = tmp_path / "orders.csv"
    export_table(demo_db, demo_org, "orders", csv_out)
    assert import_file(demo_db, demo_org, csv_out, "orders").created == 0
    assert snapshot() == before


def test_formula_looking_text_round_trips_as_text(new_db, tmp_path):
    org = new_db.organisation_id
    path = tmp_path / "in.csv"
    payload = '=HYPERLINK("http://x","y")'
    quoted = '"' + payload.replace('"', '""') + '"'
    path.write_text(
        "N° BC;Date;Montant;Service;Désignation\n@1;01/02/2024;10;Mairie;" + quoted + "\n", encoding="utf-8"
    )
    import_file(new_db, org, path, "orders")
    out = tmp_path / "out.xlsx"
    export_table(new_db, org, "orders", out)
    ws = openpyxl.load_workbook(out).active
    assert (ws["A2"].value, ws["A2"].data_type) == ("'@1", "s")
    assert (ws["L2"].value, ws["L2"].data_type) == ("'" + payload, "s")
    report = import_file(new_db, org, out, "orders")
    assert (report.created, report.updated) == (0, 1)
    assert [(o[0], o[7]) for o in orders(new_db)] == [("@1", payload)]


def test_decp_export_is_valid_and_uses_stored_considerations(demo_db, demo_org, tmp_path):
    out = tmp_path / "decp.json"
    result = export_decp(demo_db, demo_org, out, today=TODAY)
    data = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(data)) == []
    assert result.rows == len(data["marches"]["marche"]) > 0
    with demo_db.session(write=False) as s:
        stored = dict(s.execute(select(Contract.reference, Contract.social_considerations)
                                .where(Contract.organisation_id == demo_org)).all())  # fmt: skip
    for marche in data["marches"]["marche"]:
        assert marche["considerationsSociales"]["considerationSociale"] == stored[marche["id"]]
    everything = export_decp(demo_db, demo_org, out, include_all=True, today=TODAY)
    assert everything.rows == result.rows + result.below_threshold


def test_decp_export_lists_incomplete_contracts(new_db, tmp_path):
    import_file(new_db, new_db.organisation_id, FIXTURES / "marches_cp1252.csv", "contracts", today=TODAY)
    result = export_decp(new_db, new_db.organisation_id, tmp_path / "d.json", include_all=True, today=TODAY)
    assert result.rows == 0
    assert result.skipped[0] == ("2024-001", ["date de notification", "nombre d'offres reçues", "forme du prix",
                                              "type de prix", "considérations sociales",
                                              "considérations environnementales", "lieu d'exécution"])  # fmt: skip


def test_templates_are_importable_examples(new_db, tmp_path):
    # Contracts first: the orders example names the contract example's reference.
    for kind in ("contracts", "orders", "suppliers"):
        out = tmp_path / f"modele-{kind}.xlsx"
        save_template(kind, out)
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames == [
            {"contracts": "Marchés", "orders": "Commandes", "suppliers": "Fournisseurs"}[kind],
            "Aide",
        ]
        report = import_file(new_db, new_db.organisation_id, out, kind)
        assert report.created + report.updated == 1, kind


def test_cli_import_export(new_db, tmp_path, capsys):
    from app.cli import main

    new_db.dispose()
    db = str(new_db.path)
    assert main(["import", "orders", str(FIXTURES / "commandes_erreurs.xlsx"), "--db", db]) == 1
    err = capsys.readouterr().err
    assert "ligne 3, colonne « Date de commande » (« 31/02/2024 ») : cette date n'existe pas" in err
    assert main(["import", "orders", str(FIXTURES / "commandes_mairie.xlsx"), "--db", db, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["new_departments"]) == (5, ["Écoles"])
    assert main(["export", "orders", "--out", str(tmp_path / "o.xlsx"), "--db", db]) == 0
    assert main(["export", "template", "contracts", "--out", str(tmp_path / "m.xlsx")]) == 0
    assert (tmp_path / "m.xlsx").exists()
    assert main(["import", "orders", str(tmp_path / "o.xlsx"), "--db", db, "--dry-run"]) == 0
    assert "0 serait créée, 5 seraient mises à jour" in capsys.readouterr().out
    shutil.copy(FIXTURES / "commandes_mairie.xlsx", tmp_path / "faux.pdf")
    assert main(["import", "decp", str(tmp_path / "faux.pdf"), "--db", db]) == 1

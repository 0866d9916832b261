"""Clause library service: seeding, user clauses and copies, sharing files, checklists, exports."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest

from app.enums import ChecklistStatus, ClauseKind, Procedure, PurchaseNature
from app.errors import ImportRejected, ValidationError
from app.queries.contracts import contracts_facts
from app.rules.clauses import Applicability
from app.services import clauses as service


def add_contract(db, org_id, reference="M-2026-001", **kw) -> uuid.UUID:
    from app.model import Contract

    values = {
        "organisation_id": org_id,
        "reference": reference,
        "object": "Entretien des espaces verts",
        "nature": PurchaseNature.SERVICES,
        "procedure": Procedure.ADAPTED,
        "estimated_amount": Decimal("120000"),
        "duration_months": 36,
        "publication_date": dt.date(2026, 9, 1),
    }
    values.update(kw)
    with db.session() as session:
        contract = Contract(**values)
        session.add(contract)
        session.flush()
        return contract.id


def user_clause(**kw) -> service.ClauseInput:
    values = {
        "title": "Clause locale de circuits courts",
        "kind": ClauseKind.EXECUTION_CLAUSE,
        "actions": (24,),
        "legal_basis": "Code de la commande publique, art. L2112-2",
        "applies_when": "Denrées alimentaires",
        "guidance": "Vérifier l'offre locale.",
        "model_text": "Le titulaire privilégie les produits de saison.\n=SOMME(A1:A2)",
        "decp_consideration": "Clause environnementale",
    }
    values.update(kw)
    return service.ClauseInput(**values)


def test_new_file_has_the_builtin_library_with_stable_ids(new_db):
    rows = service.list_library(new_db, new_db.organisation_id)
    assert len(rows) == len(service.builtin_library())
    assert all(r.builtin and r.id == service.clause_id(r.code) for r in rows)
    with new_db.session() as session:  # seeding again changes nothing
        service.seed_builtin_clauses(session)
    assert len(service.list_library(new_db, new_db.organisation_id)) == len(rows)


def test_search_and_filters(new_db):
    org = new_db.organisation_id
    assert {r.code for r in service.list_library(new_db, org, action=19)} == {
        "price-revision",
        "payment-delays",
        "data-protection",
    }
    found = service.list_library(new_db, org, search="revision prix")  # accents and case ignored
    assert "price-revision" in {r.code for r in found}
    kinds = {r.kind for r in service.list_library(new_db, org, kind=ClauseKind.RESERVATION)}
    assert kinds == {ClauseKind.RESERVATION}


def test_builtin_clauses_are_read_only_and_edited_as_copies(new_db):
    org = new_db.organisation_id
    original = service.clause_id("price-revision")
    with pytest.raises(ValidationError, match="copie"):
        service.update_clause(new_db, original, user_clause(), expected_version=1, organisation_id=org)
    copy_id = service.copy_clause(new_db, org, original)
    copy = service.get_clause(new_db, copy_id)
    assert copy.copied_from == "price-revision" and not copy.builtin and copy.rule_code == "price-revision"
    service.update_clause(
        new_db,
        copy_id,
        user_clause(title="Révision des prix (modèle de la commune)"),
        expected_version=copy.version,
        organisation_id=org,
    )
    assert service.get_clause(new_db, copy_id).title == "Révision des prix (modèle de la commune)"
    # In a contract's checklist the copy replaces the original and follows its rule.
    contract = add_contract(new_db, org)
    items = {i.code: i for i in service.checklist(new_db, contract).items}
    assert "price-revision" not in items
    assert items[copy.code].applicability is Applicability.MANDATORY


def test_user_clause_validation_is_french(new_db):
    with pytest.raises(ValidationError, match="texte type"):
        service.add_clause(new_db, new_db.organisation_id, user_clause(model_text="  "))
    with pytest.raises(ValidationError, match="action"):
        service.add_clause(new_db, new_db.organisation_id, user_clause(actions=()))


def test_export_import_between_two_files_and_twice_adds_nothing(new_db, tmp_path):
    from app.services.organisations import create_organisation
    from app.storage import create_database

    org = new_db.organisation_id
    mine = service.add_clause(new_db, org, user_clause())
    service.copy_clause(new_db, org, service.clause_id("allotment"))
    shared = tmp_path / "bibliotheque.toml"
    assert service.export_library(new_db, org, shared) == 2

    other = create_database(tmp_path / "voisine.sqlite")
    try:
        other_org = create_organisation(other, "Commune Voisine")
        before = len(service.list_library(other, other_org))
        first = service.import_library(other, other_org, shared)
        assert len(first.added) == 2 and first.skipped == []
        second = service.import_library(other, other_org, shared)
        assert second.added == [] and len(second.skipped) == 2
        theirs = {r.code: r for r in service.list_library(other, other_org)}
        assert len(theirs) == before + 2
        ours = {r.code: r for r in service.list_library(new_db, org)}
        for code in first.added:
            a, b = ours[code], theirs[code]
            assert (a.id, a.title, a.kind, a.actions, a.model_text, a.copied_from, a.decp_consideration) == (
                b.id, b.title, b.kind, b.actions, b.model_text, b.copied_from, b.decp_consideration
            )  # fmt: skip
        assert ours[service.get_clause(new_db, mine).code].model_text.endswith("=SOMME(A1:A2)")
        # The whole library (with built-ins) imports into a fresh file without duplicating them.
        full = tmp_path / "complete.toml"
        service.export_library(new_db, org, full, include_builtin=True)
        again = service.import_library(other, other_org, full)
        assert again.added == [] and len(again.skipped) == before + 2
    finally:
        other.dispose()


def test_import_rejects_a_bad_file_with_every_problem(new_db, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'format = "achats-durables/clauses"\nversion = 1\n[[clause]]\ncode = "a"\ntitle = "T"\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        service.import_library(new_db, new_db.organisation_id, bad)
    assert "rien n'a été importé" in caught.value.message
    assert any("texte type" in p for p in caught.value.problems)
    binary = tmp_path / "image.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ImportRejected):
        service.import_library(new_db, new_db.organisation_id, binary)


def test_checklist_decisions_and_missing_mandatory(new_db):
    org = new_db.organisation_id
    contract = add_contract(new_db, org)
    small = add_contract(
        new_db, org, "M-2026-002", procedure=Procedure.NO_PUBLICITY, estimated_amount=Decimal("5000"),
        duration_months=1, publication_date=dt.date(2025, 1, 10),
    )  # fmt: skip
    assert service.contracts_missing_mandatory(new_db, org) == {contract, small}
    # A small contract without competition only misses the SPASER's 30 % advance for TPE/PME.
    assert [i.code for i in service.checklist(new_db, small).missing_mandatory] == ["sme-advance-30"]

    items = service.checklist(new_db, contract).items
    mandatory = [i for i in items if i.applicability is Applicability.MANDATORY]
    assert {i.code for i in mandatory} >= {"price-revision", "env-award-criterion", "env-execution-clause"}
    with pytest.raises(ValidationError, match="justification est obligatoire"):
        service.set_item_status(
            new_db,
            contract,
            mandatory[0].clause_id,
            ChecklistStatus.DISMISSED,
            expected_version=None,
            organisation_id=org,
        )
    for item in mandatory[:-1]:
        service.set_item_status(
            new_db,
            contract,
            item.clause_id,
            ChecklistStatus.IN_TENDER,
            user_name="Léa Martin",
            expected_version=None,
            organisation_id=org,
        )
    assert contract in service.contracts_missing_mandatory(new_db, org)
    service.set_item_status(
        new_db,
        contract,
        mandatory[-1].clause_id,
        ChecklistStatus.DISMISSED,
        justification="Exception prévue par la loi",
        expected_version=None,
        organisation_id=org,
    )
    assert service.contracts_missing_mandatory(new_db, org) == {small}
    after = {i.code: i for i in service.checklist(new_db, contract).items}
    first = after[mandatory[0].code]
    assert first.status is ChecklistStatus.IN_TENDER and first.decided_by == "Léa Martin" and first.decided_at
    assert after[mandatory[-1].code].justification == "Exception prévue par la loi"

    with new_db.session(write=False) as session:
        social, environmental = service.contract_considerations(session, contract)
    # Only clauses put in the tender count (the dismissed one does not).
    dismissed = mandatory[-1].decp_consideration
    assert "Clause environnementale" in environmental and "Critère social" in social
    assert dismissed not in social + environmental


def test_stale_checklist_line_is_refused(new_db):
    from app.errors import ConcurrentEdit

    contract = add_contract(new_db, new_db.organisation_id)
    clause = service.clause_id("payment-delays")
    service.set_item_status(
        new_db,
        contract,
        clause,
        ChecklistStatus.RETAINED,
        expected_version=None,
        organisation_id=new_db.organisation_id,
    )
    version = next(i for i in service.checklist(new_db, contract).items if i.clause_id == clause).item_version
    service.set_item_status(
        new_db,
        contract,
        clause,
        ChecklistStatus.IN_TENDER,
        expected_version=version,
        organisation_id=new_db.organisation_id,
    )
    with pytest.raises(ConcurrentEdit):
        service.set_item_status(
            new_db,
            contract,
            clause,
            ChecklistStatus.EXECUTED,
            expected_version=version,
            organisation_id=new_db.organisation_id,
        )


def test_committee_levers_become_checklist_items(new_db):
    contract = add_contract(new_db, new_db.organisation_id)
    with new_db.session() as session:
        added = service.add_items_for_levers(
            session, contract, ["price_revision", "carbon_compensation"], "CAD"
        )
    # price_revision: price revision, payment delays, data protection (services); carbon: works only.
    assert added == 3
    with new_db.session() as session:
        assert service.add_items_for_levers(session, contract, ["price_revision"], "CAD") == 0
        assert service.add_items_for_levers(session, contract, ["unknown"], "CAD") == 0
    decided = [i for i in service.checklist(new_db, contract).items if i.item_version]
    assert {i.code for i in decided} == {"price-revision", "payment-delays", "data-protection"}
    assert all(i.decided_by == "CAD" and i.status is ChecklistStatus.TO_STUDY for i in decided)


def test_exports_pdf_and_xlsx(new_db, tmp_path):
    from openpyxl import load_workbook

    from app.services.clause_exports import checklist_pdf, checklist_xlsx

    org = new_db.organisation_id
    mine = service.add_clause(new_db, org, user_clause())
    contract = add_contract(new_db, org)
    service.set_item_status(
        new_db,
        contract,
        mine,
        ChecklistStatus.RETAINED,
        chosen_text='=HYPERLINK("x")',
        expected_version=None,
        organisation_id=new_db.organisation_id,
    )
    data = service.checklist(new_db, contract)
    pages = checklist_pdf(data, tmp_path / "clauses.pdf")
    assert pages >= 2 and (tmp_path / "clauses.pdf").read_bytes().startswith(b"%PDF")
    checklist_xlsx(data, tmp_path / "clauses.xlsx")
    book = load_workbook(tmp_path / "clauses.xlsx")
    assert book.sheetnames == ["Clauses", "Textes"]
    texts = [row[2] for row in book["Textes"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("x")' in texts  # escaped: never run as a formula
    assert book["Clauses"].max_row == len(data.items) + 1


def test_cli_prints_contract_clauses_and_library(new_db, tmp_path):
    add_contract(new_db, new_db.organisation_id)
    path = str(new_db.path)
    run = [sys.executable, "-m", "app", "clauses", "--db", path, "--json"]
    out = subprocess.run([*run, "--contract", "M-2026-001"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    by_id = {c["id"]: c for c in data["clauses"]}
    assert by_id["price-revision"]["status"] == "mandatory"
    assert "36 mois > 12 mois" in by_id["price-revision"]["reason"].replace("\u00a0", " ")
    assert {c["status"] for c in data["clauses"]} <= {
        "mandatory",
        "recommended",
        "to_study",
        "not_applicable",
    }
    lib = json.loads(subprocess.run([*run, "--library"], capture_output=True, text=True, check=True).stdout)
    assert len(lib) == len(service.builtin_library()) and all(c["model_text"] for c in lib)
    missing = subprocess.run([*run, "--contract", "NOPE"], capture_output=True, text=True)
    assert missing.returncode == 1 and "NOPE" in missing.stderr


def test_missing_mandatory_is_the_set_every_checklist_gives_on_the_demo(demo_db):
    """The fast scan (only the rules that can say 'mandatory', stopping at the first) finds exactly the
    contracts whose full checklist has a mandatory clause missing, in both demo towns."""
    from app.services.organisations import list_organisations

    today = dt.date(2026, 6, 1)
    for org in list_organisations(demo_db):
        with demo_db.read() as session:
            fast = service.missing_mandatory_in(session, org.id, today=today)
            open_ids = [
                f.id
                for f in contracts_facts(session, org.id, today=today)
                if f.status in service.OPEN_CONTRACT_STATUSES
            ]
            full = {
                cid for cid in open_ids if service.checklist_in(session, cid, today=today).missing_mandatory
            }
        assert open_ids and full and len(full) < len(open_ids)  # both answers occur in the demo
        assert fast == full

"""From a town's own files to each feature's output (issue: "a town's own spreadsheets must give a
full, correct app"). Every file comes from tests/fixtures/towns/ (made the way town halls make them,
never from the demo) and every expectation from its facts.json, not from what the app computes.

Path of each test: import through the assistant's services (preview, then import), complete what the
app cannot derive through the services the « Données à compléter » grid uses, then check the
cotation due list, the CAD dossier's contracts, the clause statuses that depend on duration and
amount, and the DECP export against the official schema.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from app.errors import ImportRejected
from app.model import Contract, Order
from app.rules.clauses import Applicability
from app.services import facts as facts_service
from app.services.cad_report import EmptyDossier, gather_cad_data, write_cad_dossier
from app.services.clauses import checklist, find_contract
from app.services.cotation import due_list
from app.services.exports import export_decp
from app.services.identity_and_settings import get_identity, save_identity
from app.services.imports import import_file, preview_import, undo_import
from app.services.organisations import create_organisation
from app.storage import create_database

TOWNS = Path(__file__).resolve().parent.parent / "fixtures" / "towns"
FACTS = json.loads((TOWNS / "facts.json").read_text(encoding="utf-8"))
SCHEMA = Path(__file__).resolve().parents[2] / "resources" / "decp" / "schema_decp_v2.0.3.json"
TODAY = dt.date(2026, 12, 1)
# The CAD held in 2026 presents the recurrent contracts that end in 2027.
CAD_YEAR = 2026


def _siret(base: str) -> str:
    from app.rules.values import luhn_ok

    return next(base + str(d) for d in range(10) if luhn_ok(base + str(d)))


@pytest.fixture
def town(tmp_path):
    db = create_database(tmp_path / "mairie.sqlite")
    org = create_organisation(db, "Commune de test", siret=_siret("2137000170001"))
    yield db, org
    db.dispose()


def _import(db, org, name: str, kind: str, **kw):
    path = TOWNS / name
    preview = preview_import(path, kind)  # what the assistant shows first
    assert not preview.missing_required, preview.missing_required
    return preview, import_file(db, org, path, kind, today=TODAY, **kw)


def _places_without_code(path: Path, header: str) -> set[str]:
    """References whose ``header`` cell gives no code (blank, or a name such as « Territoire
    communautaire »), read straight from the workbook."""
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if header in row)
    column = rows[at].index(header)
    return {
        str(row[0])
        for row in rows[at + 1 :]
        if row[0] and not any(c.isdigit() for c in str(row[column] or ""))
    }


def _ids(db, org, refs):
    return facts_service.contract_ids_of(db, org, list(refs))


def set_fact_on(db, org, name, value, references):
    """``set_fact`` on the contracts named, at the versions read just before (as the grid does)."""
    versions = facts_service.contract_versions_of(db, org, list(references))
    return facts_service.set_fact(db, org, name, value, list(versions), expected_versions=versions)


def accept_shown(db, org) -> None:
    """« Accepter les propositions » on the whole grid, at the versions it showed."""
    shown = facts_service.facts_rows(db, org, today=TODAY)
    versions = {r.contract_id: r.version for r in shown}
    facts_service.accept_proposals(db, org, expected_versions=versions, today=TODAY)


def _confirm_recurrence(db, org, facts: dict) -> None:
    """What the buyer does in the grid: accept the app's proposals, then say yes or no where the app
    could not tell (and correct a proposal that is wrong)."""
    accept_shown(db, org)
    rows = {r.reference: r for r in facts_service.facts_rows(db, org, today=TODAY)}
    yes = [ref for ref in facts["recurring_refs"] if rows[ref].cells["recurrent"].value is not True]
    no = [ref for ref in facts["one_off_refs"] if rows[ref].cells["recurrent"].value is not False]
    if yes:
        set_fact_on(db, org, "recurrent", "oui", yes)
    if no:
        set_fact_on(db, org, "Récurrent", "non", no)


def _cad_refs(facts: dict) -> set[str]:
    return set(facts["ends_2027"]) & set(facts["recurring_refs"])


def _check_cotation_and_dossier(db, org, facts: dict, tmp_path) -> None:
    due = due_list(db, org, CAD_YEAR)
    assert {r.reference for r in due.to_present} == _cad_refs(facts)
    assert not due.recurrence_unknown and due.empty_reason() == ""
    assert all(t.reached is not None for t in due.targets if t.target is not None)
    data = gather_cad_data(db, org, CAD_YEAR, today=TODAY)
    assert {c.reference for c in data.contracts} == _cad_refs(facts)
    assert all(c.amount is not None and c.procedure for c in data.contracts)
    result = write_cad_dossier(db, org, CAD_YEAR, tmp_path / "cad.pdf", today=TODAY)
    assert result.contracts == len(_cad_refs(facts)) and result.pages >= 2
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(str(result.path)).pages)
    for ref in _cad_refs(facts):
        assert ref in text


def _check_clauses(db, org, facts: dict) -> None:
    """Price revision is mandatory above 12 months and not below; the insertion clause is studied
    above 90 000 € HT: both read the duration and the amount the facts module derives."""
    longer = set(facts["over_12_months"])
    over_90k = set(facts["over_90k"])
    for ref in facts["references"]:
        items = {i.code: i for i in checklist(db, find_contract(db, org, ref), today=TODAY).items}
        revision = items["price-revision"]
        if ref in longer:
            assert revision.applicability is Applicability.MANDATORY, (ref, revision.reason)
        else:
            assert revision.applicability is not Applicability.MANDATORY, (ref, revision.reason)
        assert "inconnu" not in revision.reason
        insertion = items["insertion-clause"]
        if ref in over_90k:
            assert insertion.applicability in (Applicability.MANDATORY, Applicability.RECOMMENDED), ref
        else:
            assert insertion.applicability not in (Applicability.MANDATORY, Applicability.RECOMMENDED), ref


def test_secretary_register_with_seven_columns(town, tmp_path):
    """N° marché, Objet, Titulaire, Montant HT, dates and Reconductible: nothing else, a title row,
    a blank line, a total row, Oui/Non/X/blank, an amount typed as text."""
    db, org = town
    facts = FACTS["registre_saint_aubin.xlsx"]
    preview, report = _import(db, org, "registre_saint_aubin.xlsx", "contracts")
    assert preview.valid_rows == facts["rows"] and not preview.problems
    assert (report.created, report.blank_rows, report.total_rows) == (facts["rows"], 1, 1)
    # Before the buyer says anything, nothing is decided as if it were "no".
    before = due_list(db, org, CAD_YEAR)
    assert before.recurrence_unknown and "Données à compléter" in before.targets[1].state
    with pytest.raises(EmptyDossier, match="récurrence confirmée"):
        gather_cad_data(db, org, CAD_YEAR, today=TODAY)
    summary = facts_service.summary(db, org, today=TODAY)
    assert summary.incomplete == facts["rows"] and summary.proposals > 0
    _confirm_recurrence(db, org, facts)
    _check_cotation_and_dossier(db, org, facts, tmp_path)
    _check_clauses(db, org, facts)
    # The supplier of every contract survived (the form used to erase it): each has one.
    with db.session(write=False) as s:
        assert all(s.scalars(select(Contract.supplier_id)))


def test_accounting_export_cp1252(town, tmp_path):
    db, org = town
    facts = FACTS["export_compta_marches.csv"]
    _preview, report = _import(db, org, "export_compta_marches.csv", "contracts")
    assert report.created == facts["rows"]
    with db.session(write=False) as s:
        objects = dict(s.execute(select(Contract.reference, Contract.object)).all())
    assert "€" in objects["24M001"] and "’" in objects["24M002"] and "œ" in objects["25M002"]
    _confirm_recurrence(db, org, facts)
    _check_cotation_and_dossier(db, org, facts, tmp_path)
    _check_clauses(db, org, facts)


def test_intercommunality_register_exports_schema_valid_decp(town, tmp_path):
    """A register with DECP columns: after completing what no column says (types of price and the
    considerations), every contract above the publication threshold is exported, schema-valid,
    with its duration derived from the dates and its place from the organisation's INSEE code."""
    db, org = town
    facts = FACTS["registre_val_de_brenne.xlsx"]
    _preview, report = _import(db, org, "registre_val_de_brenne.xlsx", "contracts")
    assert report.created == facts["rows"]
    identity = get_identity(db, org)
    save_identity(db, dataclasses.replace(identity, insee_code="37063"), organisation_id=org)
    everything = facts["references"]
    set_fact_on(db, org, "price_types", "Définitif révisable", everything)
    set_fact_on(db, org, "social_considerations", "Pas de considération sociale", everything)
    set_fact_on(db, org, "environmental_considerations", "Critère environnemental", everything)
    rows = {r.reference: r for r in facts_service.facts_rows(db, org, today=TODAY)}
    for ref in facts["blank_duration_refs"]:
        cell = rows[ref].cells["duration_months"]
        assert cell.known and cell.source.startswith("déduit"), (ref, cell)
    out = tmp_path / "decp.json"
    result = export_decp(db, org, out, today=TODAY)
    assert not result.skipped, result.skipped
    published = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(published))
    marches = published["marches"]["marche"]
    amounts = {ref: c["amount_ht"] for ref, c in facts["contracts"].items()}
    above = {ref for ref, amount in amounts.items() if float(amount) >= 40000}
    assert {m["id"] for m in marches} == above
    assert result.below_threshold == len(amounts) - len(above)
    for m in marches:
        assert m["dureeMois"] >= 1
        assert m["lieuExecution"]["code"]
    # Without a « Lieu d'exécution » in the file, the place is the organisation's commune.
    blank_place = _places_without_code(TOWNS / "registre_val_de_brenne.xlsx", "Lieu d'execution")
    derived = [m for m in marches if m["id"] in blank_place]
    assert derived and all(
        m["lieuExecution"] == {"code": "37063", "typeCode": "Code commune"} for m in derived
    )
    assert all(m["lieuExecution"]["code"] != "37063" for m in marches if m["id"] not in blank_place)
    _check_clauses(db, org, facts)


@pytest.mark.parametrize(
    ("contracts_file", "orders_file"),
    [
        ("registre_saint_aubin.xlsx", "commandes_saint_aubin.xlsx"),
        ("export_compta_marches.csv", "commandes_export_compta.csv"),
    ],
)
def test_orders_need_their_department(town, contracts_file, orders_file):
    db, org = town
    facts = FACTS[orders_file]
    _import(db, org, contracts_file, "contracts")
    with pytest.raises(ImportRejected) as refused:
        import_file(db, org, TOWNS / orders_file, "orders", today=TODAY)
    missing = [p for p in refused.value.problems if p.message == "service manquant"]
    assert len(missing) == facts["empty_service_rows"]
    report = import_file(
        db, org, TOWNS / orders_file, "orders", today=TODAY, defaults={"department": "Mairie"}
    )
    assert report.created == facts["rows"] and report.defaulted == {"Service": facts["empty_service_rows"]}
    with db.session(write=False) as s:
        linked = s.scalars(select(Order.contract_id).where(Order.contract_id.is_not(None))).all()
        assert len(linked) == facts["rows_with_contract"]
        assert not s.scalars(select(Order.id).where(Order.department_id.is_(None))).all()
    from app.services.order_census import order_census

    census = order_census(db, org, 2025)
    assert census.total == facts["rows"]


def test_undo_import_takes_back_what_it_created_and_restores_what_it_updated(town):
    db, org = town
    _p, first = _import(db, org, "registre_saint_aubin.xlsx", "contracts")
    accept_shown(db, org)
    with db.session(write=False) as s:
        before = {r.reference: (r.object, r.notified_amount) for r in s.scalars(select(Contract))}
    # The same register again, edited: the second import updates what the first created.
    _p, second = _import(db, org, "registre_saint_aubin.xlsx", "contracts")
    assert second.updated == first.created
    with pytest.raises(Exception, match="plus récent"):
        undo_import(db, first.batch_id)
    undo_import(db, second.batch_id)
    with db.session(write=False) as s:
        after = {r.reference: (r.object, r.notified_amount) for r in s.scalars(select(Contract))}
    assert after == before
    result = undo_import(db, first.batch_id)
    assert result.removed >= first.created
    with db.session(write=False) as s:
        assert s.scalars(select(Contract)).all() == []


def test_orders_grouping_from_town_files(town):
    """Order grouping (census per department, grouped orders, transport) from the town's own
    registers and order exports, departments defaulted where the export left them blank."""
    from app.services.grouping import propose_grouping

    db, org = town
    _import(db, org, "registre_saint_aubin.xlsx", "contracts")
    import_file(
        db,
        org,
        TOWNS / "commandes_saint_aubin.xlsx",
        "orders",
        today=TODAY,
        defaults={"department": "Mairie"},
    )
    facts = FACTS["commandes_saint_aubin.xlsx"]
    proposal = propose_grouping(db, org, 2025)
    summary = proposal.summary.to_json()
    assert summary["orders_before"] == facts["rows"]
    assert summary["lower_bound"] <= summary["orders_after"] <= summary["orders_before"]
    assert sum(r.size for r in proposal.rows) == facts["rows"]  # every order in exactly one group
    assert proposal.scenarios[1].deliveries <= proposal.scenarios[0].deliveries


def test_register_export_reimports_to_the_same_facts(town, tmp_path):
    """The register exported as .xlsx (its French columns) re-imports without a change, unknown
    facts staying unknown (an empty cell, never « non »)."""
    from app.services.exports import export_table

    db, org = town
    _import(db, org, "export_compta_marches.csv", "contracts")
    out = tmp_path / "registre.xlsx"
    export_table(db, org, "contracts", out)
    with db.session(write=False) as s:
        before = {
            c.reference: (c.recurrent, c.nature, c.procedure, c.supplier_id)
            for c in s.scalars(select(Contract))
        }
    assert any(v[0] is None for v in before.values())
    report = import_file(db, org, out, "contracts", today=TODAY)
    assert (report.created, report.updated) == (0, len(before))
    with db.session(write=False) as s:
        after = {
            c.reference: (c.recurrent, c.nature, c.procedure, c.supplier_id)
            for c in s.scalars(select(Contract))
        }
    assert after == before


def test_dashboard_counts_from_town_register(town):
    from app.services.alerts import dashboard_counts

    db, org = town
    facts = FACTS["registre_saint_aubin.xlsx"]
    _import(db, org, "registre_saint_aubin.xlsx", "contracts")
    ends = {ref: dt.date.fromisoformat(c["end"]) for ref, c in facts["contracts"].items()}
    counts = dashboard_counts(db, org, TODAY)
    assert counts.active == sum(1 for end in ends.values() if end >= TODAY)
    assert counts.renewing_next_year == sum(1 for end in ends.values() if end.year == TODAY.year + 1)


def test_undo_takes_back_a_siret_the_import_gave_to_a_known_supplier(town, tmp_path):
    from app.model import Supplier

    db, org = town
    first = tmp_path / "sans-siret.csv"
    first.write_text("N° marché;Objet;Titulaire\nA-1;Nettoyage;Net Pro\n", encoding="utf-8")
    import_file(db, org, first, "contracts", today=TODAY)
    second = tmp_path / "avec-siret.csv"
    siret = _siret("4123456780001")
    second.write_text(f"N° marché;Objet;Titulaire;SIRET\nA-2;Entretien;Net Pro;{siret}\n", encoding="utf-8")
    report = import_file(db, org, second, "contracts", today=TODAY)
    with db.session(write=False) as s:
        assert s.scalars(select(Supplier.siret)).all() == [siret]
    undo_import(db, report.batch_id)
    with db.session(write=False) as s:
        assert s.scalars(select(Supplier.siret)).all() == [None]
        assert s.scalars(select(Contract.reference)).all() == ["A-1"]

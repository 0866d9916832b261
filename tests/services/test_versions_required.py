"""The last edits that took no version read (issue 13 item 2): deleting a cotation and accepting the
app's proposals are refused, naming who, when the row changed since it was read."""

from __future__ import annotations

import datetime as dt
import platform
from decimal import Decimal

import pytest

from app.errors import ConcurrentEdit
from app.services import contracts as svc
from app.services import cotation
from app.services import facts as facts_service

MACHINE = platform.node()
TODAY = dt.date(2026, 12, 2)


def _who(name: str) -> str:
    return rf"entre-temps par {name} \({MACHINE}\), le \d\d/\d\d/\d{{4}} à \d\d:\d\d"


def _contract(db, reference: str = "CAN-1") -> svc.ContractDetail:  # noqa: ANN001
    return svc.save_contract(
        db,
        db.organisation_id,
        svc.ContractInput(
            reference=reference,
            object="Restauration scolaire : fourniture de repas",
            start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2027, 6, 30),
            notified_amount=Decimal("80000.00"),
        ),
        expected_version=None,
    )


def test_deleting_a_cotation_changed_since_it_was_read_is_refused(new_db):
    db, org = new_db, new_db.organisation_id
    contract = _contract(db).id
    view = cotation.load_assessment(db, contract, 2026)
    saved = cotation.save_assessment(
        db, contract, 2026, view.ratings, expected_version=None, organisation_id=org, user_name="Marie Martin"
    )
    with pytest.raises(
        ConcurrentEdit, match="La cotation 2026 du marché « CAN-1 » a été modifiée " + _who("Marie Martin")
    ):
        cotation.delete_assessment(db, contract, 2026, organisation_id=org, expected_version=None)
    again = cotation.save_assessment(
        db,
        contract,
        2026,
        view.ratings,
        expected_version=saved.version,
        organisation_id=org,
        user_name="Paul Durand",
    )
    with pytest.raises(ConcurrentEdit, match=_who("Paul Durand")):
        cotation.delete_assessment(db, contract, 2026, organisation_id=org, expected_version=saved.version)
    assert cotation.load_assessment(db, contract, 2026).saved
    cotation.delete_assessment(db, contract, 2026, organisation_id=org, expected_version=again.version)
    assert not cotation.load_assessment(db, contract, 2026).saved
    cotation.delete_assessment(
        db, contract, 2026, organisation_id=org, expected_version=again.version
    )  # gone: no-op


def test_accepting_proposals_on_a_contract_changed_since_the_grid_was_read_is_refused(new_db):
    db, org = new_db, new_db.organisation_id
    detail = _contract(db)
    (row,) = facts_service.facts_rows(db, org, today=TODAY)
    assert row.proposals, "the test needs a contract the app makes a proposal for"
    shown = {row.contract_id: row.version}
    svc.save_contract(
        db,
        org,
        svc.ContractInput(
            reference="CAN-1", object="Restauration scolaire : repas", notified_amount=Decimal("80000.00")
        ),
        contract_id=detail.id,
        expected_version=detail.version,
        user_name="Paul Durand",
    )
    with pytest.raises(ConcurrentEdit, match="« CAN-1 » a été modifié " + _who("Paul Durand")):
        facts_service.accept_proposals(db, org, expected_versions=shown, today=TODAY)
    (fresh,) = facts_service.facts_rows(db, org, today=TODAY)
    result = facts_service.accept_proposals(
        db, org, expected_versions={fresh.contract_id: fresh.version}, today=TODAY
    )
    assert result.changed == 1


def test_accepting_proposals_leaves_contracts_the_grid_did_not_show(new_db):
    db, org = new_db, new_db.organisation_id
    _contract(db, "CAN-1")
    (row,) = facts_service.facts_rows(db, org, today=TODAY)
    _contract(db, "CAN-2")  # added by another workstation after the grid was read
    result = facts_service.accept_proposals(
        db, org, expected_versions={row.contract_id: row.version}, today=TODAY
    )
    assert result.changed == 1
    later = {r.reference: r for r in facts_service.facts_rows(db, org, today=TODAY)}
    assert later["CAN-2"].proposals


def test_the_cli_accepts_proposals_at_the_versions_it_reads(tmp_path, capsys, monkeypatch):
    """``facts --accept-proposals`` (all contracts, or those named) reads the versions then writes."""
    from app.cli import main
    from app.services.organisations import create_organisation
    from app.storage import create_database

    monkeypatch.setenv("ACHATS_DURABLES_HOME", str(tmp_path / "home"))
    path = tmp_path / "ville.sqlite"
    db = create_database(path)
    db.organisation_id = create_organisation(db, "Commune Test")
    _contract(db, "CAN-1")
    _contract(db, "CAN-2")
    db.dispose()
    assert main(["facts", "--db", str(path), "--accept-proposals", "--contract", "CAN-1", "--json"]) == 0
    assert '"changed": 1' in capsys.readouterr().out
    assert main(["facts", "--db", str(path), "--accept-proposals", "--json"]) == 0
    assert '"changed": 1' in capsys.readouterr().out  # CAN-2 only: CAN-1 has its values now

"""The audit trail use case: every write is listed with who, when and which machine, filtered by
author, kind, period and text, and exported to .xlsx."""

from __future__ import annotations

import dataclasses
import datetime as dt
import platform
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.errors import ValidationError
from app.services import audit
from app.services import contracts as svc
from app.services.identity_and_settings import save_setting


def contract(reference: str) -> svc.ContractInput:
    return svc.ContractInput(
        reference=reference,
        object="Fourniture de papier",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2027, 12, 31),
        notified_amount=Decimal("12000.00"),
    )


@pytest.fixture
def written(new_db):
    org = new_db.organisation_id
    first = svc.save_contract(new_db, org, contract("PAP-1"), expected_version=None, user_name="Marie")
    svc.save_contract(
        new_db,
        org,
        dataclasses.replace(contract("PAP-1"), notified_amount=Decimal("15000.00")),
        contract_id=first.id,
        expected_version=first.version,
        user_name="Paul",
    )
    svc.save_contract(new_db, org, contract("NET-7"), expected_version=None, user_name="Paul")
    save_setting(
        new_db,
        org,
        "threshold.spaser_advance",
        "200000",
        dt.date(2026, 1, 1),
        user_name="Marie",
        expected=None,
    )
    return new_db


def test_every_write_is_listed_newest_first_with_author_machine_and_record(written):
    result = audit.trail(written, audit.TrailFilter())
    assert result.total == 4
    seen = {(line.user_name, line.entity_label, line.action_label) for line in result.lines}
    assert seen == {
        ("Marie", "Marché", "Création"),
        ("Paul", "Marché", "Modification"),
        ("Paul", "Marché", "Création"),
        ("Marie", "Réglage", "Modification"),
    }
    assert all(line.workstation == platform.node() for line in result.lines)
    update = next(line for line in result.lines if line.action == "update" and line.entity == "contract")
    assert update.record == "PAP-1"
    assert update.organisation == "Commune de Test"
    assert "Montant notifié HT : 12000.00 → 15000.00" in update.summary  # fields named in French
    setting = next(line for line in result.lines if line.entity == "setting")
    assert setting.record != "threshold.spaser_advance" and "Valeur : 200000" in setting.summary
    assert result.authors == ["Marie", "Paul"]
    assert ("contract", "Marché") in result.kinds and ("setting", "Réglage") in result.kinds
    times = [line.at for line in result.lines]
    assert times == sorted(times, reverse=True)


def test_filters_by_author_kind_text_and_period(written):
    by_paul = audit.trail(written, audit.TrailFilter(user_name="Paul"))
    assert {line.user_name for line in by_paul.lines} == {"Paul"} and by_paul.total == 2
    settings = audit.trail(written, audit.TrailFilter(entity="setting"))
    assert [line.entity_label for line in settings.lines] == ["Réglage"]
    net = audit.trail(written, audit.TrailFilter(text="net-"))
    assert [line.record for line in net.lines] == ["NET-7"]
    today = dt.date.today()
    assert audit.trail(written, audit.TrailFilter(first_day=today, last_day=today)).total == 4
    yesterday = today - dt.timedelta(days=1)
    assert audit.trail(written, audit.TrailFilter(last_day=yesterday)).total == 0
    assert audit.trail(written, audit.TrailFilter(first_day=today + dt.timedelta(days=1))).total == 0
    with pytest.raises(ValidationError, match="après sa date de fin"):
        audit.trail(written, audit.TrailFilter(first_day=today, last_day=yesterday))


def test_export_writes_the_filtered_lines_to_xlsx(written, tmp_path):
    out = tmp_path / "journal.xlsx"
    assert audit.export_trail(written, audit.TrailFilter(user_name="Paul"), out) == 2
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == audit.TRAIL_HEADERS
    assert {row[1] for row in rows[1:]} == {"Paul"}
    assert {row[2] for row in rows[1:]} == {platform.node()}
    assert isinstance(rows[1][0], dt.datetime)
    assert {row[4] for row in rows[1:]} == {"PAP-1", "NET-7"}

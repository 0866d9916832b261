"""Settings are resolved when read: a release's new dated value reaches an existing file at once, the
town's own choices still win, and migration 0003 drops the copies of shipped values."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.model import Contract
from app.queries.organisation_settings import settings_for
from app.rules import settings_catalogue
from app.rules.settings_catalogue import K, catalogue
from app.services import identity_and_settings
from app.services.clauses import checklist
from app.services.cotation import proposal
from app.storage import open_database

OLD = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "demo_0001.sqlite"
VDS = uuid.UUID("827e5fd5fba5413d974162ad849c812d")  # Commune de Val-des-Saules in the old file
D = Decimal


@pytest.fixture
def release_2028(tmp_path, monkeypatch):
    """A copy of the shipped catalogue to which a release adds the 2028 European thresholds."""
    folder = tmp_path / "resources"
    shutil.copytree(settings_catalogue.resource("defaults"), folder / "defaults")
    path = folder / "defaults" / "settings.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in (("threshold.eu.supplies_services", "150000"), ("threshold.eu.works", "5000000")):
        anchor = f'key = "{key}"\n'
        start = text.index(anchor)
        end = text.find("\n[[setting]]", start)
        end = len(text) if end < 0 else end
        text = text[:end] + f'\n[[setting.value]]\nfrom = "2028-01-01"\nvalue = "{value}"\n' + text[end:]
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(settings_catalogue, "resource", lambda *parts: folder.joinpath(*parts))
    settings_catalogue.catalogue.cache_clear()
    yield
    settings_catalogue.catalogue.cache_clear()


@pytest.fixture
def old_file(tmp_path):
    """A town's file of the first release (schema 0001, shipped settings copied into it), with two
    choices of the town: one equal to the shipped value, one of its own."""
    path = tmp_path / "old.sqlite"
    shutil.copyfile(OLD, path)
    con = sqlite3.connect(path)
    with con:
        for key, value in (("threshold.insertion_study", "90000.00"), ("threshold.reservation", "60000")):
            con.execute(
                "INSERT INTO setting (id, organisation_id, key, kind, value, unit, valid_from, label, source,"
                " to_verify, created_at, updated_at, version) VALUES (?, ?, ?, 'amount', ?, NULL, '2024-01-01',"
                " '', '', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)",
                (uuid.uuid4().hex, VDS.hex, key, value),
            )
    con.close()
    return path


def test_a_new_dated_value_reaches_an_existing_file_without_migration_or_seeding(old_file, release_2028):
    db = open_database(old_file)
    try:
        with db.session(write=False) as session:
            settings = settings_for(session, VDS)
        assert settings.get(K.EU_SUPPLIES_SERVICES, dt.date(2027, 12, 31)) == D("216000")
        assert settings.get(K.EU_SUPPLIES_SERVICES, dt.date(2028, 1, 1)) == D("150000")
        assert settings.get(K.EU_WORKS, dt.date(2028, 6, 1)) == D("5000000")
        # Cotation: the thresholds of the 2028 cycle are the release's.
        with db.session() as session:
            contract = session.query(Contract).filter_by(reference="VDS-2026-012").one()
            contract_id = contract.id
            contract.publication_date = dt.date(2028, 3, 1)  # consultation launched in 2028
        assert proposal(db, contract_id, 2028).thresholds.eu_supplies_services == D("150000")
        assert proposal(db, contract_id, 2027).thresholds.eu_supplies_services == D("216000")
        # Clause evaluation: 156 289,96 € ≥ 150 000 € in 2028 → a social consideration is mandatory.
        item = next(i for i in checklist(db, contract_id).items if i.code == "insertion-clause")
        assert item.applicability.value == "mandatory", item.reason
        assert "150\u202f000\u00a0€" in item.reason
    finally:
        db.dispose()


def test_migration_drops_copied_defaults_and_keeps_the_towns_own_choices(old_file):
    db = open_database(old_file)
    db.dispose()
    con = sqlite3.connect(old_file)
    try:
        rows = con.execute("SELECT organisation_id, key, value FROM setting").fetchall()
    finally:
        con.close()
    # 67 copies gone; the override equal to the shipped 90 000 € gone; the real choice kept.
    assert rows == [(VDS.hex, "threshold.reservation", "60000")]


def test_the_towns_override_wins_for_a_local_choice_and_the_law_is_not_overridable(old_file):
    db = open_database(old_file)
    try:
        with db.session(write=False) as session:
            settings = settings_for(session, VDS)
            shipped = settings_for(session, None)
        assert settings.get(K.RESERVATION, dt.date(2026, 1, 1)) == D("60000")
        assert shipped.get(K.RESERVATION, dt.date(2026, 1, 1)) == D("90000")
        identity_and_settings.save_setting(
            db, VDS, K.INSERTION_STUDY.key, "50 000", dt.date(2027, 1, 1), expected=None
        )
        with db.session(write=False) as session:
            settings = settings_for(session, VDS)
        assert settings.get(K.INSERTION_STUDY, dt.date(2026, 12, 31)) == D("90000")
        assert settings.get(K.INSERTION_STUDY, dt.date(2027, 1, 1)) == D("50000")
        with pytest.raises(ValidationError, match="fixé par un texte"):
            identity_and_settings.save_setting(
                db, VDS, K.EU_WORKS.key, "1000", dt.date(2027, 1, 1), expected=None
            )
        with pytest.raises(ValidationError, match="inconnu"):
            identity_and_settings.save_setting(
                db, VDS, "threshold.nothing", "1000", dt.date(2027, 1, 1), expected=None
            )
    finally:
        db.dispose()


def test_a_law_value_left_in_a_file_is_ignored(new_db):
    """A file written by hand (or by an old release) with a town row for a legal value: the law wins."""
    from app.enums import SettingKind
    from app.model import Setting

    with new_db.session() as session:
        session.add(
            Setting(
                organisation_id=new_db.organisation_id,
                key=K.EU_WORKS.key,
                kind=SettingKind.AMOUNT,
                value="1",
                valid_from=dt.date(2026, 1, 1),
            )
        )
    with new_db.session(write=False) as session:
        assert settings_for(session, new_db.organisation_id).get(K.EU_WORKS, dt.date(2026, 6, 1)) == D(
            "5404000"
        )


def test_setting_lines_show_the_catalogue_with_scope_source_and_the_towns_choice(new_db):
    identity_and_settings.save_setting(
        new_db,
        new_db.organisation_id,
        K.TARGET_ORDER_REDUCTION.key,
        "0,30",
        dt.date(2026, 1, 1),
        expected=None,
    )
    lines = {
        line.key: line
        for line in identity_and_settings.setting_lines(new_db, new_db.organisation_id, dt.date(2026, 6, 1))
    }
    assert set(lines) == set(catalogue().declarations)
    target = lines[K.TARGET_ORDER_REDUCTION.key]
    assert target.editable and target.organisation_specific and target.value == "0.30"
    assert target.shipped_value == "0.25" and target.scope_label == "Choix de la collectivité"
    law = lines[K.NO_PUBLICITY_SUPPLIES_SERVICES.key]
    assert not law.editable and law.scope_label == "Obligation légale"
    assert law.value == "60000" and "2025-1386" in law.source
    assert law.explanation


def test_a_file_at_the_current_schema_gets_the_new_value_when_opened(tmp_path, release_2028):
    """No migration runs here: the demo is at the current schema; only the catalogue changed."""
    from app.services.organisations import find_organisation
    from tests.conftest import DEMO

    path = tmp_path / "demo.sqlite"
    shutil.copyfile(DEMO, path)
    before = path.read_bytes()
    db = open_database(path)
    try:
        org = find_organisation(db, "Commune de Val-des-Saules").id
        with db.session(write=False) as session:
            settings = settings_for(session, org)
        assert settings.get(K.EU_SUPPLIES_SERVICES, dt.date(2028, 1, 1)) == D("150000")
    finally:
        db.dispose()
    assert path.read_bytes() == before  # nothing was written to the file


def test_reset_brings_back_the_shipped_value(new_db):
    org = new_db.organisation_id
    identity_and_settings.save_setting(
        new_db, org, K.TARGET_ORDER_REDUCTION.key, "0,30", dt.date(2026, 1, 1), expected=None
    )
    identity_and_settings.save_setting(
        new_db, org, K.TARGET_ORDER_REDUCTION.key, "0,35", dt.date(2027, 1, 1), expected=None
    )
    assert (
        identity_and_settings.reset_setting(
            new_db, org, K.TARGET_ORDER_REDUCTION.key, user_name="Léa", expected=None
        )
        == 2
    )
    with new_db.session(write=False) as session:
        assert settings_for(session, org).get(K.TARGET_ORDER_REDUCTION, dt.date(2027, 6, 1)) == D("0.25")
    assert identity_and_settings.reset_setting(new_db, org, K.TARGET_ORDER_REDUCTION.key, expected=None) == 0

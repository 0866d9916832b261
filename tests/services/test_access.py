"""Who am I: an organisation's optional password (salted scrypt hash) guards choosing it; only the
hash is stored, and the audit trail says the password changed, never what it is."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.rules.passwords import hash_password, verify_password
from app.services import access
from app.services.audit import TrailFilter, trail
from app.services.organisations import create_organisation


def test_the_hash_is_salted_and_checked_in_constant_time():
    first, second = hash_password("secret-1"), hash_password("secret-1")
    assert first != second and first.startswith("scrypt$")  # a fresh salt each time
    assert verify_password("secret-1", first) and verify_password("secret-1", second)
    assert not verify_password("secret-2", first)
    assert not verify_password("secret-1", "scrypt$damaged")
    assert len(first) <= 200  # fits the setting row's value


def test_a_password_guards_switching_to_the_organisation(new_db):
    org = new_db.organisation_id
    other = create_organisation(new_db, "Commune Voisine")
    assert all(not c.protected for c in access.organisation_choices(new_db))
    assert access.set_password(new_db, org, "hirondelle", user_name="Marie") is True
    choices = {c.name: c.protected for c in access.organisation_choices(new_db)}
    assert choices == {"Commune de Test": True, "Commune Voisine": False}
    with pytest.raises(access.WrongPassword, match="Mot de passe incorrect pour « Commune de Test »"):
        access.sign_in(new_db, org, "")
    with pytest.raises(access.WrongPassword):
        access.sign_in(new_db, org, "Hirondelle")
    assert access.sign_in(new_db, org, "hirondelle").name == "Commune de Test"
    assert access.sign_in(new_db, other).name == "Commune Voisine"  # no password: open
    # changing or removing it needs the current one
    with pytest.raises(access.WrongPassword):
        access.set_password(new_db, org, "", current_password="faux", user_name="Paul")
    assert access.set_password(new_db, org, "", current_password="hirondelle", user_name="Marie") is False
    assert access.sign_in(new_db, org, "").protected is False


def test_only_the_hash_is_stored_and_the_journal_hides_the_value(new_db):
    org = new_db.organisation_id
    with pytest.raises(ValidationError, match="au moins 6 caractères"):
        access.set_password(new_db, org, "abc", user_name="Marie")
    access.set_password(new_db, org, "hirondelle", user_name="Marie")
    with new_db.read() as session:
        from app.queries.organisation_settings import own_values

        (row,) = own_values(session, org, access.PASSWORD_KEY)
        assert "hirondelle" not in row.value and verify_password("hirondelle", row.value)
    lines = trail(new_db, TrailFilter(user_name="Marie")).lines
    assert [line.summary for line in lines] == ["mot de passe : défini"]
    assert [(line.entity_label, line.record) for line in lines] == [("Collectivité", "Commune de Test")]
    assert all("hirondelle" not in line.summary and "scrypt" not in line.summary for line in lines)


def test_the_password_row_is_not_a_setting_of_the_catalogue(new_db):
    import datetime as dt

    from app.services.identity_and_settings import setting_lines

    access.set_password(new_db, new_db.organisation_id, "hirondelle", user_name="Marie")
    keys = {line.key for line in setting_lines(new_db, new_db.organisation_id, dt.date(2026, 6, 1))}
    assert access.PASSWORD_KEY not in keys

"""« Qui êtes-vous ? »: the user picks their organisation and types their name (remembered on this
PC); a protected organisation asks its password; the name then goes with every change."""

from __future__ import annotations

import datetime as dt
import platform
from decimal import Decimal

import pytest

from app.services import access
from app.services.organisations import create_organisation


@pytest.fixture
def two_towns(new_db):
    other = create_organisation(new_db, "Commune Voisine")
    access.set_password(new_db, other, "hirondelle", user_name="Admin")
    return new_db, other


def make_dialog(qtbot, db, **kw):
    from app.ui.context import AppContext
    from app.ui.dialogs.identity import IdentityDialog

    context = AppContext(db, db.organisation_id)
    dialog = IdentityDialog(context, access.organisation_choices(db), **kw)
    qtbot.addWidget(dialog)
    return context, dialog


def test_name_is_required_then_remembered_and_used_in_the_journal(qtbot, two_towns):
    db, _other = two_towns
    context, dialog = make_dialog(qtbot, db)
    dialog.name.setText("  ")
    dialog.submit()
    assert "Indiquez votre nom" in dialog.error.text() and dialog.result() == 0
    dialog.name.setText("Marie Martin")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.signed_in is not None, timeout=20000)
    assert context.user_name == "Marie Martin"
    from app.ui.context import AppContext

    assert AppContext().user_name == "Marie Martin"  # remembered on this PC
    # the name flows into the audit entry of a change made afterwards
    from app.services import contracts as svc
    from app.services.audit import TrailFilter, trail

    data = svc.ContractInput(
        reference="ID-1",
        object="Papier",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 12, 31),
        notified_amount=Decimal("100"),
    )
    svc.save_contract(db, context.organisation_id, data, expected_version=None, user_name=context.user_name)
    (line,) = trail(db, TrailFilter(text="ID-1")).lines
    assert (line.user_name, line.workstation) == ("Marie Martin", platform.node())


def test_a_protected_organisation_asks_its_password(qtbot, two_towns):
    db, other = two_towns
    context, dialog = make_dialog(qtbot, db, preselect=other)
    assert "protégée par mot de passe" in dialog.organisation.currentText()
    assert not dialog.password.isHidden()
    dialog.name.setText("Paul")
    dialog.password.setText("mauvais")
    dialog.submit()
    qtbot.waitUntil(lambda: "Mot de passe incorrect" in dialog.error.text(), timeout=20000)
    assert context.organisation_id == db.organisation_id  # not switched
    dialog.password.setText("hirondelle")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.signed_in is not None, timeout=20000)
    assert context.organisation_id == other


def test_an_open_organisation_hides_the_password_field(qtbot, two_towns):
    db, _other = two_towns
    _context, dialog = make_dialog(qtbot, db, preselect=db.organisation_id)
    assert dialog.organisation.currentText() == "Commune de Test"
    assert dialog.password.isHidden()


def test_switching_to_a_protected_organisation_in_the_window_asks_the_password(qtbot, two_towns):
    from app.ui.context import AppContext
    from app.ui.dialogs.identity import IdentityDialog
    from app.ui.main_window import MainWindow

    db, other = two_towns
    context = AppContext(db, db.organisation_id)
    window = MainWindow(context)
    qtbot.addWidget(window)
    names = [window.org_combo.itemText(i) for i in range(window.org_combo.count())]
    window.org_combo.setCurrentIndex(names.index("Commune Voisine"))
    qtbot.waitUntil(lambda: window.findChild(IdentityDialog) is not None, timeout=20000)
    dialog = window.findChild(IdentityDialog)
    assert dialog.current_choice().id == other and not dialog.password.isHidden()
    dialog.reject()  # cancelled: still working for the first organisation, and the combo says so
    qtbot.waitUntil(lambda: window.org_combo.currentText() == "Commune de Test", timeout=20000)
    assert context.organisation_id == db.organisation_id


def test_the_password_dialog_sets_and_removes_the_password(qtbot, new_db):
    from app.ui.context import AppContext
    from app.ui.dialogs.identity import PasswordDialog

    context = AppContext(new_db, new_db.organisation_id)
    context.user_name = "Marie"
    dialog = PasswordDialog(context)
    qtbot.addWidget(dialog)
    dialog.new.setText("hirondelle")
    dialog.confirm.setText("hirondell")
    dialog.submit()
    assert "diffèrent" in dialog.error.text()
    dialog.confirm.setText("hirondelle")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.protected is True, timeout=20000)
    assert [c.protected for c in access.organisation_choices(new_db)] == [True]
    again = PasswordDialog(context)
    qtbot.addWidget(again)
    again.current.setText("faux")
    again.submit()
    qtbot.waitUntil(lambda: "Mot de passe incorrect" in again.error.text(), timeout=20000)
    again.current.setText("hirondelle")
    again.submit()
    qtbot.waitUntil(lambda: again.protected is False, timeout=20000)
    assert [c.protected for c in access.organisation_choices(new_db)] == [False]

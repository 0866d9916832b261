"""The write phase of an import: prepared before the write lock, one short transaction, re-checked
under the lock, recorded in the audit trail."""

from __future__ import annotations

import platform
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.errors import ImportRejected
from app.model import AuditEntry, Department, Order
from app.services.imports import import_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"
ORDERS = FIXTURES / "commandes_mairie.xlsx"


def test_import_writes_an_audit_entry_naming_who_and_which_machine(new_db):
    report = import_file(new_db, new_db.organisation_id, ORDERS, "orders", user_name="Claire Martin")
    with new_db.session(write=False) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "import_batch")).all()
    assert [(e.entity_id, e.user_name, e.workstation, e.action) for e in entries] == [
        (report.batch_id, "Claire Martin", platform.node()[:120], "create")
    ]
    assert entries[0].changes["fichier"] == ORDERS.name
    assert entries[0].changes["créées"] == report.created > 0


def test_dry_run_writes_no_audit_entry(new_db):
    import_file(new_db, new_db.organisation_id, ORDERS, "orders", dry_run=True)
    with new_db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def _when_prepared(action):  # noqa: ANN001, ANN202
    """A ``cancelled`` callback that runs ``action`` once the file is read, checked and resolved
    (its second call), just before the import takes the write lock."""
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        if len(calls) == 2:
            action()
        return False

    return cancelled


def test_no_write_lock_while_preparing_and_a_department_created_meanwhile_is_reused(new_db):
    org = new_db.organisation_id
    waited = []

    def other_writer() -> None:
        start = time.perf_counter()
        with new_db.session() as s:  # BEGIN IMMEDIATE: would wait for a lock held by the import
            s.add(Department(organisation_id=org, name="Écoles"))
        waited.append(time.perf_counter() - start)

    report = import_file(new_db, org, ORDERS, "orders", cancelled=_when_prepared(other_writer))
    assert waited and waited[0] < 1.0
    assert report.new_departments == []  # the file's only new department was created meanwhile
    with new_db.session(write=False) as s:
        names = s.scalars(select(Department.name).where(Department.organisation_id == org)).all()
        assert sorted(names) == sorted(set(names))  # nothing created twice
        schools = s.scalar(select(Department.id).where(Department.name == "Écoles"))
        assert s.scalar(select(func.count()).where(Order.department_id == schools)) > 0


def test_a_department_deleted_meanwhile_rejects_the_import_and_writes_nothing(new_db):
    org = new_db.organisation_id
    import_file(new_db, org, ORDERS, "orders")
    with new_db.session(write=False) as s:
        before = s.scalar(select(func.count()).select_from(Order))

    def other_writer() -> None:
        with new_db.session() as s:
            s.execute(delete(Order))
            s.execute(delete(Department).where(Department.name == "Services techniques"))

    with pytest.raises(ImportRejected, match="supprimé sur un autre poste"):
        import_file(new_db, org, ORDERS, "orders", cancelled=_when_prepared(other_writer))
    with new_db.session(write=False) as s:
        assert before > 0
        assert s.scalar(select(func.count()).select_from(Order)) == 0  # only the other writer's change

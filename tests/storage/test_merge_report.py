"""What the merge report tells a person (the dialog and the CLI show the same): counts kind by kind,
a record named by its reference and object, the fields that differ with both values, who changed
each side; and a conflict kept « mine » stays settled even when both sides saved the same version
in the same second."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import update

from app.model import Supplier, utcnow
from app.storage import open_database
from tests.storage.test_merge import ROOT, merge, names, sid
from tests.storage.test_merge import copies as copies  # noqa: F401 - the fixture

# after the copies parted (the organisation of the fixture is stamped with the real clock)
SAME_SECOND = utcnow().replace(microsecond=0) + dt.timedelta(hours=1)


def rename_at(path: Path, number: int, name: str, at: dt.datetime, user: str) -> None:
    """A supplier renamed by ``user`` at ``at`` (version 2), with its audit entry."""
    from app.services import audit

    db = open_database(path, backup=False)
    with db.write() as s:
        s.execute(
            update(Supplier)
            .where(Supplier.id == sid(number))
            .values(
                name=name,
                siret=f"2125005620{number:04d}" if user == "Paul" else None,
                version=2,
                updated_at=at,
            )
        )
        audit.record(s, "supplier", sid(number), "update", {"name": ["?", name]}, user)
    db.dispose()


def test_report_names_the_record_the_fields_and_who(copies):
    a, b, _ = copies
    rename_at(a, 3, "Papeterie Martin", SAME_SECOND + dt.timedelta(minutes=1), "Marie")
    rename_at(b, 3, "Papeterie Martin et fils", SAME_SECOND + dt.timedelta(minutes=1, seconds=5), "Paul")
    rename_at(b, 4, "Imprimerie du Centre", SAME_SECOND + dt.timedelta(minutes=1), "Paul")
    report = merge(a, b, dry_run=True)
    assert report.by_kind["supplier"] == {"added": 0, "updated": 1, "deleted": 0}
    assert report.by_kind["audit_entry"]["added"] == 2  # Paul's two saves travel with the rows
    assert report.updated == 1 and report.added == 2
    (conflict,) = report.conflicts
    assert conflict.kind == "fournisseur" and conflict.label == "Papeterie Martin"
    assert conflict.resolvable
    fields = {d.label: (d.here, d.there) for d in conflict.differences}
    assert fields == {
        "Nom": ("Papeterie Martin", "Papeterie Martin et fils"),
        "SIRET": ("—", "21250056200003"),
    }
    assert conflict.here_by.user_name == "Marie" and conflict.there_by.user_name == "Paul"
    assert "modifié par Marie" in conflict.side(True) and "modifié par Paul" in conflict.side(False)


def test_keep_mine_stays_settled_when_both_saved_in_the_same_second(copies):
    a, b, _ = copies
    rename_at(a, 5, "F5 chez A", SAME_SECOND + dt.timedelta(minutes=2), "Marie")
    rename_at(b, 5, "F5 chez B", SAME_SECOND + dt.timedelta(minutes=2), "Paul")  # same version, same second
    (conflict,) = merge(a, b).conflicts
    assert conflict.row_id == sid(5)
    settled = merge(a, b, keep_mine=[str(sid(5))])
    assert settled.conflicts == [] and names(a)[5] == "F5 chez A"
    again = merge(a, b)
    assert again.conflicts == [] and again.changed == 0
    # and the other town, merging this file back, gets the choice
    back = merge(b, a)
    assert back.conflicts == [] and names(b)[5] == "F5 chez A"


def test_cli_json_carries_the_kinds_and_the_differences(copies):
    a, b, _ = copies
    rename_at(a, 6, "F6 chez A", SAME_SECOND + dt.timedelta(minutes=3), "Marie")
    rename_at(b, 6, "F6 chez B", SAME_SECOND + dt.timedelta(minutes=3, seconds=1), "Paul")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-m", "app", "merge", "--db", str(a), str(b), "--dry-run"]
    text = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert text.returncode == 0, text.stderr
    assert "Nom : ici « F6 chez A », là-bas « F6 chez B »" in text.stdout
    assert (
        "modifié par Paul" in text.stdout and "entrée de l'historique — ajoutées : 1, reprises" in text.stdout
    )
    data = json.loads(
        subprocess.run([*run, "--json"], capture_output=True, text=True, cwd=ROOT, env=env).stdout
    )
    assert data["by_kind"]["audit_entry"] == {"added": 1, "updated": 0, "deleted": 0}
    (conflict,) = data["conflicts"]
    assert conflict["kind"] == "fournisseur" and conflict["label"] == "F6 chez A"
    assert {"field": "name", "label": "Nom", "here": "F6 chez A", "there": "F6 chez B"} in conflict[
        "differences"
    ]
    assert conflict["there_changed_by"].startswith("modifié par Paul")

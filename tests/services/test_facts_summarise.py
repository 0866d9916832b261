"""``summarise``: the summary of rows already read equals ``summary`` (the grid reads once)."""

from __future__ import annotations

from pathlib import Path

from app.services.facts import facts_rows, summarise, summary
from app.services.imports import import_file

TOWNS = Path(__file__).resolve().parent.parent / "fixtures" / "towns"


def test_summarise_rows_read_once_equals_summary(new_db):
    import_file(new_db, new_db.organisation_id, TOWNS / "registre_saint_aubin.xlsx", "contracts")
    rows = facts_rows(new_db, new_db.organisation_id)
    assert summarise(rows) == summary(new_db, new_db.organisation_id)
    assert summarise(rows).incomplete == 14
    assert summarise([]).sentence() == ""

"""The committed demo database is exactly what the generator writes, and shows what it must."""

from __future__ import annotations

import sqlite3

from app.demo.database import write_demo
from tests.conftest import DEMO


def table_contents(path):
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        # Alembic's batch mode writes a rebuilt table's constraints in set order: compare the lines of
        # each statement, not their order.
        schema = [
            sorted((r[0] or "").replace("(\n", "\n").rstrip(")").replace(", \n", "\n").splitlines())
            for r in con.execute("SELECT sql FROM sqlite_master ORDER BY name")
        ]
        data = {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
    finally:
        con.close()
    return schema, data, app_id


def test_committed_demo_equals_generator_output(tmp_path):
    fresh = write_demo(tmp_path / "fresh.sqlite")
    assert table_contents(fresh) == table_contents(DEMO), (
        "sample_db/demo.sqlite is stale: run `python sample_db/generate.py` and commit it"
    )


def test_demo_shape():
    con = sqlite3.connect(DEMO)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    towns = q("SELECT name, population FROM organisation ORDER BY population")
    assert len(towns) == 2 and towns[0][1] < 1000 < 2500 < towns[1][1]
    for (org_id,) in q("SELECT id FROM organisation"):
        deps = con.execute("SELECT count(*) FROM department WHERE organisation_id=?", (org_id,)).fetchone()[0]
        fams = con.execute(
            "SELECT count(*) FROM purchase_family WHERE organisation_id=?", (org_id,)
        ).fetchone()[0]
        contracts = con.execute(
            "SELECT count(*) FROM contract WHERE organisation_id=?", (org_id,)
        ).fetchone()[0]
        years = con.execute(
            "SELECT count(DISTINCT substr(end_date,1,4)) FROM contract WHERE organisation_id=? AND end_date >= '2026-11-01'",
            (org_id,),
        ).fetchone()[0]
        assert 4 <= deps <= 6 and fams >= 12 and contracts >= 40 and years >= 4
    assert q("SELECT count(*) FROM purchase_order")[0][0] >= 3000
    sizes = {r[0] for r in q("SELECT DISTINCT size FROM supplier")}
    assert {"tpe", "pme", "eti", "ge"} <= sizes
    ess = {r[0] for r in q("SELECT DISTINCT social_economy FROM supplier")}
    assert {"ess", "siae", "ea", "esat"} <= ess
    # Many small orders from several departments to the same supplier under one contract.
    busiest = q(
        "SELECT contract_id, count(*), count(DISTINCT department_id) FROM purchase_order "
        "WHERE contract_id IS NOT NULL GROUP BY contract_id ORDER BY 2 DESC LIMIT 1"
    )[0]
    assert busiest[1] >= 30 and busiest[2] >= 3
    con.close()

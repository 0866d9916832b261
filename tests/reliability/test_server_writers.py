"""R1 on a PostgreSQL server: several processes writing through our units of work lose nothing."""

from __future__ import annotations

import pytest

from benchmarks.bench_concurrent_writers import run_writers


@pytest.mark.postgresql
def test_concurrent_writers_on_the_server_lose_nothing(pg_database):
    from app.services.organisations import create_organisation

    db = pg_database("empty")
    org = create_organisation(db, "Commune des écrivains")
    result = run_writers(db.url, str(org), writers=4, units=40, mode="app")
    assert (result.rows, result.lost, result.busy) == (160, 0, 0)

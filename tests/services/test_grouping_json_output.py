"""``group-orders --json`` writes exactly the same bytes as before its loading and its serialisation
were made fast: the golden files were written by the previous implementation (ORM load
with one ``uuid.UUID`` per key, ``json.dump(indent=2)`` of the whole structure) on a small,
deterministic database that exercises the awkward cases: an excluded family, orders without
supplier, without contract or family, without weight, known distances, delivery sites that split
groups, names that JSON must escape.

Regenerate (only when the output is *meant* to change):
``python -m tests.services.test_grouping_json_output``.
"""

from __future__ import annotations

import gzip
import sqlite3
import sys
from pathlib import Path

import pytest

from app.cli import main

GOLDEN = Path(__file__).resolve().parent / "data"
CASES = {
    "plain": [],
    "capacity_kg": ["--capacity", "150"],
    "capacity_eur": ["--capacity", "2500,5", "--unit", "eur"],
}


def build_small_database(path: Path) -> Path:
    from benchmarks.scale_data import write_scale_database

    write_scale_database(path, contracts=60, orders=1500, seed=11)
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE delivery_site SET is_central = 0")  # sites split the groups
        con.execute("UPDATE purchase_family SET grouping_eligible = 0 WHERE code = 'F03'")
        con.execute("UPDATE purchase_family SET max_delay_days = 3 WHERE code IN ('F04', 'F05')")
        con.execute(
            "UPDATE supplier SET distance_km = 12.5 + (CAST(substr(name, 13) AS INTEGER) % 7) "
            "WHERE CAST(substr(name, 13) AS INTEGER) % 3 = 0"
        )
        con.execute(
            "UPDATE supplier SET name = 'Fournisseur \"Le Vert\" — éco\\\\1' "
            "WHERE id = (SELECT supplier_id FROM purchase_order WHERE number = 'BC-0000002')"
        )
        con.execute("UPDATE department SET name = 'Service\tété « 2 »' WHERE name = 'Service 2'")
        con.execute("UPDATE department SET name = 'Espaces verts' WHERE name = 'Service 3'")
        con.execute("UPDATE purchase_order SET supplier_id = NULL WHERE number LIKE '%17'")
        con.execute("UPDATE purchase_order SET contract_id = NULL, family_id = NULL WHERE number LIKE '%23'")
        con.execute("UPDATE purchase_order SET weight_kg = NULL WHERE number LIKE '%4'")
        con.execute("UPDATE purchase_order SET amount = 1000 WHERE number LIKE '%99'")  # integral amounts
        con.execute("UPDATE purchase_order SET department_id = NULL WHERE number LIKE '%31'")
    con.close()
    return path


def run_json(db: Path, extra: list[str], capsys) -> str:  # noqa: ANN001
    code = main(["group-orders", "--db", str(db), "--year", "2025", "--json", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    return build_small_database(tmp_path_factory.mktemp("json-golden") / "small.sqlite")


@pytest.mark.parametrize("case", sorted(CASES))
def test_json_output_is_byte_identical_to_the_previous_implementation(small_db, case, capsys):
    expected = gzip.decompress((GOLDEN / f"group_orders_{case}.json.gz").read_bytes()).decode("utf-8")
    out = run_json(small_db, CASES[case], capsys)
    assert out.count("\n") > 1000  # a real, indented document, not a short error
    if out != expected:  # show where, not 2 MB of diff
        line = next(
            i for i, (a, b) in enumerate(zip(out.splitlines(), expected.splitlines(), strict=False)) if a != b
        )
        pytest.fail(f"line {line + 1}: {out.splitlines()[line]!r} != {expected.splitlines()[line]!r}")


def test_empty_year_still_writes_an_empty_group_list(small_db, capsys):
    import json

    code = main(["group-orders", "--db", str(small_db), "--year", "2026", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert '"groups": []' in out and json.loads(out)["orders_before"] == 0


if __name__ == "__main__":  # regenerate the golden files
    import contextlib
    import io
    import tempfile

    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = build_small_database(Path(tmp) / "small.sqlite")
        for name, extra in CASES.items():
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                assert main(["group-orders", "--db", str(db), "--year", "2025", "--json", *extra]) == 0
            (GOLDEN / f"group_orders_{name}.json.gz").write_bytes(
                gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0)
            )
            print(name, len(buffer.getvalue()), file=sys.stderr)

"""EGalim indicator: the demo's running catering contracts and whether they carry the EGalim clause."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from app.cli import main
from app.enums import ChecklistStatus
from app.services.clauses import clause_id, find_contract, set_item_status
from app.services.egalim import egalim_indicator
from tests.conftest import DEMO

TODAY = dt.date(2026, 11, 1)


def test_catering_contracts_and_the_share_with_the_clause(demo_db, demo_org):
    before = egalim_indicator(demo_db, demo_org, TODAY)
    # The demo's Val-des-Saules meal contracts (CPV 55523100) still running on 1 November 2026.
    assert [c.reference for c in before.contracts] == ["VDS-2023-010", "VDS-2025-042", "VDS-2026-026"]
    assert all(c.school for c in before.contracts)
    assert (before.with_clause, before.share) == (0, Decimal("0"))
    assert (before.quality_share, before.organic_share) == (Decimal("0.50"), Decimal("0.20"))
    contract = find_contract(demo_db, demo_org, "VDS-2026-026")
    set_item_status(
        demo_db,
        contract,
        clause_id("egalim-quality-products"),
        ChecklistStatus.RETAINED,
        user_name="Léa",
        expected_version=None,
        organisation_id=demo_org,
    )
    after = egalim_indicator(demo_db, demo_org, TODAY)
    assert (after.with_clause, after.share) == (1, Decimal("0.3333"))
    assert [c.decision for c in after.contracts][-1] == "Retenue"


def test_cli(tmp_path, capsys):
    db = tmp_path / "demo.sqlite"
    db.write_bytes(DEMO.read_bytes())
    assert main(["egalim", "--db", str(db), "--org", "Commune de Val-des-Saules", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["contracts"] >= 1 and data["quality_share"] == 0.5 and data["organic_share"] == 0.2
    assert main(["egalim", "--db", str(db), "--org", "Commune de Val-des-Saules"]) == 0
    assert "dont 20 % de bio" in capsys.readouterr().out.replace("\u202f", " ").replace("\u00a0", " ")


def test_a_file_without_the_egalim_clause_gets_it(demo_db, demo_org):
    from sqlalchemy import delete

    from app.model import Clause

    with demo_db.session() as session:
        session.execute(delete(Clause).where(Clause.code == "egalim-quality-products"))
    assert len(egalim_indicator(demo_db, demo_org, TODAY).contracts) == 3

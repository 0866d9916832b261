"""How long the register filter "clause obligatoire manquante" takes on a large file.

Builds a file with N contracts (and checklist lines on a third of them), then times
``contracts_missing_mandatory`` against the plain register query ``list_contracts`` measured in the
same run (the baseline every register screen already pays).

    .venv/bin/python benchmarks/clauses_missing_mandatory.py [N]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from app.enums import ChecklistStatus, ContractStatus, Procedure, PurchaseNature  # noqa: E402
from app.model import Contract, ContractClause  # noqa: E402
from app.services.clauses import clause_id, contracts_missing_mandatory  # noqa: E402
from app.services.contracts import list_contracts  # noqa: E402
from app.services.organisations import create_organisation  # noqa: E402
from app.storage import create_database  # noqa: E402


def best_of(runs: int, fn) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(count: int) -> None:
    rng = random.Random(6)
    with tempfile.TemporaryDirectory() as folder:
        db = create_database(Path(folder) / "bench.sqlite")
        org = create_organisation(db, "Commune de Mesure")
        now = dt.datetime(2026, 11, 1)
        contracts, lines = [], []
        for n in range(count):
            cid = uuid.uuid4()
            contracts.append(
                {
                    "id": cid, "organisation_id": org, "reference": f"B-{n:06d}", "object": "Objet",
                    "nature": rng.choice(list(PurchaseNature)), "procedure": rng.choice(list(Procedure)),
                    "status": ContractStatus.ACTIVE, "estimated_amount": Decimal(rng.randint(5_000, 400_000)),
                    "duration_months": rng.choice((6, 12, 24, 48)),
                    "notification_date": dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 400)),
                    "created_at": now, "updated_at": now, "version": 1, "decp_nature": "marche",
                    "operator_grouping": "none",
                }
            )  # fmt: skip
            if n % 3 == 0:
                lines.append(
                    {
                        "id": uuid.uuid4(), "contract_id": cid, "clause_id": clause_id("price-revision"),
                        "status": ChecklistStatus.IN_TENDER, "created_at": now, "updated_at": now, "version": 1,
                    }
                )  # fmt: skip
        with db.session() as session:
            session.execute(insert(Contract), contracts)
            session.execute(insert(ContractClause), lines)
        baseline = best_of(3, lambda: list_contracts(db, org))
        measured = best_of(3, lambda: contracts_missing_mandatory(db, org))
        flagged = len(contracts_missing_mandatory(db, org))
        db.dispose()
    print(f"contracts: {count}, flagged as missing a mandatory clause: {flagged}")
    print(f"baseline list_contracts:        {baseline * 1000:8.1f} ms")
    print(f"contracts_missing_mandatory:    {measured * 1000:8.1f} ms")
    print(
        f"ratio: {measured / baseline:.1f}x the register query ({measured / count * 1e6:.0f} µs per contract)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)

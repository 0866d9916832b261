"""The demo's hours of insertion, as a PLIE reports them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import insert

from app.enums import PurchaseNature
from app.queries.demo import contract_spans, contracts_with_clauses
from app.storage.database import Database


def add_demo_insertion_hours(db: Database, *, today: dt.date, stamp: dt.datetime) -> None:
    """Hours of insertion as a PLIE reports them, each year of execution, on the works and services
    with a social clause or a retained insertion clause. Every other contract has no figure yet for
    the current year, so the dashboard shows some hours « à compléter ». Deterministic: figures
    and ids derive from the reference and the year."""
    import zlib

    from app.enums import ChecklistStatus
    from app.model import InsertionHours

    namespace = uuid.UUID("6f1c2b1e-8a61-4c8e-9d51-3f0c1a2b4d00")
    with db.write() as session:
        inserting = contracts_with_clauses(
            session,
            ("insertion-clause", "insertion-criterion"),
            (ChecklistStatus.RETAINED, ChecklistStatus.IN_TENDER),
        )
        contracts = [
            (contract_id, reference, start, end)
            for contract_id, reference, start, end, nature, social in contract_spans(session)
            if contract_id in inserting
            or (
                nature in (PurchaseNature.WORKS, PurchaseNature.SERVICES)
                and "Clause sociale" in (social or [])
            )
        ]
        rows = []
        for index, (contract_id, reference, start, end) in enumerate(contracts):
            if start is None or start.year > today.year:
                continue
            last = min(end.year if end else today.year, today.year - (index % 2))
            for year in range(start.year, last + 1):
                hours = Decimal(35 * (1 + zlib.crc32(f"{reference}/{year}".encode()) % 20))
                rows.append(
                    {
                        "id": uuid.uuid5(namespace, f"{reference}/{year}"),
                        "contract_id": contract_id,
                        "year": year,
                        "hours": hours,
                        "source": f"Bilan du PLIE {year}",
                        "created_at": stamp,
                        "updated_at": stamp,
                        "version": 1,
                    }
                )
        if rows:
            session.execute(insert(InsertionHours), rows)

"""EGalim indicator: the organisation's public-catering contracts and whether each carries the EGalim
clause (50 % sustainable and quality products of which 20 % organic, in value)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from app.enums import label
from app.queries.contracts import contracts_facts
from app.queries.organisation_settings import settings_for
from app.rules.clauses import catering
from app.rules.dated_settings import MissingSetting
from app.rules.settings_catalogue import K
from app.services.clauses import OPEN_CONTRACT_STATUSES, builtin_clauses_seeded_in, checklist_in
from app.storage.database import Database

EGALIM_CLAUSE = "egalim-quality-products"


@dataclass(frozen=True)
class CateringContract:
    reference: str
    object: str
    amount: Decimal | None
    school: bool | None
    with_clause: bool  # shown by the contract's data, retained or dismissed with a justification
    decision: str  # French: the checklist status of the EGalim clause


@dataclass(frozen=True)
class EgalimIndicator:
    on: dt.date
    quality_share: Decimal | None
    organic_share: Decimal | None
    contracts: tuple[CateringContract, ...]

    @property
    def with_clause(self) -> int:
        return sum(1 for c in self.contracts if c.with_clause)

    @property
    def share(self) -> Decimal | None:
        """Share of the running catering contracts that carry the EGalim clause (None without any)."""
        if not self.contracts:
            return None
        return (Decimal(self.with_clause) / len(self.contracts)).quantize(Decimal("0.0001"))


def egalim_indicator(db: Database, organisation_id: uuid.UUID, today: dt.date) -> EgalimIndicator:
    # A write unit: a file made before the EGalim clause shipped gets it (on a read-only file, or when
    # the library is complete, it only reads).
    with db.write() as session:
        builtin_clauses_seeded_in(session)
        settings = settings_for(session, organisation_id)
        found = []
        for facts in contracts_facts(session, organisation_id, today=today, settings=settings):
            kind = catering(facts)
            if not kind.catering or facts.status not in OPEN_CONTRACT_STATUSES:
                continue
            item = next(
                i for i in checklist_in(session, facts.id, today=today).items if i.code == EGALIM_CLAUSE
            )
            found.append(
                CateringContract(
                    facts.reference, facts.object, facts.amount, kind.school, item.settled, label(item.status)
                )
            )
    try:
        quality, organic = (
            settings.get(K.EGALIM_QUALITY_SHARE, today),
            settings.get(K.EGALIM_ORGANIC_SHARE, today),
        )
    except MissingSetting:
        quality = organic = None
    return EgalimIndicator(today, quality, organic, tuple(sorted(found, key=lambda c: c.reference)))

"""The demo's cotations: one in ``every`` recurrent contracts ending the next year assessed from the
pre-filled ratings, some of them adjusted by the buyer."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from app.model import Assessment, AssessmentLever
from app.queries import contracts as queries
from app.queries import cotation as cycle
from app.rules import cotation as rules


def add_demo_cotation(
    session: Session,
    organisation_id: uuid.UUID,
    today: dt.date,
    stamp: dt.datetime,
    new_id: Callable[[], uuid.UUID],
    *,
    year: int,
    every: int = 2,
) -> None:
    """Assess one in ``every`` contracts ending in ``year`` + 1, for the CAD of ``year`` (deterministic)."""
    stamps = {"created_at": stamp, "updated_at": stamp}
    thresholds = cycle.thresholds(session, organisation_id, year)
    contracts = queries.recurrent_contracts(session, organisation_id)
    next_year = [c for c in contracts if c.end_date and c.end_date.year == year + 1]
    for index, contract in enumerate(next_year):
        if index % every:
            continue
        ratings = rules.prefill(queries.contract_facts(session, contract.id), thresholds)
        if index % 4 == 0 and ratings:  # the buyer raised the first lever's feasibility
            first = ratings[0]
            ratings[0] = rules.override(first, feasibility=min(3, first.feasibility + 1))
        result = rules.evaluate(ratings, thresholds)
        session.add(
            Assessment(
                id=new_id(),
                contract_id=contract.id,
                year=year,
                assessed_on=min(today, dt.date(year, 9, 1)) - dt.timedelta(days=index),
                assessed_by="Claire Martin (acheteuse)",
                score=result.score,
                priority=result.priority,
                notes="Diagnostic réalisé avec le service prescripteur." if index % 4 == 0 else None,
                levers=[
                    AssessmentLever(
                        id=new_id(),
                        lever=r.lever,
                        stake=r.stake,
                        feasibility=r.feasibility,
                        effort=r.effort,
                        prefilled_stake=r.prefilled_stake,
                        prefilled_feasibility=r.prefilled_feasibility,
                        prefilled_effort=r.prefilled_effort,
                        reason=r.reason,
                        **stamps,
                    )
                    for r in ratings
                ],
                **stamps,
            )
        )
    session.flush()

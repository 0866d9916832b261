"""« À faire »: contracts entering their cotation window, notice deadlines near, framework maximums
nearly consumed; the échéancier (timeline) data; and the dashboard's key counts.

Delays come from the dated settings in force today (the catalogue's cycle and alert delays).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from app.enums import ContractStatus
from app.queries.assessments import rated_years
from app.queries.organisation_settings import settings_for
from app.queries.register import ContractRow, contract_rows
from app.rules import calendar as cal
from app.rules.dated_settings import Settings
from app.rules.settings_catalogue import K
from app.storage.database import Database


def cycle_delays(settings: Settings, on: dt.date) -> cal.CycleDelays:
    """The cycle and alert delays in force on ``on``."""
    return cal.CycleDelays(
        cotation_start_months=settings.get(K.COTATION_START_MONTHS, on),
        cotation_end_months=settings.get(K.COTATION_END_MONTHS, on),
        cad_months=settings.get(K.CAD_MONTHS, on),
        notice_alert_days=settings.get(K.ALERT_NOTICE_DAYS, on),
        consumption_alert_rate=settings.get(K.ALERT_CONSUMPTION_RATE, on),
    )


def delays_for(db: Database, organisation_id: uuid.UUID, on: dt.date) -> cal.CycleDelays:
    with db.read() as session:
        return cycle_delays(settings_for(session, organisation_id), on)


def _rows_and_delays(
    session: Session, organisation_id: uuid.UUID, today: dt.date, rows: list[ContractRow] | None
) -> tuple[list[ContractRow], cal.CycleDelays]:
    """The register's rows (unless the caller has them) and the delays in force."""
    if rows is None:
        rows = contract_rows(session, organisation_id)
    return rows, cycle_delays(settings_for(session, organisation_id), today)


def contract_dates(
    rows: list[ContractRow], rated: dict[uuid.UUID, frozenset[int]] | None = None
) -> list[cal.ContractDates]:
    rated = rated or {}
    return [
        cal.ContractDates(
            id=r.id,
            reference=r.reference,
            object=r.object,
            end_date=r.end_date,
            notice_months=r.notice_months,
            recurrent=r.recurrent,
            active=r.status in (ContractStatus.ACTIVE, ContractStatus.DRAFT),
            max_amount=r.max_amount if r.is_framework else None,
            consumed=r.consumed,
            rated_for=rated.get(r.id, frozenset()),
        )
        for r in rows
    ]


def alerts_for(
    db: Database, organisation_id: uuid.UUID, today: dt.date, rows: list[ContractRow] | None = None
) -> list[cal.Alert]:
    with db.read() as session:
        rows, delays = _rows_and_delays(session, organisation_id, today, rows)
        rated = rated_years(session, organisation_id)
    return cal.alerts(contract_dates(rows, rated), delays, today)


def timeline_for(
    db: Database, organisation_id: uuid.UUID, today: dt.date, months: int = 48
) -> list[cal.TimelineEntry]:
    with db.read() as session:
        rows, delays = _rows_and_delays(session, organisation_id, today, None)
    return cal.timeline(contract_dates(rows), delays, today, months)


@dataclass(frozen=True)
class DashboardCounts:
    active: int
    ending_within_12_months: int
    renewing_next_year: int
    recurrent_in_cotation: int
    total_amount: Decimal
    frameworks_near_max: int
    missing_mandatory_clause: int


def dashboard_counts(
    db: Database, organisation_id: uuid.UUID, today: dt.date, rows: list[ContractRow] | None = None
) -> DashboardCounts:
    from app.services.clauses import missing_mandatory_in

    with db.read() as session:
        rows, delays = _rows_and_delays(session, organisation_id, today, rows)
        missing = missing_mandatory_in(session, organisation_id)
    return counts_of(rows, delays, missing, today)


def counts_of(
    rows: list[ContractRow], delays: cal.CycleDelays, missing: set[uuid.UUID], today: dt.date
) -> DashboardCounts:
    """The key counts of the register's ``rows`` (``missing``: those lacking a mandatory clause)."""
    active = [r for r in rows if r.status == ContractStatus.ACTIVE]
    horizon = cal.add_months(today, 12)
    in_cotation = 0
    near_max = 0
    for r in active:
        if r.recurrent and r.end_date:
            m = cal.milestones(r.end_date, delays)
            if m.cotation_start <= today <= m.cotation_end:
                in_cotation += 1
        used = cal.consumption(
            r.max_amount if r.is_framework else None, r.consumed, delays.consumption_alert_rate
        )
        if used is not None and used.warning:
            near_max += 1
    return DashboardCounts(
        active=len(active),
        ending_within_12_months=sum(1 for r in active if r.end_date and today <= r.end_date <= horizon),
        renewing_next_year=sum(1 for r in active if cal.renews_next_year(r.end_date, today)),
        recurrent_in_cotation=in_cotation,
        total_amount=sum((r.amount or Decimal(0) for r in active), Decimal(0)),
        frameworks_near_max=near_max,
        missing_mandatory_clause=sum(1 for r in active if r.id in missing),
    )

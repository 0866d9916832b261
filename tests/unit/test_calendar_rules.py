"""The contract calendar: month arithmetic, cycle milestones, notice deadlines and alerts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest

from app.rules import calendar as cal

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2027, 3, 31), -1, D(2027, 2, 28)),
        (D(2028, 3, 31), -1, D(2028, 2, 29)),
        (D(2027, 1, 15), -24, D(2025, 1, 15)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2026, 1, 31), 13, D(2027, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert cal.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 11, 1), D(2027, 11, 1), 12),
        (D(2026, 11, 15), D(2027, 11, 14), 11),
        (D(2026, 11, 1), D(2026, 9, 1), -2),
    ],
)
def test_months_between(start, end, months):
    assert cal.months_between(start, end) == months


def delays(**changes) -> cal.CycleDelays:
    """The shipped cycle and alert delays (the catalogue's), with ``changes``."""
    from app.rules.settings_catalogue import catalogue
    from app.services.alerts import cycle_delays

    return dataclasses.replace(cycle_delays(catalogue().shipped(), D(2026, 1, 1)), **changes)


def test_milestones_follow_the_delays_from_settings():
    m = cal.milestones(
        D(2028, 6, 30), delays(cotation_start_months=24, cotation_end_months=14, cad_months=12)
    )
    assert (m.cotation_start, m.cotation_end, m.cad) == (D(2026, 6, 30), D(2027, 4, 30), D(2027, 6, 30))
    other = cal.milestones(
        D(2028, 6, 30), delays(cotation_start_months=18, cotation_end_months=10, cad_months=9)
    )
    assert (other.cotation_start, other.cotation_end, other.cad) == (
        D(2026, 12, 30),
        D(2027, 8, 30),
        D(2027, 9, 30),
    )


def test_notice_deadline_and_next_year():
    assert cal.notice_deadline(D(2027, 3, 31), 3) == D(2026, 12, 31)
    assert cal.notice_deadline(None, 3) is None and cal.notice_deadline(D(2027, 1, 1), None) is None
    assert cal.renews_next_year(D(2027, 5, 1), D(2026, 11, 1))
    assert not cal.renews_next_year(D(2026, 12, 31), D(2026, 11, 1))


def test_consumption_warns_at_the_rate():
    used = cal.consumption(Decimal("1000"), Decimal("800"), Decimal("0.80"))
    assert used.remaining == Decimal("200") and used.warning
    assert not cal.consumption(Decimal("1000"), Decimal("799.99"), Decimal("0.80")).warning
    assert cal.consumption(None, Decimal("5"), Decimal("0.8")) is None


def contract(**kw):
    base = {"id": uuid.uuid4(), "reference": "R", "object": "Objet", "end_date": None}
    base.update(kw)
    return cal.ContractDates(**base)


def test_alerts_cover_cotation_notice_and_consumption():
    today = D(2026, 11, 1)
    shipped = delays(notice_alert_days=60, consumption_alert_rate=Decimal("0.8"))
    in_window = contract(reference="A", end_date=D(2028, 3, 1), recurrent=True)
    not_recurrent = contract(reference="B", end_date=D(2028, 3, 1), recurrent=False)
    notice_soon = contract(reference="C", end_date=D(2027, 2, 15), notice_months=3)  # deadline 15/11/2026
    notice_far = contract(reference="D", end_date=D(2027, 6, 15), notice_months=3)
    notice_past = contract(reference="E", end_date=D(2027, 1, 15), notice_months=3)
    near_max = contract(reference="F", max_amount=Decimal("100"), consumed=Decimal("95"))
    ended = contract(reference="G", end_date=D(2028, 3, 1), recurrent=True, active=False)
    found = cal.alerts(
        [in_window, not_recurrent, notice_soon, notice_far, notice_past, near_max, ended], shipped, today
    )
    assert [(a.kind, a.reference) for a in found] == [
        (cal.AlertKind.NOTICE, "C"),
        (cal.AlertKind.COTATION, "A"),
        (cal.AlertKind.CONSUMPTION, "F"),
    ]
    assert "15/11/2026" in found[0].message and "dans 14 jours" in found[0].message
    # A longer notice alert delay brings D in.
    longer = cal.alerts([notice_far], delays(notice_alert_days=200), today)
    assert [a.reference for a in longer] == ["D"]


def test_timeline_keeps_active_contracts_within_the_horizon():
    today = D(2026, 11, 1)
    rows = [
        contract(reference="late", end_date=D(2030, 12, 1)),
        contract(reference="soon", end_date=D(2027, 1, 1)),
        contract(reference="past", end_date=D(2026, 1, 1)),
        contract(reference="mid", end_date=D(2029, 1, 1), recurrent=True),
    ]
    entries = cal.timeline(rows, delays(), today, 48)
    assert [e.reference for e in entries] == ["soon", "mid"]
    assert entries[1].milestones.cad == D(2028, 1, 1)

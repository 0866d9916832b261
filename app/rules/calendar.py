"""Contract calendar: the SPASER cycle's dates around a contract's end, notice deadlines and the
alerts a buyer must not miss.

Pure functions over plain dataclasses. Every delay comes from the dated settings (``cycle.*`` and
``alert.*``) through ``CycleDelays``; nothing here is a legal constant.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from decimal import Decimal


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the last day of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is before ``start``)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


def duration_months(start: dt.date, end: dt.date) -> int:
    """Months from ``start`` to ``end`` both included, a month begun counting as one: 01/01 to 31/12
    is 12 months, 01/02/2025 to 31/01/2028 is 36, 01/01 to 15/06 is 6."""
    after = end + dt.timedelta(days=1)
    months = max(months_between(start, after), 0)
    if add_months(start, months) < after:
        months += 1
    return months


@dataclass(frozen=True)
class CycleDelays:
    """The delays of the yearly cycle and of the alerts, read from the settings in force (no default
    here: the catalogue ships them, ``app.services.alerts.cycle_delays`` reads them)."""

    cotation_start_months: int
    cotation_end_months: int
    cad_months: int
    notice_alert_days: int
    consumption_alert_rate: Decimal


@dataclass(frozen=True)
class Milestones:
    cotation_start: dt.date
    cotation_end: dt.date
    cad: dt.date
    end: dt.date


def milestones(end_date: dt.date, delays: CycleDelays) -> Milestones:
    """Cotation window (J-24 to J-14 by default) and CAD date (J-12) of a contract ending on ``end_date``."""
    return Milestones(
        cotation_start=add_months(end_date, -delays.cotation_start_months),
        cotation_end=add_months(end_date, -delays.cotation_end_months),
        cad=add_months(end_date, -delays.cad_months),
        end=end_date,
    )


def notice_deadline(end_date: dt.date | None, notice_months: int | None) -> dt.date | None:
    """Date by which renewal or non-renewal must be notified (end minus the notice period)."""
    if end_date is None or notice_months is None:
        return None
    return add_months(end_date, -notice_months)


def renews_next_year(end_date: dt.date | None, today: dt.date) -> bool:
    return end_date is not None and end_date.year == today.year + 1


@dataclass(frozen=True)
class Consumption:
    maximum: Decimal
    consumed: Decimal
    remaining: Decimal
    rate: Decimal  # consumed / maximum
    warning: bool


def consumption(maximum: Decimal | None, consumed: Decimal | None, alert_rate: Decimal) -> Consumption | None:
    """How much of a framework contract's maximum the linked orders used; None without a maximum."""
    if maximum is None or maximum <= 0:
        return None
    used = consumed or Decimal(0)
    rate = (used / maximum).quantize(Decimal("0.0001"))
    return Consumption(maximum, used, maximum - used, rate, used >= maximum * alert_rate)


class AlertKind(enum.StrEnum):
    COTATION = "cotation"
    NOTICE = "notice"
    CONSUMPTION = "consumption"


ALERT_TITLES = {
    AlertKind.COTATION: "Cotation à faire",
    AlertKind.NOTICE: "Préavis proche",
    AlertKind.CONSUMPTION: "Maximum presque atteint",
}


@dataclass(frozen=True)
class ContractDates:
    """What the alerts need to know about one contract."""

    id: uuid.UUID
    reference: str
    object: str
    end_date: dt.date | None
    notice_months: int | None = None
    recurrent: bool = False
    active: bool = True
    max_amount: Decimal | None = None
    consumed: Decimal | None = None
    rated_for: frozenset[int] = frozenset()  # CAD years a cotation was saved for


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    contract_id: uuid.UUID
    reference: str
    object: str
    due: dt.date | None  # the date that matters (end of the cotation window, notice deadline)
    message: str


def _fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def alerts(contracts: list[ContractDates], delays: CycleDelays, today: dt.date) -> list[Alert]:
    """Contracts in their cotation window, with a notice deadline near, or with a maximum nearly used."""
    found: list[Alert] = []
    for c in contracts:
        if not c.active:
            continue
        if c.end_date is not None and c.recurrent:
            m = milestones(c.end_date, delays)
            if m.cotation_start <= today <= m.cotation_end and m.cad.year not in c.rated_for:
                found.append(
                    Alert(
                        AlertKind.COTATION,
                        c.id,
                        c.reference,
                        c.object,
                        m.cotation_end,
                        f"Fenêtre de cotation ouverte jusqu'au {_fr(m.cotation_end)} "
                        f"(échéance du marché le {_fr(c.end_date)}, CAD vers le {_fr(m.cad)}).",
                    )
                )
        deadline = notice_deadline(c.end_date, c.notice_months)
        if deadline is not None and 0 <= (deadline - today).days <= delays.notice_alert_days:
            days = (deadline - today).days
            when = "aujourd'hui" if days == 0 else f"dans {days} jour{'s' if days > 1 else ''}"
            found.append(
                Alert(
                    AlertKind.NOTICE,
                    c.id,
                    c.reference,
                    c.object,
                    deadline,
                    f"Décidez du renouvellement avant le {_fr(deadline)} ({when}) : "
                    f"préavis de {c.notice_months} mois avant l'échéance du {_fr(c.end_date)}.",
                )
            )
        used = consumption(c.max_amount, c.consumed, delays.consumption_alert_rate)
        if used is not None and used.warning:
            percent = (used.rate * 100).quantize(Decimal("1"))
            rest = (
                f"reste {_money(used.remaining)} HT"
                if used.remaining >= 0
                else f"maximum dépassé de {_money(-used.remaining)} HT"
            )
            found.append(
                Alert(
                    AlertKind.CONSUMPTION,
                    c.id,
                    c.reference,
                    c.object,
                    None,
                    f"{percent} % du montant maximum déjà commandé ; {rest}.",
                )
            )
    order = {AlertKind.NOTICE: 0, AlertKind.COTATION: 1, AlertKind.CONSUMPTION: 2}
    found.sort(key=lambda a: (order[a.kind], a.due or dt.date.max, a.reference))
    return found


def _money(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    thin_space = "\u202f"
    return f"{sign}{thin_space.join(groups)},{cents} €"


@dataclass(frozen=True)
class TimelineEntry:
    id: uuid.UUID
    reference: str
    object: str
    recurrent: bool
    milestones: Milestones


def timeline(
    contracts: list[ContractDates], delays: CycleDelays, today: dt.date, months: int = 48
) -> list[TimelineEntry]:
    """Active contracts ending within the next ``months`` months, by end date, with their cycle dates."""
    horizon = add_months(today, months)
    entries = [
        TimelineEntry(c.id, c.reference, c.object, c.recurrent, milestones(c.end_date, delays))
        for c in contracts
        if c.active and c.end_date is not None and today <= c.end_date <= horizon
    ]
    entries.sort(key=lambda e: (e.milestones.end, e.reference))
    return entries

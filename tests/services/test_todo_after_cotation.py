"""« À faire » drops « Cotation à faire » once the cotation for that CAD is saved (issue 14)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from app.rules import calendar as cal


def test_a_contract_rated_for_its_cad_has_no_cotation_alert():
    delays = cal.CycleDelays(
        cotation_start_months=24,
        cotation_end_months=14,
        cad_months=14,
        notice_alert_days=60,
        consumption_alert_rate=Decimal("0.8"),
    )
    today = dt.date(2026, 11, 1)
    end = dt.date(2028, 3, 1)
    cad_year = cal.milestones(end, delays).cad.year

    def alert_kinds(rated: frozenset[int]) -> list[cal.AlertKind]:
        row = cal.ContractDates(uuid.uuid4(), "A", "Objet", end, recurrent=True, rated_for=rated)
        return [a.kind for a in cal.alerts([row], delays, today)]

    assert alert_kinds(frozenset()) == [cal.AlertKind.COTATION]
    assert alert_kinds(frozenset({cad_year - 1})) == [cal.AlertKind.COTATION]  # an older cotation
    assert alert_kinds(frozenset({cad_year})) == []


def test_saving_a_cotation_takes_it_off_the_todo_list(demo_db, demo_org):
    from app.services.alerts import alerts_for, delays_for
    from app.services.cotation import proposal, save_assessment

    today = dt.date(2026, 12, 1)
    todo = [a for a in alerts_for(demo_db, demo_org, today) if a.kind == cal.AlertKind.COTATION]
    assert todo, "the demo has a contract in its cotation window"
    first = todo[0]
    delays = delays_for(demo_db, demo_org, today)
    year = cal.milestones(_end_date(demo_db, demo_org, first.contract_id), delays).cad.year
    view = proposal(demo_db, first.contract_id, year)
    save_assessment(
        demo_db,
        first.contract_id,
        year,
        view.ratings,
        on=today,
        expected_version=None,
        organisation_id=demo_org,
    )
    after = [a.contract_id for a in alerts_for(demo_db, demo_org, today) if a.kind == cal.AlertKind.COTATION]
    assert first.contract_id not in after
    assert len(after) == len(todo) - 1


def _end_date(db, org, contract_id):  # noqa: ANN001, ANN202
    from app.services.contracts import list_contracts

    return next(r.end_date for r in list_contracts(db, org) if r.id == contract_id)

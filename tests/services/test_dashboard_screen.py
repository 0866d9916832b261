"""The Tableau de bord reads the contracts' facts once per opening (``dashboard_screen``); each
thing it shows must stay what its own service gives: the key counts, « À faire », the « Données à
compléter » sentence and the SPASER indicators, on the demo file and on a town's own messy files."""

from __future__ import annotations

import datetime as dt

import pytest

from app.queries import contracts as contract_queries
from app.services import facts
from app.services.alerts import alerts_for, dashboard_counts
from app.services.dashboard import dashboard_data, dashboard_screen
from app.services.organisations import list_organisations
from tests.e2e.test_dashboard_from_town_files import town  # noqa: F401 - the fixture

TODAY = dt.date(2026, 12, 1)


def _same_as_each_service(db, org, year: int) -> None:  # noqa: ANN001
    screen = dashboard_screen(db, org, year, today=TODAY)
    assert screen.counts == dashboard_counts(db, org, TODAY)
    assert screen.alerts == alerts_for(db, org, TODAY)
    assert screen.facts_summary == facts.summary(db, org, today=TODAY)
    assert screen.indicators == dashboard_data(db, org, year, today=TODAY)


@pytest.mark.parametrize("year", [2025, 2026])
def test_demo_dashboard_is_each_service_s_figures(demo_db, year):
    for organisation in list_organisations(demo_db):
        _same_as_each_service(demo_db, organisation.id, year)


def test_town_dashboard_is_each_service_s_figures(town):  # noqa: F811
    db, org, _ = town
    _same_as_each_service(db, org, 2025)


def test_the_facts_are_read_once_per_opening(demo_db, demo_org, monkeypatch):
    calls = []
    read = contract_queries.contract_records

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(args[1])
        return read(*args, **kwargs)

    monkeypatch.setattr(contract_queries, "contract_records", counted)
    dashboard_screen(demo_db, demo_org, 2026, today=TODAY)
    # once for the whole screen (the other town of the file is read once too, for « all towns »)
    assert calls.count(demo_org) == 1 and len(calls) == len(list_organisations(demo_db))


@pytest.mark.parametrize("year", [2026, 2027])
def test_cotation_screen_is_the_due_list_the_session_and_the_facts_sentence(demo_db, year):
    from app.services.committee import committee_view
    from app.services.cotation import cotation_screen, due_list

    for organisation in list_organisations(demo_db):
        org = organisation.id
        screen = cotation_screen(demo_db, org, year, today=dt.date.today())
        assert screen.due == due_list(demo_db, org, year)
        assert screen.committee == committee_view(demo_db, org, year)
        assert screen.facts_sentence == facts.summary(demo_db, org, today=dt.date.today()).sentence()


def test_town_cotation_screen_is_its_due_list(town):  # noqa: F811
    from app.services.cotation import cotation_screen, due_list

    db, org, _ = town
    for year in (2025, 2026, 2027):
        assert cotation_screen(db, org, year, today=dt.date.today()).due == due_list(db, org, year)

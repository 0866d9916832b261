"""French grammar helpers of the message catalogue."""

from __future__ import annotations

import datetime as dt

import pytest

from app.ui import messages


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 marché"), (1, "1 marché"), (2, "2 marchés"), (1500, "1\u202f500 marchés")]
)
def test_count_agrees_with_the_number(n, expected):
    assert messages.count(n, "marché") == expected


def test_count_with_an_irregular_plural():
    assert messages.count(1, "page envoyée", "pages envoyées") == "1 page envoyée"
    assert messages.count(3, "page envoyée", "pages envoyées") == "3 pages envoyées"


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("avenant", "Retirer l'avenant sélectionné"),
        ("lot", "Retirer le lot sélectionné"),
        ("établissement", "Retirer l'établissement sélectionné"),
        ("titulaire", "Retirer le titulaire sélectionné"),
    ],
)
def test_remove_selected_elides_the_article(noun, expected):
    assert messages.remove_selected(noun) == expected


def test_local_time_converts_from_utc(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        assert messages.local_time(dt.datetime(2026, 12, 1, 20, 5)) == "01/12/2026 21:05"
        assert messages.local_time(dt.datetime(2026, 7, 1, 20, 5, tzinfo=dt.UTC)) == "01/07/2026 22:05"
    finally:
        monkeypatch.undo()
        time.tzset()

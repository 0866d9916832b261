"""The printable dashboard from plain data: a summary page, a page per axis, the method and the
glossary; every indicator's label and value in the text; no setting key and no formula."""

from __future__ import annotations

import datetime as dt
import re

from pypdf import PdfReader

from app.reports.dashboard import GLOSSARY, build_dashboard
from app.rules import indicators as ind
from app.services.dashboard import DashboardData, ScopeDashboard
from tests.unit.test_indicators import FACTS, POINTS


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _data() -> DashboardData:
    results = tuple(ind.evaluate_all(FACTS, 2026, POINTS, trend_years=(2024, 2025, 2026)))
    return DashboardData(
        organisation="Commune d'Essai",
        year=2026,
        generated_on=dt.date(2026, 12, 1),
        scopes=(
            ScopeDashboard("Commune d'Essai", "organisation", results),
            ScopeDashboard("Tout", "all", results),
        ),
    )


def test_pages_text_and_words(tmp_path):
    data = _data()
    out = tmp_path / "tableau.pdf"
    pages = build_dashboard(data, out)
    reader = PdfReader(str(out))
    assert pages == len(reader.pages) >= 2 + len(ind.Axis)
    texts = [page.extract_text() for page in reader.pages]
    assert "L'essentiel en une page" in texts[0]
    # One page per axis, in order, right after the summary.
    for page, axis in zip(texts[1:], ind.Axis, strict=False):
        assert ind.AXIS_TITLES[axis] in page
    whole = _plain("\n".join(texts))
    for r in data.results:
        assert _plain(r.label) in whole, r.id
        assert _plain(ind.format_value(r.unit, r.value)) in whole, r.id
    for word, _meaning in GLOSSARY:
        assert _plain(word) in whole
    # For elected officials: no setting key, no formula sign, the unknowns explained.
    assert "target." not in whole and "÷" not in whole and "=" not in whole
    assert _plain("ni pour ni contre") in whole
    # The summary page carries the headline indicators with their target.
    for r in data.results:
        if r.headline:
            assert _plain(r.label) in _plain(texts[0]), r.id

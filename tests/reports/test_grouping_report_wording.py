"""The grouping report reads as French for a town hall: no setting keys, headers kept whole."""

from __future__ import annotations

import re

from pypdf import PdfReader


def test_grouping_report_names_settings_by_their_label(demo_db, demo_org, tmp_path):
    from app.services.grouping_outputs import write_grouping_report

    out = tmp_path / "mutualisation.pdf"
    write_grouping_report(demo_db, demo_org, 2025, out)
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "livraisons sur" in text, "the demo has deliveries estimated with the default distance"
    assert not re.search(r"\b[a-z]+\.[a-z_]+_[a-z_]+\b", text), "a setting key is printed"
    assert "l'écran Paramètres" in text
    assert "kgCO2e/km" in text  # not split as "kgCO2e/k m"

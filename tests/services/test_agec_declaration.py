"""The yearly AGEC declaration of the demo's 2025 purchases, checked against figures computed by hand
(SQL sums over the demo's orders, rates of décret 2024-134 applied by hand), printed and exported."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

from app.cli import main
from app.rules.agec_declaration import CSV_HEADERS, Spending, declaration
from app.rules.settings_catalogue import catalogue
from app.services.agec import agec_declaration, export_agec_declaration
from tests.conftest import DEMO

D = Decimal
# SELECT f.agec_category, count(*), sum(o.amount) FROM purchase_order o JOIN purchase_family f ...
# WHERE organisation = Val-des-Saules AND order_date in 2025 GROUP BY f.agec_category
VDS_2025 = {
    "Fournitures de bureau": (194, D("57427.26")),
    "Matériel informatique et téléphonie": (45, D("90370.25")),  # family « Équipements informatiques »
    "Mobilier et aménagement d'intérieur": (18, D("48389.71")),
    "Papier et papeterie": (105, D("48947.72")),
    "Fournitures scolaires": (46, D("17713.07")),  # not a category of the décret as known
}


def test_demo_2025_declaration_per_category(demo_db, demo_org):
    d = agec_declaration(demo_db, demo_org, 2025)
    assert (d.siret, d.deadline) == ("21250117600011", dt.date(2026, 6, 30))
    assert {line.category: (line.orders, line.total_ht) for line in d.lines} == VDS_2025
    assert d.total_ht == D("262848.01")
    furniture = next(line for line in d.lines if line.category.startswith("Mobilier"))
    # 2025: 20 % reuse and 15 % recycled (2024 column of the annex, seen in a secondary source only).
    assert (furniture.reuse_rate, furniture.recycled_rate, furniture.to_verify) == (
        D("0.20"),
        D("0.15"),
        True,
    )
    assert (furniture.reuse_min_ht, furniture.recycled_min_ht) == (D("9677.94"), D("7258.46"))
    paper = next(line for line in d.lines if line.category.startswith("Papier"))
    assert paper.reuse_rate is None and paper.reuse_min_ht is None and paper.to_verify  # never 0
    school = d.lines[-1]
    assert school.category == "Fournitures scolaires" and not school.in_decree
    assert all(line.reuse_ht is None and line.recycled_ht is None for line in d.lines)  # à compléter


def test_rates_follow_the_year_and_decree_2021_254_before_july_2024():
    spending = [Spending("Textiles", "Vêtements de travail", D("1000"))]
    shipped = catalogue().shipped()
    by_year = {
        year: declaration(year, None, "Commune", spending, shipped).lines[0]
        for year in (2023, 2024, 2027, 2030)
    }
    assert (by_year[2023].reuse_rate, by_year[2023].recycled_rate) == (None, None)  # single 2021 share
    assert (by_year[2024].reuse_min_ht, by_year[2024].recycled_min_ht) == (D("80.00"), D("200.00"))
    assert (by_year[2027].reuse_min_ht, by_year[2027].recycled_min_ht) == (D("150.00"), D("250.00"))
    assert (by_year[2030].reuse_min_ht, by_year[2030].recycled_min_ht) == (D("150.00"), D("300.00"))


def test_cli_prints_and_exports_the_declaration(tmp_path, capsys):
    db = tmp_path / "demo.sqlite"
    db.write_bytes(DEMO.read_bytes())
    out = tmp_path / "agec-2025.csv"
    args = ["agec", "--db", str(db), "--org", "Commune de Val-des-Saules", "--year", "2025"]
    assert main([*args, "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Déclaration AGEC 2025" in text and "9\u202f677,94\u00a0€" in text and "à compléter" in text
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADERS and len(rows) == 1 + len(VDS_2025)
    furniture = next(r for r in rows if r[3].startswith("Mobilier"))
    assert furniture[:5] == ["2025", "21250117600011", "Commune de Val-des-Saules", furniture[3], "48389,71"]
    assert furniture[5:8] == ["", "", ""]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_ht"] == "262848.01" and data["deadline"] == "2026-06-30"


def test_export_refuses_another_extension(demo_db, demo_org, tmp_path):
    import pytest

    from app.errors import UserError

    with pytest.raises(UserError, match=".csv"):
        export_agec_declaration(demo_db, demo_org, 2025, tmp_path / "x.xlsx")

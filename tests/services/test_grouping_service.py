"""Grouping services against real database files: proposals, accepted plans, census, joint
purchasing, the PDF report, the xlsx export and the ``group-orders`` command."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.errors import UserError
from app.model import (
    DeliverySite,
    Department,
    GroupedOrder,
    GroupedOrderItem,
    GroupingPlan,
    Order,
    PurchaseFamily,
    PurchasingGroup,
    PurchasingGroupMember,
    Supplier,
)
from app.services.grouping import (
    accept_proposal,
    as_uuid,
    list_plans,
    plan_items,
    propose_grouping,
)
from app.services.grouping_outputs import _safe_cell, write_grouping_report, write_grouping_xlsx
from app.services.joint_purchasing import joint_proposals, record_purchasing_group
from app.services.order_census import order_census


def count_orders(db, org, year):
    with db.session(write=False) as s:
        return s.scalar(
            select(func.count()).where(
                Order.organisation_id == org,
                Order.order_date >= dt.date(year, 1, 1),
                Order.order_date <= dt.date(year, 12, 31),
            )
        )


def test_demo_proposal_serves_every_order_once_and_cuts_emissions(demo_db, demo_org):
    proposal = propose_grouping(demo_db, demo_org, 2025)
    result = proposal.result
    assert result.orders_before == count_orders(demo_db, demo_org, 2025)
    numbers = [n for row in proposal.rows for n in row.order_numbers]
    assert len(numbers) == len(set(numbers)) == result.orders_before
    assert result.lower_bound == result.orders_after  # exact without capacity
    assert result.reduction > Decimal("0.25")
    today, grouped, bike = proposal.scenarios
    assert today.deliveries == result.orders_before and grouped.deliveries == result.orders_after
    assert bike.kgco2e <= grouped.kgco2e < today.kgco2e
    carburants = next(f for f in proposal.families if f.family == "Carburants")
    assert carburants.on_target is None and carburants.before == carburants.after  # excluded family
    assert any(r.text.startswith("une commande groupée") for r in proposal.calendar)


def test_capacity_is_respected_and_bound_reported(demo_db, demo_org):
    proposal = propose_grouping(demo_db, demo_org, 2025, capacity=Decimal(300), capacity_unit="kg")
    for group in proposal.result.groups:
        if group.size > 1:
            assert sum(o.weight_kg or 0 for o in group.orders) <= 300
    uncapped = propose_grouping(demo_db, demo_org, 2025)
    assert uncapped.result.orders_after <= proposal.result.lower_bound <= proposal.result.orders_after


def test_accepting_records_a_plan_that_keeps_every_original_order(demo_db, demo_org):
    proposal = propose_grouping(demo_db, demo_org, 2025)
    plan_id = accept_proposal(demo_db, proposal, accepted_by="Claire Martin", organisation_id=demo_org)
    merged = proposal.result.merged_groups
    with demo_db.session(write=False) as s:
        plan = s.get(GroupingPlan, plan_id)
        assert plan.summary["orders_after"] == proposal.result.orders_after
        assert s.scalar(select(func.count()).select_from(GroupedOrder)) == len(merged)
        assert s.scalar(select(func.count()).select_from(GroupedOrderItem)) == sum(g.size for g in merged)
    (row,) = list_plans(demo_db, demo_org)
    assert row.grouped_orders == len(merged) and row.accepted_by == "Claire Martin"
    items = plan_items(demo_db, plan_id)
    biggest = max(items, key=lambda item: len(item.order_numbers))
    assert len(biggest.order_numbers) == max(g.size for g in merged)
    assert len(biggest.departments) >= 2  # several departments served by one grouped order


def test_accepting_a_stale_proposal_is_refused(demo_db, demo_org):
    proposal = propose_grouping(demo_db, demo_org, 2025)
    victim = as_uuid(proposal.result.merged_groups[0].orders[0].id)  # keys are loaded as stored
    with demo_db.session() as s:
        s.delete(s.get(Order, victim))
    with pytest.raises(UserError, match="relancez le calcul"):
        accept_proposal(demo_db, proposal, organisation_id=demo_org)
    with demo_db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(GroupingPlan)) == 0


def add_orders(db, specs):
    """``specs``: (day offset, family eligible, latest delivery offset or None, weight)."""
    org = db.organisation_id
    with db.session() as s:
        dep_a = Department(organisation_id=org, name="Médiathèque")
        dep_b = Department(organisation_id=org, name="Piscine")
        site = DeliverySite(organisation_id=org, name="Hall des sports")
        open_family = PurchaseFamily(organisation_id=org, code="PAP", label="Papier", max_delay_days=10)
        closed = PurchaseFamily(
            organisation_id=org, code="CARB", label="Carburants", grouping_eligible=False, max_delay_days=10
        )
        supplier = Supplier(name="Papeterie", normalized_name="papeterie", distance_km=None)
        s.add_all([dep_a, dep_b, site, open_family, closed, supplier])
        s.flush()
        for i, (offset, eligible, latest, weight) in enumerate(specs):
            day = dt.date(2025, 3, 3) + dt.timedelta(days=offset)
            s.add(
                Order(
                    organisation_id=org,
                    department_id=(dep_a if i % 2 else dep_b).id,
                    number=f"BC-{i:03d}",
                    order_date=day,
                    latest_delivery_date=day + dt.timedelta(days=latest) if latest is not None else None,
                    supplier_id=supplier.id,
                    family_id=(open_family if eligible else closed).id,
                    delivery_site_id=site.id,
                    amount=Decimal("100.00"),
                    weight_kg=Decimal(weight),
                )
            )


def test_windows_use_latest_delivery_or_family_delay(new_db):
    # Windows: [0,10], [5,15] share days 5-10; [12,14] (latest delivery +2) overlaps only the second.
    add_orders(new_db, [(0, True, None, 5), (5, True, None, 5), (12, True, 2, 5), (1, False, None, 5)])
    proposal = propose_grouping(new_db, new_db.organisation_id, 2025)
    sizes = sorted(g.size for g in proposal.result.groups)
    assert sizes == [1, 1, 2]  # the fuel order stays alone
    alone = [r for r in proposal.rows if r.family == "Carburants"]
    assert alone[0].note == "Famille exclue de la mutualisation"
    # No distance known: every delivery uses the stated default (30 km), declared in the summary.
    summary = proposal.summary.to_json()
    assert summary["deliveries_with_default_distance"] == 4
    assert summary["km_before"] == 4 * 2 * 30
    assert summary["kgco2e_before"] == pytest.approx(4 * 2 * 30 * 0.5072, abs=0.1)
    # Light and close? no: 30 km is beyond the cargo bike's 15 km, so the bike changes nothing.
    assert summary["kgco2e_cargo_bike"] == summary["kgco2e_after"]


def test_cargo_bike_takes_light_close_deliveries(new_db):
    add_orders(new_db, [(0, True, None, 20), (30, True, None, 400)])
    with new_db.session() as s:
        s.scalars(select(Supplier)).one().distance_km = 8.0
    proposal = propose_grouping(new_db, new_db.organisation_id, 2025)
    today, grouped, bike = proposal.scenarios
    assert {v.code for v in bike.vehicles} == {"cargo_bike", "diesel_van"}
    assert bike.kgco2e == pytest.approx(Decimal(16) * Decimal("0.0012") + Decimal(16) * Decimal("0.5072"))


def test_census_counts_per_dimension_and_target(demo_db, demo_org):
    census = order_census(demo_db, demo_org, 2026)
    assert census.total == count_orders(demo_db, demo_org, 2026)
    assert census.previous_total == count_orders(demo_db, demo_org, 2025)
    for dimension in ("family", "contract", "department", "supplier"):
        assert sum(line.count for line in census.lines[dimension]) == census.total
    assert census.target_rate == Decimal("0.25")
    assert census.target_total == int(census.previous_total * 0.75)
    assert Decimal("0.5") < census.eligible_share < 1
    fuel = next(line for line in census.lines["family"] if line.label == "Carburants")
    assert fuel.eligible is False


def test_joint_purchasing_between_the_demo_towns(demo_db):
    proposals = joint_proposals(demo_db, since=dt.date(2026, 11, 1))
    assert proposals
    for p in proposals:
        assert len({m.organisation for m in p.members}) >= 2
        assert p.coordinator.volume == max(m.volume for m in p.members)
        assert p.combined_amount == sum(m.volume for m in p.members)
        assert all(c.end_date >= dt.date(2026, 11, 1) for c in p.contracts)
        assert (p.last_end - p.first_end).days <= 366
    crossing = [p for p in proposals if p.new_thresholds]
    assert crossing, "the demo shows at least one group whose combined amount changes the procedure"
    coordinator = crossing[0].coordinator.organisation
    group_id = record_purchasing_group(demo_db, crossing[0], organisation_id=coordinator)
    with demo_db.session(write=False) as s:
        group = s.get(PurchasingGroup, group_id)
        assert group.coordinator_id == crossing[0].coordinator.organisation
        assert group.combined_amount == crossing[0].combined_amount
        members = s.scalar(select(func.count()).where(PurchasingGroupMember.group_id == group_id))
        assert members == len(crossing[0].contracts)
    with pytest.raises(UserError, match="déjà enregistré"):
        record_purchasing_group(demo_db, crossing[0], organisation_id=coordinator)


def test_report_pdf_shows_reduction_per_family_and_three_scenarios(demo_db, demo_org, tmp_path):
    from pypdf import PdfReader

    out = write_grouping_report(demo_db, demo_org, 2025, tmp_path / "mutualisation.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Réduction par famille d'achat" in text
    assert "Fournitures de bureau" in text
    for label in ("Aujourd'hui", "Commandes groupées", "vélo-cargo"):
        assert label in text
    assert "à vérifier" in text  # unverified emission factors are labelled
    assert "Calendrier des commandes groupées" in text


def test_xlsx_export(demo_db, demo_org, tmp_path):
    from openpyxl import load_workbook

    proposal = propose_grouping(demo_db, demo_org, 2025)
    out = write_grouping_xlsx(proposal, tmp_path / "groupes.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Synthèse", "Commandes groupées", "Par famille", "Transport", "Calendrier"]
    groups = wb["Commandes groupées"]
    assert groups.max_row == 1 + proposal.result.orders_after
    assert _safe_cell("=SOMME(A1)") == "'=SOMME(A1)"
    assert _safe_cell("Papier") == "Papier"


def test_group_orders_command_json(tmp_path, capsys):
    import shutil

    from tests.conftest import DEMO

    db = tmp_path / "demo.sqlite"
    shutil.copyfile(DEMO, db)
    code = main(
        ["group-orders", "--db", str(db), "--year", "2025", "--org", "Commune de Val-des-Saules", "--json"]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    for key in (
        "orders_before",
        "orders_after",
        "reduction_pct",
        "lower_bound",
        "deliveries_before",
        "deliveries_after",
        "km_before",
        "km_after",
        "kgco2e_before",
        "kgco2e_after",
        "kgco2e_cargo_bike",
        "groups",
    ):
        assert key in data
    assert sum(len(g["orders"]) for g in data["groups"]) == data["orders_before"]
    assert len(data["groups"]) == data["orders_after"]
    code = main(["group-orders", "--db", str(db), "--year", "2025", "--org", "Val", "--capacity", "zéro"])
    _, err = capsys.readouterr()
    assert code == 1 and "n'est pas un nombre" in err


def test_unknown_organisation_is_a_user_error(demo_db):
    with pytest.raises(UserError):
        propose_grouping(demo_db, uuid.uuid4(), 2025)

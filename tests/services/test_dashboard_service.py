"""The dashboard service on a hand-built file: two towns, a procedure nobody gave, checklist
statuses, a cotation, a CAD and its bilan, an organisation's own target. Each expected value is
worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from app.enums import ChecklistStatus, Procedure, SocialEconomyStatus, SupplierSize
from app.errors import NotFound
from app.model import (
    Assessment,
    Committee,
    CommitteeDecision,
    Contract,
    ContractClause,
    InsertionHours,
    PurchasingGroup,
    PurchasingGroupMember,
    Supplier,
)
from app.rules.indicators import Status
from app.services.clauses import clause_id, ensure_builtin_clauses
from app.services.dashboard import ALL_ORGANISATIONS, dashboard_data, dashboard_sheets
from app.services.identity_and_settings import save_setting
from app.services.organisations import create_organisation
from app.storage import create_database

TODAY = dt.date(2026, 12, 1)


def _supplier(session, name: str, size: SupplierSize, social=SocialEconomyStatus.NONE) -> uuid.UUID:
    supplier = Supplier(name=name, normalized_name=name.lower(), size=size, social_economy=social)
    session.add(supplier)
    session.flush()
    return supplier.id


def _contract(session, org, ref: str, **values) -> uuid.UUID:
    values.setdefault("object", f"Marché {ref}")
    contract = Contract(organisation_id=org, reference=ref, **values)
    session.add(contract)
    session.flush()
    return contract.id


@pytest.fixture
def file(tmp_path):
    db = create_database(tmp_path / "deux-communes.sqlite")
    ensure_builtin_clauses(db)
    town = create_organisation(db, "Commune de Saint-Hand")
    other = create_organisation(db, "Commune de Voisine")
    with db.session() as s:
        pme = _supplier(s, "Menuiserie Locale", SupplierSize.PME)
        big = _supplier(s, "Grand Groupe", SupplierSize.GE)
        esat = _supplier(s, "ESAT du Val", SupplierSize.PME, SocialEconomyStatus.ESAT)
        when = {"notification_date": dt.date(2026, 3, 1), "start_date": dt.date(2026, 3, 1)}
        # T1: open tender of 300 000 € over 36 months, a PME, insertion clause retained, revisable prices.
        t1 = _contract(
            s, town, "T1", procedure=Procedure.OPEN_TENDER, notified_amount=Decimal(300_000),
            duration_months=36, end_date=dt.date(2029, 2, 28), supplier_id=pme,
            price_types=["Définitif révisable"], environmental_considerations=["Critère environnemental"],
            offers_received=4, **when,
        )  # fmt: skip
        # T2: MAPA of 40 000 € over 12 months, reserved to an ESAT (clause retained), no offer at all.
        t2 = _contract(
            s, town, "T2", procedure=Procedure.ADAPTED, notified_amount=Decimal(40_000), duration_months=12,
            end_date=dt.date(2027, 2, 28), supplier_id=esat, offers_received=0, recurrent=True, **when,
        )  # fmt: skip
        # T3: nobody gave the procedure and the amount is unknown: it cannot be placed, a large firm holds it.
        t3 = _contract(
            s, town, "T3", supplier_id=big, duration_months=24, end_date=dt.date(2028, 2, 29), **when
        )
        # T4: passed in 2025, recurrent, ends in 2026 and was diagnosed.
        t4 = _contract(
            s, town, "T4", procedure=Procedure.ADAPTED, notified_amount=Decimal(20_000), duration_months=12,
            notification_date=dt.date(2025, 6, 1), end_date=dt.date(2026, 5, 31), recurrent=True,
        )  # fmt: skip
        # V1: the other town, open tender of 2026 without any clause: its DECP data says so.
        v1 = _contract(
            s, other, "V1", procedure=Procedure.OPEN_TENDER, notified_amount=Decimal(500_000),
            duration_months=48, supplier_id=big, social_considerations=["Pas de considération sociale"], **when,
        )  # fmt: skip
        for contract, code, status in (
            (t1, "insertion-clause", ChecklistStatus.RETAINED),
            (t1, "anti-discrimination-tiebreak", ChecklistStatus.IN_TENDER),
            (t2, "insertion-clause", ChecklistStatus.DISMISSED),  # dismissed: does not count
            (t2, "reservation-ea-esat", ChecklistStatus.EXECUTED),
            (t3, "anti-discrimination-tiebreak", ChecklistStatus.TO_STUDY),  # to study: does not count
        ):
            s.add(ContractClause(contract_id=contract, clause_id=clause_id(code), status=status,
                                 justification="hors sujet" if status is ChecklistStatus.DISMISSED else None))  # fmt: skip
        # The PLIE reported 300 h on T1 for 2026 (and 120 h for 2027, another year) and 80,5 h on V1.
        s.add_all(
            [
                InsertionHours(contract_id=t1, year=2026, hours=Decimal(300), source="Bilan PLIE 2026"),
                InsertionHours(contract_id=t1, year=2027, hours=Decimal(120)),
                InsertionHours(contract_id=v1, year=2026, hours=Decimal("80.5")),
            ]
        )
        s.add(Assessment(contract_id=t4, year=2025, score=55))
        cad25 = Committee(organisation_id=town, year=2025, meeting_date=dt.date(2025, 2, 10))
        cad26 = Committee(organisation_id=town, year=2026, meeting_date=dt.date(2026, 2, 9))
        s.add_all([cad25, cad26])
        s.flush()
        s.add_all(
            [
                # CAD 2025: T4 targeted with 2 actions, carried out.
                CommitteeDecision(
                    committee_id=cad25.id,
                    contract_id=t4,
                    targeted=True,
                    actions=["insertion", "env"],
                    review_done=True,
                ),  # fmt: skip
                # CAD 2026: T2 (ends 28/02/2027, ≥ 12 months after 09/02/2026) targeted; T1 presented only.
                CommitteeDecision(committee_id=cad26.id, contract_id=t2, targeted=True, actions=["social"]),
                CommitteeDecision(committee_id=cad26.id, contract_id=t1, targeted=False),
            ]
        )
        # Both towns buy cleaning products together.
        group = PurchasingGroup(name="Produits d'entretien", coordinator_id=town)
        s.add(group)
        s.flush()
        s.add_all([PurchasingGroupMember(group_id=group.id, organisation_id=o) for o in (town, other)])
    # The town raises its own environmental-criterion target for 2026 to 90 %.
    save_setting(db, town, "target.env_criterion", "0.90", dt.date(2026, 1, 1), expected=None)
    yield db, town, other
    db.dispose()


def test_indicators_of_the_town(file):
    db, town, _other = file
    data = dashboard_data(db, town, 2026, today=TODAY)
    r = {x.id: x for x in data.results}
    # Formalised in 2026: T1 (insertion retained); T2 is a MAPA; T3's procedure unknown → 1/1, 1 apart.
    assert (r["insertion_formalised"].numerator, r["insertion_formalised"].denominator) == (1, 1)
    assert r["insertion_formalised"].to_complete_refs == ("T3",)
    # Env criterion: T1 only, among T1, T2, T3 → 1/3; the town's own target 90 %.
    assert r["env_criterion"].value == Decimal("0.3333") and r["env_criterion"].target == Decimal("0.90")
    assert r["env_criterion"].status is Status.NOT_MET
    # Tie-break: T1 in the tender (counts), T3 only to study (does not) → 1/3.
    assert (r["tiebreak"].numerator, r["tiebreak"].denominator) == (1, 3)
    # Reserved: T2 (executed reservation), 40 000 €, held by an ESAT.
    assert r["reserved_count"].value == 1 and r["reserved_spend"].value == Decimal(40_000)
    assert r["reserved_held_by_ess"].value == 1
    # Under 215 k€: T2 (no advance); T3's amount unknown → 0/1, 1 apart.
    assert (r["advance_30"].numerator, r["advance_30"].denominator, r["advance_30"].to_complete) == (0, 1, 1)
    # Over 12 months: T1 (revisable), T3 (24 months, not revisable) → 1/2.
    assert (r["price_revision"].numerator, r["price_revision"].denominator) == (1, 2)
    # TPE-PME holders: T1 (PME), T2 (ESAT declared PME), T3 (large) → 2/3.
    assert (r["sme_holders"].numerator, r["sme_holders"].denominator) == (2, 3)
    # Offers: T1 4, T2 0, T3 unknown → 4/2 = 2; one unsuccessful procedure (T2).
    assert r["offers_average"].value == Decimal(2) and r["unsuccessful"].value == 1
    # Recurrent contracts ending in 2026: T4, diagnosed → 100 % against 40 %.
    assert r["cotation_share"].value == 1 and r["cotation_share"].status is Status.MET
    # CAD 2026 held; T2 and T1 both end ≥ 12 months after the meeting → 2/2; one targeted (T2).
    assert r["cad_held"].value == 1 and r["cad_on_time"].value == 1 and r["targeted_count"].value == 1
    # Bilan of the CAD 2025: T4's 2 actions carried out → 2/2.
    assert (r["actions_done"].numerator, r["actions_done"].denominator) == (2, 2)
    # Targeted at the CAD 2026: T2, which has a responsible clause (reservation) but no insertion.
    assert r["targeted_with_clause"].value == 1 and r["insertion_targeted"].value == 0
    # The town's own target is not the neighbour's: the file scope uses the town's points too.
    assert [s.name for s in data.scopes] == [
        "Commune de Saint-Hand",
        ALL_ORGANISATIONS,
        "Groupement « Produits d'entretien »",
    ]


def test_all_organisations_adds_the_neighbour(file):
    db, town, _other = file
    data = dashboard_data(db, town, 2026, today=TODAY)
    whole = data.scopes[1]
    # V1 joins the formalised procedures without insertion: 1/2.
    result = whole.result("insertion_formalised")
    assert (result.numerator, result.denominator) == (1, 2)
    # Saint-Hand held its CAD 2026, Voisine did not → 1/2.
    assert whole.result("cad_held").value == Decimal("0.5")
    # The purchasing group holds both towns: the same counts as the whole file here.
    group = data.scopes[2]
    assert group.kind == "group" and group.result("insertion_formalised").denominator == 2


def test_insertion_hours_per_year_for_the_town_the_file_and_the_group(file):
    db, town, _other = file
    data = dashboard_data(db, town, 2026, today=TODAY)
    # Saint-Hand 2026: T1's 300 h; T2's insertion clause was dismissed, so nothing is missing.
    own = data.main.result("insertion_hours")
    assert (own.value, own.numerator_refs, own.to_complete) == (Decimal(300), ("T1",), 0)
    # The whole file and the group add V1's 80,5 h → 380,5 h.
    for scope in data.scopes[1:]:
        assert scope.result("insertion_hours").value == Decimal("380.5"), scope.name
    # 2025: nothing reported and T1 not yet passed → 0 h; the trend reads each year's own figure.
    assert own.trend[-2:] == ((2025, Decimal(0)), (2026, Decimal(300)))
    # 2027 is another year: T1's 120 h, and in the JSON the same figure.
    later = dashboard_data(db, town, 2027, today=TODAY).main.result("insertion_hours")
    assert later.value == Decimal(120)
    as_json = {i["id"]: i for i in data.to_json()["indicators"]}
    assert Decimal(str(as_json["insertion_hours"]["value"])) == Decimal(300)


def test_excel_sheets_and_json_carry_the_same_numbers(file):
    db, town, _other = file
    data = dashboard_data(db, town, 2026, today=TODAY)
    sheets = {s.title: list(s.rows) for s in dashboard_sheets(data)}
    social = {(row[0], row[1]): row for row in sheets["Social"]}
    assert social[("Commune de Saint-Hand", "tiebreak")][5] == pytest.approx(
        Decimal(1) / 3 * 100, abs=Decimal("0.01")
    )
    behind = [row for row in sheets["Données"] if row[0] == "insertion_formalised"]
    assert ["insertion_formalised", behind[0][1], "à compléter", "T3"] in behind
    as_json = data.to_json()
    assert {i["id"] for i in as_json["indicators"]} == {r.id for r in data.results}


def test_unknown_organisation_is_a_french_error(file):
    db, _town, _other = file
    with pytest.raises(NotFound, match="introuvable"):
        dashboard_data(db, uuid.uuid4(), 2026)

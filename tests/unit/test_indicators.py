"""The SPASER indicator engine on hand-built facts: every expected value is worked out by hand in
the comments, and each indicator meets a contract whose needed fact is unknown (counted apart,
never as "no")."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.rules import indicators as ind
from app.rules.indicators import CommitteeLine, ContractLine, DashboardFacts, DecisionLine, OrderYear, Status

YEAR = 2026

# A: passed in 2026, formalised, everything responsible, TPE-PME, targeted at the CAD 2026, diagnosed.
A = ContractLine(
    "a", "A", organisation="X", year=2026, end_year=2026, amount=D(100_000), total=D(100_000),
    formalised=True, duration_months=24, recurrent=True, sme=True, has_lots=True, offers_received=3,
    advance_30=True, price_revision=True, env_criterion=True, env_consideration=True,
    social_consideration=True, insertion=True, tiebreak=True, circular=True, responsible_clause=True,
    assessed=True, targeted_years=frozenset({2026}),
    insertion_hours=((2026, D(350)),),
)  # fmt: skip
# B: passed in 2026, MAPA of 12 months, 50 000 €, a large firm… reserved and held by an ESAT, no offer.
B = ContractLine(
    "b", "B", organisation="X", year=2026, end_year=2026, amount=D(50_000), total=D(50_000),
    formalised=False, duration_months=12, recurrent=True, sme=False, social_economy=True,
    offers_received=0, env_consideration=True, reserved=True, fair_trade_relevant=True,
    targeted_years=frozenset({2026}), insertion_hours=((2026, D("40.5")),),
)  # fmt: skip
# C: passed in 2026, but procedure, amount, duration, size, offers and recurrence unknown.
C = ContractLine("c", "C", organisation="X", year=2026, end_year=2026)
# D: passed in 2025: out of every 2026 count.
D_ = ContractLine("d", "D", organisation="X", year=2025, end_year=2027, formalised=True, recurrent=True)
# E: nobody knows when it was passed: à compléter wherever its year matters.
E = ContractLine("e", "E", organisation="X", formalised=True, amount=D(10_000), insertion=True)
# F: an insertion contract of 2024 running until 2027; the PLIE reported 2024 and 2025, not 2026 yet.
F = ContractLine(
    "f", "F", organisation="X", year=2024, end_year=2027, recurrent=False, insertion=True,
    insertion_hours=((2024, D(500)), (2025, D(120))),
)  # fmt: skip
# G: an insertion contract of 2023 that ended in 2025, no hours ever reported.
G = ContractLine("g", "G", organisation="X", year=2023, end_year=2025, recurrent=False, insertion=True)

COMMITTEES = (
    CommitteeLine(
        "X", 2026, True, (("A", True), ("B", False), ("C", None)), (DecisionLine("A", True, 2, None),)
    ),
    CommitteeLine(
        "X",
        2025,
        True,
        (),
        (
            DecisionLine("P", True, 3, True),
            DecisionLine("Q", True, 2, False),
            DecisionLine("R", True, 1, None),
            DecisionLine("S", False, 4, True),
        ),
    ),
    CommitteeLine("Y", 2026, False),
)
ORDERS = (
    OrderYear("X", 2026, 75, 100, 60, D(1000), D(700)),
    OrderYear("Y", 2026, 0, 0, 0),
)
FACTS = DashboardFacts((A, B, C, D_, E, F, G), COMMITTEES, ORDERS)

# id: (numerator, denominator, to_complete, value) — worked out by hand on A–E above.
EXPECTED: dict[str, tuple] = {
    # Recurrent contracts ending in 2026: A (diagnosed), B (not); C's recurrence unknown → 1/2, 1 apart.
    "cotation_share": (1, 2, 0 + 1, D("0.5")),
    # Organisations X and Y; only X's CAD 2026 has a meeting date → 1/2.
    "cad_held": (1, 2, 0, D("0.5")),
    # Presented at the CAD 2026: A on time, B not, C's end unknown → 1/2, 1 apart.
    "cad_on_time": (1, 2, 1, D("0.5")),
    # Targeted at the CAD 2026: A only.
    "targeted_count": (1, None, 0, D(1)),
    # CAD 2025, targeted: P 3 actions done, Q 2 not done, R 1 not reviewed; S not targeted → 3/5, 1 apart.
    "actions_done": (3, 5, 1, D("0.6")),
    # 2026: A yes, B no, C no (a lack of criterion is known) → 1/3; E's year unknown → 1 apart.
    "env_criterion": (1, 3, 1, D("0.3333")),
    # A and B have one, C none → 2/3; E apart.
    "env_consideration": (2, 3, 1, D("0.6667")),
    # Formalised in 2026: A (insertion) → 1/1; B is a MAPA (out); C's procedure and E's year unknown → 2 apart.
    "insertion_formalised": (1, 1, 2, D(1)),
    # Same population, A has social considerations → 1/1, 2 apart.
    "social_formalised": (1, 1, 2, D(1)),
    # Targeted at the CAD 2026: A circular, B not → 1/2.
    "circular_targeted": (1, 2, 0, D("0.5")),
    # Targeted: A TPE-PME, B a large firm → 1/2.
    "sme_targeted": (1, 2, 0, D("0.5")),
    # Under 215 k€ in 2026: A (advance) and B (none) → 1/2; C's amount and E's year unknown → 2 apart.
    "advance_30": (1, 2, 2, D("0.5")),
    # Over 12 months in 2026: A (revisable); B is 12 months (out); C's duration and E's year → 2 apart.
    "price_revision": (1, 1, 2, D(1)),
    # A has the tie-break clause, B and C not → 1/3; E apart.
    "tiebreak": (1, 3, 1, D("0.3333")),
    # Targeted: A has a clause, B none → 1/2.
    "targeted_with_clause": (1, 2, 0, D("0.5")),
    # Targeted: A has the insertion clause, B not → 1/2.
    "insertion_targeted": (1, 2, 0, D("0.5")),
    # Hours reported for 2026: A 350 + B 40,5 (hours without a clause count too) = 390,5; F's 2024 and
    # 2025 hours are other years. F (insertion, running until 2027) and E (insertion, year unknown)
    # have no figure for 2026 → 2 apart; C and D have no insertion clause, G ended in 2025.
    "insertion_hours": (D("390.5"), None, 2, D("390.5")),
    # Reserved in 2026: B → 1.
    "reserved_count": (1, None, 0, D(1)),
    # B's total: 50 000 €.
    "reserved_spend": (50_000, None, 0, D(50_000)),
    # Reserved: B, held by an ESAT → 1/1.
    "reserved_held_by_ess": (1, 1, 0, D(1)),
    # Fair-trade families in 2026: B, without the clause → 0/1.
    "fair_trade": (0, 1, 0, D(0)),
    # A has lots, B and C not → 1/3; E apart.
    "lots": (1, 3, 1, D("0.3333")),
    # A TPE-PME, B not; C's size and E's year unknown → 1/2, 2 apart.
    "sme_holders": (1, 2, 2, D("0.5")),
    # Offers: A 3, B 0 → 3/2 = 1.5; C's offers and E's year unknown → 2 apart.
    "offers_average": (3, 2, 2, D("1.5")),
    # B received no offer → 1; C and E apart.
    "unsuccessful": (1, None, 2, D(1)),
    # X 75 orders, Y none → 75.
    "orders_count": (75, None, 0, D(75)),
    # (75 − 100) / 100 = −25 %.
    "orders_change": (-25, 100, 0, D("-0.25")),
    # 60 of 75 orders in families that can be grouped → 80 %.
    "orders_eligible": (60, 75, 0, D("0.8")),
    # X's accepted plan: 1 000 kg before, 700 after; Y has no order so nothing is missing.
    "ghg_today": (1000, None, 0, D(1000)),
    "ghg_after": (700, None, 0, D(700)),
}

POINTS = {
    "target.env_criterion": [(2024, D("0.30")), (2026, D("0.70"))],
    "target.cotation_share": [(2026, D("0.40")), (2027, D("0.60")), (2028, D("0.80"))],
    "target.order_reduction": [(2024, D("0.25"))],
}


def test_every_declaration_has_a_label_an_action_an_explanation_and_a_test():
    ids = [i.id for i in ind.ALL_INDICATORS]
    assert len(ids) == len(set(ids))
    for indicator in ind.ALL_INDICATORS:
        assert indicator.label and indicator.explanation and indicator.method, indicator.id
        assert indicator.actions and all(1 <= a <= 26 for a in indicator.actions), indicator.id
        assert indicator.explanation.endswith("."), indicator.id
    assert set(EXPECTED) | {"objectives_met"} == set(ids)


@pytest.mark.parametrize("indicator_id", sorted(EXPECTED))
def test_indicator_counts_worked_out_by_hand(indicator_id):
    numerator, denominator, to_complete, value = EXPECTED[indicator_id]
    result = ind.evaluate(ind.BY_ID[indicator_id], FACTS, YEAR, POINTS)
    assert result.numerator == numerator
    assert result.denominator == (None if denominator is None else D(denominator))
    assert result.to_complete == to_complete
    assert result.value == value


def test_unknown_procedure_is_neither_in_nor_out():
    """C (procedure unknown) is not a formalised procedure without insertion: it is apart."""
    result = ind.evaluate(ind.BY_ID["insertion_formalised"], FACTS, YEAR)
    assert "C" not in result.denominator_refs and "C" in result.to_complete_refs
    assert "B" not in result.denominator_refs and "B" not in result.to_complete_refs


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2023, None), (2024, D("0.30")), (2025, D("0.5000")), (2026, D("0.70")), (2030, D("0.70"))],
)
def test_targets_interpolate_between_the_2024_and_2026_columns(year, expected):
    assert ind.target_for(ind.BY_ID["env_criterion"], year, POINTS) == expected


def test_deployment_target_is_by_steps_and_order_target_is_a_reduction():
    assert ind.target_for(ind.BY_ID["cotation_share"], 2025, POINTS) is None
    assert ind.target_for(ind.BY_ID["cotation_share"], 2027, POINTS) == D("0.60")
    assert ind.target_for(ind.BY_ID["orders_change"], 2026, POINTS) == D("-0.25")
    assert ind.target_for(ind.BY_ID["tiebreak"], 2026, POINTS) == D(1)
    assert ind.target_for(ind.BY_ID["lots"], 2026, POINTS) is None


def test_status_met_not_met_to_complete_and_no_target():
    results = {r.id: r for r in ind.evaluate_all(FACTS, YEAR, POINTS, trend_years=(2025, 2026))}
    # 50 % diagnosed against 40 %, but C is apart: if C were renewed undiagnosed, 1/3 < 40 %. Met is
    # not known yet: « à compléter » (as the cotation screen's deployment targets say).
    assert results["cotation_share"].status is Status.TO_COMPLETE
    # 33 % against 70 %: even if E had a criterion, 2/4 = 50 % < 70 %: not met.
    assert results["env_criterion"].status is Status.NOT_MET
    assert ind.format_gap(results["env_criterion"]) == "−37 points"
    # Advance: 1/2 with 2 apart; if both had it, 3/4 = 75 % < 100 %: not met.
    assert results["advance_30"].status is Status.NOT_MET
    # Actions done 3/5 with 1 apart: at best 4/6 < 100 %: not met.
    assert results["actions_done"].status is Status.NOT_MET
    # −25 % against at most −25 %: met.
    assert results["orders_change"].status is Status.MET
    assert results["lots"].status is Status.NO_TARGET and results["lots"].status_text == "Pas d'objectif"
    # Trend: 2025 has D (formalised, no insertion) and E apart → 0/1.
    assert results["insertion_formalised"].trend == ((2025, D(0)), (2026, D(1)))
    # Objectives met: indicators with a target (in POINTS or fixed) and a judged value. Met (1):
    # orders_change −25 %. Not met (7): cad_held 50 %, cad_on_time 50 %, actions_done 60 %,
    # env_criterion 33 %, advance_30 50 %, tiebreak 33 %, targeted_with_clause 50 %. Still to complete,
    # so not counted: cotation_share (1/2, C apart) and price_revision (1/1, two apart: at worst 1/3);
    # insertion_formalised has no target in POINTS.
    met = results["objectives_met"]
    assert (met.numerator, met.denominator) == (1, 8)
    assert set(met.numerator_refs) == {ind.BY_ID["orders_change"].label}
    assert results["price_revision"].status is Status.TO_COMPLETE


def test_a_value_that_can_still_reach_its_target_is_to_complete():
    # One contract over 12 months, revisable, and three whose duration is unknown: 1/1 = 100 % met.
    # One not revisable and one unknown: 0/1, at best 1/2 — below 100 %: not met.
    lines = (
        ContractLine("1", "1", year=2026, duration_months=24, price_revision=False),
        ContractLine("2", "2", year=2026),
    )
    result = ind.evaluate(ind.BY_ID["price_revision"], DashboardFacts(lines), 2026)
    assert result.status is Status.NOT_MET
    # Against a 30 % target (env criterion in 2024): 0/1 with 1 apart reaches 1/2 = 50 % at best.
    lines = (ContractLine("1", "1", year=2024), ContractLine("2", "2"))
    result = ind.evaluate(ind.BY_ID["env_criterion"], DashboardFacts(lines), 2024, POINTS)
    assert result.value == 0 and result.status is Status.TO_COMPLETE


def test_nothing_to_count_and_only_unknowns():
    empty = ind.evaluate(ind.BY_ID["lots"], DashboardFacts(), 2026)
    assert empty.value is None and empty.status is Status.NOTHING
    unknown = ind.evaluate(ind.BY_ID["sme_holders"], DashboardFacts((C,)), 2026)
    assert unknown.value is None and unknown.to_complete == 1 and unknown.status is Status.TO_COMPLETE
    ghg = ind.evaluate(ind.BY_ID["ghg_today"], DashboardFacts(orders=(OrderYear("X", 2026, 5, 4, 5),)), 2026)
    assert ghg.value is None and ghg.status is Status.TO_COMPLETE and "plan" in ghg.detail


@pytest.mark.parametrize(
    ("unit", "value", "text"),
    [
        (ind.Unit.SHARE, D("0.3333"), "33\u202f%"),
        (ind.Unit.SHARE, D("-0.1435"), "−14\u202f%"),
        (ind.Unit.EUROS, D("35400"), "35\u202f400\u202f€\u00a0HT"),
        (ind.Unit.AVERAGE, D("3.73"), "3,7"),
        (ind.Unit.COUNT, D(12), "12"),
        (ind.Unit.SHARE, None, "—"),
    ],
)
def test_french_display(unit, value, text):
    assert ind.format_value(unit, value) == text


def test_json_carries_what_scripts_need():
    result = ind.evaluate(ind.BY_ID["env_criterion"], FACTS, YEAR, POINTS)
    data = result.to_json()
    assert {"id", "label", "value", "numerator", "denominator", "target", "unit", "to_complete"} <= set(data)
    assert data["value"] == pytest.approx(0.3333) and data["to_complete"] == 1 and data["target"] == 0.7


def test_insertion_hours_are_counted_per_year_with_their_trend():
    """2025: F 120 h; A (passed in 2026) not running yet; missing: E (year unknown) and G (running
    2023–2025, no figure) → 120 h, 2 apart. 2024: F 500 h, the same two missing. The trend carries
    each year's own hours: 500, 120, then 390,5 in 2026."""
    hours = ind.BY_ID["insertion_hours"]
    r2025 = ind.evaluate(hours, FACTS, 2025)
    assert (r2025.value, r2025.numerator_refs, r2025.to_complete_refs) == (D(120), ("F",), ("E", "G"))
    r2024 = ind.evaluate(hours, FACTS, 2024)
    assert (r2024.value, r2024.to_complete) == (D(500), 2)
    r2026 = ind.evaluate(hours, FACTS, 2026)
    assert r2026.numerator_refs == ("A", "B") and r2026.to_complete_refs == ("E", "F")
    trend = {r.id: r for r in ind.evaluate_all(FACTS, 2026, trend_years=(2024, 2025, 2026))}
    assert trend["insertion_hours"].trend == ((2024, D(500)), (2025, D(120)), (2026, D("390.5")))
    assert trend["insertion_hours"].status is Status.NO_TARGET
    assert ind.format_value(ind.Unit.HOURS, D("390.5")) == "391\u202fheures"

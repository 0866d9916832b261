"""Cotation rules: the pre-fill table at its boundaries, the score formula, priorities, the cycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.enums import Priority, Procedure, PurchaseNature, SocialEconomyStatus, SupplierSize
from app.rules import cotation as c
from app.rules.dated_settings import DatedValue, Settings
from app.rules.settings_catalogue import catalogue


def shipped_settings() -> Settings:
    return catalogue().shipped()


SETTINGS = shipped_settings()
T = c.thresholds_from_settings(SETTINGS, dt.date(2026, 10, 1))


def facts(**kw) -> c.ContractFacts:
    base = dict(
        reference="T-1",
        nature=PurchaseNature.SERVICES,
        procedure=Procedure.ADAPTED,
        amount=Decimal("50000"),
        duration_months=24,
    )
    # The cotation reads these through the one ContractFacts: give them as the contract's own data.
    if kw.pop("has_social_clause", False):
        kw["social_considerations"] = ("Clause sociale",)
    if kw.pop("price_revisable", False):
        kw["price_types"] = ("Définitif révisable",)
    if kw.pop("has_environmental_criterion", False):
        kw["environmental_considerations"] = ("Critère environnemental",)
    if "family" in kw:
        kw["family_label"] = kw.pop("family")
    base.update(kw)
    return c.ContractFacts(**base)


def rating(lever: str, f: c.ContractFacts) -> c.LeverRating | None:
    return next((r for r in c.prefill(f, T) if r.lever == lever), None)


def test_thresholds_come_from_the_dated_settings():
    assert T.insertion_study == Decimal("90000")
    assert T.spaser_advance == Decimal("215000")
    assert (T.priority_a_min, T.priority_b_min) == (80, 65)
    # A town that lowers its insertion threshold changes the pre-fill, no code involved.
    own = Settings(
        [
            *(v for k in SETTINGS.keys() for v in SETTINGS.history(k)),  # noqa: SIM118 - not a dict
            DatedValue("threshold.insertion_study", "50000", dt.date(2026, 1, 1), organisation_specific=True),
        ]
    )
    lowered = c.thresholds_from_settings(own, dt.date(2026, 10, 1))
    f = facts(amount=Decimal("60000"))
    assert next(r for r in c.prefill(f, lowered) if r.lever == "insertion_clause").stake == 3
    assert rating("insertion_clause", f).stake == 1


# (lever, facts, expected (stake, feasibility, effort) or None when the lever does not apply)
CASES = [
    # insertion clause: strictly above 90 000 € HT (DOMAIN: "> 90 k€ HT").
    ("insertion_clause", facts(amount=Decimal("90000")), (1, 2, 2)),
    ("insertion_clause", facts(amount=Decimal("90000.01")), (3, 2, 1)),
    ("insertion_clause", facts(amount=Decimal("90000.01"), nature=PurchaseNature.SUPPLIES), (2, 1, 2)),
    ("insertion_clause", facts(amount=None, nature=PurchaseNature.SUPPLIES), (1, 1, 2)),
    # insertion criterion: formalised procedure above the threshold.
    ("insertion_criterion", facts(amount=Decimal("90000.01"), procedure=Procedure.OPEN_TENDER), (2, 2, 2)),
    ("insertion_criterion", facts(amount=Decimal("90000.01")), (2, 1, 2)),
    ("insertion_criterion", facts(amount=Decimal("90000")), (1, 1, 2)),
    # reservation: strictly below 90 000 € HT.
    (
        "reservation",
        facts(amount=Decimal("89999.99"), supplier_social_economy=SocialEconomyStatus.SIAE),
        (3, 3, 1),
    ),
    (
        "reservation",
        facts(amount=Decimal("90000"), supplier_social_economy=SocialEconomyStatus.SIAE),
        (1, 1, 2),
    ),
    ("reservation", facts(amount=Decimal("89999.99")), (2, 2, 1)),
    ("reservation", facts(amount=Decimal("89999.99"), nature=PurchaseNature.SUPPLIES), (2, 1, 1)),
    # social clauses: always apply.
    ("social_clauses", facts(), (2, 3, 0)),
    ("social_clauses", facts(has_social_clause=True), (1, 3, 0)),
    # fair trade: only in the relevant families.
    ("fair_trade", facts(), None),
    ("fair_trade", facts(fair_trade_relevant=True, family="Restauration scolaire"), (3, 2, 1)),
    # allotment: EU threshold of the nature, lots, works, large holder.
    ("allotment", facts(amount=Decimal("216000")), (3, 2, 2)),
    ("allotment", facts(amount=Decimal("215999.99")), (1, 1, 1)),
    ("allotment", facts(amount=Decimal("216000"), has_lots=True), (1, 2, 1)),
    ("allotment", facts(amount=Decimal("20000"), nature=PurchaseNature.WORKS), (3, 2, 2)),
    ("allotment", facts(amount=Decimal("90000"), supplier_size=SupplierSize.GE), (2, 2, 1)),
    ("allotment", facts(amount=Decimal("89999.99"), supplier_size=SupplierSize.GE), (1, 1, 1)),
    # SME advance: strictly below 215 000 € HT.
    ("sme_advance", facts(amount=Decimal("214999.99"), supplier_size=SupplierSize.PME), (3, 3, 0)),
    ("sme_advance", facts(amount=Decimal("214999.99"), supplier_size=SupplierSize.GE), (2, 3, 0)),
    ("sme_advance", facts(amount=Decimal("214999.99"), advance_granted=True), (1, 3, 0)),
    ("sme_advance", facts(amount=Decimal("215000"), supplier_size=SupplierSize.PME), (1, 3, 0)),
    ("sme_advance", facts(amount=Decimal("215000"), duration_months=2), None),
    # price revision: strictly longer than 12 months.
    ("price_revision", facts(duration_months=12), (1, 2, 0)),
    ("price_revision", facts(duration_months=13), (3, 3, 0)),
    ("price_revision", facts(duration_months=13, price_revisable=True), (1, 3, 0)),
    # negotiation depends on the procedure.
    ("negotiation", facts(procedure=Procedure.ADAPTED), (2, 3, 1)),
    ("negotiation", facts(procedure=Procedure.NO_PUBLICITY), (2, 3, 0)),
    ("negotiation", facts(procedure=Procedure.NEGOTIATED), (1, 3, 1)),
    ("negotiation", facts(procedure=Procedure.OPEN_TENDER), (1, 0, 3)),
    # ecological criteria.
    ("ecological_criteria", facts(agec_category="Papier"), (3, 3, 1)),
    ("ecological_criteria", facts(nature=PurchaseNature.SUPPLIES), (3, 2, 2)),
    ("ecological_criteria", facts(), (2, 2, 2)),
    ("ecological_criteria", facts(has_environmental_criterion=True), (1, 2, 1)),
    # works-only levers and their thresholds (200 000 € and 1 000 000 € by default).
    ("sustainability_assistant", facts(), None),
    ("sustainability_assistant", facts(nature=PurchaseNature.WORKS, amount=Decimal("200000")), (3, 2, 2)),
    ("sustainability_assistant", facts(nature=PurchaseNature.WORKS, amount=Decimal("199999.99")), (1, 2, 2)),
    ("carbon_compensation", facts(nature=PurchaseNature.WORKS, amount=Decimal("999999.99")), None),
    ("carbon_compensation", facts(nature=PurchaseNature.WORKS, amount=Decimal("1000000")), (2, 1, 3)),
    # right need and impact reporting.
    ("right_need", facts(nature=PurchaseNature.SUPPLIES, is_framework=True), (3, 2, 1)),
    ("right_need", facts(agec_category="Mobilier"), (3, 2, 2)),
    ("impact_reporting", facts(nature=PurchaseNature.SUPPLIES, is_framework=True), (3, 2, 1)),
    ("impact_reporting", facts(), (1, 2, 2)),
]


@pytest.mark.parametrize(("lever", "f", "expected"), CASES)
def test_prefill_table(lever, f, expected):
    got = rating(lever, f)
    if expected is None:
        assert got is None
    else:
        assert got is not None and (got.stake, got.feasibility, got.effort) == expected
        assert got.reason and got.reason[0].isupper() and "{" not in got.reason
        assert (got.prefilled_stake, got.prefilled_feasibility, got.prefilled_effort) == expected
        assert not got.overridden


def test_reasons_quote_amounts_and_thresholds_in_french():
    r = rating("insertion_clause", facts(amount=Decimal("120000")))
    assert "120\u202f000 €" in r.reason and "90\u202f000 €" in r.reason
    r = rating("price_revision", facts(duration_months=36))
    assert "36 mois" in r.reason and "12 mois" in r.reason


def test_every_lever_has_a_row_and_every_row_a_known_lever():
    levers = {r.lever for r in c.PREFILL_TABLE}
    assert levers == set(c.LEVERS_BY_CODE)
    assert len(c.prefill_documentation()) == len(c.PREFILL_TABLE)


@pytest.mark.parametrize(
    ("ratings", "score"),
    [
        ([], 0),
        ([(3, 3, 0)], 33),  # 1 / 3
        ([(3, 3, 0)] * 3, 100),
        ([(3, 3, 0)] * 5, 100),  # only the best three count
        ([(0, 3, 0)] * 3, 0),  # no stake, no potential
        ([(3, 0, 3)] * 3, 0),  # not feasible and heavy
        ([(3, 2, 1)] * 3, 67),  # 6/9 = 0.667
        ([(2, 3, 0), (1, 1, 1), (3, 3, 3)], 49),  # (2/3 + 1/3 * 4/9 + 6/9) / 3 = 0.4938
        ([(1, 1, 2)], 4),  # 1/3 * 3/9 / 3 = 0.037
    ],
)
def test_score_formula(ratings, score):
    rs = [c.LeverRating(f"l{i}", *r) for i, r in enumerate(ratings)]
    assert c.potential_score(rs) == score


@pytest.mark.parametrize(
    ("score", "priority"), [(100, "A"), (80, "A"), (79, "B"), (65, "B"), (64, "C"), (0, "C")]
)
def test_priority_thresholds(score, priority):
    assert c.priority_for(score, T) is Priority(priority)


def test_override_keeps_prefilled_values_and_checks_range():
    r = rating("reservation", facts())
    o = c.override(r, feasibility=3)
    assert o.feasibility == 3 and o.prefilled_feasibility == r.feasibility and o.overridden
    with pytest.raises(ValueError, match="faisabilité"):
        c.override(r, feasibility=4)
    with pytest.raises(ValueError):
        c.lever_potential(-1, 0, 0)


levers = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)), min_size=0, max_size=14)


def _score(triples):
    return c.potential_score([c.LeverRating(f"l{i:02d}", *t) for i, t in enumerate(triples)])


@given(levers)
def test_score_stays_within_0_and_100(triples):
    assert 0 <= _score(triples) <= 100


@given(levers.filter(bool), st.data())
def test_score_is_monotonic_in_each_rating(triples, data):
    index = data.draw(st.integers(0, len(triples) - 1))
    which = data.draw(st.integers(0, 2))
    before = _score(triples)
    bumped = list(triples)
    values = list(bumped[index])
    if which < 2:  # more stake or feasibility never lowers the score
        if values[which] == 3:
            return
        values[which] += 1
        bumped[index] = tuple(values)
        assert _score(bumped) >= before
    else:  # more effort never raises it
        if values[2] == 3:
            return
        values[2] += 1
        bumped[index] = tuple(values)
        assert _score(bumped) <= before


def test_cycle_windows_and_due_rules():
    w = c.cycle_windows(SETTINGS, 2026, dt.date(2026, 11, 19))
    assert (w.diagnose_from, w.diagnose_to, w.present_year) == (
        dt.date(2028, 1, 19),
        dt.date(2028, 11, 19),
        2027,
    )
    assert c.to_diagnose(dt.date(2028, 1, 19), w) and c.to_diagnose(dt.date(2028, 11, 19), w)
    assert not c.to_diagnose(dt.date(2028, 1, 18), w) and not c.to_diagnose(dt.date(2028, 11, 20), w)
    assert not c.to_diagnose(None, w)
    assert c.to_present(dt.date(2027, 1, 1), w) and c.to_present(dt.date(2027, 12, 31), w)
    assert not c.to_present(dt.date(2026, 12, 31), w) and not c.to_present(dt.date(2028, 1, 1), w)
    assert c.default_cad_date(SETTINGS, 2027) == dt.date(2027, 10, 1)
    assert c.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("year", "contracts", "diagnosed", "target", "needed"),
    [
        (2025, 10, 0, None, 0),
        (2026, 10, 3, "0.40", 1),
        (2026, 10, 4, "0.40", 0),
        (2027, 9, 5, "0.60", 1),
        (2028, 6, 0, "0.80", 5),
    ],
)
def test_deployment_targets(year, contracts, diagnosed, target, needed):
    t = c.YearTarget(year, contracts, diagnosed, c.cotation_target(SETTINGS, year))
    assert t.target == (Decimal(target) if target else None)
    assert t.needed == needed

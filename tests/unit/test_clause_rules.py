"""Clause applicability rules, table-driven at and around every threshold and dated change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.enums import Procedure, PurchaseNature, SupplierSize
from app.rules.clauses import Applicability, ContractFacts, agec_rates, evaluate
from app.rules.dated_settings import DatedValue, Settings
from app.rules.settings_catalogue import catalogue

M, R, S, N = (
    Applicability.MANDATORY,
    Applicability.RECOMMENDED,
    Applicability.TO_STUDY,
    Applicability.NOT_APPLICABLE,
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    """The shipped catalogue (settings.toml and every settings-*.toml), as the app resolves it."""
    return catalogue().shipped()


def facts(**kw) -> ContractFacts:
    base = {
        "nature": PurchaseNature.SERVICES,
        "procedure": Procedure.ADAPTED,
        "amount": Decimal("100000"),
        "duration_months": 24,
        "consultation_date": dt.date(2026, 5, 1),
    }
    base.update(kw)
    return ContractFacts(**base)


D = Decimal


def plain(text: str) -> str:
    """Reasons use French no-break spaces; the table is written with plain ones."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("code", "kw", "status", "reason_part"),
    [
        # Insertion study: > 90 000 € HT (action 8).
        ("insertion-clause", {"amount": D("90000.01")}, R, "90 000,01 € > 90 000 €"),
        ("insertion-clause", {"amount": D("90000")}, S, "90 000 € ≤ 90 000 €"),
        ("insertion-clause", {"amount": D("89999.99")}, S, "89 999,99 € ≤ 90 000 €"),
        ("insertion-clause", {"amount": D("90000"), "nature": PurchaseNature.SUPPLIES}, N, "action 8"),
        ("insertion-clause", {"amount": None}, S, "montant inconnu"),
        # From 2026-08-22, at or above the EU threshold (216 000 € in 2026): social clause mandatory.
        (
            "insertion-clause",
            {"amount": D("216000"), "consultation_date": dt.date(2026, 8, 22)},
            M,
            "L2112-2-1",
        ),
        (
            "insertion-clause",
            {"amount": D("215999.99"), "consultation_date": dt.date(2026, 8, 22)},
            R,
            "action 8",
        ),
        (
            "insertion-clause",
            {"amount": D("216000"), "consultation_date": dt.date(2026, 8, 21)},
            R,
            "action 8",
        ),
        (
            "insertion-clause",
            {
                "amount": D("5404000"),
                "nature": PurchaseNature.WORKS,
                "consultation_date": dt.date(2026, 9, 1),
            },
            M,
            "5 404 000 €",
        ),
        (
            "insertion-clause",
            {
                "amount": D("5403999"),
                "nature": PurchaseNature.WORKS,
                "consultation_date": dt.date(2026, 9, 1),
            },
            R,
            "action 8",
        ),
        (
            "insertion-criterion",
            {"amount": D("90000.01"), "procedure": Procedure.OPEN_TENDER},
            R,
            "action 10",
        ),
        ("insertion-criterion", {"amount": D("90000.01")}, S, "action 10"),
        ("insertion-criterion", {"amount": D("90000"), "procedure": Procedure.OPEN_TENDER}, N, "≤ 90 000 €"),
        ("insertion-criterion", {"procedure": Procedure.NO_PUBLICITY}, N, "sans mise en concurrence"),
        # Reservation: < 90 000 € HT (action 11).
        ("reservation-ea-esat", {"amount": D("89999.99")}, R, "89 999,99 € < 90 000 €"),
        ("reservation-ea-esat", {"amount": D("90000")}, S, "90 000 € ≥ 90 000 €"),
        ("reservation-siae", {"amount": D("89999.99")}, R, "L2113-13"),
        ("reservation-siae", {"amount": D("90000")}, S, "hors de la cible"),
        ("reservation-ess", {"duration_months": 36}, S, "L2113-15"),
        ("reservation-ess", {"duration_months": 37}, N, "37 mois > 36 mois"),
        ("reservation-ess", {"nature": PurchaseNature.WORKS}, N, "L2113-15"),
        # Social clauses (action 12).
        ("anti-discrimination-tiebreak", {}, M, "action 12"),
        ("anti-discrimination-tiebreak", {"procedure": Procedure.NO_PUBLICITY}, N, "action 12"),
        ("gender-equality", {}, R, "action 12"),
        (
            "fair-trade",
            {"fair_trade_relevant": True, "family_label": "Restauration scolaire"},
            R,
            "« Restauration scolaire »",
        ),
        ("fair-trade", {}, N, "action 13"),
        # Allotment: mandatory principle above the no-publicity threshold (60 000 € from 2026-04-01).
        (
            "allotment",
            {
                "amount": D("50000"),
                "nature": PurchaseNature.SUPPLIES,
                "consultation_date": dt.date(2026, 3, 31),
            },
            M,
            "L2113-10",
        ),
        (
            "allotment",
            {
                "amount": D("50000"),
                "nature": PurchaseNature.SUPPLIES,
                "consultation_date": dt.date(2026, 4, 1),
            },
            S,
            "seuil de dispense 60 000 €",
        ),
        ("allotment", {"amount": D("60000"), "consultation_date": dt.date(2026, 4, 1)}, M, "action 14"),
        ("allotment", {"amount": D("99999.99"), "nature": PurchaseNature.WORKS}, S, "100 000 €"),
        ("allotment", {"procedure": Procedure.NO_PUBLICITY}, S, "facultatif"),
        # SPASER advance: < 215 000 € HT for TPE/PME (action 17).
        ("sme-advance-30", {"amount": D("214999.99")}, M, "< 215 000 €"),
        ("sme-advance-30", {"amount": D("215000")}, S, "≥ 215 000 €"),
        ("sme-advance-30", {"amount": D("1000"), "supplier_size": SupplierSize.GE}, N, "Grande entreprise"),
        ("sme-advance-30", {"amount": D("1000"), "supplier_size": SupplierSize.PME}, M, "30 %"),
        # Mandatory advance: > 50 000 € HT and > 2 months (R2191-3).
        (
            "mandatory-advance",
            {"amount": D("50000.01"), "duration_months": 3},
            M,
            "> 50 000 € et durée 3 mois > 2 mois",
        ),
        ("mandatory-advance", {"amount": D("50000"), "duration_months": 3}, N, "50 000 € ≤ 50 000 €"),
        ("mandatory-advance", {"amount": D("50000.01"), "duration_months": 2}, N, "durée 2 mois ≤ 2 mois"),
        ("mandatory-advance", {"amount": D("80000"), "duration_months": None}, S, "durée inconnue"),
        # Price revision: > 12 months (action 19); > 3 months for raw-material supplies (R2112-14).
        (
            "price-revision",
            {"duration_months": 13},
            M,
            "durée 13 mois > 12 mois → révision des prix obligatoire (action 19)",
        ),
        ("price-revision", {"duration_months": 12}, N, "12 mois ≤ 12 mois"),
        ("price-revision", {"duration_months": 12, "nature": PurchaseNature.SUPPLIES}, S, "R2112-14"),
        ("price-revision", {"duration_months": 3, "nature": PurchaseNature.SUPPLIES}, N, "prix ferme"),
        ("price-revision", {"duration_months": 36}, M, "durée 36 mois > 12 mois"),
        ("payment-delays", {}, R, "30 jours"),
        ("data-protection", {"cpv_code": "72260000-5"}, R, "RGPD"),
        ("data-protection", {}, S, "RGPD"),
        ("data-protection", {"nature": PurchaseNature.WORKS}, N, "action 19"),
        ("negotiation-mapa", {}, R, "R2123-5"),
        ("negotiation-mapa", {"procedure": Procedure.OPEN_TENDER}, N, "interdite"),
        ("right-need-sobriety", {"recurrent": True}, R, "renouvellement"),
        ("right-need-sobriety", {"recurrent": False}, S, "actions 18 et 22"),
        # Unknown is not false: a rule that needs an unknown fact asks for it.
        ("right-need-sobriety", {}, S, "récurrence inconnue"),
        ("price-revision", {"duration_months": None}, S, "durée inconnue : renseignez la date de fin"),
        ("insertion-clause", {"nature": None}, S, "nature inconnue"),
        # Climate and resilience law: consultations from 2026-08-22.
        ("env-award-criterion", {"consultation_date": dt.date(2026, 8, 21)}, R, "avant le 22/08/2026"),
        (
            "env-award-criterion",
            {"consultation_date": dt.date(2026, 8, 22)},
            M,
            "le prix seul n'est plus admis",
        ),
        (
            "env-award-criterion",
            {"procedure": Procedure.NO_PUBLICITY, "consultation_date": dt.date(2027, 1, 1)},
            S,
            "action 24",
        ),
        ("env-execution-clause", {"consultation_date": dt.date(2026, 8, 21)}, R, "avant le 22/08/2026"),
        ("env-execution-clause", {"consultation_date": dt.date(2026, 8, 22)}, M, "L2112-2"),
        (
            "env-execution-clause",
            {"procedure": Procedure.NO_PUBLICITY, "consultation_date": dt.date(2026, 8, 22)},
            M,
            "tout marché",
        ),
        ("eco-labels", {"nature": PurchaseNature.SUPPLIES}, R, "écolabel"),
        ("life-cycle-cost", {"nature": PurchaseNature.SUPPLIES}, S, "R2152-9"),
        ("life-cycle-cost", {}, N, "action 24"),
        ("transport-ghg-info", {"cpv_code": "60100000-9"}, M, "L1431-3"),
        ("transport-ghg-info", {"nature": PurchaseNature.SUPPLIES}, R, "L1431-3"),
        # A service whose CPV and object do not say whether it delivers is to study, not "no delivery".
        ("transport-ghg-info", {}, S, "ni le code CPV"),
        (
            "delivery-grouping",
            {"nature": PurchaseNature.SUPPLIES, "is_framework": True},
            R,
            "25 % de commandes en moins",
        ),
        ("delivery-grouping", {"nature": PurchaseNature.SUPPLIES}, S, "action 25"),
        ("impact-reporting", {"nature": PurchaseNature.WORKS}, R, "action 25"),
        (
            "carbon-compensation",
            {"nature": PurchaseNature.WORKS, "amount": D("5404000")},
            R,
            "≥ seuil européen",
        ),
        ("carbon-compensation", {"nature": PurchaseNature.WORKS, "amount": D("5403999.99")}, S, "action 26"),
        ("carbon-compensation", {}, N, "action 26"),
        ("sustainability-assistant", {"nature": PurchaseNature.WORKS}, R, "action 23"),
        ("sustainability-assistant", {}, N, "action 23"),
    ],
)
def test_rule(settings, code, kw, status, reason_part):
    verdict = evaluate(code, facts(**kw), settings)
    assert verdict.status is status, verdict.reason
    assert reason_part in plain(verdict.reason)


@pytest.mark.parametrize(
    ("category", "day", "expected"),
    [
        ("Papier", dt.date(2024, 6, 30), {"share": D("0.40")}),
        # Décret 2021-254 repealed on 1 July 2024: the 2024-134 shares of paper are not verified.
        ("Papier", dt.date(2026, 6, 1), {"reuse": None, "recycled": None}),
        ("Équipements informatiques", dt.date(2023, 1, 1), {"share": D("0.20")}),
        ("Équipements informatiques", dt.date(2025, 1, 1), {"reuse": None, "recycled": None}),
        ("Mobilier", dt.date(2024, 7, 1), {"reuse": D("0.20"), "recycled": D("0.15")}),
        ("Mobilier", dt.date(2027, 1, 1), {"reuse": None, "recycled": None}),
        ("Mobilier", dt.date(2030, 1, 1), {"reuse": D("0.25"), "recycled": D("0.25")}),
        ("Textiles", dt.date(2024, 6, 30), {"share": D("0.20")}),
        ("Textiles", dt.date(2024, 7, 1), {"reuse": D("0.08"), "recycled": D("0.20")}),
        ("Textiles", dt.date(2026, 12, 31), {"reuse": D("0.08"), "recycled": D("0.20")}),
        ("Textiles", dt.date(2027, 1, 1), {"reuse": D("0.15"), "recycled": D("0.25")}),
        ("Textiles", dt.date(2029, 12, 31), {"reuse": D("0.15"), "recycled": D("0.25")}),
        ("Textiles", dt.date(2030, 1, 1), {"reuse": D("0.15"), "recycled": D("0.30")}),
        ("Inconnue", dt.date(2030, 1, 1), {}),
    ],
)
def test_agec_rates_rise_in_2027_and_2030(settings, category, day, expected):
    rates = agec_rates(settings, category, day)
    assert {k: r.rate for k, r in rates.items()} == expected
    assert all(r.to_verify for r in rates.values())  # no row of the annex was read in the text itself


def test_agec_rule_names_the_rates_of_the_year_and_marks_them_to_verify(settings):
    kw = {"nature": PurchaseNature.SUPPLIES, "agec_category": "Textiles"}
    before = evaluate("agec-reuse-recycled", facts(consultation_date=dt.date(2026, 12, 31), **kw), settings)
    after = evaluate("agec-reuse-recycled", facts(consultation_date=dt.date(2027, 1, 1), **kw), settings)
    assert before.status is M and after.status is M
    assert "au moins 8 % issus du réemploi" in plain(before.reason) and "20 % intégrant" in plain(
        before.reason
    )
    assert "au moins 15 % issus du réemploi" in plain(after.reason) and "25 % intégrant" in plain(
        after.reason
    )
    assert "à vérifier" in after.reason
    unknown = evaluate(
        "agec-reuse-recycled", facts(agec_category="Peintures", nature=PurchaseNature.SUPPLIES), settings
    )
    assert unknown.status is S and "famille d'achat" in unknown.reason


def test_thresholds_come_from_settings_not_code(settings):
    """An organisation that lowers its insertion threshold changes the verdict."""
    own = Settings(
        [
            *(value for key in settings.keys() for value in settings.history(key)),  # noqa: SIM118
            DatedValue("threshold.insertion_study", "50000", dt.date(2024, 1, 1), organisation_specific=True),
        ]
    )
    f = facts(amount=D("60000"))
    assert evaluate("insertion-clause", f, settings).status is S
    verdict = evaluate("insertion-clause", f, own)
    assert verdict.status is R and "> 50 000 €" in plain(verdict.reason)


def test_contract_data_is_evidence(settings):
    f = facts(
        duration_months=36, price_types=("Définitif révisable",), advance_granted=True, amount=D("60000")
    )
    assert evaluate("price-revision", f, settings).evidence
    assert evaluate("mandatory-advance", f, settings).evidence
    assert evaluate("price-revision", facts(duration_months=36), settings).evidence is None


def test_missing_setting_gives_to_study_not_a_crash():
    verdict = evaluate("price-revision", facts(), Settings([]))
    assert verdict.status is S and "aucune valeur connue" in verdict.reason


def test_user_clause_without_rule_is_to_study(settings):
    verdict = evaluate("perso-1234abcd", facts(), settings)
    assert verdict.status is S and "collectivité" in verdict.reason


def test_old_contract_uses_first_value_of_a_spaser_setting(settings):
    """SPASER thresholds start in 2024; a 2022 contract is reviewed with them, not rejected."""
    verdict = evaluate("insertion-clause", facts(consultation_date=dt.date(2022, 1, 1)), settings)
    assert verdict.status is R


def test_only_registered_rules_can_say_mandatory():
    """``MAY_BE_MANDATORY`` reads the rules' code: a helper that returned "mandatory" for a rule
    would escape it, so none may."""
    import inspect

    from app.rules import clauses

    rules = set(clauses.RULES.values())
    helpers = [
        fn
        for _, fn in inspect.getmembers(clauses, inspect.isfunction)
        if fn.__module__ == clauses.__name__ and fn not in rules
    ]
    readers = {clauses.first_missing_mandatory}  # reads verdicts, gives none
    assert helpers
    assert [fn.__name__ for fn in helpers if fn not in readers and clauses._may_be_mandatory(fn)] == []
    assert "mandatory-advance" in clauses.MAY_BE_MANDATORY
    assert "allotment" in clauses.MAY_BE_MANDATORY
    assert len(clauses.MAY_BE_MANDATORY) < len(clauses.RULES)


@pytest.mark.parametrize("amount", ["1000", "50000", "300000", "6000000"])
@pytest.mark.parametrize("nature", [PurchaseNature.SUPPLIES, PurchaseNature.SERVICES, PurchaseNature.WORKS])
@pytest.mark.parametrize("has_lots", [False, True])
def test_first_missing_mandatory_agrees_with_every_verdict(settings, amount, nature, has_lots):
    """The same answer as scanning every verdict, also once the clauses found missing are settled."""
    from app.rules.clauses import RULES, evaluate_all, first_missing_mandatory

    contract = facts(
        object="Fourniture de repas livrés",
        nature=nature,
        procedure=Procedure.OPEN_TENDER if Decimal(amount) > 200_000 else Procedure.ADAPTED,
        amount=Decimal(amount),
        duration_months=36,
        recurrent=True,
        has_lots=has_lots,
        supplier_size=SupplierSize.PME,
    )
    codes = sorted(RULES)
    found = []
    while True:
        expected = next(
            (
                v.code
                for v in evaluate_all(codes, contract, settings)
                if v.status is Applicability.MANDATORY and v.evidence is None
            ),
            None,
        )
        assert first_missing_mandatory(codes, contract, settings) == expected
        if expected is None:
            break
        found.append(expected)
        codes.remove(expected)  # as if the buyer retained it
    if Decimal(amount) > 200_000:
        assert found  # a formalised procedure lacks at least one mandatory clause here

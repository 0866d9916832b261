"""The rules brought up to date: deliveries decided by what is delivered, EGalim for public
catering, the innovative-purchase route, online documents and small lots, at their boundaries and
dates. Values come from the shipped catalogue; every row names the status and a part of the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.enums import Procedure, PurchaseNature
from app.rules.clauses import Applicability, ContractFacts, catering, deliveries, evaluate
from app.rules.settings_catalogue import catalogue

M, R, S, N = (
    Applicability.MANDATORY,
    Applicability.RECOMMENDED,
    Applicability.TO_STUDY,
    Applicability.NOT_APPLICABLE,
)
D = Decimal
SETTINGS = catalogue().shipped()
SERVICES, SUPPLIES, WORKS = PurchaseNature.SERVICES, PurchaseNature.SUPPLIES, PurchaseNature.WORKS


def facts(**kw) -> ContractFacts:
    base = {
        "nature": SERVICES,
        "procedure": Procedure.ADAPTED,
        "amount": D("100000"),
        "duration_months": 24,
        "consultation_date": dt.date(2026, 5, 1),
    }
    base.update(kw)
    return ContractFacts(**base)


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def check(code, kw, status, part):
    verdict = evaluate(code, facts(**kw), SETTINGS)
    assert verdict.status is status, verdict.reason
    assert part in plain(verdict.reason), verdict.reason


MEALS = {"object": "Préparation et livraison de repas", "cpv_code": "55523100-3"}


@pytest.mark.parametrize(
    ("kw", "delivers", "transport"),
    [
        (MEALS, True, False),  # the demo's largest contract is told it has deliveries
        ({"cpv_code": "55521200-0"}, True, False),  # meal delivery service
        ({"cpv_code": "98311000-6"}, True, False),  # laundry collection
        ({"cpv_code": "90511000-2"}, True, False),  # refuse collection
        ({"cpv_code": "60130000-8"}, True, True),  # road transport
        ({"cpv_code": "64121200-2"}, True, True),  # parcel delivery
        ({"object": "Portage de repas à domicile"}, True, False),
        ({"object": "Blanchisserie du linge des écoles"}, True, False),
        ({"nature": SUPPLIES}, True, False),
        ({"nature": WORKS}, False, False),
        ({"cpv_code": "72000000-5", "object": "Maintenance du logiciel"}, False, False),
        ({"cpv_code": "66510000-8", "object": "Assurance dommages"}, False, False),
        ({"object": "Mission de conseil"}, None, False),  # services without evidence: not "no"
    ],
)
def test_deliveries_are_decided_by_what_is_delivered(kw, delivers, transport):
    from app.rules.contract import known

    d = deliveries(known(facts(**kw)))
    assert (d.delivers, d.transport) == (delivers, transport), d.why


@pytest.mark.parametrize(
    ("code", "kw", "status", "part"),
    [
        ("transport-ghg-info", MEALS, R, "service qui livre"),
        ("transport-ghg-info", {"cpv_code": "60130000-8"}, M, "L1431-3"),
        ("transport-ghg-info", {"object": "Mission de conseil"}, S, "si la prestation livre"),
        ("transport-ghg-info", {"nature": WORKS}, N, "travaux"),
        ("transport-ghg-info", {"cpv_code": "72000000-5"}, N, "sans livraison"),
        ("delivery-grouping", {**MEALS, "is_framework": True}, R, "25 % de commandes en moins"),
        ("delivery-grouping", MEALS, S, "calendrier de livraison"),
        ("delivery-grouping", {"object": "Mission de conseil"}, S, "si la prestation livre"),
        ("delivery-grouping", {"cpv_code": "66510000-8"}, N, "pas de livraisons"),
        # An unknown nature that decides stops the rule; a CPV that decides does not need it.
        ("delivery-grouping", {"nature": None}, S, "nature inconnue"),
        ("transport-ghg-info", {"nature": None, "cpv_code": "55521200-0"}, R, "service qui livre"),
    ],
)
def test_delivery_rules(code, kw, status, part):
    check(code, kw, status, part)


@pytest.mark.parametrize(
    ("kw", "is_catering", "school"),
    [
        (MEALS, True, True),
        ({"cpv_code": "55520000-1", "object": "Service traiteur pour les cérémonies"}, True, None),
        ({"nature": SUPPLIES, "cpv_code": "15800000-6", "object": "Denrées alimentaires"}, True, None),
        ({"nature": SUPPLIES, "object": "Fourniture de denrées pour la cantine"}, True, True),
        ({"object": "Restauration de l'église"}, False, False),  # restoring a building is not catering
        ({"cpv_code": "45000000-7", "nature": WORKS}, False, False),
    ],
)
def test_catering_is_read_from_cpv_and_words(kw, is_catering, school):
    k = catering(facts(**kw))
    assert (k.catering, k.school) == (is_catering, school), k.why


@pytest.mark.parametrize(
    ("code", "kw", "status", "part"),
    [
        # EGalim: 50 % sustainable and quality, of which 20 % organic, in value, from 1 January 2022.
        (
            "egalim-quality-products",
            MEALS,
            M,
            "au moins 50 % de produits durables et de qualité, dont 20 % de bio",
        ),
        ("egalim-quality-products", MEALS, M, "60 % des viandes et poissons (à vérifier)"),
        ("egalim-quality-products", MEALS, M, "ma cantine"),
        (
            "egalim-quality-products",
            {**MEALS, "consultation_date": dt.date(2023, 12, 31)},
            M,
            "dont 20 % de bio",
        ),
        (
            "egalim-quality-products",
            {**MEALS, "consultation_date": dt.date(2021, 12, 31)},
            R,
            "avant l'entrée",
        ),
        (
            "egalim-quality-products",
            {"object": "Nettoyage des locaux", "cpv_code": "90910000-9"},
            N,
            "EGalim",
        ),
        # Vegetarian menu once a week in school catering.
        ("egalim-vegetarian-menu", MEALS, M, "au moins un menu végétarien par semaine"),
        ("egalim-vegetarian-menu", {"cpv_code": "55520000-1"}, S, "si les repas sont servis"),
        ("egalim-vegetarian-menu", {"cpv_code": "90910000-9"}, N, "restauration scolaire"),
        # Plastic containers: banned from 1 January 2025 (1 January 2028 below 2 000 inhabitants).
        ("plastic-free-catering", {**MEALS, "consultation_date": dt.date(2024, 12, 31)}, R, "anticiper"),
        ("plastic-free-catering", {**MEALS, "consultation_date": dt.date(2025, 1, 1)}, M, "01/01/2028"),
        ("plastic-free-catering", {"cpv_code": "55520000-1"}, S, "jeunes enfants"),
        ("plastic-free-catering", {"cpv_code": "90910000-9"}, N, "écoles"),
    ],
)
def test_egalim_rules(code, kw, status, part):
    check(code, kw, status, part)


@pytest.mark.parametrize(
    ("code", "kw", "status", "part"),
    [
        # Innovative purchases without publicity below 100 000 € HT (R2122-9-1), above the dispense.
        ("innovative-purchase", {"amount": D("99999.99")}, S, "R2122-9-1"),
        ("innovative-purchase", {"amount": D("100000")}, N, "100 000 € ≥ 100 000 €"),
        ("innovative-purchase", {"amount": D("60000")}, S, "vélo-cargo"),
        ("innovative-purchase", {"amount": D("59999.99")}, N, "seuil de dispense 60 000 €"),
        (
            "innovative-purchase",
            {"amount": D("45000"), "consultation_date": dt.date(2026, 3, 31)},
            S,
            "(seuil à vérifier)",
        ),
        ("innovative-purchase", {"amount": None}, S, "montant inconnu"),
        # Online consultation documents from 60 000 € HT on 1 April 2026 (40 000 € before).
        ("online-documents", {"amount": D("60000")}, M, "R2132-2"),
        ("online-documents", {"amount": D("59999.99")}, R, "< 60 000 €"),
        (
            "online-documents",
            {"amount": D("40000"), "consultation_date": dt.date(2026, 3, 31)},
            M,
            "≥ 40 000 €",
        ),
        ("online-documents", {"procedure": Procedure.NO_PUBLICITY}, N, "sans publicité"),
        # Small lots in a formalised procedure: adapted procedure, not an exemption from publicity.
        ("small-lots", {"procedure": Procedure.OPEN_TENDER, "has_lots": True}, S, "80 000 €"),
        (
            "small-lots",
            {"procedure": Procedure.OPEN_TENDER, "has_lots": True, "nature": WORKS},
            S,
            "1 000 000 €",
        ),
        ("small-lots", {"procedure": Procedure.OPEN_TENDER}, N, "sans lots"),
        ("small-lots", {"procedure": Procedure.ADAPTED, "has_lots": True}, N, "procédures formalisées"),
        ("small-lots", {"procedure": None}, S, "procédure inconnue"),
    ],
)
def test_procedure_routes(code, kw, status, part):
    check(code, kw, status, part)


@pytest.mark.parametrize(
    ("category", "day", "status", "part"),
    [
        (
            "Textiles",
            dt.date(2024, 7, 1),
            M,
            "au moins 8 % issus du réemploi ou de la réutilisation et au moins 20 %",
        ),
        (
            "Textiles",
            dt.date(2030, 1, 1),
            M,
            "au moins 15 % issus du réemploi ou de la réutilisation et au moins 30 %",
        ),
        ("Textiles", dt.date(2024, 6, 30), M, "décret 2021-254"),
        ("Papier", dt.date(2026, 1, 1), M, "fixée par le décret mais non vérifiée"),
        ("Papier", dt.date(2026, 1, 1), M, "à déclarer chaque année"),
        ("Équipements informatiques", dt.date(2026, 1, 1), M, "décret 2024-134"),
        ("Mobilier", dt.date(2026, 1, 1), M, "au moins 20 % issus du réemploi"),
        ("Peintures", dt.date(2026, 1, 1), S, "vérifiez la catégorie"),
    ],
)
def test_agec_2024_134_by_category_and_year(category, day, status, part):
    check(
        "agec-reuse-recycled",
        {"nature": SUPPLIES, "agec_category": category, "consultation_date": day},
        status,
        part,
    )


def test_agec_services_without_category_are_not_treated_as_exempt_goods():
    verdict = evaluate("agec-reuse-recycled", facts(), SETTINGS)
    assert verdict.status is N and "fournis dans un marché de services" in verdict.reason


@pytest.mark.parametrize(
    ("code", "kw", "basis", "label"),
    [
        ("sme-advance-30", {"amount": D("100000")}, "spaser", "Obligatoire (engagement du SPASER)"),
        ("price-revision", {"duration_months": 24}, "spaser", "Obligatoire (engagement du SPASER)"),
        ("anti-discrimination-tiebreak", {}, "spaser", "Obligatoire (engagement du SPASER)"),
        ("mandatory-advance", {"amount": D("100000")}, "law", "Obligatoire (obligation légale)"),
        ("egalim-quality-products", MEALS, "law", "Obligatoire (obligation légale)"),
        ("online-documents", {"amount": D("60000")}, "law", "Obligatoire (obligation légale)"),
        ("price-revision", {"duration_months": 12}, None, "Sans objet"),
    ],
)
def test_mandatory_tells_the_law_from_a_spaser_commitment(code, kw, basis, label):
    verdict = evaluate(code, facts(**kw), SETTINGS)
    assert (verdict.basis, verdict.label) == (basis, label), verdict.reason

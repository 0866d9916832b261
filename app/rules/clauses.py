"""Which clause of the library a contract needs, and why (pure).

For one contract (``ContractFacts``) each built-in clause is ``mandatory``, ``recommended``,
``to_study`` or ``not_applicable``, with a French reason naming the threshold, the date and the
SPASER action. Every threshold and date comes from the dated ``Settings`` in force on the
contract's consultation date: nothing legal is a literal here.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from app.enums import FORMALISED_PROCEDURES, Procedure, PurchaseNature, SupplierSize, label
from app.rules.contract import ContractFacts, UnknownFact, known
from app.rules.settings import MissingSetting, Settings

__all__ = ["Applicability", "ContractFacts", "Verdict", "evaluate", "evaluate_all"]


class Applicability(enum.StrEnum):
    MANDATORY = "mandatory"
    RECOMMENDED = "recommended"
    TO_STUDY = "to_study"
    NOT_APPLICABLE = "not_applicable"


APPLICABILITY_LABELS = {
    Applicability.MANDATORY: "Obligatoire",
    Applicability.RECOMMENDED: "Recommandée",
    Applicability.TO_STUDY: "À étudier",
    Applicability.NOT_APPLICABLE: "Sans objet",
}
# Display order: what the buyer must do first.
APPLICABILITY_ORDER = {
    Applicability.MANDATORY: 0,
    Applicability.RECOMMENDED: 1,
    Applicability.TO_STUDY: 2,
    Applicability.NOT_APPLICABLE: 3,
}


@dataclass(frozen=True)
class Verdict:
    code: str
    status: Applicability
    reason: str
    # Set when the contract's own data already shows the clause (e.g. "prix définitif révisable").
    evidence: str | None = None


# CPV divisions where the holder processes personal data as a rule (software, IT services).
CPV_IT = ("48", "72")
# CPV codes of transport services (L1431-3 applies to whoever sells a transport service).
CPV_TRANSPORT = ("60", "63", "641")


def euros(value: Decimal) -> str:
    """French amount for a reason: "90 000 €", "89 999,99 €" (narrow no-break space between
    thousands, as Babel's fr_FR; written by hand because the rules run for every contract of a file)."""
    cents = abs(value).quantize(Decimal("0.01"))
    whole, frac = f"{cents:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    text = grouped if frac == "00" else f"{grouped},{frac}"
    return f"{'-' if value < 0 else ''}{text}\u00a0€"


def _date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def slug(text: str) -> str:
    """ "Fournitures de bureau" -> "fournitures_de_bureau" (AGEC category keys)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


class _Ctx:
    """The settings in force on the contract's consultation date, read by name."""

    def __init__(self, facts: ContractFacts, settings: Settings) -> None:
        # An unknown fact read by a rule stops it: the verdict says what to complete (``_apply``).
        self.f = known(facts)
        self.s = settings
        self.on = facts.consultation_date

    def raw(self, key: str) -> str:
        """The value in force on the consultation date; for a contract older than the first value
        of a SPASER setting, that first value (the checklist reviews old contracts by today's rules)."""
        try:
            return self.s.raw(key, on=self.on)
        except MissingSetting:
            history = self.s.history(key)
            if not history:
                raise
            return history[0].value

    def amount(self, key: str) -> Decimal:
        return Decimal(self.raw(key))

    def rate(self, key: str) -> Decimal:
        return Decimal(self.raw(key))

    def months(self, key: str) -> int:
        return int(Decimal(self.raw(key)))

    def eu_threshold(self) -> Decimal:
        works = self.f.nature is PurchaseNature.WORKS
        return self.amount("threshold.eu.works" if works else "threshold.eu.supplies_services")

    def no_publicity_threshold(self) -> Decimal:
        works = self.f.nature is PurchaseNature.WORKS
        return self.amount(
            "threshold.no_publicity.works" if works else "threshold.no_publicity.supplies_services"
        )

    def climate_date(self) -> dt.date:
        return dt.date.fromisoformat(self.raw("date.climate_law_environment"))

    def climate_law_applies(self) -> bool:
        return self.on >= self.climate_date()


Rule = Callable[[_Ctx], Verdict]
RULES: dict[str, Rule] = {}


def rule(code: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[code] = fn
        return fn

    return register


def _v(code: str, status: Applicability, reason: str, evidence: str | None = None) -> Verdict:
    return Verdict(code, status, reason, evidence)


M, R, S, N = (
    Applicability.MANDATORY,
    Applicability.RECOMMENDED,
    Applicability.TO_STUDY,
    Applicability.NOT_APPLICABLE,
)


def _unknown_amount(code: str, what: str) -> Verdict:
    return _v(code, S, f"montant inconnu : renseignez le montant HT du marché pour savoir si {what}")


def _has(values: tuple[str, ...], wanted: str) -> bool:
    return any(v.strip().lower() == wanted.lower() for v in values)


# --- Axis B: social value -------------------------------------------------------------------------


@rule("insertion-clause")
def _insertion_clause(c: _Ctx) -> Verdict:
    code, f = "insertion-clause", c.f
    evidence = (
        "données du marché : clause sociale" if _has(f.social_considerations, "Clause sociale") else None
    )
    if f.amount is None:
        return _unknown_amount(code, "l'étude d'une clause d'insertion est requise (action 8)")
    study = c.amount("threshold.insertion_study")
    eu = c.eu_threshold()
    if c.climate_law_applies() and f.amount >= eu:
        return _v(
            code,
            M,
            f"consultation du {_date(c.on)} (à partir du {_date(c.climate_date())}) et montant "
            f"{euros(f.amount)} ≥ seuil européen {euros(eu)} → considération sociale obligatoire, "
            "par exemple une clause d'insertion (L2112-2-1, action 8)",
            evidence,
        )
    if f.amount > study:
        return _v(
            code,
            R,
            f"montant {euros(f.amount)} > {euros(study)} → étude systématique d'une clause d'insertion (action 8)",
            evidence,
        )
    if f.nature is PurchaseNature.SUPPLIES:
        return _v(
            code,
            N,
            f"fournitures de {euros(f.amount)} ≤ {euros(study)} : pas d'étude systématique (action 8)",
            evidence,
        )
    return _v(
        code,
        S,
        f"montant {euros(f.amount)} ≤ {euros(study)} : pas d'étude systématique, mais possible pour une "
        f"prestation de main-d'œuvre ({label(f.nature).lower()}, action 8)",
        evidence,
    )


@rule("insertion-criterion")
def _insertion_criterion(c: _Ctx) -> Verdict:
    code, f = "insertion-criterion", c.f
    evidence = (
        "données du marché : critère social" if _has(f.social_considerations, "Critère social") else None
    )
    if f.procedure is Procedure.NO_PUBLICITY:
        return _v(
            code, N, "marché sans mise en concurrence : aucun critère d'attribution (action 10)", evidence
        )
    if f.amount is None:
        return _unknown_amount(code, "un critère d'insertion est attendu (action 10)")
    study = c.amount("threshold.insertion_study")
    if f.amount > study and f.procedure in FORMALISED_PROCEDURES:
        return _v(
            code,
            R,
            f"procédure formalisée de {euros(f.amount)} > {euros(study)} → critère d'insertion en "
            "complément de la clause (action 10)",
            evidence,
        )
    if f.amount > study:
        return _v(
            code,
            S,
            f"montant {euros(f.amount)} > {euros(study)} : critère d'insertion possible en complément de "
            "la clause (action 10)",
            evidence,
        )
    return _v(
        code,
        N,
        f"montant {euros(f.amount)} ≤ {euros(study)} : critère d'insertion non visé (action 10)",
        evidence,
    )


def _reservation(code: str, c: _Ctx, who: str, article: str) -> Verdict:
    f = c.f
    evidence = (
        "données du marché : marché réservé" if _has(f.social_considerations, "Marché réservé") else None
    )
    if f.amount is None:
        return _unknown_amount(code, f"la réservation à {who} est visée (action 11)")
    limit = c.amount("threshold.reservation")
    if f.amount < limit:
        return _v(
            code,
            R,
            f"montant {euros(f.amount)} < {euros(limit)} → réserver à {who} si une offre correspond au "
            f"besoin ({article}, action 11)",
            evidence,
        )
    return _v(
        code,
        S,
        f"montant {euros(f.amount)} ≥ {euros(limit)} : réservation possible ({article}) mais hors de la cible "
        "du SPASER (action 11)",
        evidence,
    )


@rule("reservation-ea-esat")
def _reservation_ea(c: _Ctx) -> Verdict:
    return _reservation("reservation-ea-esat", c, "une entreprise adaptée ou un ESAT", "L2113-12")


@rule("reservation-siae")
def _reservation_siae(c: _Ctx) -> Verdict:
    return _reservation("reservation-siae", c, "une structure d'insertion", "L2113-13")


@rule("reservation-ess")
def _reservation_ess(c: _Ctx) -> Verdict:
    code, f = "reservation-ess", c.f
    if f.nature is not PurchaseNature.SERVICES:
        return _v(
            code,
            N,
            f"{label(f.nature).lower()} : la réservation à l'ESS ne vise que certains services sociaux, "
            "culturels ou de santé (L2113-15, action 11)",
        )
    limit = c.months("duration.reserved_ess_max_months")
    if f.duration_months is not None and f.duration_months > limit:
        return _v(
            code,
            N,
            f"durée {f.duration_months} mois > {limit} mois : un marché réservé à l'ESS dure trois ans au "
            "plus (L2113-16, action 11)",
        )
    return _v(
        code,
        S,
        "services : réservation à l'ESS possible si le service figure dans la liste réglementaire "
        "(L2113-15, action 11)",
    )


@rule("anti-discrimination-tiebreak")
def _tiebreak(c: _Ctx) -> Verdict:
    code = "anti-discrimination-tiebreak"
    if c.f.procedure is Procedure.NO_PUBLICITY:
        return _v(code, N, "marché sans mise en concurrence : aucune offre à départager (action 12)")
    return _v(
        code,
        M,
        "engagement du SPASER : clause de départage anti-discrimination dans 100 % des marchés mis en "
        "concurrence (action 12)",
    )


@rule("gender-equality")
def _gender_equality(c: _Ctx) -> Verdict:
    code = "gender-equality"
    if c.f.procedure is Procedure.NO_PUBLICITY:
        return _v(code, S, "marché sans mise en concurrence : rappel possible au fournisseur (action 12)")
    return _v(code, R, "clause sociale recommandée dans tous les marchés mis en concurrence (action 12)")


@rule("fair-trade")
def _fair_trade(c: _Ctx) -> Verdict:
    code, f = "fair-trade", c.f
    family = f"« {f.family_label} »" if f.family_label else "du marché"
    if f.fair_trade_relevant:
        return _v(
            code,
            R,
            f"famille d'achat {family} signalée pertinente pour le commerce équitable (action 13)",
        )
    return _v(code, N, f"famille d'achat {family} non concernée par le commerce équitable (action 13)")


# --- Axis C: local economy and balanced contracts ------------------------------------------------


@rule("allotment")
def _allotment(c: _Ctx) -> Verdict:
    code, f = "allotment", c.f
    evidence = "le marché comporte des lots" if f.has_lots else None
    if f.procedure is Procedure.NO_PUBLICITY:
        return _v(code, S, "marché sans mise en concurrence : allotissement facultatif (action 14)", evidence)
    if f.amount is not None:
        limit = c.no_publicity_threshold()
        if f.amount < limit:
            return _v(
                code,
                S,
                f"montant {euros(f.amount)} < seuil de dispense {euros(limit)} en vigueur le {_date(c.on)} : "
                "allotissement facultatif (action 14)",
                evidence,
            )
    return _v(
        code,
        M,
        "marché mis en concurrence → allotissement de principe, tout non-allotissement doit être motivé "
        "(L2113-10 et L2113-11, action 14)",
        evidence,
    )


@rule("sme-advance-30")
def _sme_advance(c: _Ctx) -> Verdict:
    code, f = "sme-advance-30", c.f
    rate = c.rate("rate.spaser_advance")
    evidence = None
    if f.advance_granted and (f.advance_rate is None or f.advance_rate >= rate):
        evidence = "données du marché : avance accordée"
    if f.supplier_size in (SupplierSize.ETI, SupplierSize.GE):
        return _v(
            code,
            N,
            f"titulaire {label(f.supplier_size)} : l'avance bonifiée du SPASER vise les TPE et PME (action 17)",
            evidence,
        )
    if f.amount is None:
        return _unknown_amount(code, "l'avance bonifiée aux TPE et PME est due (action 17)")
    limit = c.amount("threshold.spaser_advance")
    percent = f"{int(rate * 100)} %"
    if f.amount < limit:
        return _v(
            code,
            M,
            f"montant {euros(f.amount)} < {euros(limit)} → avance de {percent} sans garantie aux TPE et PME "
            "(engagement du SPASER, action 17)",
            evidence,
        )
    return _v(
        code,
        S,
        f"montant {euros(f.amount)} ≥ {euros(limit)} : hors de l'engagement du SPASER ; l'avance légale "
        "reste due au-delà de 50 000 € HT et 2 mois (action 17)",
        evidence,
    )


@rule("mandatory-advance")
def _mandatory_advance(c: _Ctx) -> Verdict:
    code, f = "mandatory-advance", c.f
    evidence = "données du marché : avance accordée" if f.advance_granted else None
    if f.amount is None or f.duration_months is None:
        return _v(
            code,
            S,
            "montant ou durée inconnus : renseignez-les pour savoir si l'avance est obligatoire (R2191-3, action 17)",
            evidence,
        )
    limit = c.amount("threshold.mandatory_advance")
    months = c.months("duration.mandatory_advance_months")
    minimum = c.rate("rate.mandatory_advance_min")
    if f.amount > limit and f.duration_months > months:
        return _v(
            code,
            M,
            f"montant {euros(f.amount)} > {euros(limit)} et durée {f.duration_months} mois > {months} mois "
            f"→ avance obligatoire, au moins {int(minimum * 100)} % (R2191-3, action 17)",
            evidence,
        )
    why = (
        f"montant {euros(f.amount)} ≤ {euros(limit)}"
        if f.amount <= limit
        else f"durée {f.duration_months} mois ≤ {months} mois"
    )
    return _v(code, N, f"{why} : avance facultative (R2191-3, action 17)", evidence)


@rule("price-revision")
def _price_revision(c: _Ctx) -> Verdict:
    code, f = "price-revision", c.f
    evidence = (
        "données du marché : prix révisable"
        if any("révisable" in p.lower() or "revisable" in p.lower() for p in f.price_types)
        else None
    )
    if f.duration_months is None:
        return _v(
            code,
            S,
            "durée inconnue : la révision des prix est obligatoire au-delà d'un an (action 19)",
            evidence,
        )
    limit = c.months("duration.price_revision_months")
    if f.duration_months > limit:
        return _v(
            code,
            M,
            f"durée {f.duration_months} mois > {limit} mois → révision des prix obligatoire (action 19)",
            evidence,
        )
    raw = c.months("duration.price_revision_raw_materials_months")
    if f.duration_months > raw and f.nature is PurchaseNature.SUPPLIES:
        return _v(
            code,
            S,
            f"durée {f.duration_months} mois > {raw} mois : révision obligatoire si le prix dépend des cours "
            "des matières premières (R2112-14, action 19)",
            evidence,
        )
    return _v(
        code, N, f"durée {f.duration_months} mois ≤ {limit} mois : prix ferme possible (action 19)", evidence
    )


@rule("payment-delays")
def _payment_delays(c: _Ctx) -> Verdict:
    return _v(
        "payment-delays", R, "délai de paiement de 30 jours à rappeler dans tout marché (R2192-10, action 19)"
    )


@rule("data-protection")
def _data_protection(c: _Ctx) -> Verdict:
    code, f = "data-protection", c.f
    cpv = (f.cpv_code or "").strip()
    if cpv.startswith(CPV_IT):
        return _v(
            code,
            R,
            f"CPV {cpv} (informatique) : le titulaire traitera des données personnelles (RGPD art. 28, action 19)",
        )
    if f.nature is PurchaseNature.SERVICES:
        return _v(
            code,
            S,
            "services : annexe RGPD nécessaire si le titulaire traite des données personnelles (action 19)",
        )
    return _v(
        code, N, f"{label(f.nature).lower()} sans traitement de données personnelles attendu (action 19)"
    )


@rule("negotiation-mapa")
def _negotiation(c: _Ctx) -> Verdict:
    code, p = "negotiation-mapa", c.f.procedure
    if p is Procedure.ADAPTED:
        return _v(code, R, "procédure adaptée → se réserver la possibilité de négocier (R2123-5, action 20)")
    if p is Procedure.NO_PUBLICITY:
        return _v(
            code,
            S,
            "marché sans mise en concurrence : discuter prix et engagements avec le fournisseur (action 20)",
        )
    if p in (Procedure.NEGOTIATED, Procedure.COMPETITIVE_DIALOGUE):
        return _v(
            code, N, f"{label(p).lower()} : la négociation fait déjà partie de la procédure (action 20)"
        )
    return _v(code, N, f"{label(p).lower()} : la négociation est interdite en appel d'offres (action 20)")


# --- Axis D: ecology ------------------------------------------------------------------------------


@rule("right-need-sobriety")
def _right_need(c: _Ctx) -> Verdict:
    code, f = "right-need-sobriety", c.f
    if f.recurrent:
        return _v(
            code, R, "marché récurrent : interroger le besoin avant le renouvellement (actions 18 et 22)"
        )
    if f.nature is PurchaseNature.SUPPLIES:
        return _v(
            code, R, "fournitures : renoncer, louer, mutualiser ou réparer avant d'acheter (actions 18 et 22)"
        )
    return _v(code, S, "vérifier le juste besoin avant de rédiger le cahier des charges (actions 18 et 22)")


@rule("env-award-criterion")
def _env_criterion(c: _Ctx) -> Verdict:
    code, f = "env-award-criterion", c.f
    evidence = (
        "données du marché : critère environnemental"
        if _has(f.environmental_considerations, "Critère environnemental")
        else None
    )
    if f.procedure is Procedure.NO_PUBLICITY:
        return _v(
            code,
            S,
            "marché sans mise en concurrence : pas de critères, mais comparer les fournisseurs sur "
            "l'environnement (action 24)",
            evidence,
        )
    start = c.climate_date()
    if c.climate_law_applies():
        return _v(
            code,
            M,
            f"consultation du {_date(c.on)} (à partir du {_date(start)}) → au moins un critère "
            "environnemental, le prix seul n'est plus admis (L2152-7, action 24)",
            evidence,
        )
    return _v(
        code,
        R,
        f"consultation du {_date(c.on)}, avant le {_date(start)} : critère recommandé, obligatoire pour les "
        "consultations lancées à partir de cette date (L2152-7, action 24)",
        evidence,
    )


@rule("env-execution-clause")
def _env_execution(c: _Ctx) -> Verdict:
    code, f = "env-execution-clause", c.f
    evidence = (
        "données du marché : clause environnementale"
        if _has(f.environmental_considerations, "Clause environnementale")
        else None
    )
    start = c.climate_date()
    if c.climate_law_applies():
        return _v(
            code,
            M,
            f"consultation du {_date(c.on)} (à partir du {_date(start)}) → condition d'exécution "
            "environnementale obligatoire dans tout marché (L2112-2, actions 24 et 25)",
            evidence,
        )
    return _v(
        code,
        R,
        f"consultation du {_date(c.on)}, avant le {_date(start)} : recommandée (objectif SPASER de 100 % "
        "des marchés), obligatoire ensuite (L2112-2, actions 24 et 25)",
        evidence,
    )


@rule("eco-labels")
def _eco_labels(c: _Ctx) -> Verdict:
    if c.f.nature is PurchaseNature.SUPPLIES:
        return _v(
            "eco-labels",
            R,
            "fournitures : exiger les critères d'un écolabel ou équivalent (R2111-12, action 24)",
        )
    return _v("eco-labels", S, "vérifier si des produits fournis relèvent d'un écolabel (action 24)")


def agec_rates(settings: Settings, category: str, on: dt.date) -> dict[str, tuple[Decimal, bool]]:
    """AGEC minimum shares in force for ``category`` on ``on``: {"reuse"|"recycled"|"share": (rate,
    to_verify)}. The 2024 split (reuse / recycled) replaces the single 2021 share when present."""
    key = slug(category)
    found: dict[str, tuple[Decimal, bool]] = {}
    for kind in ("reuse", "recycled", "share"):
        try:
            entry = settings.entry(f"agec.{kind}.{key}", on)
        except MissingSetting:
            continue
        found[kind] = (Decimal(entry.value), entry.to_verify)
    if "reuse" in found or "recycled" in found:
        found.pop("share", None)
    return found


def agec_categories(settings: Settings) -> dict[str, str]:
    """{slug: French name} of the AGEC product categories known to the settings."""
    out: dict[str, str] = {}
    for key in settings.keys():  # noqa: SIM118 - Settings is not a dict
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "agec":
            history = settings.history(key)
            name = history[-1].label.rsplit(" : ", 1)[-1] if history else parts[2]
            out.setdefault(parts[2], name)
    return dict(sorted(out.items(), key=lambda item: item[1]))


@rule("agec-reuse-recycled")
def _agec(c: _Ctx) -> Verdict:
    code, f = "agec-reuse-recycled", c.f
    if f.agec_category:
        rates = agec_rates(c.s, f.agec_category, c.on)
        if not rates:
            return _v(
                code,
                S,
                f"catégorie AGEC « {f.agec_category} » : aucun taux connu, à saisir dans les Paramètres (action 24)",
            )
        words = {
            "reuse": "issus du réemploi ou de la réutilisation",
            "recycled": "intégrant des matières recyclées",
            "share": "issus du réemploi ou intégrant des matières recyclées",
        }
        parts = [f"au moins {int(rate * 100)} % {words[kind]}" for kind, (rate, _) in rates.items()]
        verify = " (taux à vérifier)" if any(v for _, v in rates.values()) else ""
        return _v(
            code,
            M,
            f"catégorie AGEC « {f.agec_category} » en {c.on.year} → {' et '.join(parts)} de la dépense "
            f"annuelle{verify} (loi AGEC art. 58, action 24)",
        )
    if f.nature is PurchaseNature.WORKS:
        return _v(
            code,
            N,
            "travaux : part de réemploi à fixer dans le cahier des charges si des fournitures sont incluses (action 24)",
        )
    if f.nature is PurchaseNature.SUPPLIES:
        return _v(
            code,
            S,
            "fournitures sans catégorie AGEC dans la famille d'achat : vérifier si les produits relèvent du "
            "décret (action 24)",
        )
    return _v(code, N, "services : pas d'obligation AGEC sur les biens (action 24)")


@rule("life-cycle-cost")
def _life_cycle(c: _Ctx) -> Verdict:
    code, f = "life-cycle-cost", c.f
    if f.procedure is Procedure.NO_PUBLICITY:
        return _v(code, N, "marché sans mise en concurrence : aucun critère d'attribution (action 24)")
    if f.nature is PurchaseNature.SERVICES:
        return _v(
            code, N, "services : le coût du cycle de vie vise surtout équipements et ouvrages (action 24)"
        )
    return _v(
        code,
        S,
        f"{label(f.nature).lower()} : comparer le coût complet (énergie, maintenance, fin de vie) si l'usage "
        "coûte plus que l'achat (R2152-9, action 24)",
    )


@rule("transport-ghg-info")
def _transport_ghg(c: _Ctx) -> Verdict:
    code, f = "transport-ghg-info", c.f
    cpv = (f.cpv_code or "").strip()
    if cpv.startswith(CPV_TRANSPORT):
        return _v(
            code,
            M,
            f"prestation de transport (CPV {cpv}) → information sur les gaz à effet de serre obligatoire "
            "(code des transports L1431-3, action 25)",
        )
    if f.nature is PurchaseNature.SUPPLIES:
        return _v(
            code,
            R,
            "fournitures livrées : demander l'information GES des livraisons (méthode de l'art. L1431-3, action 25)",
        )
    return _v(code, N, f"{label(f.nature).lower()} sans livraison ni transport à suivre (action 25)")


@rule("delivery-grouping")
def _delivery_grouping(c: _Ctx) -> Verdict:
    code, f = "delivery-grouping", c.f
    if f.nature is not PurchaseNature.SUPPLIES:
        return _v(code, N, f"{label(f.nature).lower()} : pas de livraisons à regrouper (action 25)")
    target = c.rate("target.order_reduction")
    if f.is_framework:
        return _v(
            code,
            R,
            f"accord-cadre de fournitures à bons de commande → regrouper les livraisons (objectif : "
            f"{int(target * 100)} % de commandes en moins, action 25)",
        )
    return _v(
        code,
        S,
        "fournitures : fixer un calendrier de livraison si les livraisons sont fréquentes (action 25)",
    )


@rule("impact-reporting")
def _impact_reporting(c: _Ctx) -> Verdict:
    code, f = "impact-reporting", c.f
    if f.nature is PurchaseNature.WORKS:
        return _v(code, R, "chantier : suivre déchets, énergie et eau consommées (action 25)")
    if f.nature is PurchaseNature.SERVICES:
        return _v(code, S, "services : suivre les consommations et les déchets de la prestation (action 25)")
    return _v(code, N, "fournitures : le suivi porte sur les livraisons (information GES, action 25)")


@rule("carbon-compensation")
def _carbon(c: _Ctx) -> Verdict:
    code, f = "carbon-compensation", c.f
    if f.nature is not PurchaseNature.WORKS:
        return _v(
            code,
            N,
            f"{label(f.nature).lower()} : la compensation carbone vise les grands chantiers (action 26)",
        )
    if f.amount is None:
        return _unknown_amount(code, "le chantier est assez grand pour une compensation (action 26)")
    eu = c.eu_threshold()
    if f.amount >= eu:
        return _v(
            code,
            R,
            f"travaux de {euros(f.amount)} ≥ seuil européen {euros(eu)} → grand chantier : réduire puis "
            "compenser (action 26)",
        )
    return _v(
        code,
        S,
        f"travaux de {euros(f.amount)} < {euros(eu)} : privilégier la réduction des émissions ; compensation "
        "réservée aux grands chantiers (action 26)",
    )


@rule("sustainability-assistant")
def _amo_dd(c: _Ctx) -> Verdict:
    code, f = "sustainability-assistant", c.f
    if f.nature is PurchaseNature.WORKS:
        return _v(
            code,
            R,
            "opération de travaux : assistance développement durable dès la programmation (action 23)",
        )
    return _v(
        code, N, f"{label(f.nature).lower()} : l'assistance vise la construction et la rénovation (action 23)"
    )


USER_CLAUSE_REASON = "clause ajoutée par la collectivité : pas de règle automatique, à étudier au cas par cas"


def _apply(code: str, ctx: _Ctx) -> Verdict:
    fn = RULES.get(code)
    if fn is None:
        return Verdict(code, Applicability.TO_STUDY, USER_CLAUSE_REASON)
    try:
        return fn(ctx)
    except UnknownFact as exc:
        return Verdict(code, Applicability.TO_STUDY, exc.reason)
    except MissingSetting as exc:
        return Verdict(
            code,
            Applicability.TO_STUDY,
            f"réglage « {exc.args[0]} » absent de ce fichier : vérifiez les Paramètres, puis étudiez la clause",
        )


def evaluate(code: str, facts: ContractFacts, settings: Settings) -> Verdict:
    """The verdict of one clause; a clause without a rule (user clause) is always "to study"."""
    return _apply(code, _Ctx(facts, settings))


def evaluate_all(codes: list[str], facts: ContractFacts, settings: Settings) -> list[Verdict]:
    ctx = _Ctx(facts, settings)
    return [_apply(code, ctx) for code in codes]

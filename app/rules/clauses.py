"""Which clause of the library a contract needs, and why (pure).

For one contract (``ContractFacts``) each built-in clause is ``mandatory``, ``recommended``,
``to_study`` or ``not_applicable``, with a French reason naming the threshold, the date and the
SPASER action. Every threshold and date comes from the dated ``Settings`` in force on the
contract's consultation date: nothing legal is a literal here.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar

from app.enums import FORMALISED_PROCEDURES, Procedure, PurchaseNature, SupplierSize, label
from app.rules.contract import ContractFacts, UnknownFact, fold, known
from app.rules.dated_settings import MissingSetting, SettingKey, Settings, UnverifiedSetting
from app.rules.settings_catalogue import K, agec_key, catalogue, slug

__all__ = ["Applicability", "ContractFacts", "Verdict", "evaluate", "evaluate_all"]

T = TypeVar("T")


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


class Basis(enum.StrEnum):
    """Why a mandatory clause is mandatory: the law, or the town's own SPASER commitment."""

    LAW = "law"
    SPASER = "spaser"


BASIS_LABELS = {Basis.LAW: "Obligation légale", Basis.SPASER: "Engagement du SPASER"}
# Clauses whose "mandatory" comes from the town's SPASER, not from a text (action 17: 30 % advance
# below 215 k€; action 19: price revision beyond one year; action 12: anti-discrimination tie-break).
SPASER_COMMITMENTS = frozenset({"sme-advance-30", "price-revision", "anti-discrimination-tiebreak"})


@dataclass(frozen=True)
class Verdict:
    code: str
    status: Applicability
    reason: str
    # Set when the contract's own data already shows the clause (e.g. "prix définitif révisable").
    evidence: str | None = None

    @property
    def basis(self) -> Basis | None:
        """For a mandatory clause: the law or a SPASER commitment (a stable field for exports)."""
        if self.status is not Applicability.MANDATORY:
            return None
        return Basis.SPASER if self.code in SPASER_COMMITMENTS else Basis.LAW

    @property
    def label(self) -> str:
        return applicability_label(self.status, self.basis)


def applicability_label(status: Applicability, basis: Basis | None) -> str:
    """ "Obligatoire (obligation légale)", "Obligatoire (engagement du SPASER)", "Recommandée"…"""
    text = APPLICABILITY_LABELS[status]
    if basis is None:
        return text
    name = BASIS_LABELS[basis]
    return f"{text} ({name[0].lower()}{name[1:]})"


# CPV divisions where the holder processes personal data as a rule (software, IT services).
CPV_IT = ("48", "72")
# CPV codes of transport services (L1431-3 applies to whoever sells a transport service).
CPV_TRANSPORT = ("60", "63", "641")
# Services whose performance delivers goods or carries things, by CPV prefix.
CPV_DELIVERED_SERVICES = (
    ("555", "restauration : repas ou denrées livrés"),
    ("9831", "blanchisserie : linge collecté et livré"),
    ("9051", "collecte des déchets"),
)
# Services performed where they are needed, without goods to deliver, by CPV prefix.
CPV_ON_SITE_SERVICES = (
    ("50", "réparation et entretien"),
    ("66", "services financiers et d'assurance"),
    ("70", "services immobiliers"),
    ("71", "architecture et ingénierie"),
    ("72", "services informatiques"),
    ("73", "recherche et développement"),
    ("75", "services d'administration"),
    ("77", "services agricoles et d'espaces verts"),
    ("79", "services aux entreprises"),
    ("80", "enseignement et formation"),
    ("85", "santé et action sociale"),
    ("90", "nettoyage et environnement"),
    ("92", "services culturels et sportifs"),
)
# Words of an object or family (folded) that say goods are delivered.
DELIVERY_WORDS = (
    "livraison", "livre a domicile", "livres a domicile", "portage", "repas", "blanchisserie",
    "blanchissage", "linge", "transport", "acheminement", "colis", "courrier", "messagerie",
)  # fmt: skip
# Public catering (EGalim): CPV prefixes and words.
CPV_CATERING = (
    ("555", "services de restauration"),
    ("158942", "repas préparés"),
    ("15", "denrées alimentaires"),
    ("031", "produits agricoles alimentaires"),
)
CATERING_WORDS = (
    "restauration collective", "restauration scolaire", "restaurant scolaire", "restaurant municipal",
    "repas", "cantine", "denrees", "alimentaire", "traiteur",
)  # fmt: skip
# School and early-childhood catering (vegetarian menu, plastic containers).
CPV_SCHOOL_CATERING = ("55523100", "55524", "15894210")
SCHOOL_WORDS = (
    "scolaire", "ecole", "ecoles", "cantine", "creche", "petite enfance", "periscolaire", "college",
    "centre de loisirs", "accueil de loisirs", "multi accueil",
)  # fmt: skip


@lru_cache(maxsize=4096)
def _folded_words(text: str, family: str) -> str:
    """Object and family folded, padded with spaces (cached: a register repeats its objects)."""
    return f" {fold(text)} {fold(family)} "


def _words_of(f: object) -> str:
    return _folded_words(getattr(f, "object", "") or "", getattr(f, "family_label", "") or "")


def _first_word(text: str, words: tuple[str, ...]) -> str | None:
    return next((w for w in words if f" {w} " in text or f" {w}s " in text), None)


def _cpv_match(cpv: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return next((what for prefix, what in table if cpv.startswith(prefix)), None)


@dataclass(frozen=True)
class Deliveries:
    """Whether a contract delivers goods (None: the facts do not say), and why, in French."""

    delivers: bool | None
    transport: bool  # it sells a transport service (code des transports L1431-3)
    why: str


def deliveries(f: object) -> Deliveries:
    """Decided by what is delivered — the CPV code, then the words of the object and family, then
    the nature — never by the nature alone: a service that delivers meals or linen delivers. ``f`` is
    the rules' view of the facts (``known``): an unknown nature that is needed stops the rule."""
    cpv = (getattr(f, "cpv_code", None) or "").strip()
    if cpv.startswith(CPV_TRANSPORT):
        return Deliveries(True, True, f"prestation de transport (CPV {cpv})")
    what = _cpv_match(cpv, CPV_DELIVERED_SERVICES)
    if what:
        return Deliveries(True, False, f"service qui livre – {what} (CPV {cpv})")
    word = _first_word(_words_of(f), DELIVERY_WORDS)
    if word:
        return Deliveries(
            True, False, f"l'objet ou la famille mentionne « {word} » : prestation avec livraisons"
        )
    nature = f.nature  # type: ignore[attr-defined]
    if nature is PurchaseNature.SUPPLIES:
        return Deliveries(True, False, "fournitures livrées")
    if nature is PurchaseNature.WORKS:
        return Deliveries(
            False, False, "travaux : les approvisionnements du chantier relèvent du suivi des impacts"
        )
    on_site = _cpv_match(cpv, CPV_ON_SITE_SERVICES)
    if on_site:
        return Deliveries(False, False, f"services – {on_site} (CPV {cpv}) : sans livraison de biens")
    return Deliveries(
        None,
        False,
        "services : ni le code CPV ni l'objet ne disent si la prestation livre des biens (repas, linge, colis…)",
    )


@dataclass(frozen=True)
class Catering:
    catering: bool
    school: bool | None  # school or early-childhood catering; None: not said
    why: str


def catering(f: object) -> Catering:
    """Whether a contract buys public catering or food (EGalim), from its CPV code and words."""
    cpv = (getattr(f, "cpv_code", None) or "").strip()
    words = _words_of(f)
    what = _cpv_match(cpv, CPV_CATERING)
    word = _first_word(words, CATERING_WORDS)
    if not what and not word:
        where = f"CPV {cpv}" if cpv else "objet"
        return Catering(False, False, f"{where} sans repas ni denrées alimentaires")
    why = f"{what} (CPV {cpv})" if what else f"restauration (l'objet mentionne « {word} »)"
    school = cpv.startswith(CPV_SCHOOL_CATERING) or _first_word(words, SCHOOL_WORDS) is not None
    return Catering(True, True if school else None, why)


@lru_cache(maxsize=4096)
def euros(value: Decimal) -> str:
    """French amount for a reason: "90 000 €", "89 999,99 €" (narrow no-break space between
    thousands, as Babel's fr_FR; written by hand, and cached, because the rules run for every
    contract of a file and mostly print the same thresholds)."""
    cents = abs(value).quantize(Decimal("0.01"))
    whole, frac = f"{cents:.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    text = grouped if frac == "00" else f"{grouped},{frac}"
    return f"{'-' if value < 0 else ''}{text}\u00a0€"


@lru_cache(maxsize=4096)
def _date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


class _Ctx:
    """The settings in force on the contract's consultation date, read through typed keys."""

    def __init__(self, facts: ContractFacts, settings: Settings) -> None:
        # An unknown fact read by a rule stops it: the verdict says what to complete (``_apply``).
        self.f = known(facts)
        self.s = settings
        self.on = facts.consultation_date

    def get(self, key: SettingKey[T]) -> T:
        """The value in force on the consultation date. A local choice (SPASER) also applies to
        contracts older than its first value; a legal value before its first date is unknown and
        the rule says so (``_apply``)."""
        return self.s.get(key, self.on)

    def eu_threshold(self) -> Decimal:
        works = self.f.nature is PurchaseNature.WORKS
        return self.get(K.EU_WORKS if works else K.EU_SUPPLIES_SERVICES)

    def no_publicity_threshold(self) -> Decimal:
        works = self.f.nature is PurchaseNature.WORKS
        return self.get(K.NO_PUBLICITY_WORKS if works else K.NO_PUBLICITY_SUPPLIES_SERVICES)

    def climate_date(self) -> dt.date:
        return self.get(K.CLIMATE_LAW_ENVIRONMENT)

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
    study = c.get(K.INSERTION_STUDY)
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
    study = c.get(K.INSERTION_STUDY)
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
    limit = c.get(K.RESERVATION)
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
    limit = c.get(K.RESERVED_ESS_MAX_MONTHS)
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
    rate = c.get(K.SPASER_ADVANCE_RATE)
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
    limit = c.get(K.SPASER_ADVANCE)
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
        f"reste due au-delà de {euros(c.get(K.MANDATORY_ADVANCE))} HT et {c.get(K.MANDATORY_ADVANCE_MONTHS)} mois "
        "(action 17)",
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
    limit = c.get(K.MANDATORY_ADVANCE)
    months = c.get(K.MANDATORY_ADVANCE_MONTHS)
    minimum = c.get(K.MANDATORY_ADVANCE_MIN_RATE)
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
    limit = c.get(K.PRICE_REVISION_MONTHS)
    if f.duration_months > limit:
        return _v(
            code,
            M,
            f"durée {f.duration_months} mois > {limit} mois → révision des prix obligatoire (action 19)",
            evidence,
        )
    raw = c.get(K.PRICE_REVISION_RAW_MATERIALS_MONTHS)
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


@dataclass(frozen=True)
class AgecRate:
    kind: str  # "reuse" | "recycled" (décret 2024-134) | "share" (décret 2021-254, until 30/06/2024)
    rate: Decimal | None  # None: the décret sets a figure that no verified source gave
    to_verify: bool


AGEC_WORDS = {
    "reuse": "issus du réemploi ou de la réutilisation",
    "recycled": "intégrant des matières recyclées",
    "share": "issus du réemploi ou intégrant des matières recyclées",
}


def agec_slug(category: str) -> str:
    """The catalogue's slug for a family's AGEC category (by name or alias), else its own slug."""
    found = catalogue().agec_category(category)
    return found.slug if found else slug(category)


def agec_rates(settings: Settings, category: str, on: dt.date) -> dict[str, AgecRate]:
    """AGEC minimum shares in force for ``category`` on ``on``. From 1 July 2024 the two shares of
    décret 2024-134 (reuse, recycled) replace the single share of décret 2021-254."""
    key = agec_slug(category)
    found: dict[str, AgecRate] = {}
    for kind in ("reuse", "recycled", "share"):
        try:
            entry = settings.entry(agec_key(kind, key).key, on)
        except MissingSetting:
            continue
        if kind == "share" and (found or entry.value == ""):
            continue  # repealed on 1 July 2024, or superseded by the 2024 split
        found[kind] = AgecRate(kind, Decimal(entry.value) if entry.value else None, entry.to_verify)
    return found


def agec_categories() -> dict[str, str]:
    """{slug: French name} of the AGEC product categories of the catalogue."""
    return {c.slug: c.name for c in sorted(catalogue().agec_categories, key=lambda c: c.name)}


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %".replace(".", ",")


@rule("agec-reuse-recycled")
def _agec(c: _Ctx) -> Verdict:
    code, f = "agec-reuse-recycled", c.f
    if f.agec_category:
        rates = agec_rates(c.s, f.agec_category, c.on)
        if not rates:
            return _v(
                code,
                S,
                f"catégorie AGEC « {f.agec_category} » absente du décret 2024-134 tel que connu de "
                "l'application : vérifiez la catégorie de la famille d'achat (action 24)",
            )
        parts = [
            f"au moins {_percent(r.rate)} {AGEC_WORDS[r.kind]}"
            if r.rate is not None
            else f"une part {AGEC_WORDS[r.kind]} fixée par le décret mais non vérifiée"
            for r in rates.values()
        ]
        verify = (
            " (taux à vérifier dans l'annexe du décret)" if any(r.to_verify for r in rates.values()) else ""
        )
        text = "décret 2021-254" if "share" in rates else "décret 2024-134"
        return _v(
            code,
            M,
            f"catégorie AGEC « {f.agec_category} » en {c.on.year} → {' et '.join(parts)} de la dépense "
            f"annuelle HT de la catégorie{verify}, à déclarer chaque année (loi AGEC art. 58, {text}, action 24)",
        )
    if f.nature is PurchaseNature.SUPPLIES:
        return _v(
            code,
            S,
            "fournitures sans catégorie AGEC dans la famille d'achat : vérifier si les produits relèvent du "
            "décret 2024-134 (action 24)",
        )
    return _v(
        code,
        N,
        f"{label(f.nature).lower()} sans catégorie AGEC : l'obligation ne vise que les biens, y compris ceux "
        "fournis dans un marché de services ou de travaux (action 24)",
    )


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
    code = "transport-ghg-info"
    d = deliveries(c.f)
    if d.transport:
        return _v(
            code,
            M,
            f"{d.why} → information sur les gaz à effet de serre obligatoire (code des transports L1431-3, "
            "action 25)",
        )
    if d.delivers is None:
        return _v(
            code,
            S,
            f"{d.why} : si la prestation livre, demander l'information GES des livraisons (action 25)",
        )
    if d.delivers:
        return _v(
            code,
            R,
            f"{d.why} : demander l'information GES des livraisons (méthode de l'art. L1431-3, action 25)",
        )
    return _v(code, N, f"{d.why} (action 25)")


@rule("delivery-grouping")
def _delivery_grouping(c: _Ctx) -> Verdict:
    code = "delivery-grouping"
    d = deliveries(c.f)
    if d.delivers is False:
        return _v(code, N, f"{d.why} : pas de livraisons à regrouper (action 25)")
    target = c.get(K.TARGET_ORDER_REDUCTION)
    if d.delivers is None:
        return _v(code, S, f"{d.why} : si la prestation livre, fixer un calendrier de livraison (action 25)")
    if c.f.is_framework:
        return _v(
            code,
            R,
            f"accord-cadre à bons de commande, {d.why} → regrouper les livraisons (objectif : "
            f"{int(target * 100)} % de commandes en moins, action 25)",
        )
    return _v(
        code,
        S,
        f"{d.why} : fixer un calendrier de livraison si les livraisons sont fréquentes (action 25)",
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


# --- Public catering (EGalim) ---------------------------------------------------------------------


def _first_date(key: SettingKey) -> dt.date:
    return catalogue().declarations[key.key].values[0].valid_from


@rule("egalim-quality-products")
def _egalim(c: _Ctx) -> Verdict:
    code, k = "egalim-quality-products", catering(c.f)
    if not k.catering:
        return _v(
            code, N, f"{k.why} : EGalim vise les achats de denrées de la restauration collective (action 24)"
        )
    if c.on < _first_date(K.EGALIM_QUALITY_SHARE):
        return _v(
            code,
            R,
            f"{k.why} : consultation du {_date(c.on)}, avant l'entrée en vigueur des parts EGalim le "
            f"{_date(_first_date(K.EGALIM_QUALITY_SHARE))} (L230-5-1, action 24)",
        )
    quality, organic = c.get(K.EGALIM_QUALITY_SHARE), c.get(K.EGALIM_ORGANIC_SHARE)
    meat = ""
    if c.on >= _first_date(K.EGALIM_MEAT_FISH_QUALITY_SHARE):
        entry = c.s.entry(K.EGALIM_MEAT_FISH_QUALITY_SHARE.key, c.on)
        verify = " (à vérifier)" if entry.to_verify else ""
        meat = f" ; {_percent(c.get(K.EGALIM_MEAT_FISH_QUALITY_SHARE))} des viandes et poissons{verify}"
    return _v(
        code,
        M,
        f"{k.why} → au moins {_percent(quality)} de produits durables et de qualité, dont {_percent(organic)} "
        f"de bio, en valeur HT des achats de denrées de l'année{meat} ; données d'achat à transmettre pour "
        "la télédéclaration « ma cantine » (code rural L230-5-1, action 24)",
    )


@rule("egalim-vegetarian-menu")
def _vegetarian(c: _Ctx) -> Verdict:
    code, k = "egalim-vegetarian-menu", catering(c.f)
    if not k.catering:
        return _v(code, N, f"{k.why} : le menu végétarien vise la restauration scolaire (action 24)")
    if k.school is None:
        return _v(
            code,
            S,
            f"{k.why} : si les repas sont servis en restauration scolaire, un menu végétarien par semaine est "
            "obligatoire (L230-5-6, action 24)",
        )
    since = c.get(K.EGALIM_VEGETARIAN_WEEKLY)
    if c.on < since:
        return _v(
            code,
            R,
            f"restauration scolaire : menu végétarien hebdomadaire obligatoire à partir du {_date(since)}",
        )
    return _v(
        code,
        M,
        f"restauration scolaire ({k.why}) → au moins un menu végétarien par semaine (code rural L230-5-6, "
        "action 24)",
    )


@rule("plastic-free-catering")
def _plastic(c: _Ctx) -> Verdict:
    code, k = "plastic-free-catering", catering(c.f)
    if not k.catering:
        return _v(code, N, f"{k.why} : l'interdiction vise la restauration des écoles et des jeunes enfants")
    ban, small = c.get(K.PLASTIC_CONTAINERS_BAN), c.get(K.PLASTIC_CONTAINERS_BAN_SMALL_TOWNS)
    rule_text = (
        f"contenants plastique de cuisson, de réchauffe et de service interdits depuis le {_date(ban)} "
        f"(le {_date(small)} pour une collectivité de moins de 2 000 habitants)"
    )
    if k.school is None:
        return _v(
            code,
            S,
            f"{k.why} : si les repas vont à des écoles ou à des jeunes enfants, {rule_text} (L541-15-10)",
        )
    if c.on < ban:
        return _v(
            code, R, f"restauration scolaire : anticiper, {rule_text} (code de l'environnement L541-15-10)"
        )
    return _v(
        code,
        M,
        f"restauration scolaire ou petite enfance → {rule_text} (code de l'environnement L541-15-10)",
    )


# --- Procedure routes ----------------------------------------------------------------------------


@rule("innovative-purchase")
def _innovative(c: _Ctx) -> Verdict:
    code, f = "innovative-purchase", c.f
    if f.amount is None:
        return _unknown_amount(code, "un achat innovant peut se passer de publicité (R2122-9-1)")
    limit, dispense = c.get(K.INNOVATIVE_NO_PUBLICITY), c.no_publicity_threshold()
    verify = " (seuil à vérifier)" if c.s.entry(K.INNOVATIVE_NO_PUBLICITY.key, c.on).to_verify else ""
    if f.amount < dispense:
        return _v(
            code,
            N,
            f"montant {euros(f.amount)} < seuil de dispense {euros(dispense)} : la voie innovante n'ajoute rien",
        )
    if f.amount < limit:
        return _v(
            code,
            S,
            f"montant {euros(f.amount)} < {euros(limit)}{verify} : si la solution est innovante (par exemple une "
            "livraison en vélo-cargo), marché possible sans publicité ni mise en concurrence (R2122-9-1, action 16)",
        )
    return _v(
        code,
        N,
        f"montant {euros(f.amount)} ≥ {euros(limit)}{verify} : pas de dispense pour achat innovant ; un critère "
        "d'innovation ou un partenariat d'innovation restent possibles (action 16)",
    )


@rule("online-documents")
def _online_documents(c: _Ctx) -> Verdict:
    code, f = "online-documents", c.f
    if f.procedure is Procedure.NO_PUBLICITY:
        return _v(code, N, "marché sans publicité : pas de documents de consultation à publier (action 15)")
    if f.amount is None:
        return _unknown_amount(code, "les documents de la consultation doivent être en ligne (R2132-2)")
    limit = c.get(K.ONLINE_DOCUMENTS)
    if f.amount >= limit:
        return _v(
            code,
            M,
            f"montant {euros(f.amount)} ≥ {euros(limit)} en vigueur le {_date(c.on)} et avis publié → documents "
            "de la consultation gratuitement en ligne sur le profil d'acheteur (R2132-2, action 15)",
        )
    return _v(
        code,
        R,
        f"montant {euros(f.amount)} < {euros(limit)} : mise en ligne facultative, recommandée pour ouvrir la "
        "consultation aux petites entreprises (action 15)",
    )


@rule("small-lots")
def _small_lots(c: _Ctx) -> Verdict:
    code, f = "small-lots", c.f
    if f.procedure not in FORMALISED_PROCEDURES:
        return _v(
            code,
            N,
            f"{label(f.procedure).lower()} : la dérogation des petits lots vise les procédures formalisées",
        )
    works = f.nature is PurchaseNature.WORKS
    limit = c.get(K.SMALL_LOTS_WORKS if works else K.SMALL_LOTS_SUPPLIES_SERVICES)
    if not f.has_lots:
        return _v(
            code,
            N,
            "procédure formalisée sans lots : la dérogation des petits lots ne s'applique pas (action 14)",
        )
    return _v(
        code,
        S,
        f"procédure formalisée allotie : les lots de moins de {euros(limit)} HT, dans la limite de 20 % de la "
        "valeur de tous les lots, peuvent suivre une procédure adaptée – ce n'est pas une dispense de "
        "publicité (R2123-1 2°, action 14)",
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
        return Verdict(code, Applicability.TO_STUDY, _missing_setting_reason(exc, ctx.on))


def _missing_setting_reason(exc: MissingSetting, on: dt.date) -> str:
    declaration = catalogue().declaration(exc.args[0])
    name = declaration.label if declaration else exc.args[0]
    if isinstance(exc, UnverifiedSetting):
        return f"« {name} » : valeur fixée par le texte mais non vérifiée (à vérifier), étudiez la clause"
    return (
        f"« {name} » : aucune valeur connue au {_date(on)}, étudiez la clause avec le texte alors en vigueur"
    )


def evaluate(code: str, facts: ContractFacts, settings: Settings) -> Verdict:
    """The verdict of one clause; a clause without a rule (user clause) is always "to study"."""
    return _apply(code, _Ctx(facts, settings))


def evaluate_all(codes: list[str], facts: ContractFacts, settings: Settings) -> list[Verdict]:
    ctx = _Ctx(facts, settings)
    return [_apply(code, ctx) for code in codes]


def _may_be_mandatory(fn: Rule) -> bool:
    """Whether a rule's code can give the verdict "mandatory" (it names ``M`` or ``MANDATORY``;
    ``tests/unit/test_clause_rules.py`` checks that no helper outside a rule does)."""
    return bool({"M", "MANDATORY"} & set(fn.__code__.co_names))


# The rules that can make a clause mandatory: the others never matter to "a mandatory clause is missing".
MAY_BE_MANDATORY = frozenset(code for code, fn in RULES.items() if _may_be_mandatory(fn))


def first_missing_mandatory(codes: list[str], facts: ContractFacts, settings: Settings) -> str | None:
    """The first of ``codes`` (the clauses neither retained nor dismissed) whose rule makes it
    mandatory with nothing in the contract's data to show it, or None. The same answer as scanning
    ``evaluate_all``, but only the rules that can say "mandatory" run, and they stop at the first:
    the register's and the dashboard's « clause obligatoire manquante » over a whole file."""
    ctx = _Ctx(facts, settings)
    for code in codes:
        if code not in MAY_BE_MANDATORY:
            continue
        verdict = _apply(code, ctx)
        if verdict.status is Applicability.MANDATORY and verdict.evidence is None:
            return code
    return None

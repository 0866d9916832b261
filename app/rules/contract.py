"""The one home of a contract's facts: what every feature (cotation, clauses, CAD, exports, DECP,
joint purchasing, the form) knows about a contract, each value with where it came from.

Pure: plain dataclasses in, plain dataclasses out; no Qt, no SQL. ``ContractRecord`` is what the
database holds (nullable where a town's register may not say); ``contract_facts`` derives what can
be derived (duration from the dates, nature from the CPV code or the words of the object, procedure
from the amount and the dated thresholds, place of execution from the organisation's INSEE code)
and proposes what only the buyer can confirm (recurrence). **Unknown is not false**: a fact nobody
gave and nothing can derive stays ``None``, and ``missing_facts`` says which feature needs it and
how to give it, instead of any rule deciding as if it were "no".
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.enums import (
    ContractStatus,
    Procedure,
    PurchaseNature,
    SocialEconomyStatus,
    SupplierSize,
)
from app.rules import calendar as cal
from app.rules.values import InvalidValue, nature_from_cpv, normalize_cpv

# --- provenance ------------------------------------------------------------------------------------


class Source(enum.StrEnum):
    """Where a fact's value came from. Stored sources live in ``contract.fact_sources``."""

    ENTERED = "entered"  # typed in the form
    IMPORTED = "imported"  # read from a spreadsheet or a DECP file
    CONFIRMED = "confirmed"  # a proposal the buyer accepted, or a value set in the grid
    DERIVED = "derived"  # computed from other facts (exact or best guess, see ``detail``)
    PROPOSED = "proposed"  # a guess that only counts once the buyer confirms it
    DEFAULT = "default"  # nothing better was known
    UNKNOWN = "unknown"


SOURCE_LABELS = {
    Source.ENTERED: "saisi",
    Source.IMPORTED: "importé",
    Source.CONFIRMED: "confirmé",
    Source.DERIVED: "déduit",
    Source.PROPOSED: "proposé, à confirmer",
    Source.DEFAULT: "par défaut",
    Source.UNKNOWN: "inconnu",
}


@dataclass(frozen=True)
class Provenance:
    source: Source
    detail: str = ""  # French: "de la date de début et de l'échéance", "du code CPV 30192000"…
    to_confirm: bool = False  # a best guess the buyer should look at

    @property
    def text(self) -> str:
        base = SOURCE_LABELS[self.source]
        if self.detail:
            base = f"{base} {self.detail}"
        return f"{base} (à confirmer)" if self.to_confirm and self.source is Source.DERIVED else base


UNKNOWN = Provenance(Source.UNKNOWN)

# The facts whose source is stored with the contract, and their French names.
FACT_LABELS: dict[str, str] = {
    "nature": "Nature",
    "procedure": "Procédure",
    "recurrent": "Récurrent",
    "renewable": "Reconductible",
    "duration_months": "Durée (mois)",
    "end_date": "Échéance",
    "amount": "Montant HT",
    "place_code": "Lieu d'exécution",
    "cpv_code": "Code CPV",
    "notification_date": "Date de notification",
    "supplier": "Titulaire",
    "department": "Service",
    "family": "Famille d'achat",
}


# Every field of a contract's form, in French (history of a contract, audit trail).
CONTRACT_FIELD_LABELS: dict[str, str] = {
    "reference": "Référence",
    "object": "Objet",
    "nature": "Nature",
    "procedure": "Procédure",
    "status": "État",
    "department_id": "Service",
    "family_id": "Famille d'achat",
    "supplier_id": "Titulaire",
    "cpv_code": "Code CPV",
    "recurrent": "Récurrent",
    "estimated_amount": "Montant estimé HT",
    "notified_amount": "Montant notifié HT",
    "is_framework": "Accord-cadre à bons de commande",
    "max_amount": "Montant maximum HT",
    "min_amount": "Montant minimum HT",
    "notification_date": "Date de notification",
    "start_date": "Date de début",
    "end_date": "Échéance",
    "duration_months": "Durée (mois)",
    "renewable": "Reconductible",
    "renewals_max": "Nombre de reconductions",
    "notice_months": "Préavis (mois)",
    "notes": "Notes",
    "lots": "Lots",
    "amendments": "Avenants",
}


# --- input -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyInfo:
    label: str = ""
    cpv_codes: tuple[str, ...] = ()
    fair_trade_relevant: bool = False
    agec_category: str | None = None


@dataclass(frozen=True)
class ContractRecord:
    """A contract as stored (plus what the facts need from related rows), no derivation."""

    reference: str
    object: str
    id: uuid.UUID | None = None
    nature: PurchaseNature | None = None
    procedure: Procedure | None = None
    status: ContractStatus = ContractStatus.ACTIVE
    cpv_code: str | None = None
    estimated_amount: Decimal | None = None
    notified_amount: Decimal | None = None
    is_framework: bool = False
    max_amount: Decimal | None = None
    amendments_delta: Decimal | None = None  # sum of the avenants' amounts, None when there is none
    notification_date: dt.date | None = None
    publication_date: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    duration_months: int | None = None
    recurrent: bool | None = None
    renewable: bool | None = None
    place_code: str | None = None
    price_types: tuple[str, ...] = ()
    advance_granted: bool = False
    advance_rate: Decimal | None = None
    social_considerations: tuple[str, ...] = ()
    environmental_considerations: tuple[str, ...] = ()
    has_lots: bool = False
    supplier_name: str | None = None
    supplier_siret: str | None = None
    supplier_size: SupplierSize = SupplierSize.UNKNOWN
    supplier_social_economy: SocialEconomyStatus = SocialEconomyStatus.NONE
    department: str | None = None
    family: FamilyInfo | None = None
    organisation_insee_code: str | None = None
    organisation_postcode: str | None = None
    place_type: str | None = None
    fact_sources: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcedureThresholds:
    """The dated thresholds a procedure is deduced from, resolved for the consultation date."""

    no_publicity_supplies_services: Decimal
    no_publicity_works: Decimal
    eu_supplies_services: Decimal
    eu_works: Decimal
    decp_publication: Decimal | None = None  # open-data publication threshold, None before it existed


ThresholdsOn = Callable[[dt.date], ProcedureThresholds]


# --- output ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A value the app suggests and the buyer confirms (grid « Accepter les propositions »)."""

    field: str
    value: object
    reason: str  # French


@dataclass(frozen=True)
class ContractFacts:
    """Every shared fact of a contract; attribute names are those the rules read."""

    reference: str = ""
    object: str = ""
    nature: PurchaseNature | None = None
    procedure: Procedure | None = None
    amount: Decimal | None = None  # what thresholds compare: framework maximum, else estimated, else notified
    total_with_amendments: Decimal | None = None  # notified (else estimated) + avenants: what it costs
    # The amount published in the DECP: as notified (the maximum of a framework without one).
    publication_amount: Decimal | None = None
    duration_months: int | None = None
    # Publication, else notification, else start, else today.
    consultation_date: dt.date = field(default_factory=dt.date.today)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    recurrent: bool | None = None
    renewable: bool | None = None
    place_code: str | None = None
    place_type: str | None = None  # DECP typeCode: "Code commune", "Code postal"…
    id: uuid.UUID | None = None
    status: ContractStatus = ContractStatus.ACTIVE
    supplier_size: SupplierSize = SupplierSize.UNKNOWN
    supplier_social_economy: SocialEconomyStatus = SocialEconomyStatus.NONE
    supplier_name: str | None = None
    supplier_siret: str | None = None
    department: str | None = None
    cpv_code: str | None = None
    family_label: str = ""
    fair_trade_relevant: bool = False
    agec_category: str | None = None
    is_framework: bool = False
    has_lots: bool = False
    notification_date: dt.date | None = None
    price_types: tuple[str, ...] = ()
    advance_granted: bool = False
    advance_rate: Decimal | None = None
    social_considerations: tuple[str, ...] = ()
    environmental_considerations: tuple[str, ...] = ()
    # Whether the contract must be published in the DECP (amount ≥ threshold); None when unknown.
    decp_required: bool | None = None
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    proposals: Mapping[str, Proposal] = field(default_factory=dict)

    # Names the cotation rules read.
    @property
    def family(self) -> str:
        return self.family_label

    @property
    def price_revisable(self) -> bool:
        return _mentions(self.price_types, "révisable")

    @property
    def has_social_clause(self) -> bool:
        return _mentions(self.social_considerations, "social")

    @property
    def has_environmental_criterion(self) -> bool:
        return _mentions(self.environmental_considerations, "critère")

    def source(self, name: str) -> Provenance:
        return self.provenance.get(name, UNKNOWN)


def _mentions(values: tuple[str, ...], word: str) -> bool:
    word = word.lower()
    return any(word in v.lower() and not v.lower().startswith("pas de") for v in values or ())


# --- derivations -----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: for matching words of an object."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


# Words of an object (folded) that say what is bought. Order matters: works first.
_NATURE_WORDS: tuple[tuple[PurchaseNature, tuple[str, ...]], ...] = (
    (
        PurchaseNature.WORKS,
        (
            "travaux", "refection", "renovation", "construction", "amenagement", "voirie", "toiture",
            "extension", "rehabilitation", "demolition", "enrobe", "terrassement", "gros oeuvre",
        ),
    ),
    (
        PurchaseNature.SERVICES,
        (
            "prestation", "service", "entretien", "maintenance", "nettoyage", "controle", "location",
            "assurance", "etude", "mission", "collecte", "transport", "restauration", "preparation",
            "livraison de repas", "formation", "accompagnement", "audit", "verification", "fauchage",
            "elagage", "gardiennage", "conseil", "maitrise d oeuvre", "assistance",
        ),
    ),
    (
        PurchaseNature.SUPPLIES,
        (
            "fourniture", "achat", "acquisition", "papier", "produits", "carburant", "materiel",
            "mobilier", "vehicule", "denrees", "equipement", "vetements", "electricite", "gaz",
            "consommables", "livres", "jouets", "repas",
        ),
    ),
)  # fmt: skip

# A running need: what a town buys again when the contract ends (recurrence proposal).
_RUNNING_NEED_WORDS = (
    "papier", "fourniture de bureau", "fournitures de bureau", "fournitures scolaires", "produits d entretien",
    "produits de nettoyage", "nettoyage", "entretien", "maintenance", "repas", "restauration",
    "cantine", "denrees", "carburant", "electricite", "gaz", "energie", "location", "assurance",
    "telephonie", "photocopieur", "copieur", "controle", "verification", "collecte", "dechets",
    "transport scolaire", "fauchage", "elagage", "espaces verts", "vetements de travail", "chauffage",
    "chaudiere", "abonnement", "licence", "logiciel", "gardiennage", "affranchissement", "fioul",
    "consommables", "equipements de protection", "balayage", "deneigement", "eclairage public",
)  # fmt: skip


def nature_from_words(text: str) -> PurchaseNature | None:
    words = f" {fold(text)} "
    for nature, keys in _NATURE_WORDS:
        if any(f" {k}" in words for k in keys):
            return nature
    return None


def running_need(text: str) -> str | None:
    """The word of ``text`` that shows a running need, if any."""
    words = f" {fold(text)} "
    return next((k for k in _RUNNING_NEED_WORDS if f" {k}" in words), None)


def threshold_amount(r: ContractRecord) -> tuple[Decimal | None, Provenance]:
    """The amount the thresholds compare (the estimated value of the need, R2121-1)."""
    if r.is_framework and r.max_amount is not None:
        return r.max_amount, Provenance(Source.DERIVED, "du montant maximum de l'accord-cadre")
    if r.estimated_amount is not None:
        return r.estimated_amount, Provenance(Source.DERIVED, "du montant estimé")
    if r.notified_amount is not None:
        return r.notified_amount, Provenance(Source.DERIVED, "du montant notifié")
    return None, UNKNOWN


def total_amount(
    notified: Decimal | None, estimated: Decimal | None, amendments_delta: Decimal | None
) -> Decimal | None:
    """What a contract costs: as notified (else estimated), avenants included. The register, the
    CAD dossier and the clause sheet all show this one amount."""
    base = notified if notified is not None else estimated
    if base is None and amendments_delta is None:
        return None
    return (base or Decimal(0)) + (amendments_delta or Decimal(0))


def total_with_amendments(r: ContractRecord) -> Decimal | None:
    return total_amount(r.notified_amount, r.estimated_amount, r.amendments_delta)


def publication_amount(r: ContractRecord) -> Decimal | None:
    if r.notified_amount is not None:
        return r.notified_amount
    return r.max_amount if r.max_amount is not None else r.estimated_amount


# The provenance of a stored source, one shared (frozen) value per source: read for every fact of
# every contract of a file.
_STORED = {source.value: Provenance(source) for source in Source}


def _stored(r: ContractRecord, name: str) -> Provenance:
    raw = r.fact_sources.get(name, Source.ENTERED)
    found = _STORED.get(raw) if isinstance(raw, str) else None
    return found if found is not None else _STORED[Source.ENTERED]  # unknown source: as entered


def _nature(r: ContractRecord) -> tuple[PurchaseNature | None, Provenance]:
    if r.nature is not None:
        return r.nature, _stored(r, "nature")
    if r.cpv_code:
        try:
            return PurchaseNature(nature_from_cpv(r.cpv_code)), Provenance(
                Source.DERIVED, f"du code CPV {r.cpv_code}"
            )
        except InvalidValue:
            pass
    family = r.family
    if family is not None:
        for code in family.cpv_codes:
            try:
                return PurchaseNature(nature_from_cpv(code)), Provenance(
                    Source.DERIVED, f"de la famille « {family.label} »", to_confirm=True
                )
            except InvalidValue:
                continue
        guess = nature_from_words(family.label)
        if guess is not None:
            return guess, Provenance(Source.DERIVED, f"de la famille « {family.label} »", to_confirm=True)
    guess = nature_from_words(r.object)
    if guess is not None:
        return guess, Provenance(Source.DERIVED, "des mots de l'objet", to_confirm=True)
    return None, UNKNOWN


def deduce_procedure(
    amount: Decimal, nature: PurchaseNature | None, thresholds: ProcedureThresholds
) -> Procedure:
    works = nature is PurchaseNature.WORKS
    no_publicity = thresholds.no_publicity_works if works else thresholds.no_publicity_supplies_services
    eu = thresholds.eu_works if works else thresholds.eu_supplies_services
    if amount < no_publicity:
        return Procedure.NO_PUBLICITY
    if amount < eu:
        return Procedure.ADAPTED
    return Procedure.OPEN_TENDER


def _procedure(
    r: ContractRecord,
    amount: Decimal | None,
    nature: PurchaseNature | None,
    thresholds_on: ThresholdsOn | None,
    on: dt.date,
) -> tuple[Procedure | None, Provenance]:
    if r.procedure is not None:
        return r.procedure, _stored(r, "procedure")
    if amount is None or thresholds_on is None:
        return None, UNKNOWN
    thresholds = thresholds_on(on)
    if thresholds is None:
        return None, UNKNOWN
    # Without the nature the works thresholds could apply: deduce only when both give the same answer.
    if nature is None:
        works = deduce_procedure(amount, PurchaseNature.WORKS, thresholds)
        other = deduce_procedure(amount, PurchaseNature.SUPPLIES, thresholds)
        if works is not other:
            return None, UNKNOWN
    procedure = deduce_procedure(amount, nature, thresholds)
    return procedure, Provenance(
        Source.DERIVED, f"du montant et des seuils en vigueur le {on.strftime('%d/%m/%Y')}", to_confirm=True
    )


def _recurrence_proposal(r: ContractRecord, nature: PurchaseNature | None) -> Proposal | None:
    if r.recurrent is not None:
        return None
    if nature is PurchaseNature.WORKS:
        return Proposal("recurrent", False, "des travaux ponctuels ne reviennent pas à l'échéance")
    text = " ".join(filter(None, (r.object, r.family.label if r.family else "")))
    word = running_need(text)
    if word is not None and nature in (PurchaseNature.SUPPLIES, PurchaseNature.SERVICES, None):
        return Proposal("recurrent", True, f"besoin permanent (« {word} ») : il revient à l'échéance")
    if r.renewable:
        return Proposal("recurrent", True, "marché reconductible : le besoin revient")
    return None


def contract_facts(
    r: ContractRecord, thresholds_on: ThresholdsOn | None = None, today: dt.date | None = None
) -> ContractFacts:
    """The facts of one contract, derived once, each with its provenance."""
    prov: dict[str, Provenance] = {}
    proposals: dict[str, Proposal] = {}

    amount, prov["amount"] = threshold_amount(r)

    duration = r.duration_months
    if duration is not None:
        prov["duration_months"] = _stored(r, "duration_months")
    else:
        start = r.start_date or r.notification_date
        if start is not None and r.end_date is not None and r.end_date >= start:
            duration = cal.duration_months(start, r.end_date)
            which = "de la date de début" if r.start_date else "de la date de notification"
            prov["duration_months"] = Provenance(Source.DERIVED, f"{which} et de l'échéance")
        else:
            prov["duration_months"] = UNKNOWN

    consultation = r.publication_date or r.notification_date or r.start_date
    if consultation is None:
        consultation = today or dt.date.today()
        prov["consultation_date"] = Provenance(Source.DEFAULT, "(date du jour, faute de date du marché)")
    else:
        prov["consultation_date"] = Provenance(Source.DERIVED, "des dates du marché")

    nature, prov["nature"] = _nature(r)
    if nature is not None and r.nature is None:
        proposals["nature"] = Proposal("nature", nature, prov["nature"].text)
    procedure, prov["procedure"] = _procedure(r, amount, nature, thresholds_on, consultation)
    if procedure is not None and r.procedure is None:
        proposals["procedure"] = Proposal("procedure", procedure, prov["procedure"].text)

    prov["recurrent"] = _stored(r, "recurrent") if r.recurrent is not None else UNKNOWN
    recurrence = _recurrence_proposal(r, nature)
    if recurrence is not None:
        proposals["recurrent"] = recurrence
        prov["recurrent"] = Provenance(Source.PROPOSED, recurrence.reason)
    prov["renewable"] = _stored(r, "renewable") if r.renewable is not None else UNKNOWN

    place, place_type = r.place_code, r.place_type
    if place:
        prov["place_code"] = _stored(r, "place_code")
    elif r.organisation_insee_code:
        place, place_type = r.organisation_insee_code, "Code commune"
        prov["place_code"] = Provenance(Source.DERIVED, "du code INSEE de la collectivité")
    elif r.organisation_postcode:
        place, place_type = r.organisation_postcode, "Code postal"
        prov["place_code"] = Provenance(Source.DERIVED, "du code postal de la collectivité")
    else:
        prov["place_code"] = UNKNOWN

    cpv = r.cpv_code
    family = r.family or FamilyInfo()
    if cpv:
        prov["cpv_code"] = _stored(r, "cpv_code")
    elif family.cpv_codes:
        cpv = family.cpv_codes[0]
        prov["cpv_code"] = Provenance(Source.DERIVED, f"de la famille « {family.label} »", to_confirm=True)
    else:
        prov["cpv_code"] = UNKNOWN

    decp_required = None
    published = publication_amount(r)
    if thresholds_on is not None and published is not None:
        limits = thresholds_on(r.notification_date or consultation)
        if limits is not None and limits.decp_publication is not None:
            decp_required = published >= limits.decp_publication
        elif limits is not None:
            decp_required = True
    return ContractFacts(
        decp_required=decp_required,
        reference=r.reference,
        object=r.object,
        id=r.id,
        status=r.status,
        nature=nature,
        procedure=procedure,
        amount=amount,
        total_with_amendments=total_with_amendments(r),
        publication_amount=publication_amount(r),
        duration_months=duration,
        consultation_date=consultation,
        start_date=r.start_date,
        end_date=r.end_date,
        recurrent=r.recurrent,
        renewable=r.renewable,
        place_code=place,
        place_type=place_type,
        supplier_size=r.supplier_size,
        supplier_social_economy=r.supplier_social_economy,
        supplier_name=r.supplier_name,
        supplier_siret=r.supplier_siret,
        department=r.department,
        cpv_code=cpv,
        family_label=family.label,
        fair_trade_relevant=family.fair_trade_relevant,
        agec_category=family.agec_category,
        is_framework=r.is_framework,
        has_lots=r.has_lots,
        notification_date=r.notification_date,
        price_types=tuple(r.price_types or ()),
        advance_granted=r.advance_granted,
        advance_rate=r.advance_rate,
        social_considerations=tuple(r.social_considerations or ()),
        environmental_considerations=tuple(r.environmental_considerations or ()),
        provenance=prov,
        proposals=proposals,
    )


# --- reading facts that may be unknown ----------------------------------------------------------------

UNKNOWN_PHRASES = {
    "amount": "montant inconnu",
    "nature": "nature inconnue",
    "procedure": "procédure inconnue",
    "duration_months": "durée inconnue",
    "recurrent": "récurrence inconnue",
    "end_date": "échéance inconnue",
    "renewable": "reconduction inconnue",
}
# Phrases for the facts that rules do not read but features need (« Données à compléter »).
MISSING_PHRASES = UNKNOWN_PHRASES | {
    "place_code": "lieu d'exécution inconnu",
    "cpv_code": "code CPV inconnu",
    "notification_date": "date de notification inconnue",
    "supplier": "titulaire inconnu ou sans SIRET",
}


class UnknownFact(Exception):
    """A rule read a fact nobody gave: it must say what to complete, not decide."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    @property
    def reason(self) -> str:
        return f"{UNKNOWN_PHRASES.get(self.name, self.name)} : {HOW_TO_GIVE.get(self.name, '')} (à compléter)"


class known:  # noqa: N801 - reads like a function: ``known(facts).nature``
    """A view of the facts whose unknown values raise ``UnknownFact`` when a rule reads them. A known
    value read once is kept on the view (the facts are frozen), so the thirty-odd clause rules of a
    contract read each fact through ``__getattr__`` only once."""

    def __init__(self, facts: ContractFacts) -> None:
        self._facts = facts

    def __getattr__(self, name: str) -> object:
        value = getattr(self._facts, name)
        if value is None and name in UNKNOWN_PHRASES:
            raise UnknownFact(name)
        self.__dict__[name] = value
        return value


# --- what each feature still needs -----------------------------------------------------------------


class Feature(enum.StrEnum):
    COTATION = "cotation"
    CLAUSES = "clauses"
    CAD = "cad"
    DECP = "decp"


FEATURE_LABELS = {
    Feature.COTATION: "Cotation",
    Feature.CLAUSES: "Clauses",
    Feature.CAD: "CAD",
    Feature.DECP: "DECP",
}

# How to give each fact, in French.
HOW_TO_GIVE = {
    "nature": "indiquez s'il s'agit de fournitures, de services ou de travaux",
    "procedure": "indiquez la procédure de passation (ou le montant, pour la déduire)",
    "recurrent": "dites si le besoin revient à l'échéance (marché récurrent)",
    "duration_months": "renseignez la date de fin (ou la durée en mois)",
    "end_date": "renseignez la date de fin du marché",
    "amount": "renseignez le montant HT du marché",
    "place_code": "renseignez le code INSEE de la collectivité (Paramètres) ou le lieu d'exécution",
    "cpv_code": "renseignez le code CPV",
    "notification_date": "renseignez la date de notification",
    "supplier": "renseignez le titulaire et son SIRET",
}

_NEEDS: dict[Feature, tuple[str, ...]] = {
    Feature.COTATION: ("recurrent", "end_date", "nature", "amount"),
    Feature.CLAUSES: ("nature", "procedure", "amount", "duration_months"),
    Feature.CAD: ("recurrent", "end_date"),
    Feature.DECP: (
        "nature", "procedure", "cpv_code", "amount", "notification_date", "duration_months", "place_code",
        "supplier",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class MissingFact:
    field: str
    label: str
    how: str  # French: what to do
    features: tuple[Feature, ...]
    proposal: Proposal | None = None
    to_confirm: bool = False  # known, but only as a best guess

    @property
    def message(self) -> str:
        if self.to_confirm:
            return f"{self.label.lower()} déduite, à confirmer"
        return f"{MISSING_PHRASES.get(self.field, self.label.lower() + ' inconnu')} : {self.how}"


def _value(facts: ContractFacts, name: str) -> object:
    if name == "supplier":
        return facts.supplier_siret
    return getattr(facts, name)


def missing_facts(facts: ContractFacts, features: tuple[Feature, ...] = tuple(Feature)) -> list[MissingFact]:
    """The facts the given features still need for this contract, in a stable order."""
    by_field: dict[str, list[Feature]] = {}
    confirm: dict[str, bool] = {}
    for feature in features:
        if feature is Feature.DECP and facts.decp_required is False:
            continue  # below the publication threshold: nothing to publish
        for name in _NEEDS[feature]:
            value = _value(facts, name)
            unsure = facts.source(name).to_confirm or facts.source(name).source is Source.PROPOSED
            if feature is Feature.DECP and name == "amount" and facts.total_with_amendments is not None:
                value = facts.total_with_amendments
            if value is None or (unsure and name in ("nature", "procedure")):
                by_field.setdefault(name, []).append(feature)
                confirm[name] = value is not None
    order = list(FACT_LABELS)
    return [
        MissingFact(
            field=name,
            label=FACT_LABELS.get(name, name),
            how=HOW_TO_GIVE.get(name, ""),
            features=tuple(feats),
            proposal=facts.proposals.get(name),
            to_confirm=confirm[name],
        )
        for name, feats in sorted(
            by_field.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
        )
    ]


def blocking(missing: list[MissingFact], feature: Feature) -> list[MissingFact]:
    """The missing facts that stop ``feature`` (a fact only to confirm does not stop it)."""
    return [m for m in missing if feature in m.features and not m.to_confirm]


# --- validation (the import and the form share it) -------------------------------------------------


@dataclass(frozen=True)
class FactProblem:
    field: str
    message: str  # French


def validate_contract_values(values: Mapping[str, object]) -> list[FactProblem]:
    """Every broken rule of a contract's own values (not of its lots or amendments)."""
    problems: list[FactProblem] = []
    for name, label in (("reference", "La référence"), ("object", "L'objet")):
        if name in values and not str(values.get(name) or "").strip():
            problems.append(FactProblem(name, f"{label} du marché est obligatoire."))
    labels = {
        "estimated_amount": "Montant estimé HT",
        "notified_amount": "Montant notifié HT",
        "max_amount": "Montant maximum HT",
        "min_amount": "Montant minimum HT",
        "duration_months": "Durée (mois)",
        "renewals_max": "Nombre de reconductions",
        "notice_months": "Préavis (mois)",
        "offers_received": "Offres reçues",
    }
    for name, label in labels.items():
        value = values.get(name)
        if value is not None and value < 0:  # type: ignore[operator]
            problems.append(FactProblem(name, f"Le champ « {label} » ne peut pas être négatif."))
    low, high = values.get("min_amount"), values.get("max_amount")
    if low is not None and high is not None and low > high:  # type: ignore[operator]
        problems.append(
            FactProblem("min_amount", "Le montant minimum ne peut pas dépasser le montant maximum.")
        )
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start:  # type: ignore[operator]
        problems.append(
            FactProblem("end_date", "L'échéance doit être postérieure ou égale à la date de début du marché.")
        )
    cpv = str(values.get("cpv_code") or "").strip()
    if cpv:
        try:
            normalize_cpv(cpv)
        except InvalidValue as exc:
            problems.append(FactProblem("cpv_code", str(exc)))
    return problems

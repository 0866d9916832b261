"""DECP JSON: read the 2019 format (1.x, as published by buyer profiles and PES) and the 2022/2024
format (2.0.x), write the current 2.0.3 format.

Real files are messy (see tests/fixtures/io/SOURCES.md): numbers as strings, lowercase "marché",
"Appel d offres ouvert", "Code Postal", empty or repeated ids, CPV codes with spaces or a trailing
space, pre-1.5 procedure labels, ``formePrix`` holding price types. Each record becomes a
``DecpRecord`` or a list of problems; nothing here raises for a bad record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from app.enums import Ccag, DecpNature, OperatorGrouping, PriceForm, Procedure, PurchaseNature
from app.errors import ImportRejected
from app.io import decp_labels as L
from app.io import safety
from app.io.cells import CellError, forbidden_problem, key_of, parse_date, parse_decimal, parse_int
from app.io.output import write_text
from app.io.validate import Problem
from app.rules.calendar import add_months
from app.rules.values import InvalidValue, nature_from_cpv, normalize_cpv, normalize_siret

MAX_JSON_BYTES = 200 * 1024 * 1024
REFERENCE_MAX = 60  # a contract's reference (``contract.reference`` is 60 characters)
AMOUNT_LIMIT = Decimal(10) ** 12  # amounts are stored as Numeric(14, 2)
# fields that hold one text or number: an object or a list there is refused, never stored as its repr
SCALAR_FIELDS = (
    "id", "objet", "nature", "procedure", "codeCPV", "ccag", "formePrix", "montant", "dureeMois",
    "offresRecues", "tauxAvance", "dateNotification", "datePublicationDonnees",
)  # fmt: skip


def _big_int(text: str) -> int | Decimal:
    """JSON integers: Python refuses to read one of more than 4,300 digits (a ValueError that would
    reject the whole file); keep it as a Decimal so that its record alone is refused, by name."""
    return int(text) if len(text) < 4000 else Decimal(text)


def _bad_characters(value: object, path: str = "") -> tuple[str, str] | None:
    """The first (field, explanation) of a text holding NUL, a control character or a lone surrogate."""
    if isinstance(value, str):
        problem = forbidden_problem(value)
        return (path, problem.replace("la cellule contient", "le champ contient")) if problem else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        found = _bad_characters(inner, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


@dataclass(frozen=True)
class Holder:
    id_type: str  # SIRET, TVA, ... ("" if unknown)
    identifier: str
    name: str


@dataclass
class DecpRecord:
    """One marché of a DECP file, mapped onto our enumerations."""

    index: int  # 1-based position in the file, for problem reports
    decp_id: str
    reference: str  # unique within the file: the id, made unique when needed
    buyer_siret: str
    buyer_name: str
    object: str
    decp_nature: DecpNature
    nature: PurchaseNature
    procedure: Procedure
    cpv_code: str | None
    place_code: str | None
    place_type: str | None
    duration_months: int | None
    notification_date: dt.date | None
    publication_date: dt.date | None
    amount: Decimal | None
    price_form: PriceForm | None
    price_types: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    execution_modes: list[str] = field(default_factory=list)
    is_framework: bool = False
    innovative: bool = False
    ccag: Ccag | None = None
    offers_received: int | None = None
    advance_granted: bool = False
    advance_rate: Decimal | None = None
    subcontracting_declared: bool = False
    operator_grouping: OperatorGrouping = OperatorGrouping.NONE
    holders: list[Holder] = field(default_factory=list)
    social_considerations: list[str] = field(default_factory=list)
    environmental_considerations: list[str] = field(default_factory=list)
    end_date: dt.date | None = None


@dataclass
class DecpFile:
    format: str  # "2019" or "2.0"
    records: list[DecpRecord]
    problems: list[Problem]
    total: int  # marchés in the file (all buyers)
    skipped_other_buyers: int
    buyers: dict[str, str]  # siret -> name, every buyer of the file
    duplicates: int = 0  # records published twice, kept once


def _strip_keys(value: object) -> object:
    """'nom ' -> 'nom': some publishers leave spaces in keys."""
    if isinstance(value, dict):
        return {str(k).strip(): _strip_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_keys(v) for v in value]
    return value


def load_json(path: Path) -> object:
    path = Path(path)
    kind = safety.sniff_kind(path)
    if kind != "json":
        raise ImportRejected(
            f"Le fichier « {path.name} » n'est pas un fichier JSON de données essentielles (DECP)."
        )
    if path.stat().st_size > MAX_JSON_BYTES:  # pragma: no cover - sniff_kind checks the same limit
        raise ImportRejected(f"Le fichier « {path.name} » est trop gros.")
    from app.io.readers import decode_text

    try:
        return json.loads(decode_text(path.read_bytes()), parse_int=_big_int)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportRejected(
            f"Le fichier « {path.name} » n'est pas un JSON valide (ligne {getattr(exc, 'lineno', '?')})."
        ) from exc


def marches_of(data: object) -> tuple[str, list[dict]]:
    """The list of marchés and the format: 2.0 nests ``{"marches": {"marche": [...]}}``, 2019 has
    ``{"marches": [...]}`` (concessions are left out: they are not contracts of the register)."""
    if isinstance(data, dict) and "marches" in data:
        inner = data["marches"]
        if isinstance(inner, dict):
            items = inner.get("marche", [])
            return "2.0", [m for m in items if isinstance(m, dict)] if isinstance(items, list) else []
        if isinstance(inner, list):
            items = [
                m
                for m in inner
                if isinstance(m, dict) and m.get("_type", "Marché") != "Contrat de concession"
            ]
            fmt = "2.0" if any("considerationsSociales" in m or "techniques" in m for m in items) else "2019"
            return fmt, items
    if isinstance(data, list):
        return "2019", [m for m in data if isinstance(m, dict)]
    raise ImportRejected(
        "Ce fichier JSON n'a pas la forme des données essentielles (DECP) : il manque la liste « marches »."
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _labels(value: object, inner: str, allowed: tuple[str, ...]) -> list[str]:
    """A 2.0 list ``{"technique": [...]}`` (or a bare list / string) -> canonical labels."""
    if isinstance(value, dict):
        value = value.get(inner, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for item in value:
        label = L.canonical(item, allowed)
        if label and label not in out:
            out.append(label)
    return out


def _holders(value: object) -> list[Holder]:
    """The holders of a well-formed list (``_holders_problem`` says when it is not one)."""
    holders: list[Holder] = []
    if not isinstance(value, list):
        return holders
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("titulaire"), dict):
            item = item["titulaire"]
        if not isinstance(item, dict):
            continue
        identifier = _text(item.get("id"))
        id_type = L.canonical(item.get("typeIdentifiant"), L.IDENTIFIER_TYPES) or ""
        if not id_type and re.fullmatch(r"\d{14}", normalize_siret(identifier)):
            id_type = "SIRET"
        if id_type == "SIRET":
            identifier = normalize_siret(identifier)
        name = _text(item.get("denominationSociale"))
        if identifier or name:
            holders.append(Holder(id_type, identifier, name))
    return holders


def _holders_problem(value: object) -> str | None:
    """Holders must be a list of objects: a plain text would give a contract with no holder."""
    if value in (None, "", []):
        return None
    if not isinstance(value, list):
        return 'les titulaires doivent être une liste (« titulaires »: [{"id": …, "typeIdentifiant": …}])'
    if not all(isinstance(item, dict) for item in value):
        return "chaque titulaire doit être un objet avec son identifiant et son type, pas un simple texte"
    return None


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).casefold() in ("true", "oui", "1", "vrai")


def parse_record(index: int, raw: dict, fmt: str) -> tuple[DecpRecord | None, list[Problem]]:
    raw = _strip_keys(raw)  # type: ignore[assignment]
    problems: list[Problem] = []

    def problem(column: str, value: object, message: str, expected: str = "") -> None:
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        if forbidden_problem(shown):
            shown = ""  # never echo the bad character into the message
        problems.append(Problem(index, column, shown[:80], message, expected, unit="marché n°"))

    # Refused rather than stored changed: a bad character, an object where a text is expected, an id
    # longer than a reference, holders that are not a list, an amount beyond what can be stored.
    refusals = len(problems)
    bad = _bad_characters(raw)
    if bad:
        problem(bad[0], "", bad[1])
        return None, problems
    for name in SCALAR_FIELDS:
        if isinstance(raw.get(name), dict | list):
            problem(
                name,
                raw.get(name),
                "un texte ou un nombre est attendu, le fichier donne une liste ou un objet",
            )
    if len(_text(raw.get("id"))) > REFERENCE_MAX:
        problem(
            "id",
            raw.get("id"),
            f"identifiant trop long ({len(_text(raw.get('id'))):,} caractères)".replace(",", "\u202f"),
            f"{REFERENCE_MAX} caractères au plus",
        )
    holders_problem = _holders_problem(raw.get("titulaires"))
    if holders_problem:
        problem("titulaires", raw.get("titulaires"), holders_problem, "une liste de titulaires")
    if len(problems) > refusals:
        return None, problems

    decp_id = _text(raw.get("id"))
    buyer = raw.get("acheteur") if isinstance(raw.get("acheteur"), dict) else {}
    buyer_siret = normalize_siret(_text(buyer.get("id")))
    obj = _text(raw.get("objet"))
    if not obj:
        problem("objet", "", "objet manquant", "l'objet du marché")
    raw_nature = _text(raw.get("nature"))
    nature_key = key_of(raw_nature)
    techniques = _labels(raw.get("techniques"), "technique", L.TECHNIQUES)
    modes = _labels(raw.get("modalitesExecution"), "modaliteExecution", L.EXECUTION_MODES)
    decp_nature = DecpNature.MARCHE
    if nature_key in ("accord cadre",):
        techniques = techniques or ["Accord-cadre"]
    elif nature_key == "marche subsequent":
        modes = modes or ["Marchés subséquents"]
    elif nature_key == key_of("Marché de partenariat"):
        decp_nature = DecpNature.PARTENARIAT
    elif nature_key in (key_of("Marché de défense ou de sécurité"), "marche de defense et de securite"):
        decp_nature = DecpNature.DEFENSE
    elif nature_key not in ("marche", ""):
        problem("nature", raw_nature, "nature inconnue", "Marché, Accord-cadre, Marché subséquent…")

    procedure = L.PROCEDURE_BY_KEY.get(key_of(_text(raw.get("procedure"))))
    if procedure is None:
        problem(
            "procedure",
            raw.get("procedure"),
            "procédure manquante" if not _text(raw.get("procedure")) else "procédure inconnue",
            "une procédure de la liste DECP (Procédure adaptée, Appel d'offres ouvert…)",
        )

    cpv_code = None
    raw_cpv = re.sub(r"\s+", "", _text(raw.get("codeCPV")))
    if raw_cpv:
        try:
            cpv_code = normalize_cpv(raw_cpv)
        except InvalidValue:
            cpv_code = None  # unreadable CPV: the contract comes in without it
    ccag = L.CCAG_LABELS.get(L.canonical(raw.get("ccag"), tuple(L.CCAG_LABELS)) or "")
    if cpv_code:
        nature = PurchaseNature(nature_from_cpv(cpv_code))
    elif ccag is Ccag.WORKS:
        nature = PurchaseNature.WORKS
    elif ccag in (Ccag.INTELLECTUAL, Ccag.ICT, Ccag.PROJECT_MANAGEMENT):
        nature = PurchaseNature.SERVICES
    else:
        nature = PurchaseNature.SERVICES
        if not raw_cpv:
            nature = PurchaseNature.SERVICES

    place = raw.get("lieuExecution") if isinstance(raw.get("lieuExecution"), dict) else {}
    place_code = _text(place.get("code")) or None
    place_type = L.canonical(place.get("typeCode"), L.PLACE_TYPES)

    def number(name: str, parse, column: str, expected: str):  # noqa: ANN001, ANN202
        value = raw.get(name)
        if value in (None, ""):
            return None
        try:
            return parse(value)
        except (CellError, ValueError, TypeError, ArithmeticError):
            problem(column, value, "valeur illisible", expected)
            return None

    duration = number("dureeMois", parse_int, "dureeMois", "un nombre entier de mois")
    amount = number("montant", parse_decimal, "montant", "un montant en euros")
    if amount is not None:
        if amount < 0:
            problem("montant", raw.get("montant"), "montant négatif", "un montant positif")
            amount = None
        elif not amount.is_finite() or amount >= AMOUNT_LIMIT:
            problem("montant", raw.get("montant"), "montant trop grand", "moins de 1 000 milliards d'euros")
            return None, problems
        else:
            amount = amount.quantize(Decimal("0.01"))
    offers = number("offresRecues", parse_int, "offresRecues", "un nombre entier")
    rate = number("tauxAvance", parse_decimal, "tauxAvance", "un taux entre 0 et 1")
    if rate is not None and not 0 <= rate <= 1:
        rate = rate / 100 if 1 < rate <= 100 else None

    def date(name: str):  # noqa: ANN202
        value = _text(raw.get(name))
        if not value:
            return None
        try:
            return parse_date(value[:10])
        except CellError:
            problem(name, value, "date illisible", "une date AAAA-MM-JJ")
            return None

    notified = date("dateNotification")
    published = date("datePublicationDonnees")

    raw_form = _text(raw.get("formePrix"))
    price_form = {
        "unitaire": PriceForm.UNIT,
        "forfaitaire": PriceForm.LUMP_SUM,
        "mixte": PriceForm.MIXED,
    }.get(key_of(raw_form))
    price_types = _labels(raw.get("typesPrix"), "typePrix", L.PRICE_TYPES)
    if price_form is None and raw_form:
        old = L.canonical(raw_form, tuple(L.OLD_PRICE_FORMS))
        if old:
            price_types = price_types or [L.OLD_PRICE_FORMS[old]]
    grouping_label = L.canonical(raw.get("typeGroupementOperateurs"), tuple(L.GROUPING_LABELS.values()))
    grouping = next((k for k, v in L.GROUPING_LABELS.items() if v == grouping_label), OperatorGrouping.NONE)
    holders = _holders(raw.get("titulaires"))
    end_date = add_months(notified, duration) - dt.timedelta(days=1) if notified and duration else None
    if problems and (procedure is None or not obj):
        return None, problems
    record = DecpRecord(
        index=index,
        decp_id=decp_id,
        reference=decp_id,
        buyer_siret=buyer_siret,
        buyer_name=_text(buyer.get("nom")),
        object=obj[:1000],
        decp_nature=decp_nature,
        nature=nature,
        procedure=procedure,  # type: ignore[arg-type]
        cpv_code=cpv_code,
        place_code=place_code,
        place_type=place_type,
        duration_months=duration if duration and duration > 0 else None,
        notification_date=notified,
        publication_date=published,
        amount=amount,
        price_form=price_form,
        price_types=price_types,
        techniques=techniques,
        execution_modes=modes,
        is_framework="Accord-cadre" in techniques,
        innovative=_bool(raw.get("marcheInnovant")),
        ccag=ccag,
        offers_received=offers if offers and offers > 0 else None,
        advance_granted=_bool(raw.get("attributionAvance")),
        advance_rate=rate,
        subcontracting_declared=_bool(raw.get("sousTraitanceDeclaree")),
        operator_grouping=grouping,
        holders=holders,
        social_considerations=_labels(
            raw.get("considerationsSociales"), "considerationSociale", L.SOCIAL_CONSIDERATIONS
        ),
        environmental_considerations=_labels(
            raw.get("considerationsEnvironnementales"),
            "considerationEnvironnementale",
            L.ENVIRONMENTAL_CONSIDERATIONS,
        ),
        end_date=end_date,
    )
    return record, problems


def _fingerprint(record: DecpRecord) -> str:
    holder = record.holders[0].identifier if record.holders else ""
    basis = f"{record.object}|{holder}|{record.amount}|{record.notification_date}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:6].upper()


def _unique_references(records: list[DecpRecord]) -> list[DecpRecord]:
    """Empty, all-zero or repeated ids (lots published under one id) get a stable suffix, so that a
    re-import finds the same references again; a record published twice identically is kept once."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record.decp_id] = counts.get(record.decp_id, 0) + 1
    for record in records:
        base = record.decp_id
        if not base.strip("0"):
            day = record.notification_date.strftime("%Y%m%d") if record.notification_date else "sansdate"
            record.reference = f"DECP-{day}-{_fingerprint(record)}"
        elif counts[base] > 1:
            record.reference = f"{base}-{_fingerprint(record)}"
        else:
            record.reference = base
    unique: dict[str, DecpRecord] = {}
    for record in records:
        unique[record.reference.casefold()] = record
    return list(unique.values())


def read_decp(path: Path, buyer_siret: str | None) -> DecpFile:
    """The marchés of ``buyer_siret`` (all if None) in a DECP file of either format."""
    fmt, items = marches_of(load_json(path))
    buyers: dict[str, str] = {}
    records: list[DecpRecord] = []
    problems: list[Problem] = []
    skipped = 0
    wanted = normalize_siret(buyer_siret) if buyer_siret else None
    for index, raw in enumerate(items, start=1):
        buyer = raw.get("acheteur") if isinstance(raw.get("acheteur"), dict) else {}
        siret = normalize_siret(_text(buyer.get("id")))
        buyers.setdefault(siret, _text(buyer.get("nom")) or _text(buyer.get("nom ")))
        if wanted and siret != wanted:
            skipped += 1
            continue
        record, record_problems = parse_record(index, raw, fmt)
        problems.extend(record_problems)
        if record is not None:
            records.append(record)
    unique = _unique_references(records)
    return DecpFile(fmt, unique, problems, len(items), skipped, buyers, len(records) - len(unique))


# ---------------------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class DecpContract:
    """What the export needs of one contract (filled by the export service)."""

    reference: str
    decp_id: str | None
    object: str
    decp_nature: DecpNature
    procedure: Procedure | None
    cpv_code: str | None
    techniques: list[str]
    execution_modes: list[str]
    is_framework: bool
    innovative: bool
    ccag: Ccag | None
    offers_received: int | None
    advance_granted: bool
    advance_rate: Decimal | None
    operator_grouping: OperatorGrouping
    place_code: str | None
    place_type: str | None
    duration_months: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    notification_date: dt.date | None
    publication_date: dt.date | None
    amount: Decimal | None
    price_types: list[str]
    price_form: PriceForm | None
    subcontracting_declared: bool
    supplier_siret: str | None
    social_considerations: list[str]
    environmental_considerations: list[str]


def to_decp(contract: DecpContract, buyer_siret: str, today: dt.date) -> tuple[dict | None, list[str]]:
    """One contract as a 2.0.3 ``marche`` object, or the list of what is missing (French)."""
    missing: list[str] = []
    identifier = contract.decp_id or contract.reference
    if not 1 <= len(identifier) <= 16:
        missing.append("identifiant DECP de 1 à 16 caractères (la référence est trop longue)")
    if contract.procedure is None:
        missing.append("procédure")
    if not contract.cpv_code:
        missing.append("code CPV")
    if not contract.notification_date:
        missing.append("date de notification")
    amount = contract.amount
    if amount is None or amount < 1:
        missing.append("montant (au moins 1 €)")
    if not contract.offers_received:
        missing.append("nombre d'offres reçues")
    if not contract.price_form:
        missing.append("forme du prix")
    if not contract.price_types:
        missing.append("type de prix")
    if not contract.supplier_siret:
        missing.append("titulaire avec un SIRET")
    if not contract.social_considerations:
        missing.append("considérations sociales")
    if not contract.environmental_considerations:
        missing.append("considérations environnementales")
    if not contract.place_code:
        missing.append("lieu d'exécution")
    duration = contract.duration_months
    if not duration:
        missing.append("durée en mois")
    if missing:
        return None, missing
    techniques = [t for t in contract.techniques if t in L.TECHNIQUES]
    if contract.is_framework and "Accord-cadre" not in techniques:
        techniques = [t for t in techniques if t != "Sans objet"] + ["Accord-cadre"]
    modes = [m for m in contract.execution_modes if m in L.EXECUTION_MODES]
    marche: dict = {
        "id": identifier,
        "acheteur": {"id": buyer_siret},
        "nature": L.NATURE_LABELS[contract.decp_nature],
        "objet": contract.object[:1000],
        "codeCPV": contract.cpv_code,
        "techniques": {"technique": techniques or ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": modes or ["Sans objet"]},
        "marcheInnovant": bool(contract.innovative),
        "ccag": L.CCAG_BY_VALUE[contract.ccag or Ccag.NONE],
        "offresRecues": int(contract.offers_received),  # type: ignore[arg-type]
        "attributionAvance": bool(contract.advance_granted),
        "typeGroupementOperateurs": L.GROUPING_LABELS[contract.operator_grouping],
        "sousTraitanceDeclaree": bool(contract.subcontracting_declared),
        "procedure": L.PROCEDURE_LABELS[contract.procedure],
        "lieuExecution": {
            "code": contract.place_code,
            "typeCode": L.canonical(contract.place_type, L.PLACE_TYPES) or "Code postal",
        },
        "dureeMois": int(duration),  # type: ignore[arg-type]
        "dateNotification": contract.notification_date.isoformat(),  # type: ignore[union-attr]
        "datePublicationDonnees": (contract.publication_date or today).isoformat(),
        "montant": float(amount) if amount != amount.to_integral_value() else int(amount),  # type: ignore[union-attr]
        "typesPrix": {
            "typePrix": [p for p in contract.price_types if p in L.PRICE_TYPES] or ["Définitif ferme"]
        },
        "formePrix": L.PRICE_FORM_LABELS[contract.price_form],  # type: ignore[index]
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": contract.supplier_siret}}],
        "considerationsSociales": {
            "considerationSociale": [
                c for c in contract.social_considerations if c in L.SOCIAL_CONSIDERATIONS
            ]
        },
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": [
                c for c in contract.environmental_considerations if c in L.ENVIRONMENTAL_CONSIDERATIONS
            ]
        },
    }
    if contract.advance_rate is not None:
        marche["tauxAvance"] = float(contract.advance_rate)
    if not marche["considerationsSociales"]["considerationSociale"]:
        return None, ["considérations sociales (valeurs DECP)"]
    if not marche["considerationsEnvironnementales"]["considerationEnvironnementale"]:
        return None, ["considérations environnementales (valeurs DECP)"]
    return marche, []


def write_decp(marches: list[dict], out: Path) -> None:
    """Write ``{"marches": {"marche": [...]}}`` (2.0.3), atomically."""
    write_text(out, json.dumps({"marches": {"marche": marches}}, ensure_ascii=False, indent=2) + "\n")

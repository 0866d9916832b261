"""« Données à compléter »: each contract's shared facts with their source, what each feature still
needs, and the edits that complete them (accept the app's proposals, set a fact on many contracts).

The GUI grid and the ``facts`` command call these; nothing here decides a fact the buyer did not
give or confirm, except values derived exactly (duration from dates) which the facts module shows
with their source.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app import format as fmt
from app.enums import ContractStatus, label
from app.errors import NotFound, UserError, ValidationError
from app.io import cells
from app.io.templates import CONTRACTS as CONTRACT_TEMPLATE
from app.model import Contract, Department, PurchaseFamily, utcnow
from app.queries import register
from app.queries.contracts import contracts_facts
from app.queries.organisations import require_organisation
from app.rules import contract as rules
from app.rules.contract import ContractFacts, Feature, MissingFact, Source
from app.services import audit, scope
from app.storage.database import Database

# The facts the grid shows, in its column order.
GRID_FACTS = ("nature", "procedure", "recurrent", "duration_months", "end_date", "place_code", "cpv_code")


def _not_found(references: Sequence[str]) -> NotFound:
    """« Marché introuvable : X. », « Marchés introuvables : X, Y. »"""
    noun = fmt.plural(len(references), "Marché introuvable", "Marchés introuvables")
    return NotFound(f"{noun} : " + ", ".join(references) + ".")


@dataclass(frozen=True)
class FactCell:
    value: object
    text: str  # French display ("Fournitures", "oui", "36", "—")
    source: str  # French provenance ("importé", "déduit du code CPV 30192000"…)
    known: bool
    to_confirm: bool = False
    proposal: str = ""  # French: the proposed value and why, when there is one


@dataclass(frozen=True)
class FactsRow:
    contract_id: uuid.UUID
    reference: str
    object: str
    supplier: str
    department: str
    family: str
    end_date: dt.date | None
    status: ContractStatus
    version: int
    cells: dict[str, FactCell]
    missing: list[MissingFact]
    proposals: dict[str, rules.Proposal]

    @property
    def needs(self) -> dict[str, list[str]]:
        """French: feature label -> what it still needs."""
        out: dict[str, list[str]] = {}
        for m in self.missing:
            for feature in m.features:
                out.setdefault(rules.FEATURE_LABELS[feature], []).append(m.message)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "object": self.object,
            "supplier": self.supplier,
            "end_date": self.end_date,
            "facts": {
                name: {"value": _json_value(c.value), "text": c.text, "source": c.source, "known": c.known}
                | ({"to_confirm": True} if c.to_confirm else {})
                | ({"proposal": c.proposal} if c.proposal else {})
                for name, c in self.cells.items()
            },
            "needs": {
                rules.FEATURE_LABELS[f]: [m.message for m in self.missing if f in m.features] for f in Feature
            },
        }


@dataclass(frozen=True)
class FactsSummary:
    contracts: int
    incomplete: int  # contracts missing a fact some feature needs
    proposals: int  # contracts with at least one proposal to accept
    by_feature: dict[Feature, int] = field(default_factory=dict)  # contracts a feature cannot fully use

    def sentence(self) -> str:
        """French, for the dashboard and the cotation screen ("" when nothing is missing)."""
        if not self.incomplete:
            return ""
        parts = [
            f"{fmt.count(self.incomplete, 'marché')} sur {fmt.number(self.contracts)} "
            f"{fmt.plural(self.incomplete, 'a', 'ont')} des données à compléter"
        ]
        uses = [f"{rules.FEATURE_LABELS[f].lower()} : {n}" for f, n in self.by_feature.items() if n]
        if uses:
            parts.append("(" + ", ".join(uses) + ")")
        if self.proposals:
            parts.append(f"; {self.proposals} avec une proposition à accepter")
        return " ".join(parts) + "."


def _json_value(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


def _text(name: str, value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, enum.Enum):
        return label(value)
    if name == "duration_months":
        return f"{value} mois"
    return str(value)


def _cell(facts: ContractFacts, name: str) -> FactCell:
    value = getattr(facts, name)
    provenance = facts.source(name)
    if name == "end_date":
        provenance = rules.Provenance(Source.ENTERED) if value is not None else rules.UNKNOWN
    proposal = facts.proposals.get(name)
    proposal_text = ""
    if proposal is not None:
        proposal_text = _text(name, proposal.value)
        if proposal.reason != provenance.text:
            proposal_text += f" ({proposal.reason})"
    return FactCell(
        value=value,
        text=_text(name, value) if provenance.source is not Source.PROPOSED else "—",
        source=provenance.text,
        known=value is not None,
        to_confirm=provenance.to_confirm or provenance.source is Source.PROPOSED,
        proposal=proposal_text,
    )


def _rows(session: Session, organisation_id: uuid.UUID, today: dt.date | None) -> list[FactsRow]:
    require_organisation(session, organisation_id)
    facts = contracts_facts(session, organisation_id, today=today)
    versions = register.versions(session, organisation_id)
    return [
        FactsRow(
            contract_id=f.id,  # type: ignore[arg-type]
            reference=f.reference,
            object=f.object,
            supplier=f.supplier_name or "",
            department=f.department or "",
            family=f.family_label,
            end_date=f.end_date,
            status=f.status,
            version=versions.get(f.id, 1),
            cells={name: _cell(f, name) for name in GRID_FACTS},
            missing=rules.missing_facts(f),
            proposals=dict(f.proposals),
        )
        for f in facts
    ]


def facts_rows(
    db: Database,
    organisation_id: uuid.UUID,
    *,
    references: Sequence[str] | None = None,
    only_incomplete: bool = False,
    today: dt.date | None = None,
) -> list[FactsRow]:
    """Every contract's facts (or those of ``references``), cancelled ones left out."""
    with db.read() as session:
        rows = _rows(session, organisation_id, today)
    return _listed(rows, references, only_incomplete)


def _listed(
    rows: list[FactsRow], references: Sequence[str] | None = None, only_incomplete: bool = False
) -> list[FactsRow]:
    rows = [r for r in rows if r.status is not ContractStatus.CANCELLED]
    if references:
        wanted = {ref.casefold() for ref in references}
        rows = [r for r in rows if r.reference.casefold() in wanted]
        unknown = wanted - {r.reference.casefold() for r in rows}
        if unknown:
            raise _not_found(sorted(unknown))
    if only_incomplete:
        rows = [r for r in rows if r.missing]
    return rows


def summary(db: Database, organisation_id: uuid.UUID, *, today: dt.date | None = None) -> FactsSummary:
    """The dashboard's sentence: counted from the facts alone (no grid cells, no row versions)."""
    with db.read() as session:
        require_organisation(session, organisation_id)
        facts = contracts_facts(session, organisation_id, today=today)
    return summary_of_facts(facts)


def summary_of_facts(facts: Sequence[ContractFacts]) -> FactsSummary:
    """``summary`` of contract facts already read (a screen reads them once for all it shows)."""
    return _summary_of(
        [
            (rules.missing_facts(f), bool(f.proposals))
            for f in facts
            if f.status is not ContractStatus.CANCELLED
        ]
    )


def summarise(rows: Sequence[FactsRow]) -> FactsSummary:
    """The summary of rows already read (the grid reads them once for both)."""
    return _summary_of([(r.missing, bool(r.proposals)) for r in rows])


def _summary_of(contracts: Sequence[tuple[list[MissingFact], bool]]) -> FactsSummary:
    """Counted from each contract's missing facts and whether it has a proposal."""
    by_feature = {
        f: sum(1 for missing, _ in contracts if any(f in m.features and not m.to_confirm for m in missing))
        for f in Feature
    }
    return FactsSummary(
        contracts=len(contracts),
        incomplete=sum(1 for missing, _ in contracts if any(not m.to_confirm for m in missing)),
        proposals=sum(1 for _, proposed in contracts if proposed),
        by_feature=by_feature,
    )


# --- editing ---------------------------------------------------------------------------------------

# Facts a buyer sets from the grid or the command line: field -> French label.
SETTABLE = {
    "nature": "Nature",
    "procedure": "Procédure",
    "recurrent": "Récurrent",
    "renewable": "Reconductible",
    "duration_months": "Durée (mois)",
    "end_date": "Date de fin",
    "start_date": "Date de début",
    "notification_date": "Date de notification",
    "place_code": "Lieu d'exécution",
    "cpv_code": "Code CPV",
    "department": "Service",
    "family": "Famille d'achat",
    "price_form": "Forme du prix",
    "price_types": "Types de prix",
    "offers_received": "Offres reçues",
    "social_considerations": "Considérations sociales",
    "environmental_considerations": "Considérations environnementales",
}
# Synonyms accepted on the command line (folded).
_FIELD_NAMES = {cells.key_of(k): k for k in SETTABLE} | {cells.key_of(v): k for k, v in SETTABLE.items()}
_FIELD_NAMES |= {
    "service": "department",
    "famille": "family",
    "recurrence": "recurrent",
    "lieu": "place_code",
}


def field_of(name: str) -> str:
    found = _FIELD_NAMES.get(cells.key_of(name))
    if found is None:
        raise ValidationError(
            f"« {name} » n'est pas une donnée modifiable ici. Données possibles : "
            + ", ".join(sorted(SETTABLE))
            + "."
        )
    return found


def parse_fact(name: str, text: object) -> object:
    """A typed value from what the buyer typed (French labels, oui/non, dates jj/mm/aaaa…);
    an empty value means « inconnu » again."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        return text
    if name in ("department", "family", "place_code"):
        return text.strip()
    from app.io.validate import parse_cell

    column = CONTRACT_TEMPLATE.column(name)
    try:
        return parse_cell(column, text)
    except (cells.CellError, ValueError) as exc:
        raise ValidationError(
            f"{SETTABLE[name]} : « {text} » n'est pas reconnu ({exc}) ; attendu : {column.expected}.",
            field=name,
        ) from exc


def _named(session, model, organisation_id: uuid.UUID, name: str, **extra: object) -> uuid.UUID:  # noqa: ANN001
    found = register.id_by_name(session, model, organisation_id, name)
    if found is not None:
        return found
    row = model(
        organisation_id=organisation_id, **({"name": name} if model is Department else {"label": name})
    )
    for key, value in extra.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    return row.id


def _apply(session, contract: Contract, name: str, value: object, source: Source) -> dict[str, Any]:  # noqa: ANN001
    """Set one fact on a contract; returns the audit change (old, new) or {} when unchanged."""
    if name == "department":
        column, new = (
            "department_id",
            (_named(session, Department, contract.organisation_id, value) if value else None),
        )
    elif name == "family":
        column = "family_id"
        new = (
            _named(session, PurchaseFamily, contract.organisation_id, value, code=str(value)[:20])
            if value
            else None
        )
    else:
        column, new = name, value
    old = getattr(contract, column)
    if name in ("price_types", "social_considerations", "environmental_considerations"):
        new = list(new or [])
    if old == new:
        return {}
    problems = rules.validate_contract_values(
        {
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "cpv_code": contract.cpv_code,
            column: new,
        }
    )
    if problems:
        raise ValidationError(f"Marché « {contract.reference} » : {problems[0].message}", field=name)
    setattr(contract, column, new)
    sources = dict(contract.fact_sources or {})
    sources[name] = source.value
    contract.fact_sources = sources
    return {SETTABLE.get(name, name): [_text(name, old) if column == name else "", _text(name, value)]}


def contract_ids_of(db: Database, organisation_id: uuid.UUID, references: Sequence[str]) -> list[uuid.UUID]:
    with db.read() as session:
        found = register.ids_by_reference(session, organisation_id)
    missing = [r for r in references if r.casefold() not in found]
    if missing:
        raise _not_found(missing)
    return [found[r.casefold()] for r in references]


def contract_versions_of(
    db: Database, organisation_id: uuid.UUID, references: Sequence[str]
) -> dict[uuid.UUID, int]:
    """The version of each contract named by reference, as read now: what ``set_fact`` expects."""
    with db.read() as session:
        found = register.ids_by_reference(session, organisation_id)
        missing = [r for r in references if r.casefold() not in found]
        if missing:
            raise _not_found(missing)
        ids = [found[r.casefold()] for r in references]
        return {c.id: c.version for c in register.contracts_to_edit(session, organisation_id, ids)}


@dataclass(frozen=True)
class EditResult:
    changed: int  # contracts changed
    facts: int  # facts written

    def sentence(self) -> str:
        if not self.changed:
            return "Rien à changer."
        facts = fmt.count(self.facts, "donnée enregistrée", "données enregistrées")
        return f"{facts} sur {fmt.count(self.changed, 'marché')}."


def set_fact(
    db: Database,
    organisation_id: uuid.UUID,
    name: str,
    value: object,
    contract_ids: Sequence[uuid.UUID],
    *,
    user_name: str = "",
    expected_versions: dict[uuid.UUID, int],
) -> EditResult:
    """Set one fact on many contracts at once (grid « Modifier la sélection », ``facts --set``).
    ``value`` is typed or French text; empty text makes the fact unknown again. ``expected_versions``
    (required): the version read of each contract; a contract read at another version, or not read,
    is not overwritten (``ConcurrentEdit``)."""
    name = field_of(name) if name not in SETTABLE else name
    typed = parse_fact(name, value) if isinstance(value, str) or value is None else value
    if not contract_ids:
        raise UserError("Choisissez au moins un marché.")
    changed = written = 0
    with db.write() as session:
        contracts = register.contracts_to_edit(session, organisation_id, contract_ids)
        _ensure_all_own(session, organisation_id, contract_ids, contracts)
        for contract in contracts:
            _check_version(session, contract, expected_versions)
            change = _apply(session, contract, name, typed, Source.CONFIRMED)
            if change:
                contract.updated_at = utcnow()
                audit.record(session, "contract", contract.id, "update", change, user_name)
                changed += 1
                written += 1
    return EditResult(changed, written)


def _ensure_all_own(
    session,
    organisation_id: uuid.UUID,
    wanted: Sequence[uuid.UUID],
    found: Sequence[Contract],  # noqa: ANN001
) -> None:
    """Refuse the whole edit when one of the contracts asked for is gone or another organisation's."""
    mine = {c.id for c in found}
    for contract_id in wanted:
        if contract_id not in mine:
            scope.own_contract(session, contract_id, organisation_id)


def _check_version(session, contract: Contract, expected: dict[uuid.UUID, int]) -> None:  # noqa: ANN001
    if expected.get(contract.id) != contract.version:
        raise audit.conflict(
            session,
            contract.id,
            f"Le marché « {contract.reference} » a été modifié {{who}}, depuis l'affichage de la liste. "
            "Actualisez-la puis recommencez.",
        )


def accept_proposals(
    db: Database,
    organisation_id: uuid.UUID,
    contract_ids: Sequence[uuid.UUID] | None = None,
    *,
    expected_versions: dict[uuid.UUID, int],
    fields: Sequence[str] | None = None,
    user_name: str = "",
    today: dt.date | None = None,
) -> EditResult:
    """Write every proposal the app made (nature, procedure, recurrence) as confirmed values: what
    the grid's « Accepter les propositions » does. ``expected_versions`` (required): the version read
    of each contract shown; without ``contract_ids`` only those contracts are considered, and a
    contract changed since it was read is not overwritten (``ConcurrentEdit`` naming who)."""
    changed = written = 0
    with db.write() as session:
        rows = {r.contract_id: r for r in _rows(session, organisation_id, today)}
        wanted = set(contract_ids) if contract_ids is not None else set(expected_versions)
        if contract_ids is not None:
            _ensure_all_own(session, organisation_id, list(contract_ids), [])
        for contract in register.contracts_to_edit(session, organisation_id, sorted(wanted & set(rows))):
            proposals = rows[contract.id].proposals
            change: dict[str, Any] = {}
            for name, proposal in proposals.items():
                if fields is not None and name not in fields:
                    continue
                if getattr(contract, name) is not None:
                    continue  # the buyer gave it meanwhile
                if not change:
                    _check_version(session, contract, expected_versions)
                change |= _apply(session, contract, name, proposal.value, Source.CONFIRMED)
            if change:
                contract.updated_at = utcnow()
                audit.record(session, "contract", contract.id, "update", change, user_name)
                changed += 1
                written += len(change)
    return EditResult(changed, written)

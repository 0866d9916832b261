"""Clause library and per-contract clause checklists.

The built-in library (``resources/clauses/library.toml``) is seeded into every file with ids derived
from the clause codes, so the same clause has the same id in every town's file. Towns add their own
clauses and edit copies of the built-in ones (which stay read-only), and share libraries as files:
a code already present is never imported twice. Each contract's checklist combines the rules'
verdict (mandatory, recommended...) with the buyer's decision (retenue, intégrée au DCE...).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import ChecklistStatus, ClauseKind, ContractStatus
from app.errors import ConcurrentEdit, ImportRejected, NotFound, ValidationError
from app.model import Clause, Contract, ContractClause, Organisation, utcnow
from app.paths import resource
from app.queries.contracts import contract_facts, contracts_facts
from app.rules.clause_library import (
    DECP_ENVIRONMENTAL,
    DECP_SOCIAL,
    DECP_VALUES,
    ClauseSpec,
    LibraryProblems,
    dump_library,
    levers_for_actions,
    parse_library,
)
from app.rules.clauses import (
    APPLICABILITY_ORDER,
    RULES,
    Applicability,
    Basis,
    ContractFacts,
    Verdict,
    applicability_label,
    evaluate_all,
)
from app.rules.levers import LEVERS_BY_CODE
from app.storage.database import Database

CLAUSE_NAMESPACE = uuid.UUID("3b7c2a1e-5d94-4c61-9f0a-8e2d4b6c1a57")
# Decisions that settle a mandatory clause (a dismissal carries its written justification).
SETTLED = frozenset(
    {ChecklistStatus.RETAINED, ChecklistStatus.IN_TENDER, ChecklistStatus.EXECUTED, ChecklistStatus.DISMISSED}
)
# Decisions that put the clause in the contract (and so in its DECP considerations).
IN_CONTRACT = frozenset({ChecklistStatus.IN_TENDER, ChecklistStatus.EXECUTED})
OPEN_CONTRACT_STATUSES = (ContractStatus.DRAFT, ContractStatus.ACTIVE)


def clause_id(code: str) -> uuid.UUID:
    """The id of the clause with this code, identical in every file (merges never duplicate it)."""
    return uuid.uuid5(CLAUSE_NAMESPACE, code)


@functools.cache
def builtin_library() -> tuple[ClauseSpec, ...]:
    path = resource("clauses", "library.toml")
    return tuple(parse_library(path.read_text(encoding="utf-8"), source=str(path)))


def _builtin_by_code() -> dict[str, ClauseSpec]:
    return {spec.code: spec for spec in builtin_library()}


# --- DTOs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseRow:
    id: uuid.UUID
    code: str
    title: str
    kind: ClauseKind
    actions: tuple[int, ...]
    levers: tuple[str, ...]
    legal_basis: str
    applies_when: str
    guidance: str
    model_text: str
    decp_consideration: str | None
    builtin: bool
    copied_from: str | None
    version: int

    @property
    def rule_code(self) -> str:
        """The applicability rule this clause follows (a copy follows its original's rule)."""
        if self.code in RULES or not self.copied_from:
            return self.code
        return self.copied_from


@dataclass(frozen=True)
class ClauseInput:
    """What a user types for a clause of their own."""

    title: str
    kind: ClauseKind
    actions: tuple[int, ...]
    legal_basis: str
    applies_when: str
    guidance: str
    model_text: str
    decp_consideration: str | None = None


@dataclass(frozen=True)
class ImportResult:
    added: list[str]
    skipped: list[str]


@dataclass(frozen=True)
class ChecklistItem:
    clause_id: uuid.UUID
    code: str
    title: str
    kind: ClauseKind
    actions: tuple[int, ...]
    applicability: Applicability
    reason: str
    evidence: str | None
    status: ChecklistStatus
    justification: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    text: str  # the chosen text if any, else the clause's model text
    legal_basis: str
    decp_consideration: str | None
    builtin: bool
    item_version: int | None  # version of the checklist line, None while undecided
    basis: Basis | None = None  # for a mandatory clause: the law or the town's SPASER commitment

    @property
    def applicability_label(self) -> str:
        """ "Obligatoire (obligation légale)", "Obligatoire (engagement du SPASER)", "Recommandée"…"""
        return applicability_label(self.applicability, self.basis)

    @property
    def settled(self) -> bool:
        return self.evidence is not None or self.status in SETTLED

    @property
    def missing(self) -> bool:
        return self.applicability is Applicability.MANDATORY and not self.settled


@dataclass(frozen=True)
class Checklist:
    contract_id: uuid.UUID
    organisation: str
    reference: str
    object: str
    amount: Decimal | None
    duration_months: int | None
    consultation_date: dt.date
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def missing_mandatory(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.missing]


# --- Library --------------------------------------------------------------------------------------


def _levers_of(clause: Clause, builtins: dict[str, ClauseSpec]) -> tuple[str, ...]:
    origin = builtins.get(clause.code) or builtins.get(clause.copied_from or "")
    if origin is not None:
        return origin.levers
    return levers_for_actions(clause.actions or [])


def _row(clause: Clause, builtins: dict[str, ClauseSpec]) -> ClauseRow:
    return ClauseRow(
        id=clause.id,
        code=clause.code,
        title=clause.title,
        kind=clause.kind,
        actions=tuple(clause.actions or ()),
        levers=_levers_of(clause, builtins),
        legal_basis=clause.legal_basis,
        applies_when=clause.applies_when,
        guidance=clause.guidance,
        model_text=clause.model_text,
        decp_consideration=clause.decp_consideration,
        builtin=clause.builtin,
        copied_from=clause.copied_from,
        version=clause.version,
    )


def seed_builtin_clauses(session: Session, *, created_at: dt.datetime | None = None) -> None:
    """Insert the built-in clauses the file lacks and bring changed ones up to date (idempotent)."""
    stamps = {"created_at": created_at, "updated_at": created_at} if created_at else {}
    existing = {c.code: c for c in session.scalars(select(Clause).where(Clause.builtin.is_(True)))}
    for spec in builtin_library():
        values = {
            "title": spec.title,
            "kind": spec.kind,
            "actions": list(spec.actions),
            "legal_basis": spec.legal_basis,
            "applies_when": spec.applies_when,
            "guidance": spec.guidance,
            "model_text": spec.model_text,
            "decp_consideration": spec.decp_consideration,
        }
        row = existing.get(spec.code)
        if row is None:
            session.add(Clause(id=clause_id(spec.code), code=spec.code, builtin=True, **values, **stamps))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
    session.flush()


def ensure_builtin_clauses(db: Database) -> None:
    """Seed the library into a file created before it existed (cheap when already there)."""
    with db.session(write=False) as session:
        count = len(session.scalars(select(Clause.code).where(Clause.builtin.is_(True))).all())
    if count < len(builtin_library()):
        from app.services.emission_factors import seed_emission_factors

        with db.session() as session:
            seed_emission_factors(session)  # the shipped emission factors and clause library
            seed_builtin_clauses(session)


def _visible(organisation_id: uuid.UUID | None):  # noqa: ANN202
    return (Clause.organisation_id.is_(None)) | (Clause.organisation_id == organisation_id)


def list_library(
    db: Database,
    organisation_id: uuid.UUID | None,
    *,
    search: str = "",
    action: int | None = None,
    kind: ClauseKind | None = None,
) -> list[ClauseRow]:
    """Built-in clauses and the organisation's own, filtered; ordered by first action then title."""
    from app.services.text import normalize_name

    builtins = _builtin_by_code()
    with db.session(write=False) as session:
        rows = [_row(c, builtins) for c in session.scalars(select(Clause).where(_visible(organisation_id)))]
    needle = normalize_name(search) if search.strip() else ""
    out = []
    for row in rows:
        if action is not None and action not in row.actions:
            continue
        if kind is not None and row.kind is not kind:
            continue
        if needle:
            haystack = normalize_name(" ".join((row.code, row.title, row.legal_basis, row.model_text)))
            if not all(word in haystack for word in needle.split()):
                continue
        out.append(row)
    return sorted(out, key=lambda r: (min(r.actions, default=99), not r.builtin, r.title.lower()))


def get_clause(db: Database, clause_id_: uuid.UUID) -> ClauseRow:
    with db.session(write=False) as session:
        clause = session.get(Clause, clause_id_)
        if clause is None:
            raise NotFound("Cette clause n'existe plus (supprimée sur un autre poste ?).")
        return _row(clause, _builtin_by_code())


def _validated(data: ClauseInput) -> ClauseInput:
    fields = {
        "title": "le titre",
        "legal_basis": "la base juridique",
        "applies_when": "le champ d'application",
        "guidance": "les conseils à l'acheteur",
        "model_text": "le texte type",
    }
    for name, what in fields.items():
        if not getattr(data, name).strip():
            raise ValidationError(f"Indiquez {what} de la clause.", field=name)
    if len(data.title.strip()) > 200:
        raise ValidationError("Le titre ne doit pas dépasser 200 caractères.", field="title")
    actions = tuple(sorted(set(data.actions)))
    if not actions:
        raise ValidationError("Choisissez au moins une action du SPASER.", field="actions")
    if any(a < 1 or a > 26 for a in actions):
        raise ValidationError("Les actions du SPASER sont numérotées de 1 à 26.", field="actions")
    decp = data.decp_consideration or None
    if decp is not None and decp not in DECP_VALUES:
        raise ValidationError(f"Considération DECP « {decp} » inconnue.", field="decp_consideration")
    return replace(
        data,
        title=data.title.strip(),
        actions=actions,
        legal_basis=data.legal_basis.strip(),
        applies_when=data.applies_when.strip(),
        guidance=data.guidance.strip(),
        model_text=data.model_text.strip(),
        decp_consideration=decp,
    )


def _new_code(session: Session, base: str) -> str:
    while True:
        code = f"{base}-{uuid.uuid4().hex[:8]}"
        if session.scalar(select(Clause.id).where(Clause.code == code)) is None:
            return code


def _fields(data: ClauseInput) -> dict:
    return {
        "title": data.title,
        "kind": data.kind,
        "actions": list(data.actions),
        "legal_basis": data.legal_basis,
        "applies_when": data.applies_when,
        "guidance": data.guidance,
        "model_text": data.model_text,
        "decp_consideration": data.decp_consideration,
    }


def add_clause(db: Database, organisation_id: uuid.UUID, data: ClauseInput) -> uuid.UUID:
    """A clause of the organisation's own; its code is generated once and travels with it."""
    data = _validated(data)
    with db.session() as session:
        code = _new_code(session, "perso")
        session.add(
            Clause(
                id=clause_id(code), code=code, builtin=False, organisation_id=organisation_id, **_fields(data)
            )
        )
        return clause_id(code)


def copy_clause(db: Database, organisation_id: uuid.UUID, source_id: uuid.UUID) -> uuid.UUID:
    """An editable copy of any clause; the copy keeps the original's applicability rule."""
    with db.session() as session:
        source = session.get(Clause, source_id)
        if source is None:
            raise NotFound("Cette clause n'existe plus.")
        origin = source.copied_from if source.copied_from and not source.builtin else source.code
        code = _new_code(session, f"{origin}-copie")
        session.add(
            Clause(
                id=clause_id(code),
                code=code,
                title=f"{source.title} (copie)"[:200],
                kind=source.kind,
                actions=list(source.actions or []),
                legal_basis=source.legal_basis,
                applies_when=source.applies_when,
                guidance=source.guidance,
                model_text=source.model_text,
                decp_consideration=source.decp_consideration,
                builtin=False,
                organisation_id=organisation_id,
                copied_from=origin,
            )
        )
        return clause_id(code)


def _editable(session: Session, clause_id_: uuid.UUID, expected_version: int) -> Clause:
    clause = session.get(Clause, clause_id_)
    if clause is None:
        raise NotFound("Cette clause n'existe plus (supprimée sur un autre poste ?).")
    if clause.builtin:
        raise ValidationError(
            "Les clauses livrées avec l'application ne se modifient pas : faites-en une copie, "
            "que vous pourrez adapter."
        )
    if clause.version != expected_version:
        raise ConcurrentEdit("Cette clause a été modifiée entre-temps sur un autre poste. Rouvrez-la.")
    return clause


def update_clause(db: Database, clause_id_: uuid.UUID, data: ClauseInput, *, expected_version: int) -> None:
    data = _validated(data)
    with db.session() as session:
        clause = _editable(session, clause_id_, expected_version)
        for key, value in _fields(data).items():
            setattr(clause, key, value)


def delete_clause(db: Database, clause_id_: uuid.UUID, *, expected_version: int) -> None:
    with db.session() as session:
        session.delete(_editable(session, clause_id_, expected_version))


def _spec(row: ClauseRow) -> ClauseSpec:
    return ClauseSpec(
        code=row.code,
        title=row.title,
        kind=row.kind,
        actions=row.actions,
        levers=row.levers,
        legal_basis=row.legal_basis,
        applies_when=row.applies_when,
        guidance=row.guidance,
        model_text=row.model_text,
        decp_consideration=row.decp_consideration,
        copied_from=row.copied_from,
    )


def export_library(
    db: Database, organisation_id: uuid.UUID, path: Path | str, *, include_builtin: bool = False
) -> int:
    """Write the organisation's clauses (and the built-in ones if asked) to a shareable file."""
    rows = [r for r in list_library(db, organisation_id) if include_builtin or not r.builtin]
    if not rows:
        raise ValidationError(
            "Votre collectivité n'a encore ni clause propre ni copie : il n'y a rien à partager. "
            "Cochez « inclure les clauses livrées » pour exporter toute la bibliothèque."
        )
    with db.session(write=False) as session:
        org = session.get(Organisation, organisation_id)
        name = org.name if org else ""
    text = dump_library(
        [_spec(r) for r in rows],
        comment=f"Bibliothèque de clauses exportée par {name} depuis Achats Durables.",
    )
    Path(path).write_text(text, encoding="utf-8")
    return len(rows)


def import_library(db: Database, organisation_id: uuid.UUID, path: Path | str) -> ImportResult:
    """Add the file's clauses whose code this file does not have yet (importing twice adds nothing)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            f"« {path.name} » n'est pas un fichier texte UTF-8 : ce n'est pas une bibliothèque."
        ) from exc
    except OSError as exc:
        raise ImportRejected(f"Le fichier « {path.name} » ne peut pas être lu ({exc.strerror}).") from exc
    try:
        specs = parse_library(text, source=f"« {path.name} »")
    except LibraryProblems as exc:
        raise ImportRejected(
            f"La bibliothèque « {path.name} » n'est pas valable : rien n'a été importé.",
            problems=exc.problems,
        ) from exc
    added: list[str] = []
    skipped: list[str] = []
    with db.session() as session:
        known = set(session.scalars(select(Clause.code)))
        for spec in specs:
            if spec.code in known:
                skipped.append(spec.code)
                continue
            session.add(
                Clause(
                    id=clause_id(spec.code),
                    code=spec.code,
                    title=spec.title,
                    kind=spec.kind,
                    actions=list(spec.actions),
                    legal_basis=spec.legal_basis,
                    applies_when=spec.applies_when,
                    guidance=spec.guidance,
                    model_text=spec.model_text,
                    decp_consideration=spec.decp_consideration,
                    builtin=False,
                    organisation_id=organisation_id,
                    copied_from=spec.copied_from,
                )
            )
            known.add(spec.code)
            added.append(spec.code)
    return ImportResult(added=added, skipped=skipped)


# --- Checklists -----------------------------------------------------------------------------------


def _effective_library(clauses: list[ClauseRow], decided: set[uuid.UUID]) -> list[ClauseRow]:
    """The organisation's copies replace their originals, unless the contract already decided on one."""
    replaced = {c.copied_from for c in clauses if not c.builtin and c.copied_from}
    return [c for c in clauses if c.code not in replaced or c.id in decided]


def _library_rows(session: Session, organisation_id: uuid.UUID) -> list[ClauseRow]:
    builtins = _builtin_by_code()
    return [_row(c, builtins) for c in session.scalars(select(Clause).where(_visible(organisation_id)))]


def _verdicts(clauses: list[ClauseRow], facts: ContractFacts, settings) -> list[Verdict]:  # noqa: ANN001
    return evaluate_all([c.rule_code for c in clauses], facts, settings)


def _load_contract(session: Session, contract_id: uuid.UUID) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Ce marché n'existe plus (supprimé sur un autre poste ?).")
    return contract


def checklist_in(session: Session, contract_id: uuid.UUID, *, today: dt.date | None = None) -> Checklist:
    from app.queries.organisation_settings import settings_for

    contract = _load_contract(session, contract_id)
    facts = contract_facts(session, contract.id, today=today)
    items = {
        i.clause_id: i
        for i in session.scalars(select(ContractClause).where(ContractClause.contract_id == contract_id))
    }
    clauses = _effective_library(_library_rows(session, contract.organisation_id), set(items))
    verdicts = _verdicts(clauses, facts, settings_for(session, contract.organisation_id))
    out = []
    for clause, verdict in zip(clauses, verdicts, strict=True):
        item = items.get(clause.id)
        out.append(
            ChecklistItem(
                clause_id=clause.id,
                code=clause.code,
                title=clause.title,
                kind=clause.kind,
                actions=clause.actions,
                applicability=verdict.status,
                reason=verdict.reason,
                evidence=verdict.evidence,
                status=item.status if item else ChecklistStatus.TO_STUDY,
                justification=item.justification if item else None,
                decided_by=item.decided_by if item else None,
                decided_at=item.decided_at if item else None,
                text=(item.chosen_text if item and item.chosen_text else clause.model_text),
                legal_basis=clause.legal_basis,
                decp_consideration=clause.decp_consideration,
                builtin=clause.builtin,
                item_version=item.version if item else None,
                basis=verdict.basis,
            )
        )
    out.sort(
        key=lambda i: (APPLICABILITY_ORDER[i.applicability], min(i.actions, default=99), i.title.lower())
    )
    org = session.get(Organisation, contract.organisation_id)
    return Checklist(
        contract_id=contract.id,
        organisation=org.name if org else "",
        reference=contract.reference,
        object=contract.object,
        amount=facts.amount,
        duration_months=facts.duration_months,
        consultation_date=facts.consultation_date,
        items=out,
    )


def checklist(db: Database, contract_id: uuid.UUID, *, today: dt.date | None = None) -> Checklist:
    """Every clause of the organisation's library for one contract, with verdict and decision."""
    with db.session(write=False) as session:
        return checklist_in(session, contract_id, today=today)


def find_contract(db: Database, organisation_id: uuid.UUID, reference: str) -> uuid.UUID:
    with db.session(write=False) as session:
        found = session.scalar(
            select(Contract.id).where(
                Contract.organisation_id == organisation_id, Contract.reference == reference.strip()
            )
        )
    if found is None:
        raise NotFound(f"Aucun marché de référence « {reference} » pour cette collectivité.")
    return found


def set_item_status(
    db: Database,
    contract_id: uuid.UUID,
    clause_id_: uuid.UUID,
    status: ChecklistStatus,
    *,
    user_name: str = "",
    justification: str | None = None,
    chosen_text: str | None = None,
    expected_version: int | None,  # the version read; None when the contract had no line for it
) -> None:
    """Record the buyer's decision on one clause of a contract; dismissing needs a justification."""
    justification = (justification or "").strip() or None
    if status is ChecklistStatus.DISMISSED and not justification:
        raise ValidationError(
            "Pour écarter une clause, indiquez pourquoi : la justification est obligatoire "
            "(elle sera lue au comité et lors d'un contrôle).",
            field="justification",
        )
    with db.session() as session:
        _load_contract(session, contract_id)
        if session.get(Clause, clause_id_) is None:
            raise NotFound("Cette clause n'existe plus.")
        item = session.scalar(
            select(ContractClause).where(
                ContractClause.contract_id == contract_id, ContractClause.clause_id == clause_id_
            )
        )
        if item is None:
            item = ContractClause(contract_id=contract_id, clause_id=clause_id_)
            session.add(item)
        elif item.version != expected_version:
            raise ConcurrentEdit(
                "Cette ligne de la liste de clauses a été modifiée entre-temps sur un autre poste. "
                "Rechargez la liste."
            )
        item.status = status
        item.justification = justification
        if chosen_text is not None:
            item.chosen_text = chosen_text.strip() or None
        item.decided_by = user_name.strip() or None
        item.decided_at = utcnow()


def add_items_for_levers(
    session: Session, contract_id: uuid.UUID, lever_codes: list[str], user_name: str
) -> int:
    """Committee decisions become checklist lines "à étudier" (inside the caller's unit of work).

    Every clause implementing one of the levers is added unless the rules find it not applicable
    to this contract or the contract already has a line for it. Returns the number of lines added.
    """
    from app.queries.organisation_settings import settings_for

    wanted: set[str] = set()
    for code in lever_codes:
        code = str(code).strip()
        if code in LEVERS_BY_CODE:
            wanted.add(code)
        elif code.isdigit():  # an action number instead of a lever code
            wanted.update(levers_for_actions([int(code)]))
    if not wanted:
        return 0
    contract = _load_contract(session, contract_id)
    existing = set(
        session.scalars(select(ContractClause.clause_id).where(ContractClause.contract_id == contract_id))
    )
    clauses = [
        c
        for c in _effective_library(_library_rows(session, contract.organisation_id), existing)
        if set(c.levers) & wanted
    ]
    verdicts = _verdicts(
        clauses, contract_facts(session, contract.id), settings_for(session, contract.organisation_id)
    )
    added = 0
    now = utcnow()
    for clause, verdict in zip(clauses, verdicts, strict=True):
        if clause.id in existing or verdict.status is Applicability.NOT_APPLICABLE:
            continue
        session.add(
            ContractClause(
                contract_id=contract_id,
                clause_id=clause.id,
                status=ChecklistStatus.TO_STUDY,
                decided_by=user_name.strip() or None,
                decided_at=now,
            )
        )
        existing.add(clause.id)
        added += 1
    session.flush()
    return added


def contracts_missing_mandatory(
    db: Database, organisation_id: uuid.UUID, *, today: dt.date | None = None
) -> set[uuid.UUID]:
    """Contracts in preparation or running that lack a mandatory clause (not shown by their data,
    not retained, not dismissed with a justification). Used by the register filter and dashboards."""
    from app.queries.organisation_settings import settings_for

    with db.session(write=False) as session:
        settings = settings_for(session, organisation_id)
        contracts = [
            f
            for f in contracts_facts(session, organisation_id, today=today)
            if f.status in OPEN_CONTRACT_STATUSES
        ]
        if not contracts:
            return set()
        settled: dict[uuid.UUID, set[uuid.UUID]] = {}
        decided: dict[uuid.UUID, set[uuid.UUID]] = {}
        for cid, clid, status in session.execute(
            select(ContractClause.contract_id, ContractClause.clause_id, ContractClause.status)
            .join(Contract, Contract.id == ContractClause.contract_id)
            .where(Contract.organisation_id == organisation_id)
        ):
            decided.setdefault(cid, set()).add(clid)
            if status in SETTLED:
                settled.setdefault(cid, set()).add(clid)
        library = _library_rows(session, organisation_id)
    missing: set[uuid.UUID] = set()
    for facts in contracts:
        contract = facts
        clauses = _effective_library(library, decided.get(contract.id, set()))
        done = settled.get(contract.id, set())
        for clause, verdict in zip(clauses, _verdicts(clauses, facts, settings), strict=True):
            if (
                verdict.status is Applicability.MANDATORY
                and verdict.evidence is None
                and clause.id not in done
            ):
                missing.add(contract.id)
                break
    return missing


def contract_considerations(session: Session, contract_id: uuid.UUID) -> tuple[list[str], list[str]]:
    """DECP social and environmental considerations given by the clauses put in the contract
    (intégrée au DCE or exécutée), so the open-data export needs no second entry."""
    values = session.scalars(
        select(Clause.decp_consideration)
        .join(ContractClause, ContractClause.clause_id == Clause.id)
        .where(ContractClause.contract_id == contract_id, ContractClause.status.in_(IN_CONTRACT))
    ).all()
    present = {v for v in values if v}
    return [v for v in DECP_SOCIAL if v in present], [v for v in DECP_ENVIRONMENTAL if v in present]


DEMO_DISMISSAL = "Prestations indissociables : un seul titulaire garantit la continuité du service."


def add_demo_checklists(db: Database, *, today: dt.date, stamp: dt.datetime) -> None:
    """Demo: decisions on the clause checklists of the running contracts, deterministic. One contract
    in three has every mandatory clause in its tender file; one in three has a retained tie-break
    clause and a justified non-allotment; the others are left to the buyer (and flagged)."""
    with db.session() as session:
        contracts = session.scalars(
            select(Contract)
            .where(Contract.status.in_(OPEN_CONTRACT_STATUSES))
            .order_by(Contract.organisation_id, Contract.reference)
        ).all()
        for index, contract in enumerate(contracts):
            items = checklist_in(session, contract.id, today=today).items
            decisions: dict[str, tuple[ChecklistStatus, str | None]] = {}
            if index % 3 == 0:
                for item in items:
                    if item.applicability is Applicability.MANDATORY:
                        decisions[item.code] = (ChecklistStatus.IN_TENDER, None)
            elif index % 3 == 1:
                decisions["anti-discrimination-tiebreak"] = (ChecklistStatus.RETAINED, None)
                decisions["allotment"] = (ChecklistStatus.DISMISSED, DEMO_DISMISSAL)
            for item in items:
                if item.code not in decisions:
                    continue
                status, justification = decisions[item.code]
                session.add(
                    ContractClause(
                        id=uuid.uuid5(CLAUSE_NAMESPACE, f"demo:{contract.id}:{item.code}"),
                        contract_id=contract.id,
                        clause_id=item.clause_id,
                        status=status,
                        justification=justification,
                        decided_by="Service de la commande publique",
                        decided_at=stamp,
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )

"""The clause library: the built-in clauses (``resources/clauses/library.toml``, seeded into every
file with ids derived from their codes, so the same clause has the same id in every town's file) and
each organisation's own clauses and editable copies (the built-in ones stay read-only)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from app.enums import ClauseKind
from app.errors import NotFound, ValidationError
from app.model import Clause
from app.paths import resource
from app.queries import clauses as queries
from app.rules.clause_library import DECP_VALUES, ClauseSpec, levers_for_actions, parse_library
from app.rules.clauses import RULES
from app.services import audit, scope
from app.storage.database import Database

CLAUSE_NAMESPACE = uuid.UUID("3b7c2a1e-5d94-4c61-9f0a-8e2d4b6c1a57")


def clause_id(code: str) -> uuid.UUID:
    """The id of the clause with this code, identical in every file (merges never duplicate it)."""
    return uuid.uuid5(CLAUSE_NAMESPACE, code)


@functools.cache
def builtin_library() -> tuple[ClauseSpec, ...]:
    path = resource("clauses", "library.toml")
    return tuple(parse_library(path.read_text(encoding="utf-8"), source=str(path)))


def builtin_by_code() -> dict[str, ClauseSpec]:
    return {spec.code: spec for spec in builtin_library()}


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

    def to_json(self) -> dict:
        """One clause of ``clauses --library --json``."""
        return {
            "id": self.code,
            "title": self.title,
            "kind": self.kind.value,
            "actions": list(self.actions),
            "levers": list(self.levers),
            "legal_basis": self.legal_basis,
            "applies_when": self.applies_when,
            "guidance": self.guidance,
            "model_text": self.model_text,
            "decp_consideration": self.decp_consideration,
            "builtin": self.builtin,
            "copied_from": self.copied_from,
        }

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


def _levers_of(clause: Clause, builtins: dict[str, ClauseSpec]) -> tuple[str, ...]:
    origin = builtins.get(clause.code) or builtins.get(clause.copied_from or "")
    if origin is not None:
        return origin.levers
    return levers_for_actions(clause.actions or [])


def clause_row(clause: Clause, builtins: dict[str, ClauseSpec]) -> ClauseRow:
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
    existing = {c.code: c for c in queries.builtin_clauses(session)}
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


def builtin_clauses_seeded_in(session: Session) -> None:
    """Seed the library (and the shipped emission factors) into a file created before it existed,
    inside the caller's write unit of work (cheap when already there: one count)."""
    if queries.builtin_count(session) < len(builtin_library()):
        from app.services.emission_factors import seed_emission_factors

        seed_emission_factors(session)  # the shipped emission factors and clause library
        seed_builtin_clauses(session)


def ensure_builtin_clauses(db: Database) -> None:
    """Seed the library into a file created before it existed (cheap when already there)."""
    with db.write() as session:
        builtin_clauses_seeded_in(session)


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

    builtins = builtin_by_code()
    with db.read() as session:
        rows = [clause_row(c, builtins) for c in queries.visible_clauses(session, organisation_id)]
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
    return sorted(out, key=library_order)


def library_order(row: ClauseRow) -> tuple:
    """The library's order: by first SPASER action, built-in clauses first, then by title."""
    return (min(row.actions, default=99), not row.builtin, row.title.lower())


def get_clause(db: Database, clause_id_: uuid.UUID) -> ClauseRow:
    with db.read() as session:
        clause = session.get(Clause, clause_id_)
        if clause is None:
            raise NotFound("Cette clause n'existe plus (supprimée sur un autre poste ?).")
        return clause_row(clause, builtin_by_code())


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
        if not queries.code_taken(session, code):
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
    with db.write() as session:
        code = _new_code(session, "perso")
        session.add(
            Clause(
                id=clause_id(code), code=code, builtin=False, organisation_id=organisation_id, **_fields(data)
            )
        )
        return clause_id(code)


def copy_clause(db: Database, organisation_id: uuid.UUID, source_id: uuid.UUID) -> uuid.UUID:
    """An editable copy of any clause; the copy keeps the original's applicability rule."""
    with db.write() as session:
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


def _editable(
    session: Session, clause_id_: uuid.UUID, expected_version: int, organisation_id: uuid.UUID
) -> Clause:
    clause = session.get(Clause, clause_id_)
    if clause is None:
        raise NotFound("Cette clause n'existe plus (supprimée sur un autre poste ?).")
    if clause.builtin:
        raise ValidationError(
            "Les clauses livrées avec l'application ne se modifient pas : faites-en une copie, "
            "que vous pourrez adapter."
        )
    scope.ensure_own(session, clause.organisation_id, organisation_id, f"La clause « {clause.title} »")
    if clause.version != expected_version:
        raise audit.conflict(
            session,
            clause.id,
            f"La clause « {clause.title} » a été modifiée {{who}}. Rouvrez-la.",
        )
    return clause


def update_clause(
    db: Database,
    clause_id_: uuid.UUID,
    data: ClauseInput,
    *,
    expected_version: int,
    organisation_id: uuid.UUID,
    user_name: str = "",
) -> None:
    data = _validated(data)
    with db.write() as session:
        clause = _editable(session, clause_id_, expected_version, organisation_id)
        wanted = _fields(data)
        before = {key: getattr(clause, key) for key in wanted}
        for key, value in wanted.items():
            setattr(clause, key, value)
        audit.record(session, "clause", clause.id, "update", audit.diff(before, wanted), user_name)


def delete_clause(
    db: Database,
    clause_id_: uuid.UUID,
    *,
    expected_version: int,
    organisation_id: uuid.UUID,
    user_name: str = "",
) -> None:
    with db.write() as session:
        clause = _editable(session, clause_id_, expected_version, organisation_id)
        audit.record(session, "clause", clause.id, "delete", {"titre": clause.title}, user_name)
        session.delete(clause)


def library_rows(session: Session, organisation_id: uuid.UUID) -> list[ClauseRow]:
    builtins = builtin_by_code()
    return [clause_row(c, builtins) for c in queries.visible_clauses(session, organisation_id)]

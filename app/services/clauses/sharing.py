"""Sharing clause libraries between organisations as files: export the organisation's clauses (and
the built-in ones if asked), import another's; a code already present is never imported twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from app.errors import ImportRejected, ValidationError
from app.io.output import write_text
from app.model import Clause, Organisation
from app.queries import clauses as queries
from app.rules.clause_library import ClauseSpec, LibraryProblems, dump_library, parse_library
from app.services.clauses.library import ClauseRow, clause_id, library_order, library_rows
from app.storage.database import Database


@dataclass(frozen=True)
class ImportResult:
    added: list[str]
    skipped: list[str]

    def to_json(self) -> dict:
        return {"added": self.added, "skipped": self.skipped}


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
    with db.read() as session:
        rows = [r for r in library_rows(session, organisation_id) if include_builtin or not r.builtin]
        org = session.get(Organisation, organisation_id)
        name = org.name if org else ""
    if not rows:
        raise ValidationError(
            "Votre collectivité n'a encore ni clause propre ni copie : il n'y a rien à partager. "
            "Cochez « inclure les clauses livrées » pour exporter toute la bibliothèque."
        )
    rows.sort(key=library_order)
    text = dump_library(
        [_spec(r) for r in rows],
        comment=f"Bibliothèque de clauses exportée par {name} depuis Achats Durables.",
    )
    write_text(path, text)
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
    with db.write() as session:
        known = queries.clause_codes(session)
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

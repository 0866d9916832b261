"""The annual committee (CAD): its session, members, the contracts presented, one decision per
contract, the closing by the CAO president, and next year's review (bilan) of the decisions."""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.errors import NotFound, ValidationError
from app.model import Committee, CommitteeDecision, CommitteeMember, Contract, Organisation
from app.queries import committee as queries
from app.queries.committee import CommitteeView, DecisionRow, MemberRow  # noqa: F401 - read by the screens
from app.queries.cotation import due_list
from app.rules.levers import LEVERS_BY_CODE
from app.services import audit, scope
from app.storage.database import Database

PRESIDENT_ROLE = "Président de la CAO"
CLOSED_MESSAGE = (
    "Le CAD {year} est clôturé : la liste des marchés ciblés a été arrêtée par le président de la CAO. "
    "Il ne peut plus être modifié."
)


@dataclass(frozen=True)
class CloseResult:
    targeted: int
    checklist_updated: bool  # False when the clause library is not installed


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def is_president(role: str) -> bool:
    folded = _fold(role)
    return "president" in folded and "cao" in folded


def committee_view(db: Database, organisation_id: uuid.UUID, year: int) -> CommitteeView:
    with db.read() as session:
        return queries.committee_view(session, organisation_id, year)


def _open_committee(session: Session, organisation_id: uuid.UUID, year: int) -> Committee:
    committee = queries.committee_of(session, organisation_id, year)
    if committee is None:
        if session.get(Organisation, organisation_id) is None:
            raise NotFound("Collectivité introuvable dans ce fichier.")
        committee = Committee(organisation_id=organisation_id, year=year)
        session.add(committee)
        session.flush()
    if committee.closed:
        raise ValidationError(CLOSED_MESSAGE.format(year=year))
    return committee


def save_session(
    db: Database,
    organisation_id: uuid.UUID,
    year: int,
    *,
    meeting_date: dt.date | None,
    place: str = "",
    notes: str = "",
    members: Sequence[MemberRow] = (),
    expected_version: int | None,  # the version read; None when the year had no session yet
    user_name: str = "",
) -> CommitteeView:
    """Create or update the CAD session of ``year`` and replace its list of members."""
    cleaned = [MemberRow(m.name.strip(), m.role.strip()) for m in members if m.name.strip()]
    if meeting_date is not None and meeting_date.year != year:
        raise ValidationError(
            f"La séance du CAD {year} doit se tenir en {year} (date saisie : {meeting_date:%d/%m/%Y}).",
            field="meeting_date",
        )
    with db.write() as session:
        found = queries.committee_of(session, organisation_id, year)
        committee = _open_committee(session, organisation_id, year)
        if (found.version if found is not None else None) != expected_version:
            raise audit.conflict(
                session,
                committee.id,
                f"La séance du CAD {year} a été modifiée {{who}}. Rechargez l'écran.",
            )
        committee.meeting_date = meeting_date
        committee.place = place.strip() or None
        committee.notes = notes.strip() or None
        for old in queries.members_of(session, committee.id):
            session.delete(old)
        session.flush()
        base = dt.datetime(2000, 1, 1)
        for index, member in enumerate(cleaned):
            # created_at keeps the order in which the secretary listed the members.
            session.add(
                CommitteeMember(
                    committee_id=committee.id,
                    name=member.name,
                    role=member.role,
                    created_at=base + dt.timedelta(seconds=index),
                )
            )
        committee.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        session.flush()
        audit.record(
            session,
            "committee",
            committee.id,
            "create" if found is None else "update",
            {"séance": f"CAD {year}", "date": meeting_date, "membres": len(cleaned)},
            user_name,
        )
        return queries.committee_view(session, organisation_id, year)


def present_due_contracts(db: Database, organisation_id: uuid.UUID, year: int) -> int:
    """Put on the agenda every contract due at this CAD (ending next year); returns how many were added."""
    with db.write() as session:
        due = due_list(session, organisation_id, year)
        committee = _open_committee(session, organisation_id, year)
        present = queries.presented_contract_ids(session, committee.id)
        added = 0
        for row in due.to_present:
            if row.contract_id not in present:
                session.add(CommitteeDecision(committee_id=committee.id, contract_id=row.contract_id))
                added += 1
        return added


def present_contract(db: Database, organisation_id: uuid.UUID, year: int, contract_id: uuid.UUID) -> None:
    with db.write() as session:
        committee = _open_committee(session, organisation_id, year)
        contract = session.get(Contract, contract_id)
        if contract is None or contract.organisation_id != organisation_id:
            raise NotFound("Ce marché n'existe pas pour cette collectivité.")
        if contract_id not in queries.presented_contract_ids(session, committee.id):
            session.add(CommitteeDecision(committee_id=committee.id, contract_id=contract_id))


def _decision(
    session: Session, decision_id: uuid.UUID, organisation_id: uuid.UUID
) -> tuple[CommitteeDecision, Committee]:
    """A decision of a committee of ``organisation_id`` (the user's), with its committee."""
    decision = session.get(CommitteeDecision, decision_id)
    if decision is None:
        raise NotFound("Cette décision n'existe plus dans le fichier.")
    committee = scope.own_committee(session, session.get(Committee, decision.committee_id), organisation_id)
    return decision, committee


def _decision_conflict(session: Session, decision: CommitteeDecision, what: str) -> Exception:
    contract = session.get(Contract, decision.contract_id)
    reference = contract.reference if contract is not None else "?"
    return audit.conflict(
        session,
        decision.id,
        f"{what} du marché « {reference} » a été modifiée {{who}}. Rechargez l'écran.",
    )


def record_decision(
    db: Database,
    decision_id: uuid.UUID,
    *,
    targeted: bool,
    actions: Sequence[str] = (),
    comment: str = "",
    expected_version: int,
    organisation_id: uuid.UUID,
    user_name: str = "",
) -> None:
    """The committee's decision on one presented contract: targeted or not, and the chosen levers."""
    unknown = [a for a in actions if a not in LEVERS_BY_CODE]
    if unknown:
        raise ValidationError(f"Action inconnue : « {unknown[0]} ».", field="actions")
    if targeted and not actions:
        raise ValidationError(
            "Un marché ciblé doit recevoir au moins une action : cochez les leviers retenus.", field="actions"
        )
    with db.write() as session:
        decision, committee = _decision(session, decision_id, organisation_id)
        if committee.closed:
            raise ValidationError(CLOSED_MESSAGE.format(year=committee.year))
        if decision.version != expected_version:
            raise _decision_conflict(session, decision, "La décision du CAD")
        decision.targeted = targeted
        decision.actions = list(dict.fromkeys(actions)) if targeted else []
        decision.comment = comment.strip() or None
        audit.record(
            session,
            "committee_decision",
            decision.id,
            "update",
            {"ciblé": targeted, "actions": decision.actions},
            user_name,
        )


def withdraw_contract(db: Database, decision_id: uuid.UUID, *, organisation_id: uuid.UUID) -> None:
    with db.write() as session:
        decision, committee = _decision(session, decision_id, organisation_id)
        if committee.closed:
            raise ValidationError(CLOSED_MESSAGE.format(year=committee.year))
        session.delete(decision)


def _clause_hook() -> Callable | None:
    """``app.services.clauses.add_items_for_levers`` (imported late: clauses imports this module's peers)."""
    from app.services.clauses import add_items_for_levers

    return add_items_for_levers


def close_committee(
    db: Database, organisation_id: uuid.UUID, year: int, *, user_name: str = ""
) -> CloseResult:
    """The CAO president fixes the list of targeted contracts: the session is locked and each
    targeted contract's chosen actions become items of its clause checklist."""
    with db.write() as session:
        committee = queries.committee_of(session, organisation_id, year)
        if committee is None:
            raise ValidationError(f"Aucune séance du CAD {year} n'est enregistrée.")
        if committee.closed:
            raise ValidationError(CLOSED_MESSAGE.format(year=year))
        if committee.meeting_date is None:
            raise ValidationError(
                "Saisissez la date de la séance avant de clôturer le CAD.", field="meeting_date"
            )
        members = queries.members_of(session, committee.id)
        if not any(is_president(m.role) for m in members):
            raise ValidationError(
                f"Ajoutez le président de la CAO aux membres (rôle « {PRESIDENT_ROLE} ») : "
                "c'est lui qui arrête la liste des marchés ciblés.",
                field="members",
            )
        decisions = queries.decisions_of(session, committee.id)
        if not decisions:
            raise ValidationError("Aucun marché n'est présenté à ce CAD : rien à arrêter.")
        committee.closed = True
        hook = _clause_hook()
        targeted = [d for d in decisions if d.targeted]
        if hook is not None:
            for decision in targeted:
                hook(session, decision.contract_id, list(decision.actions), user_name)
        return CloseResult(targeted=len(targeted), checklist_updated=hook is not None)


def record_review(
    db: Database,
    decision_id: uuid.UUID,
    *,
    done: bool | None,
    comment: str = "",
    expected_version: int,
    organisation_id: uuid.UUID,
    user_name: str = "",
) -> None:
    """The bilan of a decision taken the year before: were the actions carried out, and why (not)."""
    if done is False and not comment.strip():
        raise ValidationError(
            "Indiquez pourquoi l'action n'a pas été réalisée : le bilan du CAD le demande.", field="comment"
        )
    with db.write() as session:
        decision, _committee = _decision(session, decision_id, organisation_id)
        if decision.version != expected_version:
            raise _decision_conflict(session, decision, "La ligne du bilan")
        decision.review_done = done
        decision.review_comment = comment.strip() or None
        audit.record(session, "committee_decision", decision.id, "update", {"réalisé": done}, user_name)

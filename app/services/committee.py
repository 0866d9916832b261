"""The annual committee (CAD): its session, members, the contracts presented, one decision per
contract, the closing by the CAO president, and next year's review (bilan) of the decisions."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Priority
from app.errors import ConcurrentEdit, NotFound, ValidationError
from app.model import (
    Assessment,
    Committee,
    CommitteeDecision,
    CommitteeMember,
    Contract,
    Organisation,
    Supplier,
)
from app.queries.contracts import contracts_facts
from app.rules.levers import LEVERS_BY_CODE
from app.services.cotation import due_list
from app.storage.database import Database

PRESIDENT_ROLE = "Président de la CAO"
CLOSED_MESSAGE = (
    "Le CAD {year} est clôturé : la liste des marchés ciblés a été arrêtée par le président de la CAO. "
    "Il ne peut plus être modifié."
)


@dataclass(frozen=True)
class MemberRow:
    name: str
    role: str


@dataclass(frozen=True)
class DecisionRow:
    id: uuid.UUID
    contract_id: uuid.UUID
    reference: str
    object: str
    supplier: str
    amount: Decimal | None
    end_date: dt.date | None
    score: int | None
    priority: Priority | None
    targeted: bool
    actions: list[str]  # lever codes
    comment: str
    review_done: bool | None
    review_comment: str
    version: int

    @property
    def action_titles(self) -> list[str]:
        return [LEVERS_BY_CODE[a].title if a in LEVERS_BY_CODE else a for a in self.actions]


@dataclass(frozen=True)
class CommitteeView:
    id: uuid.UUID | None  # None: no session recorded yet for this year
    organisation_id: uuid.UUID
    organisation: str
    year: int
    meeting_date: dt.date | None
    place: str
    closed: bool
    notes: str
    members: list[MemberRow]
    decisions: list[DecisionRow]
    bilan: list[DecisionRow]  # decisions of the CAD of year - 1
    version: int | None

    @property
    def targeted(self) -> list[DecisionRow]:
        return [d for d in self.decisions if d.targeted]


@dataclass(frozen=True)
class CloseResult:
    targeted: int
    checklist_updated: bool  # False when the clause library is not installed


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def is_president(role: str) -> bool:
    folded = _fold(role)
    return "president" in folded and "cao" in folded


def _committee(session: Session, organisation_id: uuid.UUID, year: int) -> Committee | None:
    return session.scalar(
        select(Committee).where(Committee.organisation_id == organisation_id, Committee.year == year)
    )


def _decisions(session: Session, committee: Committee | None) -> list[DecisionRow]:
    if committee is None:
        return []
    rows = session.execute(
        select(CommitteeDecision, Contract, Supplier.name)
        .join(Contract, Contract.id == CommitteeDecision.contract_id)
        .outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(CommitteeDecision.committee_id == committee.id)
        .order_by(Contract.end_date, Contract.reference)
    ).all()
    scores = {
        a.contract_id: a
        for a in session.scalars(
            select(Assessment)
            .where(
                Assessment.contract_id.in_([c.id for _d, c, _s in rows]), Assessment.year <= committee.year
            )
            .order_by(Assessment.year)
        )
        if a.score is not None
    }
    totals = {
        f.id: f.total_with_amendments
        for f in contracts_facts(session, committee.organisation_id, [c.id for _d, c, _s in rows])
    }
    out = []
    for decision, contract, supplier in rows:
        assessment = scores.get(contract.id)
        out.append(
            DecisionRow(
                id=decision.id,
                contract_id=contract.id,
                reference=contract.reference,
                object=contract.object,
                supplier=supplier or "",
                amount=totals.get(contract.id),
                end_date=contract.end_date,
                score=assessment.score if assessment else None,
                priority=assessment.priority if assessment else None,
                targeted=decision.targeted,
                actions=list(decision.actions or []),
                comment=decision.comment or "",
                review_done=decision.review_done,
                review_comment=decision.review_comment or "",
                version=decision.version,
            )
        )
    return out


def committee_view(db: Database, organisation_id: uuid.UUID, year: int) -> CommitteeView:
    with db.session(write=False) as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound("Collectivité introuvable dans ce fichier.")
        committee = _committee(session, organisation_id, year)
        members = []
        if committee is not None:
            members = [
                MemberRow(m.name, m.role)
                for m in session.scalars(
                    select(CommitteeMember)
                    .where(CommitteeMember.committee_id == committee.id)
                    .order_by(CommitteeMember.created_at, CommitteeMember.name)
                )
            ]
        return CommitteeView(
            id=committee.id if committee else None,
            organisation_id=organisation_id,
            organisation=org.name,
            year=year,
            meeting_date=committee.meeting_date if committee else None,
            place=(committee.place or "") if committee else "",
            closed=bool(committee and committee.closed),
            notes=(committee.notes or "") if committee else "",
            members=members,
            decisions=_decisions(session, committee),
            bilan=_decisions(session, _committee(session, organisation_id, year - 1)),
            version=committee.version if committee else None,
        )


def _open_committee(session: Session, organisation_id: uuid.UUID, year: int) -> Committee:
    committee = _committee(session, organisation_id, year)
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
    expected_version: int | None = None,
) -> CommitteeView:
    """Create or update the CAD session of ``year`` and replace its list of members."""
    cleaned = [MemberRow(m.name.strip(), m.role.strip()) for m in members if m.name.strip()]
    if meeting_date is not None and meeting_date.year != year:
        raise ValidationError(
            f"La séance du CAD {year} doit se tenir en {year} (date saisie : {meeting_date:%d/%m/%Y}).",
            field="meeting_date",
        )
    with db.session() as session:
        committee = _open_committee(session, organisation_id, year)
        if expected_version is not None and committee.version != expected_version:
            raise ConcurrentEdit(
                f"La séance du CAD {year} a été modifiée entre-temps sur un autre poste. Rechargez l'écran."
            )
        committee.meeting_date = meeting_date
        committee.place = place.strip() or None
        committee.notes = notes.strip() or None
        for old in session.scalars(
            select(CommitteeMember).where(CommitteeMember.committee_id == committee.id)
        ):
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
    return committee_view(db, organisation_id, year)


def present_due_contracts(db: Database, organisation_id: uuid.UUID, year: int) -> int:
    """Put on the agenda every contract due at this CAD (ending next year); returns how many were added."""
    due = due_list(db, organisation_id, year)
    with db.session() as session:
        committee = _open_committee(session, organisation_id, year)
        present = set(
            session.scalars(
                select(CommitteeDecision.contract_id).where(CommitteeDecision.committee_id == committee.id)
            )
        )
        added = 0
        for row in due.to_present:
            if row.contract_id not in present:
                session.add(CommitteeDecision(committee_id=committee.id, contract_id=row.contract_id))
                added += 1
        return added


def present_contract(db: Database, organisation_id: uuid.UUID, year: int, contract_id: uuid.UUID) -> None:
    with db.session() as session:
        committee = _open_committee(session, organisation_id, year)
        contract = session.get(Contract, contract_id)
        if contract is None or contract.organisation_id != organisation_id:
            raise NotFound("Ce marché n'existe pas pour cette collectivité.")
        exists = session.scalar(
            select(CommitteeDecision.id).where(
                CommitteeDecision.committee_id == committee.id, CommitteeDecision.contract_id == contract_id
            )
        )
        if exists is None:
            session.add(CommitteeDecision(committee_id=committee.id, contract_id=contract_id))


def _decision(session: Session, decision_id: uuid.UUID) -> CommitteeDecision:
    decision = session.get(CommitteeDecision, decision_id)
    if decision is None:
        raise NotFound("Cette décision n'existe plus dans le fichier.")
    return decision


def record_decision(
    db: Database,
    decision_id: uuid.UUID,
    *,
    targeted: bool,
    actions: Sequence[str] = (),
    comment: str = "",
    expected_version: int | None = None,
) -> None:
    """The committee's decision on one presented contract: targeted or not, and the chosen levers."""
    unknown = [a for a in actions if a not in LEVERS_BY_CODE]
    if unknown:
        raise ValidationError(f"Action inconnue : « {unknown[0]} ».", field="actions")
    if targeted and not actions:
        raise ValidationError(
            "Un marché ciblé doit recevoir au moins une action : cochez les leviers retenus.", field="actions"
        )
    with db.session() as session:
        decision = _decision(session, decision_id)
        committee = session.get(Committee, decision.committee_id)
        if committee.closed:
            raise ValidationError(CLOSED_MESSAGE.format(year=committee.year))
        if expected_version is not None and decision.version != expected_version:
            raise ConcurrentEdit(
                "Cette décision a été modifiée entre-temps sur un autre poste. Rechargez l'écran."
            )
        decision.targeted = targeted
        decision.actions = list(dict.fromkeys(actions)) if targeted else []
        decision.comment = comment.strip() or None


def withdraw_contract(db: Database, decision_id: uuid.UUID) -> None:
    with db.session() as session:
        decision = _decision(session, decision_id)
        committee = session.get(Committee, decision.committee_id)
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
    with db.session() as session:
        committee = _committee(session, organisation_id, year)
        if committee is None:
            raise ValidationError(f"Aucune séance du CAD {year} n'est enregistrée.")
        if committee.closed:
            raise ValidationError(CLOSED_MESSAGE.format(year=year))
        if committee.meeting_date is None:
            raise ValidationError(
                "Saisissez la date de la séance avant de clôturer le CAD.", field="meeting_date"
            )
        members = session.scalars(
            select(CommitteeMember).where(CommitteeMember.committee_id == committee.id)
        ).all()
        if not any(is_president(m.role) for m in members):
            raise ValidationError(
                f"Ajoutez le président de la CAO aux membres (rôle « {PRESIDENT_ROLE} ») : "
                "c'est lui qui arrête la liste des marchés ciblés.",
                field="members",
            )
        decisions = session.scalars(
            select(CommitteeDecision).where(CommitteeDecision.committee_id == committee.id)
        ).all()
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
    expected_version: int | None = None,
) -> None:
    """The bilan of a decision taken the year before: were the actions carried out, and why (not)."""
    if done is False and not comment.strip():
        raise ValidationError(
            "Indiquez pourquoi l'action n'a pas été réalisée : le bilan du CAD le demande.", field="comment"
        )
    with db.session() as session:
        decision = _decision(session, decision_id)
        if expected_version is not None and decision.version != expected_version:
            raise ConcurrentEdit("Ce bilan a été modifié entre-temps sur un autre poste. Rechargez l'écran.")
        decision.review_done = done
        decision.review_comment = comment.strip() or None


# --- demo -------------------------------------------------------------------------------------

DEMO_MEMBERS = (
    ("Jean Dufour", PRESIDENT_ROLE),
    ("Claire Martin", "Acheteuse, secrétaire du CAD"),
    ("Sophie Girard", "Adjointe au développement durable"),
    ("Marc Lambert", "Directeur des services techniques"),
)

_REVIEWS = (
    (True, "Clause intégrée au dossier de consultation et exécutée."),
    (False, "Aucune structure d'insertion n'a répondu au sourçage."),
    (True, "Réalisé ; à reconduire au prochain renouvellement."),
    (None, ""),
)


def add_demo_committees(db: Database, *, today: dt.date, stamp: dt.datetime, seed: int = 5) -> None:
    """Demo: last year's CAD (closed, with decisions and their bilan), this year's session being
    prepared, and assessments of next year's renewals."""
    from app.services.cotation import add_demo_cotation

    rng = random.Random(seed)

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    stamps = {"created_at": stamp, "updated_at": stamp}
    with db.session() as session:
        for org in session.scalars(select(Organisation).order_by(Organisation.name)).all():
            add_demo_cotation(session, org.id, today, stamp, new_id, year=today.year - 1, every=3)
            add_demo_cotation(session, org.id, today, stamp, new_id, year=today.year)
            last = Committee(
                id=new_id(),
                organisation_id=org.id,
                year=today.year - 1,
                meeting_date=dt.date(today.year - 1, 10, 14),
                place="Salle du conseil municipal",
                closed=True,
                **stamps,
            )
            current = Committee(
                id=new_id(),
                organisation_id=org.id,
                year=today.year,
                meeting_date=dt.date(today.year, 11, 19),
                place="Salle du conseil municipal",
                closed=False,
                **stamps,
            )
            session.add_all([last, current])
            session.flush()
            for committee in (last, current):
                for index, (name, role) in enumerate(DEMO_MEMBERS):
                    session.add(
                        CommitteeMember(
                            id=new_id(),
                            committee_id=committee.id,
                            name=name,
                            role=role,
                            created_at=stamp + dt.timedelta(seconds=index),
                            updated_at=stamp,
                        )
                    )
            renewed = session.scalars(
                select(Contract)
                .where(Contract.organisation_id == org.id, Contract.recurrent.is_(True))
                .order_by(Contract.end_date, Contract.reference)
            ).all()
            presented = [c for c in renewed if c.end_date and c.end_date.year == today.year][:6]
            choices = (
                ["insertion_clause", "social_clauses"],
                ["ecological_criteria", "impact_reporting"],
                ["sme_advance", "allotment"],
                ["right_need"],
            )
            for index, contract in enumerate(presented):
                targeted = index % 3 != 2
                done, review = _REVIEWS[index % len(_REVIEWS)] if targeted else (None, "")
                session.add(
                    CommitteeDecision(
                        id=new_id(),
                        committee_id=last.id,
                        contract_id=contract.id,
                        targeted=targeted,
                        actions=choices[index % len(choices)] if targeted else [],
                        comment="Priorité du SPASER." if targeted else "Marché trop proche de son échéance.",
                        review_done=done,
                        review_comment=review or None,
                        **stamps,
                    )
                )
        session.flush()
